//! The record list narrowed to one reception dossier (`archival.file_notation`, `HS-YYYYMMDD-HHMMSS`), in the
//! dossier's own order (`archival.doc_ordinal`).
//!
//! Why not the plain text search: it turns `HS-20261122-134652` into three independent prefix terms (`hs*`,
//! `20261122*`, `134652*`) that may be found anywhere in a record, so a paper of another dossier of the same day
//! that mentions a number starting with `134652` matches too, and the hits come back ranked by bm25, not in
//! the dossier's order. The index still narrows the candidates (every paper of the dossier carries its number
//! in its search text); the exact comparison on the stored field decides.

use sohoa_store::{ListFilter, RecordRow};

use crate::{Engine, EngineError};

impl Engine {
    /// Live (or, with the filter's trash setting, trashed) records whose dossier number is exactly
    /// `dossier_no`, optionally also matching every word of `text`, by `doc_ordinal` (papers without one
    /// last, oldest first); the filter's offset and limit apply to that order.
    pub(crate) fn dossier_rows(
        &self,
        dossier_no: &str,
        text: Option<&str>,
        filter: &ListFilter,
    ) -> Result<Vec<RecordRow>, EngineError> {
        let wanted = sohoa_core::text::clean_text(dossier_no);
        let query = match text {
            Some(t) => format!("{wanted} {}", sohoa_core::text::clean_text(t)),
            None => wanted.clone(),
        };
        // Every candidate: the page applies after the exact comparison and the reordering.
        let all = ListFilter {
            limit: 0,
            offset: 0,
            ..filter.clone()
        };
        let mut rows: Vec<(u32, RecordRow)> = self
            .store
            .search(&query, &all)?
            .into_iter()
            .filter(|row| notation(row) == Some(wanted.as_str()))
            .map(|row| (ordinal(&row).unwrap_or(u32::MAX), row))
            .collect();
        rows.sort_by(|(a, ra), (b, rb)| a.cmp(b).then_with(|| ra.created_at.cmp(&rb.created_at)));
        let limit = if filter.limit == 0 {
            usize::MAX
        } else {
            filter.limit as usize
        };
        Ok(rows
            .into_iter()
            .map(|(_, row)| row)
            .skip(filter.offset as usize)
            .take(limit)
            .collect())
    }
}

fn notation(row: &RecordRow) -> Option<&str> {
    row.metadata.pointer("/archival/file_notation")?.as_str()
}

fn ordinal(row: &RecordRow) -> Option<u32> {
    let v = row.metadata.pointer("/archival/doc_ordinal")?.as_u64()?;
    u32::try_from(v).ok()
}
