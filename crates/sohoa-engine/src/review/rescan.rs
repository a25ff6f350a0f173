//! Rescanning one page of a record returned by the supervisor: one sheet from the scanner replaces one page
//! of the current version, everything else stays. The sheet goes through the scan spool like any scan, so a
//! crash between the scanner and the store leaves the page offered back at the next start.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use sohoa_scan::spool::{Spool, SpoolMeta};
use sohoa_scan::{Device, Page, ScanError, ScanSettings};
use sohoa_store::VersionFile;

use super::ReviewError;
use crate::pages::{keep, png_name};
use crate::scan::pump;
use crate::{Engine, EngineError, OCR_MEDIA_TYPE, SIGNED_COPY_NAME, ScanRecordError, ocr_file_name};

/// The outcome of a page rescan.
#[derive(Debug, Clone, Serialize)]
pub struct RescanReport {
    pub record_id: String,
    /// The new version (it waits for review).
    pub version: u32,
    /// Where the new page is in the new version.
    pub ordinal: u32,
    pub replaced_sha256: String,
    pub sha256: String,
    /// Files of the old version left out: the replaced page's OCR words and the signed copy, which no
    /// longer match the pages.
    pub dropped: Vec<String>,
}

/// The page to replace, as the officer saw it.
#[derive(Debug, Clone, Copy)]
pub struct PageToRescan<'a> {
    pub record: &'a str,
    /// The page's place among the version's files.
    pub ordinal: u32,
    /// The version on the officer's screen: the ordinal means that version's page, so a record changed
    /// since is refused before a sheet is pulled (`None`: the current one, for callers that just read it).
    pub seen: Option<u32>,
}

impl Engine {
    pub(crate) fn rescan_page_by(
        &self,
        actor: &sohoa_store::Actor,
        page: PageToRescan<'_>,
        device: &mut dyn Device,
        settings: &ScanSettings,
        preset: Option<&str>,
        cancel: &AtomicBool,
    ) -> Result<RescanReport, ScanRecordError> {
        let PageToRescan { ordinal, seen, .. } = page;
        let record = self.store.resolve_id(page.record).map_err(EngineError::from)?;
        let row = self.store.get_record(&record).map_err(EngineError::from)?;
        if row.trashed_at.is_some() {
            return Err(EngineError::from(sohoa_store::StoreError::InTrash { id: record }).into());
        }
        crate::page_ops::still_seen(&row, seen)?;
        let version = row
            .current_version
            .ok_or(EngineError::from(ReviewError::NoPages))?;
        let files = self
            .store
            .version_files(&record, version)
            .map_err(EngineError::from)?;
        let old = files
            .iter()
            .find(|f| f.ordinal == ordinal && f.media_type.starts_with("image/"))
            .ok_or(EngineError::from(ReviewError::NoSuchPage { version, ordinal }))?;
        if cancel.load(Ordering::Relaxed) {
            return Err(ScanError::Cancelled.into());
        }

        // One sheet: the device is told so, and stopped after the first page whatever it does (a duplex
        // feeder would also give the back, a flatbed driver may ignore the limit).
        let mut one = settings.clone();
        one.max_pages = Some(1);
        let meta = SpoolMeta {
            device_id: device.info().id.clone(),
            settings: one.clone(),
            preset: preset.map(str::to_owned),
            record_id: Some(record.clone()),
        };
        let mut spool = Spool::create(&self.scan_spool_root(), meta)?;
        let got_one = AtomicBool::new(false);
        let fault = match pump(&mut spool, device, &one, &got_one, &mut |_: &Page| {
            got_one.store(true, Ordering::Relaxed)
        }) {
            Ok(f) => f,
            Err(e) if spool.pages().is_empty() => {
                spool.discard()?;
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let Some(first) = spool.pages().first() else {
            spool.discard()?;
            return Err(fault.unwrap_or(ScanError::FeederEmpty).into());
        };
        let path = spool.page_path(first);
        let media = crate::media::inspect(&path).map_err(|problem| EngineError::File {
            path: path.clone(),
            problem,
        })?;
        let stored = self.store.put_blob_from_path(&path).map_err(EngineError::from)?;

        let words = ocr_file_name(&old.name);
        let mut snapshot = Vec::with_capacity(files.len());
        let mut dropped = Vec::new();
        let mut new_ordinal = 0;
        for f in &files {
            if f.ordinal == ordinal {
                snapshot.push(VersionFile {
                    blob: stored.blob.clone(),
                    name: png_name(&old.name),
                    media_type: media.mime().to_owned(),
                });
                new_ordinal = snapshot.len() as u32;
            } else if (f.media_type == OCR_MEDIA_TYPE && f.name == words) || f.name == SIGNED_COPY_NAME {
                dropped.push(f.name.clone());
            } else {
                snapshot.push(keep(f));
            }
        }
        let number = old_number(&files, ordinal);
        let reason = format!("quét lại trang {number} / rescan of page {number}");
        let committed = self
            .store
            .commit_version_if(actor, &record, Some(version), &snapshot, &reason)
            .map_err(EngineError::from)?;
        spool.discard()?;
        tracing::info!(record = %record, version = committed.number, page = number, "page rescanned");
        Ok(RescanReport {
            record_id: record,
            version: committed.number,
            ordinal: new_ordinal,
            replaced_sha256: old.sha256.clone(),
            sha256: stored.blob.sha256,
            dropped,
        })
    }
}

/// The page number (among page images) of the file at `ordinal`.
fn old_number(files: &[sohoa_store::VersionFileRow], ordinal: u32) -> usize {
    files
        .iter()
        .filter(|f| f.media_type.starts_with("image/") && f.ordinal <= ordinal)
        .count()
}
