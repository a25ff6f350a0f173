import { fireEvent, render, screen } from "@testing-library/svelte";
import { flushSync } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DoctorCheck, DoctorReport } from "../lib/api/types";
import { setLocale } from "../lib/i18n/index.svelte";
import DoctorView from "./DoctorView.svelte";

afterEach(() => setLocale("vi"));

function check(id: string, status: DoctorCheck["status"], fix: boolean): DoctorCheck {
  return {
    id,
    title_vi: `Mục ${id}`,
    title_en: `Item ${id}`,
    status,
    detail: `chi tiết ${id}`,
    fix_vi: fix ? `Cài gói cho ${id}` : null,
    fix_en: fix ? `Install the package for ${id}` : null,
    data: null,
    elapsed_ms: 12,
  };
}

function report(checks: DoctorCheck[]): DoctorReport {
  const count = (s: DoctorCheck["status"]) => checks.filter((c) => c.status === s).length;
  return {
    ok: count("fail") === 0,
    training_mode: true,
    data_dir: "/tmp/d",
    app_version: "0.1.0",
    counts: { ok: count("ok"), warn: count("warn"), fail: count("fail") },
    checks,
  };
}

describe("DoctorView", () => {
  it("lists failures first with their fix, then warnings, then what passed", () => {
    const r = report([check("ocr", "ok", false), check("pcscd", "warn", true), check("data_dir", "fail", true)]);
    render(DoctorView, { props: { report: r, onrecheck: () => {} } });
    const rows = screen.getAllByTestId("doctor-check");
    expect(rows.map((e) => e.dataset.checkId)).toEqual(["data_dir", "pcscd", "ocr"]);
    expect(screen.getByTestId("doctor-summary").textContent?.trim()).toBe("Còn 1 mục phải khắc phục.");
    const fixes = screen.getAllByTestId("doctor-fix").map((e) => e.textContent?.replace(/\s+/g, " ").trim());
    expect(fixes).toEqual(["Cách khắc phục: Cài gói cho data_dir", "Cách khắc phục: Cài gói cho pcscd"]);
  });

  it("says the desk is ready when nothing failed, and switches to English", () => {
    render(DoctorView, { props: { report: report([check("ocr", "ok", false), check("vault", "warn", true)]), onrecheck: () => {} } });
    expect(screen.getByTestId("doctor-summary").textContent?.trim()).toBe("Máy trạm làm việc được; 1 mục cần lưu ý.");
    setLocale("en");
    flushSync();
    expect(screen.getByTestId("doctor-summary").textContent?.trim()).toBe("The workstation can work; 1 item(s) need attention.");
    expect(screen.getByText("Item vault")).toBeTruthy();
    expect(screen.getByTestId("doctor-fix").textContent).toContain("Install the package for vault");
  });

  it("re-runs on request and disables the buttons while a check runs", async () => {
    const onrecheck = vi.fn();
    const oncontinue = vi.fn();
    const { rerender } = render(DoctorView, { props: { report: null, running: true, onrecheck, oncontinue } });
    expect((screen.getByTestId("doctor-recheck") as HTMLButtonElement).disabled).toBe(true);
    await rerender({ report: report([check("ocr", "ok", false)]), running: false, onrecheck, oncontinue });
    await fireEvent.click(screen.getByTestId("doctor-recheck"));
    await fireEvent.click(screen.getByTestId("doctor-continue"));
    expect(onrecheck).toHaveBeenCalledOnce();
    expect(oncontinue).toHaveBeenCalledOnce();
  });
});
