//! Scanning into a record (`sohoa scan --record ID`, the app's scan button).
//!
//! Pages go to a spool in the data directory as they arrive (see `sohoa_scan::spool`), and only then into
//! the record, as one new version, so a crash of the app, a jam or a dead scanner driver never loses a page
//! already acquired: unfinished spools are listed at start-up and can be attached or discarded.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use sohoa_scan::spool::{Manifest, Spool, SpoolError, SpoolMeta};
use sohoa_scan::{Device, Page, ScanError, ScanSettings};

use crate::records::Placement;
use crate::{Engine, EngineError, ErrorClass, ImportReport};

/// Why scanning into a record failed; pages already spooled are kept unless the caller discards them.
#[derive(Debug, thiserror::Error)]
pub enum ScanRecordError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Spool(#[from] SpoolError),
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// The scanner profiles (presets, device quirks) could not be read, or name no such preset.
    #[error(transparent)]
    Profile(#[from] sohoa_scan::profile::ProfileError),
}

impl ScanRecordError {
    pub fn code(&self) -> &'static str {
        match self {
            ScanRecordError::Engine(e) => e.code(),
            ScanRecordError::Spool(e) => e.code(),
            ScanRecordError::Scan(e) => e.code(),
            ScanRecordError::Profile(e) => e.code(),
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            ScanRecordError::Engine(e) => e.message_vi(),
            ScanRecordError::Spool(e) => e.message_vi(),
            ScanRecordError::Scan(e) => e.message_vi(),
            ScanRecordError::Profile(e) => e.message_vi(),
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            ScanRecordError::Engine(e) => e.class(),
            ScanRecordError::Spool(SpoolError::NotFound(_)) => ErrorClass::NotFound,
            ScanRecordError::Spool(SpoolError::Corrupt { .. }) => ErrorClass::Integrity,
            ScanRecordError::Spool(_) => ErrorClass::Io,
            ScanRecordError::Scan(e) => scan_class(e),
            ScanRecordError::Profile(_) => ErrorClass::Invalid,
        }
    }
}

/// The CLI's exit-code class for a scanner fault.
pub fn scan_class(e: &ScanError) -> ErrorClass {
    match e {
        ScanError::NoDevice(_) => ErrorClass::NotFound,
        ScanError::Busy => ErrorClass::Busy,
        ScanError::Unsupported(_) | ScanError::InvalidOption { .. } => ErrorClass::Invalid,
        _ => ErrorClass::Io,
    }
}

/// The outcome of one scan into a record.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScanRecordReport {
    pub spool_id: String,
    /// Pages acquired by this scan (all of them are in the record when `import` is set).
    pub pages: usize,
    /// The new version, absent when nothing was acquired.
    pub import: Option<ImportReport>,
    /// The fault that ended the scan early (code), after the pages above were stored.
    pub fault: Option<String>,
}

impl Engine {
    /// Where unfinished scans wait.
    pub fn scan_spool_root(&self) -> PathBuf {
        self.config.data_dir.join("scan-spool")
    }

    /// Scans with `device` into record `id`. The record is checked before the first sheet is pulled; pages
    /// are spooled as they arrive and then stored as one new version — also when a jam or a driver crash
    /// stops the scan part-way (the fault is then in the report, and the caller scans the rest).
    pub fn scan_into_record(
        &self,
        id: &str,
        device: &mut dyn Device,
        settings: &ScanSettings,
        preset: Option<&str>,
        on_page: impl FnMut(&Page),
    ) -> Result<ScanRecordReport, ScanRecordError> {
        let never = AtomicBool::new(false);
        self.scan_into_record_by(
            &self.config.actor,
            id,
            None,
            device,
            settings,
            preset,
            &never,
            on_page,
        )
    }

