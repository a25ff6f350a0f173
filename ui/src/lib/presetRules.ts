// What the engine checks when the preset table is saved (engine `validate_presets`, sohoa-scan
// `check_decree30`), checked here too so the problem shows on its row while the administrator types; the engine
// stays the authority and refuses the table whole if this and it ever disagree.
import type { Preset } from "./api/types";
import type { MessageKey } from "./i18n/messages";

const ID = /^[a-z0-9-]+$/;
const side = (v: number | null | undefined) => v != null && v >= 10 && v <= 500;

/** The problems of row `index` of `all`, as message keys (empty when the row is fine). */
export function presetProblems(all: Preset[], index: number): MessageKey[] {
  const p = all[index];
  if (!p) return [];
  const out: MessageKey[] = [];
  const id = p.id.trim();
  if (!ID.test(id) || all.some((q, i) => i < index && q.id.trim() === id)) out.push("presets.errId");
  if (p.name_vi.trim() === "") out.push("presets.errName");
  // A whole number: the engine's dpi is an integer, a fraction would be refused as an unreadable table.
  if (!(Number.isInteger(p.dpi) && p.dpi >= 75 && p.dpi <= 1200)) out.push("presets.errDpi");
  if (!(Number.isInteger(p.scale_percent) && p.scale_percent >= 1 && p.scale_percent <= 100)) out.push("presets.errScaleRange");
  const w = p.width_mm ?? null;
  const h = p.height_mm ?? null;
  if (!((w === null && h === null) || (side(w) && side(h)))) out.push("presets.errSize");
  if (p.legal_copy) {
    // Decree 30/2020/ND-CP: colour, at least 200 dpi, 100 % — reported one at a time, as the engine does.
    if (p.mode !== "color") out.push("presets.errNotColour");
    else if (p.dpi < 200) out.push("presets.errLowDpi");
    else if (p.scale_percent !== 100) out.push("presets.errScale");
  }
  return out;
}

/** A new row that already passes: colour, 300 dpi, 100 %, a legal copy. */
export function blankPreset(all: Preset[]): Preset {
  let n = all.length + 1;
  while (all.some((p) => p.id === `mau-${n}`)) n += 1;
  return { id: `mau-${n}`, name_vi: "", source: "flatbed", mode: "color", dpi: 300, width_mm: null, height_mm: null, scale_percent: 100, legal_copy: true };
}
