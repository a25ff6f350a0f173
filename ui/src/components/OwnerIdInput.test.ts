import { render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { OwnerIdCheck } from "../lib/api/types";
import { setLocale } from "../lib/i18n/index.svelte";
import OwnerIdInput from "./OwnerIdInput.svelte";

afterEach(() => setLocale("vi"));

const valid: OwnerIdCheck = {
  valid: true,
  normalized: "038095004321",
  kind: "personal-id",
  kind_label_vi: "Số định danh cá nhân (CCCD)",
  province: "Thanh Hóa",
  birth_year: 1995,
  sex: "nam",
  code: null,
  message_vi: null,
  message_en: null,
};

describe("OwnerIdInput", () => {
  it("says what a valid personal ID encodes", () => {
    render(OwnerIdInput, { props: { value: "038095004321", check: valid } });
    const status = screen.getByTestId("owner-id-status");
    expect(status.dataset.valid).toBe("true");
    expect(status.textContent?.trim()).toBe("Số định danh cá nhân (CCCD) · sinh năm 1995 · Nam · Thanh Hóa");
  });

  it("shows the engine's reason for a rejected number, in English when chosen", () => {
    setLocale("en");
    const bad: OwnerIdCheck = {
      ...valid,
      valid: false,
      normalized: null,
      code: "id.bad_length",
      message_vi: "Số đã nhập có 11 chữ số; cần 9/10/12/13 chữ số.",
      message_en: "the number has 11 digits; expected 9/10/12/13",
    };
    render(OwnerIdInput, { props: { value: "03809500432", check: bad } });
    const status = screen.getByTestId("owner-id-status");
    expect(status.dataset.valid).toBe("false");
    expect(status.textContent?.trim()).toBe("the number has 11 digits; expected 9/10/12/13");
  });

  it("shows nothing for an empty box", () => {
    render(OwnerIdInput, { props: { value: "", check: valid } });
    expect(screen.queryByTestId("owner-id-status")).toBeNull();
  });
});
