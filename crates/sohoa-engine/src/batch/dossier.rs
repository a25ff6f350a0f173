//! Pending dossiers of archive batches: listed, shown, checked against the declared sheet count, saved as
//! records or discarded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sohoa_scan::Source;
use sohoa_scan::sheets::{ImageFacts, Plex, SheetDeclaration, check_sheets};
use sohoa_scan::spool::Spool;
use sohoa_store::Actor;

use super::{BatchError, batch_profile};
use crate::{Engine, EngineError, NewRecordRequest, RecordDetail};

const SIDECAR: &str = "dossier.json";

/// What the feeder run learnt about a dossier, beside its spooled pages.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Sidecar {
    pub batch_id: String,
    pub profile: String,
    /// 1-based position in the batch's feed order.
    pub index: u32,
    /// Pre-filled fields: the storage location and values from a separator barcode.
    pub fields: BTreeMap<String, String>,
    /// Per spooled page, in order: judged blank by the separator's detector.
    pub blanks: Vec<bool>,
    /// Per spooled page: the sheet number the driver gave it.
    pub sheets: Vec<u32>,
}

impl Sidecar {
    /// Temp file + fsync + rename: a crash leaves the old sidecar or the new one, never half of one.
    pub fn save(&self, dir: &Path) -> Result<(), BatchError> {
        let io = |e: std::io::Error| BatchError::Storage(format!("{}: {e}", dir.display()));
        let bytes = serde_json::to_vec(self).map_err(|e| BatchError::Storage(e.to_string()))?;
        let tmp = dir.join(format!("{SIDECAR}.tmp"));
        let mut f = std::fs::File::create(&tmp).map_err(io)?;
        std::io::Write::write_all(&mut f, &bytes).map_err(io)?;
        f.sync_all().map_err(io)?;
        std::fs::rename(&tmp, dir.join(SIDECAR)).map_err(io)
    }

