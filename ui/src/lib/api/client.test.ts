import { describe, expect, it } from "vitest";
import { CommandError, toCommandError } from "./client";

describe("toCommandError", () => {
  it("keeps the shell's code and both messages", () => {
    const e = toCommandError({ code: "not_found", message: "Không tìm thấy hồ sơ", message_en: "record not found" });
    expect(e).toBeInstanceOf(CommandError);
    expect([e.code, e.messageVi, e.messageEn, e.message]).toEqual([
      "not_found",
      "Không tìm thấy hồ sơ",
      "record not found",
      "record not found",
    ]);
  });

  it("turns IPC-level failures (plain strings, Errors) into an 'ipc' error that still says what happened", () => {
    const s = toCommandError("Command list_records not allowed by ACL");
    expect(s.code).toBe("ipc");
    expect(s.messageEn).toContain("not allowed by ACL");
    const e = toCommandError(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    expect(e.code).toBe("ipc");
    expect(e.messageVi).toContain("__TAURI_INTERNALS__");
  });

  it("does not mistake a partial object for a shell error", () => {
    expect(toCommandError({ code: "x" }).code).toBe("ipc");
  });
});
