import { render, screen, within } from "@testing-library/svelte";
import { flushSync } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { UserView } from "../lib/api/types";
import { setLocale } from "../lib/i18n/index.svelte";
import UserTable from "./UserTable.svelte";

afterEach(() => setLocale("vi"));

const user = (o: Partial<UserView>): UserView => ({
  id: 1,
  login: "canbo",
  display_name: "Nguyễn Thị Hoa",
  role: "officer",
  role_label_vi: "Cán bộ tiếp nhận",
  disabled: false,
  locked: false,
  training: false,
  created_at: "2026-11-21T02:00:00Z",
  password_changed_at: "2026-11-21T02:00:00Z",
  ...o,
});

describe("UserTable", () => {
  it("lists accounts with role and state in Vietnamese, and relabels in English", () => {
    render(UserTable, {
      props: {
        users: [
          user({}),
          user({ id: 2, login: "giamsat", role: "supervisor", disabled: true, training: true }),
          user({ id: 3, login: "luutru", role: "archivist", locked: true }),
        ],
      },
    });
    const rows = screen.getAllByTestId("user-row");
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByText("Cán bộ tiếp nhận")).toBeTruthy();
    expect(within(rows[1]!).getByText("Đã khóa")).toBeTruthy();
    expect(within(rows[1]!).getByText("tập huấn")).toBeTruthy();
    expect(within(rows[2]!).getByText("Tạm khóa (sai mật khẩu)")).toBeTruthy();
    setLocale("en");
    flushSync();
    expect(within(rows[0]!).getByText("Reception officer")).toBeTruthy();
    expect(screen.getByRole("columnheader", { name: "Login" })).toBeTruthy();
  });
});
