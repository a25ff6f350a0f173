import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { SigningToken, SigningTokens } from "../lib/api/types";

const token = (o: Partial<SigningToken>): SigningToken => ({
  kind: "pkcs11",
  sign_key: "pkcs11:/usr/lib/libeTPkcs11.so#CA-XA",
  label: "CA-XA",
  serial: "0A1B2C3D",
  module: "/usr/lib/libeTPkcs11.so",
  manufacturer: "SafeNet",
  model: "eToken",
  card_present: true,
  pin_locked: false,
  certificates: [{ holder: "Công an xã Thử", issuer: "CN=CA G2", not_after: "2028-06-30T00:00:00Z", days_left: 586, expired: false }],
  ...o,
});

const found = (tokens: SigningToken[]): SigningTokens => ({
  modules: [
    { path: "/usr/lib/libeTPkcs11.so", error: null, error_code: null },
    { path: "/usr/lib/broken.so", error: "Không nạp được thư viện", error_code: "sign.module_load" },
  ],
  tokens,
  pcsc_error: null,
  timed_out: false,
});

const api = mock.hoisted(() => ({ signingTokens: mock.fn(async (): Promise<SigningTokens | undefined> => undefined) }));
mock.mock("../lib/api/client", async (original) => ({ ...(await original<object>()), ...api }));

const { default: SigningTokensView } = await import("./SigningTokens.svelte");

describe("SigningTokens", () => {
  it("lists tokens with holder, serial and expiry, and choosing one hands back its sign_key", async () => {
    api.signingTokens.mockResolvedValueOnce(
      found([token({}), token({ sign_key: "pkcs11:/usr/lib/libeTPkcs11.so#KHOA", label: "KHOA", pin_locked: true })]),
    );
    const onchoose = mock.fn();
    render(SigningTokensView, { props: { selected: "", onchoose } });
    const rows = await screen.findAllByTestId("token-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByTestId("token-holder").textContent).toBe("Công an xã Thử");
    expect(within(rows[0]!).getByText("0A1B2C3D")).toBeTruthy();
    expect(rows[0]!.textContent).toContain("30/06/2028");
    expect(rows[0]!.textContent).toContain("còn 586 ngày");
    expect((within(rows[1]!).getByTestId("token-use") as HTMLButtonElement).disabled).toBe(true);
    expect(within(rows[1]!).getByText("PIN đã khóa")).toBeTruthy();
    expect(screen.getByTestId("token-module-error").textContent).toContain("/usr/lib/broken.so");

    await fireEvent.click(within(rows[0]!).getByTestId("token-use"));
    expect(onchoose).toHaveBeenCalledWith("pkcs11:/usr/lib/libeTPkcs11.so#CA-XA");
    expect(screen.getByTestId("tokens-chosen-hint")).toBeTruthy();
  });

  it("marks the configured key and says so when nothing is plugged in", async () => {
    api.signingTokens.mockResolvedValueOnce(found([token({})]));
    render(SigningTokensView, { props: { selected: "pkcs11:/usr/lib/libeTPkcs11.so#CA-XA", onchoose: () => {} } });
    expect(await screen.findByTestId("token-chosen")).toBeTruthy();

    const before = api.signingTokens.mock.calls.length;
    api.signingTokens.mockResolvedValueOnce(found([]));
    await fireEvent.click(screen.getByTestId("tokens-refresh"));
    expect(await screen.findByTestId("tokens-none")).toBeTruthy();
    expect(api.signingTokens).toHaveBeenCalledTimes(before + 1);
  });
});
