import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { Statistics } from "../lib/api/types";

const counts = { records: 0, pages: 0, info_only: 0 };
const stats = (from: string, to: string): Statistics => ({
  from,
  to,
  totals: counts,
  per_day: [],
  per_officer: [],
  per_doc_type: [],
  queue: { queued: 0, retrying: 0, failed: 0, delivered: 0, delivered_in_period: 0 },
  year: {
    year: 2026,
    as_of: to,
    target: null,
    target_invalid: null,
    digitized: 0,
    pages: 0,
    share_percent: null,
    remaining: null,
    remaining_working_days: 0,
    needed_per_working_day: null,
  },
  batches: [],
});

const api = mock.hoisted(() => ({ statistics: mock.fn(async (from: string, to: string) => stats(from, to)) }));
mock.mock("../lib/api/client", async (original) => ({ ...(await original<object>()), ...api }));

const { default: DashboardView } = await import("./DashboardView.svelte");

describe("DashboardView period", () => {
  it("takes the period day first and asks the engine in ISO", async () => {
    render(DashboardView, { props: { onclose: mock.fn() } });
    await mock.waitFor(() => expect(api.statistics).toHaveBeenCalledTimes(1));
    const [from, to] = api.statistics.mock.calls[0]!;
    expect((screen.getByTestId("dash-from") as HTMLInputElement).value).toBe(`${from.slice(8)}/${from.slice(5, 7)}/${from.slice(0, 4)}`);
    expect((screen.getByTestId("dash-to") as HTMLInputElement).value).toBe(`${to.slice(8)}/${to.slice(5, 7)}/${to.slice(0, 4)}`);

    await fireEvent.input(screen.getByTestId("dash-from"), { target: { value: "01/02/2026" } });
    await fireEvent.input(screen.getByTestId("dash-to"), { target: { value: "29-2-2026" } });
    expect(screen.getByTestId("dash-to-problem").textContent?.trim()).toBe("Không có ngày 29-2-2026 trên lịch");
    expect((screen.getByTestId("dash-show") as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId("dash-export") as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.input(screen.getByTestId("dash-to"), { target: { value: "31/01/2026" } });
    expect(screen.getByTestId("dash-range-problem").textContent).toBe("“Từ ngày” phải trước hoặc bằng “Đến ngày”");
    expect((screen.getByTestId("dash-show") as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.input(screen.getByTestId("dash-to"), { target: { value: "28.02.2026" } });
    expect(screen.queryByTestId("dash-range-problem")).toBeNull();
    await fireEvent.click(screen.getByTestId("dash-show"));
    expect(api.statistics).toHaveBeenLastCalledWith("2026-02-01", "2026-02-28");
  });
});

describe("DashboardView per officer", () => {
  it("names desk accounts by their display name and marks logins with no account here", async () => {
    api.statistics.mockImplementationOnce(async (from: string, to: string) => ({
      ...stats(from, to),
      per_officer: [
        { login: "luutru", display_name: "Cán bộ lưu trữ", local_account: true, records: 3, pages: 5, info_only: 0 },
        { login: "unknown", display_name: "unknown", local_account: false, records: 1, pages: 1, info_only: 0 },
      ],
    }));
    render(DashboardView, { props: { onclose: mock.fn() } });
    const rows = await screen.findAllByRole("row");
    const officers = rows.filter((r) => r.closest("[data-testid=dash-officers]") && r.querySelector("td"));
    expect(officers.map((r) => r.querySelector("td")?.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "Cán bộ lưu trữ",
      "unknown · không có tài khoản trên máy này (dòng lệnh)",
    ]);
  });
});
