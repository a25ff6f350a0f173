import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { UserInfo } from "../lib/api/types";
import LockScreen from "./LockScreen.svelte";

const officer: UserInfo = {
  login: "canbo",
  display_name: "Nguyễn Thị Hoa",
  role: "officer",
  permissions: ["view_records", "create_record", "edit_record", "scan", "sign"],
};

describe("LockScreen", () => {
  it("names the account holding the session and its role", () => {
    render(LockScreen, { props: { user: officer, unlock: async () => {}, signOut: () => {} } });
    expect(screen.getByRole("heading").textContent).toBe("Màn hình đã khóa");
    expect(screen.getByTestId("lock-user").textContent?.trim()).toBe("Nguyễn Thị Hoa · Cán bộ tiếp nhận");
  });

  it("unlocks with the password and reports a refusal", async () => {
    let attempt = 0;
    const unlock = mock.fn(async () => {
      attempt += 1;
      if (attempt === 1) throw { code: "auth.failed", message: "Sai mật khẩu", message_en: "wrong" };
    });
    render(LockScreen, { props: { user: officer, unlock, signOut: () => {} } });
    const submit = screen.getByTestId("unlock-submit") as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("unlock-password"), { target: { value: "sai" } });
    await fireEvent.click(submit);
    await mock.waitFor(() => expect(screen.getByTestId("unlock-error").textContent?.trim()).toBe("Sai mật khẩu"));
    await fireEvent.input(screen.getByTestId("unlock-password"), { target: { value: "taphuan-canbo" } });
    await fireEvent.click(submit);
    expect(unlock).toHaveBeenLastCalledWith("taphuan-canbo");
  });

  it("lets someone else sign the holder out", async () => {
    const signOut = mock.fn();
    render(LockScreen, { props: { user: officer, unlock: async () => {}, signOut } });
    await fireEvent.click(screen.getByTestId("unlock-other-user"));
    expect(signOut).toHaveBeenCalled();
  });
});
