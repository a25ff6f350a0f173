import { describe, expect, it } from "vitest";
import { formatBytes, formatDateTime, shortHash } from "./format";

describe("formatDateTime", () => {
  it("shows Vietnamese time whatever offset the value carries", () => {
    expect(formatDateTime("2026-11-21T02:15:02Z")).toBe("21/11/2026 09:15");
    expect(formatDateTime("2026-11-21T09:15:02+07:00")).toBe("21/11/2026 09:15");
    expect(formatDateTime("2026-12-31T20:30:00Z")).toBe("01/01/2027 03:30");
  });

  it("shows an unparsable value unchanged rather than 'Invalid Date'", () => {
    expect(formatDateTime("hôm qua")).toBe("hôm qua");
  });
});

describe("formatBytes", () => {
  it("uses each language's decimal separator", () => {
    expect(formatBytes(1536, "vi")).toBe("1,5 KB");
    expect(formatBytes(1536, "en")).toBe("1.5 KB");
    expect(formatBytes(512, "en")).toBe("512 B");
    expect(formatBytes(5 * 1024 * 1024, "en")).toBe("5 MB");
  });
});

describe("shortHash", () => {
  it("keeps both ends of a long digest", () => {
    const h = "a".repeat(8) + "0".repeat(48) + "b".repeat(8);
    expect(shortHash(h)).toBe("aaaaaaaa…bbbbbbbb");
    expect(shortHash("abc")).toBe("abc");
  });
});
