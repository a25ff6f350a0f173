import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { AppInfo, UserInfo } from "../lib/api/types";
import HeaderBar from "./HeaderBar.svelte";

const info: AppInfo = { version: "0.1.0", data_dir: "/srv/sohoa", record_count: 4, training_mode: true };
const user = (role: UserInfo["role"], permissions: UserInfo["permissions"]): UserInfo => ({
  login: role,
  display_name: "Trần Văn Bình",
  role,
  permissions,
});

describe("HeaderBar", () => {
  it("shows the training badge on the login screen, before anyone signs in", () => {
    render(HeaderBar, { props: { info: null, training: true } });
    expect(screen.getByTestId("training-badge").textContent).toBe("Chế độ tập huấn");
    expect(screen.queryByTestId("session-user")).toBeNull();
  });

  it("shows who is signed in, the role, lock and sign-out", () => {
    render(HeaderBar, {
      props: { info, user: user("officer", ["view_records", "scan"]), onlock: () => {}, onlogout: () => {}, onverify: () => {} },
    });
    expect(screen.getByTestId("session-role").textContent).toBe("Cán bộ tiếp nhận");
    expect(screen.getByTestId("lock-button").textContent).toBe("Khóa màn hình");
    expect(screen.getByTestId("logout-button").textContent).toBe("Đăng xuất");
    expect(screen.queryByTestId("audit-verify-button"), "an officer may not verify the audit log").toBeNull();
  });

  it("offers the audit check to a supervisor", () => {
    render(HeaderBar, {
      props: { info, user: user("supervisor", ["view_records", "view_audit"]), onverify: () => {} },
    });
    expect(screen.getByTestId("session-role").textContent).toBe("Lãnh đạo kiểm duyệt");
    expect(screen.getByTestId("audit-verify-button").textContent).toBe("Kiểm tra nhật ký");
    expect(screen.queryByTestId("users-button"), "accounts are the administrator's").toBeNull();
  });

  it("offers the accounts screen to an administrator", () => {
    render(HeaderBar, {
      props: { info, user: user("administrator", ["view_records", "manage_users"]), onusers: () => {} },
    });
    expect(screen.getByTestId("users-button").textContent).toBe("Tài khoản");
  });
});