    /// [`Engine::scan_into_record`] with the new version attributed to `actor` (the signed-in officer);
    /// setting `cancel` stops the feeder after the page in hand, and the pages scanned so far are stored
    /// (the report's fault is then `scan.cancelled`). With `insert_at`, the pages go before that page image
    /// (0-based) instead of after the last one, still as one version.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn scan_into_record_by(
        &self,
        actor: &sohoa_store::Actor,
        id: &str,
        insert_at: Option<u32>,
        device: &mut dyn Device,
        settings: &ScanSettings,
        preset: Option<&str>,
        cancel: &AtomicBool,
        mut on_page: impl FnMut(&Page),
    ) -> Result<ScanRecordReport, ScanRecordError> {
        let record = self.store.resolve_id(id).map_err(EngineError::from)?;
        let row = self.store.get_record(&record).map_err(EngineError::from)?;
        if row.kind == sohoa_core::record::RecordKind::InfoOnly.as_str() {
            return Err(EngineError::InfoOnlyHasNoFiles.into());
        }
        if row.trashed_at.is_some() {
            return Err(EngineError::from(sohoa_store::StoreError::InTrash { id: record }).into());
        }
        // A position past the end is refused before a sheet is pulled, not after the paper went through.
        if let Some(at) = insert_at {
            self.check_insert_position(&record, row.current_version, at)?;
        }
        let meta = SpoolMeta {
            device_id: device.info().id.clone(),
            settings: settings.clone(),
            preset: preset.map(str::to_owned),
            record_id: Some(record.clone()),
        };
        let mut spool = Spool::create(&self.scan_spool_root(), meta)?;
        let fault = match pump(&mut spool, device, settings, cancel, &mut on_page) {
            Ok(f) => f,
            // Nothing acquired (the scan did not start): nothing to recover. Pages already spooled when
            // the spool itself failed (disk full) stay there, offered back at the next start.
            Err(e) if spool.pages().is_empty() => {
                spool.discard()?;
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let spool_id = spool.id().to_owned();
        let pages = spool.pages().len();
        if pages == 0 {
            spool.discard()?;
            return Err(fault.unwrap_or(ScanError::FeederEmpty).into());
        }
        let place = insert_at.map(|at| Placement {
            at: Some(at),
            of: row.current_version,
        });
        let import = self.commit_spool(actor, spool, &record, place)?;
        tracing::info!(record = %record, pages, fault = fault.as_ref().map(ScanError::code), "scan stored");
        Ok(ScanRecordReport {
            spool_id,
            pages,
            import: Some(import),
            fault: fault.map(|e| e.code().to_owned()),
        })
    }

    /// Continues an unfinished scan (after a jam was cleared, or after a restart) into the same spool, then
    /// stores every page of it in its record as one version. The pages scanned before stay first.
    pub fn resume_scan(
        &self,
        spool_id: &str,
        device: &mut dyn Device,
        settings: &ScanSettings,
        mut on_page: impl FnMut(&Page),
    ) -> Result<ScanRecordReport, ScanRecordError> {
        let mut spool = Spool::open(&self.scan_spool_root(), spool_id)?;
        let record = spool
            .manifest()
            .meta
            .record_id
            .clone()
            .ok_or(EngineError::NothingToImport)?;
        let before = spool.pages().len();
        // A failure to start keeps the spool as it was: its pages are still offered back.
        let fault = pump(
            &mut spool,
            device,
            settings,
            &AtomicBool::new(false),
            &mut on_page,
        )?;
        let pages = spool.pages().len() - before;
        if spool.pages().is_empty() {
            return Err(fault.unwrap_or(ScanError::FeederEmpty).into());
        }
        let import = self.commit_spool(&self.config.actor, spool, &record, None)?;
        Ok(ScanRecordReport {
            spool_id: spool_id.to_owned(),
            pages,
            import: Some(import),
            fault: fault.map(|e| e.code().to_owned()),
        })
    }

    /// Scans that were interrupted (app crash, power cut) and still hold pages.
    pub fn unfinished_scans(&self) -> Result<Vec<Manifest>, ScanRecordError> {
        Ok(Spool::list(&self.scan_spool_root())?)
    }

    /// Stores an unfinished scan's pages in a record (its intended one, or another) and removes the spool.
    pub fn attach_unfinished_scan(
        &self,
        spool_id: &str,
        record: Option<&str>,
    ) -> Result<ImportReport, ScanRecordError> {
        let spool = Spool::open(&self.scan_spool_root(), spool_id)?;
        let target = record
            .map(str::to_owned)
            .or_else(|| spool.manifest().meta.record_id.clone())
            .ok_or_else(|| EngineError::NothingToImport)?;
        if spool.pages().is_empty() {
            spool.discard()?;
            return Err(EngineError::NothingToImport.into());
        }
        self.commit_spool(&self.config.actor, spool, &target, None)
    }

    pub fn discard_unfinished_scan(&self, spool_id: &str) -> Result<(), ScanRecordError> {
        Spool::open(&self.scan_spool_root(), spool_id)?.discard()?;
        tracing::info!(spool = spool_id, "unfinished scan discarded by the operator");
        Ok(())
    }

    /// One version with every spooled page, then the spool goes (only after the version is committed: a
    /// refused commit, such as a record changed during the scan, leaves the pages offered back).
    /// The spool does not remember an insert position, so a resumed or attached scan appends.
    fn commit_spool(
        &self,
        actor: &sohoa_store::Actor,
        spool: Spool,
        record: &str,
        insert_at: Option<Placement>,
    ) -> Result<ImportReport, ScanRecordError> {
        let paths: Vec<PathBuf> = spool.pages().iter().map(|p| spool.page_path(p)).collect();
        let report = self.import_files_at_by(actor, record, &paths, insert_at)?;
        spool.discard()?;
        Ok(report)
    }
}

/// Streams pages into the spool; returns the fault that ended the scan early, if any.
pub(crate) fn pump(
    spool: &mut Spool,
    device: &mut dyn Device,
    settings: &ScanSettings,
    cancel: &AtomicBool,
    on_page: &mut impl FnMut(&Page),
) -> Result<Option<ScanError>, ScanRecordError> {
    let mut stream = device.scan(settings)?;
    while let Some(next) = stream.next_page() {
        match next {
            Ok(page) => {
                spool.add_page(&page)?;
                on_page(&page);
                if cancel.load(Ordering::Relaxed) {
                    // Not waiting for the driver to honour it: some never do, and the officer asked to stop.
                    stream.cancel();
                    spool.record_fault(&ScanError::Cancelled)?;
                    return Ok(Some(ScanError::Cancelled));
                }
            }
            Err(e) => {
                spool.record_fault(&e)?;
                return Ok(Some(e));
            }
        }
    }
    Ok(None)
}
