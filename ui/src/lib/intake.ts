// The reception checklist of a procedure dossier, as rows the officer edits before receiving it. Pure functions, so
// the rules the screen applies while typing are tested without a window; the engine applies the same rules again.
import type { ChecklistPaper, DossierChecklist, DossierIntake, PaperStatus, ReceivedDossier } from "./api/types";

export interface PaperRow {
  slot: number | null;
  /** Null for a paper the checklist does not name (added by the officer). */
  listed: ChecklistPaper | null;
  /** The officer's name for an added paper; listed papers keep the catalogue's. */
  name: string;
  docType: string;
  status: PaperStatus;
  /** As typed: empty means not counted. */
  sheets: string;
}

export const MAX_SHEETS = 1000;

/** Required papers start as handed in (the usual case at the counter); optional ones and the result as not. */
export function rowsFor(list: DossierChecklist): PaperRow[] {
  return list.papers.map((p) => ({
    slot: p.slot,
    listed: p,
    name: "",
    docType: p.doc_types[0]?.code ?? "",
    status: p.required ? "paper" : "missing",
    sheets: "",
  }));
}

export function extraRow(docType: string): PaperRow {
  return { slot: null, listed: null, name: "", docType, status: "paper", sheets: "" };
}

/** Names of required papers neither handed in nor held electronically. */
export function missingRequired(rows: PaperRow[], locale: "vi" | "en" = "vi"): string[] {
  return rows
    .filter((r) => r.listed?.required && r.status === "missing")
    .map((r) => (locale === "vi" ? r.listed!.name_vi : r.listed!.name_en));
}

/** `null` when the typed count is empty or a whole number 1–1000. */
export function sheetsProblem(text: string): "format" | "range" | null {
  const s = text.trim();
  if (s === "") return null;
  if (!/^\d+$/.test(s)) return "format";
  const n = Number.parseInt(s, 10);
  return n >= 1 && n <= MAX_SHEETS ? null : "range";
}

/** Why the dossier cannot be received yet, or null. */
export function intakeBlocker(rows: PaperRow[]): "missing" | "nothing" | "sheets" | "name" | null {
  if (missingRequired(rows).length > 0) return "missing";
  if (rows.some((r) => r.status === "paper" && sheetsProblem(r.sheets) !== null)) return "sheets";
  if (rows.some((r) => r.listed === null && r.status === "paper" && r.name.trim() === "")) return "name";
  if (!rows.some((r) => r.status === "paper")) return "nothing";
  return null;
}

export function toIntake(ownerId: string, ownerName: string, procedure: string, rows: PaperRow[]): DossierIntake {
  return {
    owner_id: ownerId,
    owner_name: ownerName.trim() === "" ? null : ownerName.trim(),
    procedure,
    papers: rows
      .filter((r) => r.listed !== null || r.status === "paper")
      .map((r) => ({
        slot: r.slot,
        doc_type: r.docType,
        status: r.status,
        sheets: r.status === "paper" && r.sheets.trim() !== "" ? Number.parseInt(r.sheets, 10) : null,
        name: r.listed === null ? r.name.trim() : null,
      })),
  };
}

/**
 * Scanned pages against the sheets counted at the counter: fewer pages than sheets means a sheet was missed;
 * more than two per sheet means pages of another paper came in. Duplex gives one or two pages per sheet
 * (blank backs are dropped), so anything between is right.
 */
export function sheetCheck(sheets: number | null, pages: number): "unknown" | "short" | "ok" | "over" {
  if (sheets === null) return "unknown";
  if (pages < sheets) return "short";
  return pages > 2 * sheets ? "over" : "ok";
}

/** Whether a version holds the signed copy (it is dropped from every version that changes the pages). */
export function holdsSignedCopy(files: { signed_copy: boolean }[] | undefined): boolean {
  return files?.some((f) => f.signed_copy) ?? false;
}

/** A dossier opened again: each paper's page count and which are signed, as the engine found them. */
export function papersAsFound(dossier: ReceivedDossier): { pages: Record<string, number>; signed: Set<string> } {
  const pages: Record<string, number> = {};
  const signed = new Set<string>();
  for (const p of dossier.records) {
    pages[p.record.summary.id] = p.pages;
    if (p.signed) signed.add(p.record.summary.id);
  }
  return { pages, signed };
}
