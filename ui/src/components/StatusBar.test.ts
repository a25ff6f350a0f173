import { render, screen } from "@testing-library/svelte";
import { flushSync } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { DeskStatus } from "../lib/api/types";
import { setLocale } from "../lib/i18n/index.svelte";
import StatusBar from "./StatusBar.svelte";

afterEach(() => setLocale("vi"));

function status(over: Partial<DeskStatus> = {}): DeskStatus {
  return {
    scanner: { state: "ready", devices: 2, label: "Fujitsu fi-7160" },
    token: {
      state: "present",
      label: "VGCA Token",
      holder: "Công an xã An Thạnh 3",
      not_after: "2027-06-30T16:59:59Z",
      days_left: 220,
      pin_locked: false,
    },
    vault: { training: false, queued: 3, failed: 0, delivered: 41, last_error: null },
    ocr: { queued: 5, done: 12, total: 17 },
    ...over,
  };
}

const text = (id: string) => screen.getByTestId(id).textContent?.replace(/\s+/g, " ").trim();

describe("StatusBar", () => {
  it("shows scanner, token holder and expiry, vault queue and OCR progress", () => {
    render(StatusBar, { props: { status: status() } });
    expect(text("status-scanner")).toBe("Máy quét Fujitsu fi-7160 (+1)");
    expect(text("status-token")).toBe("Thiết bị ký số Công an xã An Thạnh 3 · hết hạn 30/06/2027");
    expect(text("status-vault")).toBe("Kho dữ liệu chờ gửi 3 · đã nhận 41");
    expect(text("status-ocr")).toBe("Nhận dạng chữ 12/17 trang");
    expect(screen.getByTestId("status-token").className).toContain("ok");
  });

  it("marks a pulled token, a locked PIN and a certificate about to expire", () => {
    const { rerender } = render(StatusBar, {
      props: { status: status({ token: { ...status().token, state: "absent", holder: null, label: null } }) },
    });
    expect(text("status-token")).toBe("Thiết bị ký số Chưa cắm");
    expect(screen.getByTestId("status-token").className).toContain("bad");
    rerender({ status: status({ token: { ...status().token, days_left: 12 } }) });
    expect(text("status-token")).toBe("Thiết bị ký số Công an xã An Thạnh 3 · còn 12 ngày");
    expect(screen.getByTestId("status-token").className).toContain("warn");
    rerender({ status: status({ token: { ...status().token, pin_locked: true } }) });
    expect(text("status-token")).toContain("PIN bị khóa");
    expect(screen.getByTestId("status-token").className).toContain("bad");
  });

  it("says training, failures and idle OCR, in English too", () => {
    render(StatusBar, {
      props: {
        status: status({
          scanner: { state: "demo_only", devices: 1, label: "Máy quét mô phỏng" },
          vault: { training: true, queued: 0, failed: 2, delivered: 0, last_error: "connection refused" },
          ocr: { queued: 0, done: 4, total: 4 },
        }),
      },
    });
    expect(text("status-scanner")).toBe("Máy quét Chỉ có máy quét mô phỏng");
    expect(text("status-vault")).toBe("Kho dữ liệu Tập huấn (cục bộ) · chờ gửi 0 · lỗi 2 · đã nhận 0");
    expect(text("status-ocr")).toBe("Nhận dạng chữ Rảnh");
    setLocale("en");
    flushSync();
    expect(text("status-vault")).toBe("Vault Training (local) · 0 waiting · 2 failed · 0 received");
    expect(text("status-scanner")).toBe("Scanner Demo scanner only");
  });
});
