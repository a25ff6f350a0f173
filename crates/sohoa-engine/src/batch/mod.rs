//! Archive batches: one stack of old dossiers in the feeder, separator sheets between them, one record per
//! dossier.
//!
//! Old residence and CMND dossiers cannot become records the moment they are fed: a record needs its owner and
//! the kind's required fields, which the archivist keys from the paper. So the feeder run only *forms*
//! dossiers: each one's pages go to a spool of its own (crash-safe, like every scan) under
//! `batch-spool/<batch>/`, with a small sidecar (`dossier.json`) holding what the run learnt about it (blank
//! sides, the storage location it was given, values read from its separator barcode). The archivist then saves
//! each dossier (fields keyed, sheet count checked) as a record linked to the batch, or discards it. A run that
//! stops half-way — jam, cancel, crash — leaves its formed dossiers pending, nothing is lost.

mod dossier;
mod error;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::json;
use sohoa_scan::separate::{SeparatorEvent, SeparatorKind, SeparatorRules};
use sohoa_scan::spool::{Spool, SpoolMeta};
use sohoa_scan::{Device, ScanError, ScanSettings};
use sohoa_store::{Actor, BatchEnd, BatchState};

pub use dossier::{PendingDossier, SaveDossier, SavedDossier, SheetCheck};
pub use error::BatchError;

use crate::Engine;
use dossier::Sidecar;

/// What a kind of archive bank needs from a batch. Built in: the two banks seed 004 names (the residence
/// bank, one dossier per household; the ID-card bank, one declaration form per person). Both separate on
/// Patch T sheets, which any scanner's image can carry (see `sohoa_scan::separate`).
#[derive(Debug, Clone, Serialize)]
pub struct BatchProfile {
    pub id: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    /// Record kind of every dossier.
    pub kind: &'static str,
    /// Scan preset (colour, dpi, sides) from `scanner-profiles/presets.toml`.
    pub preset: &'static str,
    pub doc_type: Option<&'static str>,
}

const PROFILES: [BatchProfile; 2] = [
    BatchProfile {
        id: "residence-bank",
        name_vi: "Tàng thư hồ sơ cư trú (mỗi hộ một hồ sơ)",
        name_en: "Residence-record bank (one dossier per household)",
        kind: "residence",
        preset: "residence-dossier",
        doc_type: None,
    },
    BatchProfile {
        id: "id-card-bank",
        name_vi: "Tàng thư CCCD/CMND (mỗi người một tờ khai)",
        name_en: "ID-card bank (one declaration form per person)",
        kind: "id-card",
        preset: "cmnd-form",
        doc_type: Some("CMND-TK"),
    },
];

pub fn batch_profiles() -> &'static [BatchProfile] {
    &PROFILES
}

pub fn batch_profile(id: &str) -> Result<&'static BatchProfile, BatchError> {
    PROFILES
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| BatchError::UnknownProfile(id.to_owned()))
}

/// Where the box being fed sits, set once per box: each dossier formed takes the next file number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StorageStart {
    pub warehouse: String,
    pub shelf: String,
    pub box_no: String,
    /// File number of the first dossier of this run.
    pub next_file: u32,
}

/// What the app shows while the feeder runs.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum BatchEvent {
    /// A page was kept in dossier `dossier` (1-based feed order).
    Page { dossier: u32, pages: u32, blank: bool },
    /// A separator sheet was dropped; the next page opens dossier `opens`.
    Separator { opens: u32, kind: String },
}

/// The end of a feeder run.
#[derive(Debug, Clone, Serialize)]
pub struct BatchReport {
    pub batch_id: String,
    pub state: &'static str,
    pub sheets: u32,
    pub separators: u32,
    pub dossiers: Vec<PendingDossier>,
    /// File number the next box run should start from (the box continues).
    pub next_file: u32,
    /// Code of the fault that ended the run early (`scan.jammed`, `scan.cancelled` ...).
    pub fault: Option<String>,
}

/// Built-in profiles separate on Patch T only: no barcode rule, and blank sheets stay pages (the blank backs
/// of old forms are common; a blank separator would split them).
fn rules_for(_profile: &BatchProfile) -> SeparatorRules {
    SeparatorRules::default()
}

/// One dossier being formed during the run.
struct Forming {
    spool: Spool,
    sidecar: Sidecar,
}

impl Engine {
    pub(crate) fn batch_root(&self, batch_id: &str) -> PathBuf {
        self.config.data_dir.join("batch-spool").join(batch_id)
    }