    fn load(dir: &Path) -> Option<Sidecar> {
        let bytes = std::fs::read(dir.join(SIDECAR)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// A dossier formed by the feeder and waiting for the archivist.
#[derive(Debug, Clone, Serialize)]
pub struct PendingDossier {
    pub id: String,
    pub batch_id: String,
    pub profile: String,
    pub kind: String,
    pub index: u32,
    pub pages: u32,
    /// Sheets fed for it (front and back of a sheet count once).
    pub sheets: u32,
    pub blanks: Vec<bool>,
    pub duplex: bool,
    pub fields: BTreeMap<String, String>,
    /// A record was already created for it by a save that did not finish (its pages go there on retry).
    pub record_id: Option<String>,
}

/// What the archivist keyed for a dossier.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SaveDossier {
    pub owner_id: Option<String>,
    pub doc_type_code: Option<String>,
    /// Field keys of `sohoa_core::record::field_keys()`; they win over the dossier's pre-filled ones.
    pub fields: Vec<(String, String)>,
    /// Sheets written on the dossier's cover (or counted by hand); checked against the images received.
    pub declared_sheets: Option<u32>,
    /// Save although the count does not match (the archivist looked and confirmed).
    #[serde(default)]
    pub accept_count_mismatch: bool,
}

/// The sheet-count check of one dossier, as the archivist sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SheetCheck {
    pub expected_images: u32,
    pub received_images: u32,
    pub ok: bool,
    pub summary_vi: String,
    pub code: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SavedDossier {
    pub record: RecordDetail,
    pub sheet_check: Option<SheetCheck>,
    /// Position of the record in its batch (1-based).
    pub batch_seq: u32,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

impl Engine {
    fn batch_spool_root(&self) -> PathBuf {
        self.config.data_dir.join("batch-spool")
    }

    /// The directory of a pending dossier and its batch's spool root.
    fn find_dossier(&self, id: &str) -> Result<(PathBuf, Sidecar), BatchError> {
        if !valid_id(id) {
            return Err(BatchError::NoSuchDossier(id.to_owned()));
        }
        let batches = std::fs::read_dir(self.batch_spool_root())
            .map_err(|_| BatchError::NoSuchDossier(id.to_owned()))?;
        for batch in batches.flatten() {
            let dir = batch.path().join(id);
            if let Some(side) = Sidecar::load(&dir) {
                return Ok((batch.path(), side));
            }
        }
        Err(BatchError::NoSuchDossier(id.to_owned()))
    }

    /// Dossiers waiting to be saved, of one batch or of all, in batch then feed order.
    pub fn pending_dossiers(&self, batch_id: Option<&str>) -> Result<Vec<PendingDossier>, BatchError> {
        let mut roots: Vec<PathBuf> = match batch_id {
            Some(b) if valid_id(b) => vec![self.batch_root(b)],
            Some(_) => Vec::new(),
            None => std::fs::read_dir(self.batch_spool_root())
                .map(|rd| rd.flatten().map(|e| e.path()).collect())
                .unwrap_or_default(),
        };
        roots.sort();
        let mut out = Vec::new();
        for root in roots.iter().filter(|r| r.is_dir()) {
            for m in Spool::list(root)? {
                let Some(side) = Sidecar::load(&root.join(&m.id)) else {
                    continue;
                };
                let kind = batch_profile(&side.profile).map(|p| p.kind).unwrap_or_default();
                let mut sheets = side.sheets.clone();
                sheets.dedup();
                out.push(PendingDossier {
                    id: m.id.clone(),
                    batch_id: side.batch_id.clone(),
                    profile: side.profile.clone(),
                    kind: kind.to_owned(),
                    index: side.index,
                    pages: m.pages.len() as u32,
                    sheets: sheets.len() as u32,
                    blanks: side.blanks.clone(),
                    duplex: m.meta.settings.source == Source::AdfDuplex,
                    fields: side.fields.clone(),
                    record_id: m.meta.record_id.clone(),
                });
            }
        }
        out.sort_by(|a, b| a.batch_id.cmp(&b.batch_id).then(a.index.cmp(&b.index)));
        Ok(out)
    }

    /// The path of page `ordinal` (1-based) of a pending dossier, for thumbnails.
    pub fn dossier_page_image(
        &self,
        id: &str,
        ordinal: u32,
        max_px: Option<u32>,
    ) -> Result<crate::PageImage, BatchError> {
        let (root, _) = self.find_dossier(id)?;
        let spool = Spool::open(&root, id)?;
        let page = ordinal
            .checked_sub(1)
            .and_then(|i| spool.pages().get(i as usize))
            .ok_or(EngineError::NoSuchPage { version: 0, ordinal })?;
        Ok(self.image_of(&spool.page_path(page), &page.sha256, "image/png", max_px)?)
    }

    /// The count check for a declared number of sheets, without saving (shown live as the archivist types).
    pub fn dossier_sheet_check(&self, id: &str, declared: u32) -> Result<SheetCheck, BatchError> {
        let (root, side) = self.find_dossier(id)?;
        let spool = Spool::open(&root, id)?;
        Ok(sheet_check(
            &side,
            spool.manifest().meta.settings.source,
            declared,
        ))
    }

    /// Saves a pending dossier as a record of its batch: fields validated like any record, pages stored as its
    /// first version, the spool removed only after both are committed. A save interrupted after the record was
    /// created resumes on that record instead of making a second one.
    pub(crate) fn save_dossier_by(
        &self,
        actor: &Actor,
        id: &str,
        req: &SaveDossier,
    ) -> Result<SavedDossier, BatchError> {
        let (root, side) = self.find_dossier(id)?;
        let mut spool = Spool::open(&root, id)?;
        let profile = batch_profile(&side.profile)?;
        let check = req
            .declared_sheets
            .map(|n| sheet_check(&side, spool.manifest().meta.settings.source, n));
        if let Some(c) = &check
            && !c.ok
            && !req.accept_count_mismatch
        {
            return Err(BatchError::SheetCount(sohoa_scan::sheets::CountMismatch {
                expected: c.expected_images,
                received: c.received_images,
            }));
        }
        let record_id = match spool.manifest().meta.record_id.clone() {
            Some(existing) => existing,
            None => {
                let mut fields: BTreeMap<String, String> = side.fields.clone();
                for (k, v) in &req.fields {
                    fields.insert(k.clone(), v.clone());
                }
                if let Some(n) = req.declared_sheets {
                    fields.insert("archival.number_of_sheets".to_owned(), n.to_string());
                }
                let new = NewRecordRequest {
                    kind: profile.kind.to_owned(),
                    owner_id: req.owner_id.clone(),
                    doc_type_code: req.doc_type_code.clone().or(profile.doc_type.map(str::to_owned)),
                    fields: fields.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect(),
                };
                let record = self.create_record_by(actor, &new)?;
                spool.set_record(Some(record.summary.id.clone()))?;
                record.summary.id
            }
        };
        let batch_seq = match self.store.record_batch(&record_id).map_err(EngineError::from)? {
            Some(_) => self
                .store
                .batch_records(&side.batch_id)
                .map_err(EngineError::from)?
                .iter()
                .position(|r| *r == record_id)
                .map_or(0, |p| p as u32 + 1),
            None => self
                .store
                .link_batch_record(actor, &side.batch_id, &record_id)
                .map_err(EngineError::from)?,
        };
        let paths: Vec<PathBuf> = spool.pages().iter().map(|p| spool.page_path(p)).collect();
        if !paths.is_empty() {
            self.import_files_by(actor, &record_id, &paths)?;
        }
        spool.discard()?;
        tracing::info!(record = %record_id, batch = %side.batch_id, "batch dossier saved");
        Ok(SavedDossier {
            record: self.record_detail(&record_id)?,
            sheet_check: check,
            batch_seq,
        })
    }

    /// Gives up a pending dossier (a stray sheet fed by mistake); its pages go with it.
    pub fn discard_dossier(&self, id: &str) -> Result<(), BatchError> {
        let (root, _) = self.find_dossier(id)?;
        Spool::open(&root, id)?.discard()?;
        tracing::info!(dossier = id, "pending batch dossier discarded by the archivist");
        Ok(())
    }

    /// A record for papers too damaged to scan (kind `info-only`, with their condition), counted in the batch.
    pub(crate) fn add_info_only_by(
        &self,
        actor: &Actor,
        batch_id: &str,
        req: &NewRecordRequest,
    ) -> Result<SavedDossier, BatchError> {
        if req.kind != sohoa_core::record::RecordKind::InfoOnly.as_str() {
            return Err(EngineError::UnknownKind(req.kind.clone()).into());
        }
        self.store.get_batch(batch_id).map_err(EngineError::from)?;
        let record = self.create_record_by(actor, req)?;
        let batch_seq = self
            .store
            .link_batch_record(actor, batch_id, &record.summary.id)
            .map_err(EngineError::from)?;
        Ok(SavedDossier {
            record,
            sheet_check: None,
            batch_seq,
        })
    }
}

fn sheet_check(side: &Sidecar, source: Source, declared: u32) -> SheetCheck {
    let decl = SheetDeclaration {
        sheets: declared,
        plex: if source == Source::AdfDuplex {
            Plex::Duplex
        } else {
            Plex::Simplex
        },
        sticky_notes: Vec::new(),
    };
    let facts: Vec<ImageFacts> = side.blanks.iter().map(|&blank| ImageFacts { blank }).collect();
    let report = check_sheets(&decl, &facts);
    SheetCheck {
        expected_images: report.expected_images,
        received_images: report.received_images,
        ok: report.is_ok(),
        summary_vi: report.summary_vi(&decl),
        code: report.count.err().map(|m| m.code()),
    }
}
