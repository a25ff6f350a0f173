import { describe, expect, it } from "vitest";
import type { Preset } from "./api/types";
import { blankPreset, presetProblems } from "./presetRules";

const preset = (o: Partial<Preset>): Preset => ({
  id: "cmnd-form",
  name_vi: "Tờ khai CMND",
  source: "adf-duplex",
  mode: "color",
  dpi: 300,
  width_mm: 210,
  height_mm: 297,
  scale_percent: 100,
  legal_copy: true,
  ...o,
});

describe("presetProblems", () => {
  it("passes a Decree 30 legal copy and flags each rule it breaks", () => {
    expect(presetProblems([preset({})], 0)).toEqual([]);
    expect(presetProblems([preset({ mode: "gray" })], 0)).toEqual(["presets.errNotColour"]);
    expect(presetProblems([preset({ dpi: 150 })], 0)).toEqual(["presets.errLowDpi"]);
    expect(presetProblems([preset({ scale_percent: 90 })], 0)).toEqual(["presets.errScale"]);
  });

  it("lets a draft be grey and low resolution, but not outside 75–1200 dpi", () => {
    expect(presetProblems([preset({ legal_copy: false, mode: "gray", dpi: 100 })], 0)).toEqual([]);
    expect(presetProblems([preset({ legal_copy: false, dpi: 2400 })], 0)).toEqual(["presets.errDpi"]);
  });

  it("asks for whole numbers and a scale of 1–100 % on every row, as the engine does", () => {
    expect(presetProblems([preset({ legal_copy: false, dpi: 150.5 })], 0)).toEqual(["presets.errDpi"]);
    expect(presetProblems([preset({ legal_copy: false, scale_percent: 0 })], 0)).toEqual(["presets.errScaleRange"]);
    expect(presetProblems([preset({ legal_copy: false, scale_percent: 150 })], 0)).toEqual(["presets.errScaleRange"]);
    expect(presetProblems([preset({ legal_copy: false, scale_percent: 50 })], 0)).toEqual([]);
  });

  it("flags a repeated or malformed id on the later row, a missing name and a half-given size", () => {
    const rows = [preset({}), preset({ name_vi: " " }), preset({ id: "Giấy" })];
    expect(presetProblems(rows, 0)).toEqual([]);
    expect(presetProblems(rows, 1)).toEqual(["presets.errId", "presets.errName"]);
    expect(presetProblems(rows, 2)).toEqual(["presets.errId"]);
    expect(presetProblems([preset({ height_mm: null })], 0)).toEqual(["presets.errSize"]);
    expect(presetProblems([preset({ width_mm: null, height_mm: null })], 0)).toEqual([]);
  });

  it("makes a new row with a free id that only needs its name", () => {
    const rows = [preset({ id: "mau-2" })];
    const fresh = blankPreset(rows);
    expect(fresh.id).toBe("mau-3");
    expect(presetProblems([...rows, fresh], 1)).toEqual(["presets.errName"]);
  });
});