    /// Feeds the stack in `device` as one archive batch. Every dossier formed is left pending (see the module
    /// docs); a jam or a cancel ends the run with what was fed so far, reported in `fault`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn run_batch_by(
        &self,
        actor: &Actor,
        profile: &str,
        device: &mut dyn Device,
        settings: &ScanSettings,
        storage: &StorageStart,
        cancel: &AtomicBool,
        mut on_event: impl FnMut(&BatchEvent),
    ) -> Result<BatchReport, BatchError> {
        let profile = batch_profile(profile)?;
        let batch_id = uuid::Uuid::now_v7().to_string();
        let root = self.batch_root(&batch_id);
        std::fs::create_dir_all(&root)
            .map_err(|e| BatchError::Storage(format!("{}: {e}", root.display())))?;
        self.store
            .start_batch(actor, &batch_id, profile.id, &device.info().id)
            .map_err(crate::EngineError::from)?;
        let meta = SpoolMeta {
            device_id: device.info().id.clone(),
            settings: settings.clone(),
            preset: Some(profile.preset.to_owned()),
            record_id: None,
        };
        let mut run = Run {
            engine: self,
            batch_id: &batch_id,
            profile,
            storage,
            meta,
            separator: sohoa_scan::separate::Separator::new(rules_for(profile)),
            forming: BTreeMap::new(),
            pending_fields: BTreeMap::new(),
            separators: Vec::new(),
            sheets: 0,
            last_sheet: None,
        };
        let outcome = run.feed(device, settings, cancel, &mut on_event);
        let tail = run.separator.finish();
        let tail_result = run.apply(tail, &mut on_event);
        let (fault, state) = match (&outcome, &tail_result) {
            (Ok(None), Ok(())) => (None, BatchState::Finished),
            (Ok(Some(ScanError::Cancelled)), _) => (Some("scan.cancelled".to_owned()), BatchState::Stopped),
            (Ok(Some(e)), _) => (Some(e.code().to_owned()), BatchState::Failed),
            (Err(e), _) | (Ok(None), Err(e)) => (Some(e.code().to_owned()), BatchState::Failed),
        };
        let formed = run.forming.len() as u32;
        let end = BatchEnd {
            state,
            sheets: run.sheets,
            separators: run.separators.len() as u32,
            summary: json!({
                "profile": profile.id,
                "dossiers_formed": formed,
                "separators": run.separators,
                "fault": fault,
                "storage": storage,
            }),
        };
        let (sheets, separators) = (run.sheets, end.separators);
        drop(run);
        self.store
            .finish_batch(actor, &batch_id, &end)
            .map_err(crate::EngineError::from)?;
        // Not one sheet fed (empty feeder, scanner gone): the run never started; say why instead of reporting
        // an empty batch. The batch row stays, ended as failed, for the record.
        if sheets == 0 {
            match outcome {
                Err(e) => return Err(e),
                Ok(Some(e)) => return Err(e.into()),
                Ok(None) => return Err(ScanError::FeederEmpty.into()),
            }
        }
        tracing::info!(batch = %batch_id, formed, sheets, state = state.as_str(), "batch run ended");
        Ok(BatchReport {
            dossiers: self.pending_dossiers(Some(&batch_id))?,
            batch_id,
            state: state.as_str(),
            sheets,
            separators,
            next_file: storage.next_file + formed,
            fault,
        })
    }
}

struct Run<'a> {
    engine: &'a Engine,
    batch_id: &'a str,
    profile: &'static BatchProfile,
    storage: &'a StorageStart,
    meta: SpoolMeta,
    separator: sohoa_scan::separate::Separator,
    /// Dossiers formed so far by 0-based separator index.
    forming: BTreeMap<usize, Forming>,
    /// Values read from a separator barcode for the dossier it opens.
    pending_fields: BTreeMap<usize, BTreeMap<String, String>>,
    separators: Vec<serde_json::Value>,
    sheets: u32,
    last_sheet: Option<u32>,
}

