import { fireEvent, render, screen } from "@testing-library/svelte";
import { flushSync } from "svelte";
import { afterEach, describe, expect, it, vi as mock } from "vitest";
import { setLocale } from "../lib/i18n/index.svelte";
import LoginScreen from "./LoginScreen.svelte";

afterEach(() => setLocale("vi"));

const failed = { code: "auth.failed", message: "Tên đăng nhập hoặc mật khẩu không đúng", message_en: "wrong login" };

async function fill(login: string, password: string) {
  await fireEvent.input(screen.getByTestId("login-name"), { target: { value: login } });
  await fireEvent.input(screen.getByTestId("login-password"), { target: { value: password } });
  await fireEvent.click(screen.getByTestId("login-submit"));
}

describe("LoginScreen", () => {
  it("is in Vietnamese first and submits the login and password", async () => {
    const submit = mock.fn(async () => {});
    render(LoginScreen, { props: { training: false, submit } });
    expect(screen.getByRole("heading").textContent).toBe("Đăng nhập");
    expect(screen.getByText("Tên đăng nhập")).toBeTruthy();
    expect(screen.queryByTestId("login-training-hint")).toBeNull();
    await fill("canbo", "taphuan-canbo");
    expect(submit).toHaveBeenCalledWith("canbo", "taphuan-canbo");
  });

  it("asks for both fields before calling the shell", async () => {
    const submit = mock.fn(async () => {});
    render(LoginScreen, { props: { training: false, submit } });
    await fill("canbo", "");
    expect(submit).not.toHaveBeenCalled();
    expect(screen.getByTestId("login-error").textContent?.trim()).toBe("Nhập tên đăng nhập và mật khẩu.");
  });

  it("shows the shell's refusal in the chosen language and clears the password", async () => {
    const submit = mock.fn(async () => {
      throw failed;
    });
    render(LoginScreen, { props: { training: true, submit } });
    await fill("canbo", "sai");
    await mock.waitFor(() => expect(screen.getByTestId("login-error").dataset.errorCode).toBe("auth.failed"));
    expect(screen.getByTestId("login-error").textContent?.trim()).toBe(failed.message);
    expect((screen.getByTestId("login-password") as HTMLInputElement).value).toBe("");
    setLocale("en");
    flushSync();
    expect(screen.getByTestId("login-error").textContent?.trim()).toBe("wrong login");
    expect(screen.getByRole("heading").textContent).toBe("Sign in");
  });

  it("names the training accounts only in training mode", () => {
    render(LoginScreen, { props: { training: true, submit: async () => {} } });
    expect(screen.getByTestId("login-training-hint").textContent).toContain("taphuan-canbo");
  });
});
