import { fireEvent, render, screen } from "@testing-library/svelte";
import { flushSync } from "svelte";
import { describe, expect, it } from "vitest";
import DateField from "./DateField.svelte";

/** The field with a bound value the test can read back, as a parent's `bind:value` would see it. */
function field(value = "2026-11-01") {
  const props = $state({ value, label: "Từ ngày", testid: "from" });
  render(DateField, { props });
  return { props, input: screen.getByTestId("from") as HTMLInputElement };
}

describe("DateField", () => {
  it("shows the bound ISO date day first and hands back ISO for what is typed", async () => {
    const { props, input } = field();
    expect(input.value).toBe("01/11/2026");
    await fireEvent.input(input, { target: { value: "22.11.26" } });
    expect(props.value).toBe("2026-11-22");
    expect(screen.queryByTestId("from-problem")).toBeNull();
  });

  it("refuses a day that is not on the calendar as soon as it is typed", async () => {
    const { props, input } = field();
    await fireEvent.input(input, { target: { value: "31/02/2026" } });
    expect(props.value).toBe("");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("from-problem").textContent?.trim()).toBe("Không có ngày 31/02/2026 trên lịch");
  });

  it("waits for the officer to leave a half-typed date before saying how to write it", async () => {
    const { props, input } = field();
    await fireEvent.input(input, { target: { value: "22/1" } });
    expect(props.value).toBe("");
    expect(screen.queryByTestId("from-problem")).toBeNull();
    await fireEvent.blur(input);
    expect(screen.getByTestId("from-problem").textContent?.trim()).toBe("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 22/11/2026");
  });

  it("follows a value the parent sets", () => {
    const { props, input } = field();
    props.value = "2024-02-29";
    flushSync();
    expect(input.value).toBe("29/02/2024");
  });
});
