import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { ReturnedRecord } from "../lib/api/types";
import { summary } from "../test/records";

/** A record the supervisor sent back for its page 2, listed at `version` (page 2 is file 3 there). */
function returnedAt(version: number): ReturnedRecord {
  return {
    summary: summary(),
    version,
    review: {
      id: 1,
      record_id: summary().id,
      version: 2,
      verdict: "rejected",
      reason: "Trang 2 mờ",
      pages: [2],
      reviewer: "truong",
      at: "2026-11-22T08:00:00+07:00",
      sampled: false,
    },
    pages: [{ ordinal: 3, number: 2 }],
  };
}

const api = mock.hoisted(() => ({
  returnedRecords: mock.fn(async (): Promise<ReturnedRecord[]> => []),
  listScanners: mock.fn(async () => ({
    devices: [{ id: "test:0", name: "Máy quét thử", driver: "sane", duplex: false }],
    presets: [{ id: "cmnd-form", name_vi: "Tờ khai", dpi: 300, legal_copy: true, duplex: false }],
  })),
  rescanPage: mock.fn(async (): Promise<unknown> => {
    throw { code: "store.version_conflict", message: "Hồ sơ vừa được thay đổi ở nơi khác", message_en: "changed elsewhere" };
  }),
}));
mock.mock("../lib/api/client", async (original) => ({ ...(await original<object>()), ...api }));

const { default: ReturnedView } = await import("./ReturnedView.svelte");

describe("ReturnedView", () => {
  it("rescans the page of the version on screen and, when the record changed since, shows it as it is now", async () => {
    api.returnedRecords.mockImplementationOnce(async () => [returnedAt(3)]).mockImplementation(async () => [returnedAt(4)]);
    render(ReturnedView, { props: { onclose: mock.fn() } });
    const button = (await screen.findByTestId("rescan-page")) as HTMLButtonElement;
    await mock.waitFor(() => expect(button.disabled).toBe(false));
    await fireEvent.click(button);

    await mock.waitFor(() => expect(api.rescanPage).toHaveBeenCalledTimes(1));
    expect(api.rescanPage).toHaveBeenCalledWith(summary().id, 3, 3, "test:0", "cmnd-form");
    expect((await screen.findByRole("alert")).textContent).toContain("Hồ sơ vừa được thay đổi ở nơi khác");
    await mock.waitFor(() => expect(api.returnedRecords).toHaveBeenCalledTimes(2));
    expect(screen.getByRole("img").getAttribute("src")).toContain("/4/3");
    expect(screen.queryByTestId("returned-done")).toBeNull();
  });
});
