import type { ScannerChoices } from "./api/types";

/** The scan preset a record kind's papers are usually scanned with (ids from scanner-profiles/presets.toml). */
export const PRESET_FOR: Record<string, string> = {
  "id-card": "cmnd-form",
  residence: "residence-dossier",
  // Papers handed in at the counter: A4, often printed both sides, colour for seals (Decree 30).
  procedure: "residence-dossier",
};

/** The scanner a counter scan uses by default: the desk's own one first, the demo scanner next; a watched
 * folder (a network scanner's drop share) only when nothing else is there — it is for batches. */
export function deskScanner(devices: ScannerChoices["devices"]): string {
  const attached = devices.find((d) => d.id !== "demo" && d.driver !== "folder");
  return attached?.id ?? devices.find((d) => d.id === "demo")?.id ?? devices[0]?.id ?? "";
}
