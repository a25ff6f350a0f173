import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { DeskSettings } from "../lib/api/types";

const KEY = "pkcs11:/usr/lib/softhsm/libsofthsm2.so#CA-XA";

const api = mock.hoisted(() => ({
  deskSettings: mock.fn(async () => ({
    agency_code: "CAX-HN-0123",
    agency_name: "Công an xã Thử",
    vault_url: null,
    sign_key: "pkcs11:auto",
    yearly_target: null,
    sample_share: null,
  })),
  saveSettings: mock.fn(async (s: DeskSettings) => s),
  signingTokens: mock.fn(async () => ({
    modules: [{ path: "/usr/lib/softhsm/libsofthsm2.so", error: null, error_code: null }],
    tokens: [
      {
        kind: "pkcs11" as const,
        sign_key: "pkcs11:/usr/lib/softhsm/libsofthsm2.so#CA-XA",
        label: "CA-XA",
        serial: "5f3c",
        module: "/usr/lib/softhsm/libsofthsm2.so",
        manufacturer: "SoftHSM project",
        model: "SoftHSM v2",
        card_present: true,
        pin_locked: false,
        certificates: [{ holder: "Công an xã Thử", issuer: "CN=CA", not_after: "2049-12-31T00:00:00Z", days_left: 8440, expired: false }],
      },
    ],
    pcsc_error: null,
    timed_out: false,
  })),
  trustAnchors: mock.fn(async () => []),
  scanPresets: mock.fn(async () => ({ presets: [], origin: "builtin" as const, required: [] })),
}));
mock.mock("../lib/api/client", async (original) => ({ ...(await original<object>()), ...api }));

const { default: SettingsView } = await import("./SettingsView.svelte");

describe("SettingsView", () => {
  it("fills the signing key from the chosen token and saves it with the rest of the form", async () => {
    render(SettingsView, { props: { onback: () => {} } });
    const input = screen.getByTestId("settings-sign_key") as HTMLInputElement;
    await waitFor(() => expect(input.value).toBe("pkcs11:auto"));
    const row = await screen.findByTestId("token-row");
    await fireEvent.click(within(row).getByTestId("token-use"));
    expect(input.value).toBe(KEY);
    expect(within(row).getByTestId("token-chosen")).toBeTruthy();
    expect(screen.getByTestId("trust-anchors")).toBeTruthy();
    expect(screen.getByTestId("scan-presets")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("settings-save"));
    expect(api.saveSettings).toHaveBeenCalledWith(expect.objectContaining({ sign_key: KEY, agency_code: "CAX-HN-0123" }));
  });
});
