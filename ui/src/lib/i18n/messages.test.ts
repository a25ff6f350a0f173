import { describe, expect, it } from "vitest";
import { catalogs, hasMessage, interpolate, LOCALES, message } from "./messages";
import { vi } from "./vi";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  it("have the same keys in every language, none empty", () => {
    const keys = Object.keys(vi).sort();
    for (const locale of LOCALES) {
      expect(Object.keys(catalogs[locale]).sort()).toEqual(keys);
      for (const [key, text] of Object.entries(catalogs[locale])) {
        expect(text.trim(), `${locale}:${key}`).not.toBe("");
      }
    }
  });

  it("use the same placeholders in every language", () => {
    for (const key of Object.keys(vi) as (keyof typeof vi)[]) {
      expect(placeholders(catalogs.en[key]), key).toEqual(placeholders(vi[key]));
    }
  });

  it("store Vietnamese text in NFC, as the rest of the system does", () => {
    for (const [key, text] of Object.entries(vi)) {
      expect(text, key).toBe(text.normalize("NFC"));
    }
  });

  it("really are Vietnamese by default: labels carry diacritics", () => {
    expect(vi["list.col.ownerId"]).toBe("Số định danh");
    expect(message("vi", "list.emptyStore")).toMatch(/^Chưa có hồ sơ nào/);
  });
});

describe("interpolate", () => {
  it("fills named placeholders, numbers included", () => {
    expect(interpolate("{count} hồ sơ", { count: 3 })).toBe("3 hồ sơ");
    expect(message("en", "detail.versionBy", { actor: "an", at: "01/02/2026 10:00" })).toBe("an · 01/02/2026 10:00");
  });

  it("leaves a placeholder with no value visible", () => {
    expect(interpolate("Phiên bản {number}", {})).toBe("Phiên bản {number}");
  });

  it("does not treat replacement patterns in values specially", () => {
    expect(interpolate("{x}", { x: "$& $1" })).toBe("$& $1");
  });
});

describe("hasMessage", () => {
  it("knows catalogue keys and rejects inherited properties", () => {
    expect(hasMessage("kind.id-card")).toBe(true);
    expect(hasMessage("kind.vehicle")).toBe(false);
    expect(hasMessage("toString")).toBe(false);
  });
});
