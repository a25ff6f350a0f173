import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi as mock } from "vitest";
import { CommandError } from "../lib/api/client";
import { setLocale } from "../lib/i18n/index.svelte";
import PinDialog from "./PinDialog.svelte";

afterEach(() => setLocale("vi"));

describe("PinDialog", () => {
  it("hands the PIN over once and clears the field", async () => {
    const onsubmit = mock.fn();
    render(PinDialog, { props: { onsubmit, oncancel: () => {} } });
    const pin = screen.getByTestId("sign-pin") as HTMLInputElement;
    expect(pin.type).toBe("password");
    expect((screen.getByTestId("sign-submit") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(pin, { target: { value: "246810" } });
    await fireEvent.click(screen.getByTestId("sign-submit"));
    expect(onsubmit).toHaveBeenCalledWith("246810");
    expect(pin.value).toBe("");
  });

  it("shows the token's refusal inside the dialog, in the chosen language", async () => {
    const error = new CommandError({ code: "sign.wrong_pin", message: "Sai mã PIN", message_en: "wrong PIN" });
    render(PinDialog, { props: { error, onsubmit: () => {}, oncancel: () => {} } });
    const shown = screen.getByTestId("sign-error");
    expect(shown.dataset.errorCode).toBe("sign.wrong_pin");
    expect(shown.textContent?.trim()).toBe("Sai mã PIN");
    setLocale("en");
    await Promise.resolve();
    expect(screen.getByTestId("sign-error").textContent?.trim()).toBe("wrong PIN");
  });

  it("is not submitted while the token is signing", async () => {
    const onsubmit = mock.fn();
    render(PinDialog, { props: { busy: true, onsubmit, oncancel: () => {} } });
    await fireEvent.input(screen.getByTestId("sign-pin"), { target: { value: "1" } });
    await fireEvent.submit(screen.getByTestId("sign-pin").closest("form")!);
    expect(onsubmit).not.toHaveBeenCalled();
  });
});
