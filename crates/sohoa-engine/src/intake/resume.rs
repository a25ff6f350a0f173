//! A received dossier opened again: the officer closed the counter screen (or the desk restarted) before
//! every paper was scanned and signed, and goes on from the record list. The dossier is found from its
//! records (the same number in `archival.file_notation`, see `dossier_list`), and what the intake said of
//! each paper (its checklist slot, which were held electronically) from the intake's audit entry, so
//! nothing has to be typed twice.

use serde_json::Value as Json;
use sohoa_store::{ListFilter, RecordRow, TrashFilter};

use super::{ReceivedDossier, ReceivedPaper};
use crate::records::decode_meta;
use crate::{Engine, EngineError};

impl Engine {
    /// The dossier record `id` was received in, with each live paper's pages and signature as they are
    /// now; `None` for a record not received as part of a dossier, or in the trash.
    pub fn dossier_of(&self, id: &str) -> Result<Option<ReceivedDossier>, EngineError> {
        let row = self.store.get_record(&self.store.resolve_id(id)?)?;
        if row.trashed_at.is_some() {
            return Ok(None);
        }
        let meta = decode_meta(&row)?;
        let (Some(no), Some(procedure)) = (meta.archival.file_notation.clone(), meta.procedure_code.clone())
        else {
            return Ok(None);
        };
        let live = ListFilter {
            trash: TrashFilter::Exclude,
            kind: None,
            owner_id: None,
            limit: 0,
            offset: 0,
        };
        // Already in the dossier's order.
        let papers = self.dossier_rows(&no, None, &live)?;
        let intake = self.intake_entry(&papers)?;
        let mut records = Vec::with_capacity(papers.len());
        for r in papers {
            let m = decode_meta(&r)?;
            let record = self.record_detail(&r.id)?;
            let current = record
                .versions
                .iter()
                .find(|v| Some(v.number) == record.summary.current_version);
            let pages = current.map_or(0, |v| {
                v.files
                    .iter()
                    .filter(|f| f.media_type.starts_with("image/"))
                    .count() as u32
            });
            let signed = current.is_some_and(|v| v.files.iter().any(|f| f.signed_copy));
            records.push(ReceivedPaper {
                slot: intake.as_ref().and_then(|i| i.slot_of(&r.id)),
                ordinal: m.archival.doc_ordinal.unwrap_or(0),
                doc_type: r.doc_type_code.clone().unwrap_or_default(),
                name: m.doc_name.clone().unwrap_or_else(|| record.summary.title.clone()),
                sheets: m.archival.number_of_sheets,
                pages,
                signed,
                record,
            });
        }
        Ok(Some(ReceivedDossier {
            dossier_no: no,
            procedure,
            records,
            electronic: intake.map(|i| i.electronic()).unwrap_or_default(),
        }))
    }

    /// The `dossier.intake` entry of the dossier, written against its first record.
    fn intake_entry(&self, papers: &[RecordRow]) -> Result<Option<IntakeEntry>, EngineError> {
        for r in papers {
            let found = self
                .store
                .audit_entries(Some(&r.id))?
                .into_iter()
                .rev()
                .find(|e| e.action == "dossier.intake");
            if let Some(e) = found {
                return Ok(Some(IntakeEntry(e.details)));
            }
        }
        Ok(None)
    }
}

/// The intake's audit details: the papers in the order given with their status, and the records made for
/// those handed in on paper, in the same order.
struct IntakeEntry(Json);

impl IntakeEntry {
    fn papers(&self) -> impl Iterator<Item = &Json> {
        self.0
            .get("papers")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
    }

    fn slot_of(&self, record: &str) -> Option<u32> {
        let index = self
            .0
            .get("records")?
            .as_array()?
            .iter()
            .position(|r| r.as_str() == Some(record))?;
        let paper = self
            .papers()
            .filter(|p| p.get("status").and_then(Json::as_str) == Some("paper"))
            .nth(index)?;
        paper.get("slot")?.as_u64().and_then(|s| u32::try_from(s).ok())
    }

    fn electronic(&self) -> Vec<u32> {
        self.papers()
            .filter(|p| p.get("status").and_then(Json::as_str) == Some("electronic"))
            .filter_map(|p| p.get("slot")?.as_u64().and_then(|s| u32::try_from(s).ok()))
            .collect()
    }
}
