// What the officer set above the record list, and how it becomes the engine's query.
import type { ListQuery } from "./api/types";

export interface Filters {
  text: string;
  kind: string;
  trash: boolean;
  /** A dossier number (`archival.file_notation`) the list is narrowed to, set from a record's detail. */
  dossier?: string;
}

export const EMPTY_FILTERS: Filters = { text: "", kind: "", trash: false };

/** One page of the list: enough to fill the screen many times over while keeping each IPC answer small. */
export const PAGE_SIZE = 200;

/**
 * Builds the `list_records` argument. Text is NFC-normalised because Vietnamese typed through some input methods
 * (or pasted from TCVN-era documents) arrives decomposed, while the store keeps NFC: without this "Nguyễn"
 * typed one way would not find "Nguyễn" stored the other way.
 */
export function toQuery(filters: Filters, offset = 0, limit = PAGE_SIZE): ListQuery {
  const text = filters.text.normalize("NFC").trim();
  return {
    ...(text ? { text } : {}),
    ...(filters.kind ? { kind: filters.kind } : {}),
    trash: filters.trash,
    ...(filters.dossier ? { dossier: filters.dossier } : {}),
    limit,
    offset,
  };
}

export function isFiltered(filters: Filters): boolean {
  return filters.text.trim() !== "" || filters.kind !== "" || !!filters.dossier;
}

/** The list narrowed to one dossier's papers: search, kind and trash start afresh, as for a new question. */
export function dossierFilters(dossier: string): Filters {
  return { ...EMPTY_FILTERS, dossier };
}