impl Run<'_> {
    fn feed(
        &mut self,
        device: &mut dyn Device,
        settings: &ScanSettings,
        cancel: &AtomicBool,
        on_event: &mut impl FnMut(&BatchEvent),
    ) -> Result<Option<ScanError>, BatchError> {
        let mut stream = device.scan(settings)?;
        while let Some(next) = stream.next_page() {
            match next {
                Ok(page) => {
                    if self.last_sheet != Some(page.sheet) {
                        self.sheets += 1;
                        self.last_sheet = Some(page.sheet);
                    }
                    let events = self.separator.push(page);
                    self.apply(events, on_event)?;
                    if cancel.load(Ordering::Relaxed) {
                        stream.cancel();
                        return Ok(Some(ScanError::Cancelled));
                    }
                }
                Err(ScanError::FeederEmpty) if self.sheets > 0 => return Ok(None),
                Err(e) => return Ok(Some(e)),
            }
        }
        Ok(None)
    }

    fn apply(
        &mut self,
        events: Vec<SeparatorEvent>,
        on_event: &mut impl FnMut(&BatchEvent),
    ) -> Result<(), BatchError> {
        for ev in events {
            match ev {
                SeparatorEvent::Separator { entry, fields } => {
                    let kind = match &entry.kind {
                        SeparatorKind::PatchT { .. } => "patch-t",
                        SeparatorKind::Barcode { .. } => "barcode",
                        SeparatorKind::BlankSheet => "blank-sheet",
                    };
                    self.separators.push(json!({"sheet": entry.sheet, "kind": kind}));
                    self.pending_fields
                        .entry(entry.opens_dossier)
                        .or_default()
                        .extend(fields);
                    on_event(&BatchEvent::Separator {
                        opens: self.forming.len() as u32 + 1,
                        kind: kind.to_owned(),
                    });
                }
                SeparatorEvent::Page { dossier, page } => {
                    if !self.forming.contains_key(&dossier) {
                        let f = self.open_dossier(dossier)?;
                        self.forming.insert(dossier, f);
                    }
                    let Some(f) = self.forming.get_mut(&dossier) else {
                        continue;
                    };
                    f.spool.add_page(&page.page)?;
                    f.sidecar.blanks.push(page.blank.blank);
                    f.sidecar.sheets.push(page.page.sheet);
                    f.sidecar
                        .save(&self.engine.batch_root(self.batch_id).join(f.spool.id()))?;
                    on_event(&BatchEvent::Page {
                        dossier: f.sidecar.index,
                        pages: f.spool.pages().len() as u32,
                        blank: page.blank.blank,
                    });
                }
            }
        }
        Ok(())
    }

    fn open_dossier(&mut self, separator_index: usize) -> Result<Forming, BatchError> {
        let index = self.forming.len() as u32 + 1;
        let spool = Spool::create(&self.engine.batch_root(self.batch_id), self.meta.clone())?;
        let mut fields = self.pending_fields.remove(&separator_index).unwrap_or_default();
        let s = self.storage;
        for (key, value) in [
            ("storage.warehouse", s.warehouse.clone()),
            ("storage.shelf", s.shelf.clone()),
            ("storage.box", s.box_no.clone()),
            ("storage.file", (s.next_file + index - 1).to_string()),
        ] {
            if !value.trim().is_empty() {
                fields.entry(key.to_owned()).or_insert(value);
            }
        }
        let sidecar = Sidecar {
            batch_id: self.batch_id.to_owned(),
            profile: self.profile.id.to_owned(),
            index,
            fields,
            blanks: Vec::new(),
            sheets: Vec::new(),
        };
        sidecar.save(&self.engine.batch_root(self.batch_id).join(spool.id()))?;
        Ok(Forming { spool, sidecar })
    }
}

/// Archive batches are the archivist's work (`Action::Batch`); listing what is pending is open to anyone who
/// may view records, so a supervisor can see a batch's progress.
impl crate::Acting<'_> {
    #[allow(clippy::too_many_arguments)]
    pub fn run_batch(
        &self,
        profile: &str,
        device: &mut dyn Device,
        settings: &ScanSettings,
        storage: &StorageStart,
        cancel: &AtomicBool,
        on_event: impl FnMut(&BatchEvent),
    ) -> Result<BatchReport, BatchError> {
        let engine = self.require(crate::Action::Batch)?;
        engine.run_batch_by(
            &engine.actor_for(self.caller),
            profile,
            device,
            settings,
            storage,
            cancel,
            on_event,
        )
    }

    pub fn pending_dossiers(&self, batch_id: Option<&str>) -> Result<Vec<PendingDossier>, BatchError> {
        self.require(crate::Action::ViewRecords)?
            .pending_dossiers(batch_id)
    }

    pub fn dossier_page_image(
        &self,
        id: &str,
        ordinal: u32,
        max_px: Option<u32>,
    ) -> Result<crate::PageImage, BatchError> {
        self.require(crate::Action::ViewRecords)?
            .dossier_page_image(id, ordinal, max_px)
    }

    pub fn dossier_sheet_check(&self, id: &str, declared: u32) -> Result<SheetCheck, BatchError> {
        self.require(crate::Action::Batch)?
            .dossier_sheet_check(id, declared)
    }

    pub fn save_dossier(&self, id: &str, req: &SaveDossier) -> Result<SavedDossier, BatchError> {
        let engine = self.require(crate::Action::Batch)?;
        engine.save_dossier_by(&engine.actor_for(self.caller), id, req)
    }

    pub fn discard_dossier(&self, id: &str) -> Result<(), BatchError> {
        self.require(crate::Action::Batch)?.discard_dossier(id)
    }

    pub fn add_info_only(
        &self,
        batch_id: &str,
        req: &crate::NewRecordRequest,
    ) -> Result<SavedDossier, BatchError> {
        let engine = self.require(crate::Action::Batch)?;
        engine.add_info_only_by(&engine.actor_for(self.caller), batch_id, req)
    }
}

impl Engine {
    /// Recent batch runs, newest first, as the dashboard shows them.
    pub fn list_batches(&self, limit: u32) -> Result<Vec<crate::BatchStats>, crate::EngineError> {
        Ok(self
            .store
            .list_batches(limit)?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

impl crate::Acting<'_> {
    pub fn list_batches(&self, limit: u32) -> Result<Vec<crate::BatchStats>, crate::EngineError> {
        self.require(crate::Action::ViewRecords)?.list_batches(limit)
    }
}
