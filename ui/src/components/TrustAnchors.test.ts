import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { TrustCertificate } from "../lib/api/types";

const FP_ROOT = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
const FP_DESK = "12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0";

const cert = (o: Partial<TrustCertificate>): TrustCertificate => ({
  file: "root.pem",
  source: "installed",
  removable: false,
  subject_cn: "RootCA chuyên dùng Chính phủ G2",
  subject_o: "Ban Cơ yếu Chính phủ",
  issuer_cn: "RootCA chuyên dùng Chính phủ G2",
  not_before: "2019-01-01T00:00:00Z",
  not_after: "2040-01-01T00:00:00Z",
  fingerprint: FP_ROOT,
  anchor: true,
  ca: true,
  expired: false,
  expiring: false,
  ...o,
});

const desk = cert({
  file: "1234567890abcdef.pem",
  source: "desk",
  removable: true,
  subject_cn: "CA phục vụ các cơ quan Nhà nước G2",
  anchor: false,
  fingerprint: FP_DESK,
  expiring: true,
  not_after: "2026-12-31T00:00:00Z",
});

const api = mock.hoisted(() => ({
  trustAnchors: mock.fn(async (): Promise<TrustCertificate[]> => []),
  inspectCertificate: mock.fn(async (_path: string): Promise<TrustCertificate[]> => []),
  installTrustAnchor: mock.fn(async (_path: string, _fp: string): Promise<TrustCertificate | undefined> => undefined),
  removeTrustAnchor: mock.fn(async (_fp: string) => {}),
}));
mock.mock("../lib/api/client", async (original) => ({ ...(await original<object>()), ...api }));

const { default: TrustAnchors } = await import("./TrustAnchors.svelte");

describe("TrustAnchors", () => {
  it("lists both directories, highlights an expiring certificate and offers removal only for desk-installed ones", async () => {
    api.trustAnchors.mockResolvedValueOnce([cert({}), desk]);
    render(TrustAnchors);
    const rows = await screen.findAllByTestId("trust-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText("Gốc")).toBeTruthy();
    expect(within(rows[0]!).getByText("Bộ cài đặt")).toBeTruthy();
    expect(within(rows[0]!).queryByTestId("trust-remove")).toBeNull();
    expect(rows[1]!.classList.contains("expiring")).toBe(true);
    expect(within(rows[1]!).getByText("Sắp hết hạn")).toBeTruthy();
    expect(within(rows[1]!).getByText("Trung gian")).toBeTruthy();
    expect(within(rows[1]!).getByText(FP_DESK)).toBeTruthy();

    api.trustAnchors.mockResolvedValueOnce([cert({})]);
    await fireEvent.click(within(rows[1]!).getByTestId("trust-remove"));
    expect(screen.getByTestId("trust-confirm-remove").textContent).toContain("CA phục vụ các cơ quan Nhà nước G2");
    await fireEvent.click(screen.getByTestId("trust-remove-yes"));
    expect(api.removeTrustAnchor).toHaveBeenCalledWith(FP_DESK);
    await waitFor(() => expect(screen.getAllByTestId("trust-row")).toHaveLength(1));
    expect(screen.getByTestId("trust-notice").textContent).toContain("Đã gỡ");
  });

  it("installs a file only when the fingerprint pasted from the issuer's publication matches it", async () => {
    api.trustAnchors.mockResolvedValueOnce([]);
    render(TrustAnchors);
    expect(await screen.findByTestId("trust-none")).toBeTruthy();
    const candidate = cert({ source: "file", file: "/media/usb/rootcag2.crt" });
    api.inspectCertificate.mockResolvedValueOnce([candidate]);
    await fireEvent.input(screen.getByTestId("trust-path"), { target: { value: " /media/usb/rootcag2.crt " } });
    await fireEvent.click(screen.getByTestId("trust-inspect"));
    expect(api.inspectCertificate).toHaveBeenCalledWith("/media/usb/rootcag2.crt");
    expect((await screen.findByTestId("trust-candidate-fp")).textContent).toBe(FP_ROOT);
    expect(api.installTrustAnchor).not.toHaveBeenCalled();

    const install = screen.getByTestId("trust-install") as HTMLButtonElement;
    expect(install.disabled).toBe(true);
    // One character off: refused before anything is sent.
    const pasted = screen.getByTestId("trust-published");
    await fireEvent.input(pasted, { target: { value: FP_ROOT.slice(0, -1) + (FP_ROOT.endsWith("0") ? "1" : "0") } });
    expect(screen.getByTestId("trust-match").textContent).toContain("Không khớp");
    expect(install.disabled).toBe(true);
    // The publication's own spelling (lower case, spaces) is fine.
    const published = FP_ROOT.toLowerCase().replaceAll(":", " ");
    await fireEvent.input(pasted, { target: { value: published } });
    expect(install.disabled).toBe(false);

    api.installTrustAnchor.mockResolvedValueOnce({ ...candidate, source: "desk", removable: true });
    api.trustAnchors.mockResolvedValueOnce([{ ...candidate, source: "desk", removable: true }]);
    await fireEvent.click(install);
    expect(api.installTrustAnchor).toHaveBeenCalledWith("/media/usb/rootcag2.crt", published);
    await waitFor(() => expect(screen.getAllByTestId("trust-row")).toHaveLength(1));
    expect(screen.queryByTestId("trust-candidate")).toBeNull();
  });

  it("shows the engine's refusal of an end-entity certificate", async () => {
    api.trustAnchors.mockResolvedValueOnce([]);
    render(TrustAnchors);
    api.inspectCertificate.mockRejectedValueOnce({
      code: "trust.end_entity",
      message: "«Nguyễn Văn An» là chứng thư của người dùng/cơ quan, không phải của tổ chức cấp chứng thư (CA)",
      message_en: "not a CA certificate",
    });
    await fireEvent.input(screen.getByTestId("trust-path"), { target: { value: "/tmp/leaf.der" } });
    await fireEvent.click(screen.getByTestId("trust-inspect"));
    const banner = await screen.findByTestId("error-banner");
    expect(banner.dataset.errorCode).toBe("trust.end_entity");
    expect(screen.queryByTestId("trust-install")).toBeNull();
  });
});
