import { describe, expect, it } from "vitest";
import { dossierFilters, EMPTY_FILTERS, isFiltered, PAGE_SIZE, toQuery } from "./filters";

describe("toQuery", () => {
  it("sends only what was set, with paging", () => {
    expect(toQuery(EMPTY_FILTERS)).toEqual({ trash: false, limit: PAGE_SIZE, offset: 0 });
    expect(toQuery({ text: "  an ", kind: "id-card", trash: true }, 200, 50)).toEqual({
      text: "an",
      kind: "id-card",
      trash: true,
      limit: 50,
      offset: 200,
    });
  });

  it("normalises decomposed Vietnamese to NFC before it reaches the engine", () => {
    const decomposed = "Nguyễn".normalize("NFD");
    expect(decomposed).not.toBe("Nguyễn");
    expect(toQuery({ ...EMPTY_FILTERS, text: decomposed }).text).toBe("Nguyễn");
  });

  it("treats blank text as no filter", () => {
    expect(isFiltered({ ...EMPTY_FILTERS, text: "   " })).toBe(false);
    expect(isFiltered({ ...EMPTY_FILTERS, kind: "residence" })).toBe(true);
  });
});

describe("dossier filter", () => {
  it("asks the engine for one dossier's papers, the other filters cleared", () => {
    const f = dossierFilters("HS-20261122-134652");
    expect(f).toEqual({ text: "", kind: "", trash: false, dossier: "HS-20261122-134652" });
    expect(toQuery(f)).toEqual({ trash: false, dossier: "HS-20261122-134652", limit: PAGE_SIZE, offset: 0 });
    expect(isFiltered(f)).toBe(true);
    expect(toQuery({ ...f, dossier: undefined })).not.toHaveProperty("dossier");
  });
});
