import { describe, expect, it, vi } from "vitest";
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

const tauri = vi.hoisted(() => ({ invoke: vi.fn(async (_cmd: string, _args?: unknown) => ({})) }));
vi.mock("@tauri-apps/api/core", () => tauri);

describe("page operation commands", () => {
  it("use the shell's command and argument names", async () => {
    const { mergeCandidates, mergeRecords, scanRecord, splitRecord } = await import("./client");
    await splitRecord("r1", 2, 3);
    await mergeRecords("r1", "r2", null);
    await mergeCandidates("r1");
    await scanRecord({ record: "r1", device: "test:0", preset: "p", max_pages: null, insert_at: 1 });
    expect(tauri.invoke.mock.calls).toEqual([
      ["split_record", { record: "r1", at: 2, version: 3 }],
      ["merge_records", { target: "r1", source: "r2", version: null }],
      ["merge_candidates", { record: "r1" }],
      ["scan_record", { request: { record: "r1", device: "test:0", preset: "p", max_pages: null, insert_at: 1 } }],
    ]);
  });
});
