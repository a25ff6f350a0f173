import { afterEach, describe, expect, it } from "vitest";
import { i18n, kindLabel, pick, setLocale, t } from "./index.svelte";

afterEach(() => setLocale("vi"));

describe("locale switching", () => {
  it("starts in Vietnamese and switches every lookup to English", () => {
    expect(i18n.locale).toBe("vi");
    expect(t("list.col.ownerName")).toBe("Chủ hồ sơ");
    setLocale("en");
    expect(t("list.col.ownerName")).toBe("Owner name");
    expect(document.documentElement.lang).toBe("en");
  });

  it("remembers the choice for the next start", () => {
    setLocale("en");
    expect(localStorage.getItem("sohoa.locale")).toBe("en");
  });

  it("picks bilingual engine labels by locale, falling back to Vietnamese", () => {
    expect(pick("Họ và tên", "Full name")).toBe("Họ và tên");
    setLocale("en");
    expect(pick("Họ và tên", "Full name")).toBe("Full name");
    expect(pick("Họ và tên", "")).toBe("Họ và tên");
  });

  it("labels kinds: the engine's Vietnamese wording first, unknown kinds by code", () => {
    expect(kindLabel("id-card", "Hồ sơ cấp CMND/CCCD")).toBe("Hồ sơ cấp CMND/CCCD");
    expect(kindLabel("id-card")).toBe("Hồ sơ CMND/CCCD");
    setLocale("en");
    expect(kindLabel("id-card", "Hồ sơ cấp CMND/CCCD")).toBe("ID-card dossier");
    expect(kindLabel("vehicle")).toBe("vehicle");
  });
});
