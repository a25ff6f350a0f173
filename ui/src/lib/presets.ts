/** The scan preset a record kind's papers are usually scanned with (ids from scanner-profiles/presets.toml). */
export const PRESET_FOR: Record<string, string> = { "id-card": "cmnd-form", residence: "residence-dossier" };
