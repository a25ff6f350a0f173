//! Receiving a citizen's procedure dossier at the counter (tiếp nhận hồ sơ thủ tục hành chính).
//!
//! The procedure's papers (thành phần hồ sơ, `procedures.toml`) become a checklist. Each paper the citizen
//! hands in on paper becomes one result record: the storage key is `<owner>.<document type>` (seed 002), so
//! one record per paper, all sharing the dossier's number (`archival.file_notation`) and numbered in the
//! dossier's order (`archival.doc_ordinal`), with the sheets the officer counted (`archival.number_of_sheets`)
//! for the count check after scanning. A paper the agency already holds electronically is not scanned again;
//! a required paper that is neither handed in nor held stops the intake, because a one-stop desk does not
//! receive an incomplete dossier, it tells the citizen what is missing.
//!
//! Every record is validated before the first is stored; if storing one fails (a full disk), the ones
//! already stored go to the trash with the reason, so a retry does not leave a half dossier behind.

mod error;
mod resume;

use std::sync::Mutex;

use chrono::{FixedOffset, NaiveDateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sohoa_core::catalog::{Procedure, ProcedureDomain};
use sohoa_core::record::RecordMeta;

use crate::{DocTypeOption, Engine, EngineError, NewRecordRequest, RecordDetail};

pub use error::IntakeError;

/// The most sheets one paper may declare: beyond any dossier a counter receives, below typing slips.
const MAX_SHEETS: u32 = 1000;

/// One procedure's checklist as the reception screen shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DossierChecklist {
    pub procedure: String,
    pub name_vi: String,
    pub name_en: String,
    pub domain: ProcedureDomain,
    pub results_only: bool,
    /// The legal text the papers follow; `None` when the catalogue lists no papers for the procedure, and
    /// the officer adds what the citizen brought.
    pub source: Option<String>,
    pub papers: Vec<ChecklistPaper>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChecklistPaper {
    /// 1-based position in the checklist; what an intake refers to.
    pub slot: u32,
    pub name_vi: String,
    pub name_en: String,
    pub required: bool,
    /// The procedure's result, scanned when it is handed back (or, for archived dossiers, with the rest).
    pub result: bool,
    /// The types that satisfy the paper, the usual one first.
    pub doc_types: Vec<DocTypeOption>,
}

/// Where a paper of the checklist stands at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaperStatus {
    /// Handed in on paper: a record is made and the paper is scanned into it.
    Paper,
    /// Already held electronically by the agency (national databases, an earlier dossier): not scanned.
    Electronic,
    Missing,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IntakePaper {
    /// The checklist slot; `None` for a paper the checklist does not name.
    pub slot: Option<u32>,
    pub doc_type: String,
    pub status: PaperStatus,
    pub sheets: Option<u32>,
    /// The paper's name as written on it; defaults to the checklist's (or the type's) name.
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DossierIntake {
    pub owner_id: String,
    #[serde(default)]
    pub owner_name: Option<String>,
    pub procedure: String,
    pub papers: Vec<IntakePaper>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReceivedPaper {
    pub slot: Option<u32>,
    /// Position in the dossier (`archival.doc_ordinal`).
    pub ordinal: u32,
    pub doc_type: String,
    pub name: String,
    pub sheets: Option<u32>,
    /// Page images in the record's current version (none at intake).
    pub pages: u32,
    /// Whether the current version holds the signed copy.
    pub signed: bool,
    pub record: RecordDetail,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReceivedDossier {
    /// The dossier's number, written on the receipt and shared by its records (`archival.file_notation`).
    pub dossier_no: String,
    pub procedure: String,
    pub records: Vec<ReceivedPaper>,
    /// Checklist slots the agency already held electronically.
    pub electronic: Vec<u32>,
}

impl Engine {
    /// Every procedure's checklist, in catalogue order.
    pub fn dossier_checklists(&self) -> Vec<DossierChecklist> {
        self.catalogs()
            .procedures()
            .map(|p| self.checklist_of(p))
            .collect()
    }

    fn checklist_of(&self, p: &Procedure) -> DossierChecklist {
        let option = |code: &str| {
            let t = self.catalogs().document_type(code);
            DocTypeOption {
                code: code.to_owned(),
                name_vi: t.map_or_else(|| code.to_owned(), |t| t.name_vi.clone()),
                name_en: t.map_or_else(|| code.to_owned(), |t| t.name_en.clone()),
            }
        };
        let mut papers: Vec<ChecklistPaper> = p
            .papers
            .iter()
            .map(|paper| ChecklistPaper {
                slot: 0,
                name_vi: paper.name_vi.clone(),
                name_en: paper.name_en.clone(),
                required: paper.required,
                result: false,
                doc_types: paper.doc_types.iter().map(|c| option(c)).collect(),
            })
            .collect();
        let result = option(&p.result_doc_type);
        papers.push(ChecklistPaper {
            slot: 0,
            name_vi: format!("Kết quả giải quyết: {}", result.name_vi),
            name_en: format!("Result: {}", result.name_en),
            required: p.results_only,
            result: true,
            doc_types: vec![result],
        });
        for (i, paper) in papers.iter_mut().enumerate() {
            paper.slot = i as u32 + 1;
        }
        DossierChecklist {
            procedure: p.code.clone(),
            name_vi: p.name_vi.clone(),
            name_en: p.name_en.clone(),
            domain: p.domain,
            results_only: p.results_only,
            source: p.papers_source.clone(),
            papers,
        }
    }

    pub(crate) fn receive_dossier_by(
        &self,
        actor: &sohoa_store::Actor,
        intake: &DossierIntake,
    ) -> Result<ReceivedDossier, EngineError> {
        let procedure = self
            .catalogs()
            .procedure(&intake.procedure)
            .ok_or_else(|| IntakeError::UnknownProcedure(intake.procedure.clone()))?;
        let checklist = self.checklist_of(procedure);
        check_papers(&checklist, intake)?;
        let dossier_no = next_dossier_no();
        let mut planned: Vec<(&IntakePaper, String, RecordMeta)> = Vec::new();
        for (i, paper) in intake
            .papers
            .iter()
            .filter(|p| p.status == PaperStatus::Paper)
            .enumerate()
        {
            let name = paper_name(&checklist, paper, self);
            let ordinal = i as u32 + 1;
            let mut fields = vec![
                ("procedure".to_owned(), checklist.procedure.clone()),
                ("doc_name".to_owned(), name.clone()),
                (
                    "summary".to_owned(),
                    format!("{name} — hồ sơ {}", checklist.name_vi),
                ),
                ("archival.file_notation".to_owned(), dossier_no.clone()),
                ("archival.doc_ordinal".to_owned(), ordinal.to_string()),
            ];
            if let Some(n) = paper.sheets {
                fields.push(("archival.number_of_sheets".to_owned(), n.to_string()));
            }
            if let Some(owner) = intake.owner_name.as_deref().filter(|n| !n.trim().is_empty()) {
                fields.push(("owner_name".to_owned(), owner.to_owned()));
            }
            let meta = self.checked_meta(&NewRecordRequest {
                kind: "result".to_owned(),
                owner_id: Some(intake.owner_id.clone()),
                doc_type_code: Some(paper.doc_type.clone()),
                fields,
            })?;
            planned.push((paper, name, meta));
        }
        let mut records: Vec<ReceivedPaper> = Vec::with_capacity(planned.len());
        for (i, (paper, name, meta)) in planned.into_iter().enumerate() {
            match self.store_new_record(actor, &meta) {
                Ok(record) => records.push(ReceivedPaper {
                    slot: paper.slot,
                    ordinal: i as u32 + 1,
                    doc_type: paper.doc_type.trim().to_ascii_uppercase(),
                    name,
                    sheets: paper.sheets,
                    pages: 0,
                    signed: false,
                    record,
                }),
                Err(e) => {
                    self.undo_intake(actor, &dossier_no, &records);
                    return Err(e);
                }
            }
        }
        let electronic: Vec<u32> = intake
            .papers
            .iter()
            .filter(|p| p.status == PaperStatus::Electronic)
            .filter_map(|p| p.slot)
            .collect();
        let details = json!({
            "dossier_no": dossier_no,
            "procedure": checklist.procedure,
            "papers": intake.papers.iter().map(|p| json!({
                "slot": p.slot,
                "doc_type": p.doc_type,
                "status": p.status,
                "sheets": p.sheets,
            })).collect::<Vec<_>>(),
            "records": records.iter().map(|r| r.record.summary.id.clone()).collect::<Vec<_>>(),
        });
        let first = records.first().map(|r| r.record.summary.id.as_str());
        if let Err(e) = self.store.audit_append(actor, "dossier.intake", first, &details) {
            self.undo_intake(actor, &dossier_no, &records);
            return Err(e.into());
        }
        tracing::info!(dossier = %dossier_no, procedure = %checklist.procedure, records = records.len(), "dossier received");
        Ok(ReceivedDossier {
            dossier_no,
            procedure: checklist.procedure,
            records,
            electronic,
        })
    }

    /// A half-stored dossier goes to the trash (restorable), never left looking received.
    fn undo_intake(&self, actor: &sohoa_store::Actor, dossier_no: &str, stored: &[ReceivedPaper]) {
        for r in stored {
            let reason = format!("Tiếp nhận hồ sơ {dossier_no} không hoàn tất");
            if let Err(e) = self.store.trash(actor, &r.record.summary.id, &reason) {
                tracing::error!(record = %r.record.summary.id, error = %e, "could not undo a partial intake");
            }
        }
    }
}

/// Every rule that needs only the checklist, before anything is built.
fn check_papers(checklist: &DossierChecklist, intake: &DossierIntake) -> Result<(), IntakeError> {
    let mut seen: Vec<u32> = Vec::new();
    for paper in &intake.papers {
        if let Some(n) = paper.sheets
            && !(1..=MAX_SHEETS).contains(&n)
        {
            return Err(IntakeError::Sheets {
                slot: paper.slot.unwrap_or(0),
                sheets: n,
            });
        }
        let Some(slot) = paper.slot else {
            if checklist.results_only && paper.status == PaperStatus::Paper {
                return Err(IntakeError::ResultsOnly {
                    procedure: checklist.procedure.clone(),
                });
            }
            continue;
        };
        if seen.contains(&slot) {
            return Err(IntakeError::DuplicateSlot { slot });
        }
        seen.push(slot);
        let listed =
            checklist
                .papers
                .iter()
                .find(|p| p.slot == slot)
                .ok_or_else(|| IntakeError::UnknownSlot {
                    procedure: checklist.procedure.clone(),
                    slot,
                })?;
        let code = paper.doc_type.trim().to_ascii_uppercase();
        if !listed.doc_types.iter().any(|t| t.code == code) {
            return Err(IntakeError::DocTypeNotExpected {
                slot,
                paper: listed.name_vi.clone(),
                doc_type: code,
                expected: listed.doc_types.iter().map(|t| t.code.clone()).collect(),
            });
        }
    }
    let held = |slot: u32| {
        intake
            .papers
            .iter()
            .any(|p| p.slot == Some(slot) && p.status != PaperStatus::Missing)
    };
    let missing: Vec<String> = checklist
        .papers
        .iter()
        .filter(|p| p.required && !held(p.slot))
        .map(|p| p.name_vi.clone())
        .collect();
    if !missing.is_empty() {
        return Err(IntakeError::RequiredMissing { names: missing });
    }
    if !intake.papers.iter().any(|p| p.status == PaperStatus::Paper) {
        return Err(IntakeError::NothingToScan);
    }
    Ok(())
}

fn paper_name(checklist: &DossierChecklist, paper: &IntakePaper, engine: &Engine) -> String {
    if let Some(name) = paper.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        return sohoa_core::text::clean_text(name);
    }
    let code = paper.doc_type.trim().to_ascii_uppercase();
    let listed = paper
        .slot
        .and_then(|s| checklist.papers.iter().find(|p| p.slot == s));
    match listed {
        // A paper several types satisfy is named by the type the citizen brought.
        Some(p) if p.doc_types.len() == 1 => p.name_vi.clone(),
        _ => engine
            .catalogs()
            .document_type(&code)
            .map_or(code, |t| t.name_vi.clone()),
    }
}

/// `HS-YYYYMMDD-HHMMSS` in Vietnam time: short enough to write on the receipt (the archival file notation
/// holds 20 characters) and ordered by time. Two intakes within one second of each other in this process
/// take the next free second; two desk processes on one data directory cannot both hold the store.
fn next_dossier_no() -> String {
    static LAST: Mutex<Option<NaiveDateTime>> = Mutex::new(None);
    let now = Utc::now();
    let mut at = FixedOffset::east_opt(7 * 3600)
        .map_or_else(|| now.naive_utc(), |vn| now.with_timezone(&vn).naive_local());
    at = at.with_nanosecond(0).unwrap_or(at);
    let mut last = LAST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(prev) = *last
        && at <= prev
    {
        at = prev + chrono::Duration::seconds(1);
    }
    *last = Some(at);
    at.format("HS-%Y%m%d-%H%M%S").to_string()
}
