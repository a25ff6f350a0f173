import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import { CommandError } from "../lib/api/client";
import ScreenHeader from "./ScreenHeader.svelte";

describe("ScreenHeader", () => {
  it("names the view's heading and close button after the view, and clears the error it is bound to", async () => {
    const onclose = mock.fn();
    const error = new CommandError({ code: "review.busy", message: "Đang bận", message_en: "Busy" });
    const props = $state({ name: "review", title: "Duyệt hồ sơ", onclose, error: error as CommandError | null });
    render(ScreenHeader, { props });
    expect(screen.getByRole("heading", { level: 1 }).id).toBe("review-title");
    expect(screen.getByRole("heading").textContent).toBe("Duyệt hồ sơ");
    await fireEvent.click(screen.getByTestId("review-close"));
    expect(onclose).toHaveBeenCalledOnce();
    expect(screen.getByTestId("error-message").textContent).toBe("Đang bận");
    await fireEvent.click(screen.getByRole("button", { name: "Đóng" }));
    expect(props.error).toBeNull();
    expect(screen.queryByTestId("error-banner")).toBeNull();
  });
});
