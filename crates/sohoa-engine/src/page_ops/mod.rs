//! Page operations that cross record boundaries at the reception desk: split a dossier that turned out to be
//! two, merge one that was scanned in two goes, and place scanned pages at a position. Each side gets a new
//! version (so both histories keep what was there before), and a page travels with its OCR words. The desk's
//! signed copy shows the pages it was made from, so it is left out of every new version: the officer signs
//! again.
//!
//! Each operation is one store transaction ([`sohoa_store::Store::split_off`], [`sohoa_store::Store::merge_into`]),
//! and every version it writes is derived from the version read: if another writer committed in between,
//! the whole operation is refused with a version conflict and nothing is written, no half-made record in
//! the trash and no merge-then-undo pair in the target's history.

mod acting;
mod error;

use std::collections::HashSet;

use serde::Serialize;
use sohoa_core::record::RecordKind;
use sohoa_store::{OutboxState, RecordRow, SplitPlan, VersionFile, VersionFileRow, VersionPlan};

use crate::pages::keep;
use crate::records::{decode_meta, to_new_record};
use crate::{Engine, EngineError, OCR_MEDIA_TYPE, ocr_file_name};
pub use error::PageOpsError;
use error::short;

/// The two records after a split.
#[derive(Debug, Clone, Serialize)]
pub struct SplitReport {
    pub source_id: String,
    /// The source's new version, without the pages that left.
    pub source_version: u32,
    pub new_id: String,
    pub new_version: u32,
    /// Page images moved to the new record.
    pub moved: u32,
}

/// The target after a merge; the source is in the trash.
#[derive(Debug, Clone, Serialize)]
pub struct MergeReport {
    pub target_id: String,
    pub target_version: u32,
    pub source_id: String,
    /// Page images appended to the target.
    pub moved: u32,
}

/// A record that could be merged into another: same owner, same kind, live.
#[derive(Debug, Clone, Serialize)]
pub struct MergeCandidate {
    pub id: String,
    pub title: String,
    pub doc_type_code: Option<String>,
    /// Page images of the current version (OCR words and signed copies not counted).
    pub page_count: u32,
    pub created_at: String,
}

impl Engine {
    /// Moves the page images at positions `at..` (0-based among the current page images) with their OCR
    /// words to a new record of the same kind and fields.
    pub(crate) fn split_record_by(
        &self,
        actor: &sohoa_store::Actor,
        id: &str,
        at: u32,
        seen: Option<u32>,
    ) -> Result<SplitReport, EngineError> {
        let row = self.paged_record(id)?;
        still_seen(&row, seen)?;
        self.split_record_of(actor, row, at)
    }

    /// Splits `row` as it was read: the pages of its `current_version` then, committed only if that is
    /// still the current one.
    pub(crate) fn split_record_of(
        &self,
        actor: &sohoa_store::Actor,
        row: RecordRow,
        at: u32,
    ) -> Result<SplitReport, EngineError> {
        self.refuse_delivered(&row.id)?;
        // A message still waiting would send every page under this record, the split-off ones included.
        self.refuse_queued(&row.id)?;
        let files = self.current_files(&row)?;
        let pages = files.iter().filter(|f| is_page(f)).count() as u32;
        if at == 0 || at >= pages {
            return Err(PageOpsError::SplitEmptySide { at, pages }.into());
        }
        let mut stays = Vec::new();
        let mut leaves = Vec::new();
        let mut seen = 0u32;
        let moved_words: HashSet<String> = files
            .iter()
            .filter(|f| is_page(f))
            .skip(at as usize)
            .map(|f| ocr_file_name(&f.name))
            .collect();
        for f in &files {
            if is_signed_copy(f) {
                continue;
            }
            if is_page(f) {
                seen += 1;
                if seen > at {
                    leaves.push(keep(f));
                    leaves.extend(words_of(&files, f).map(keep));
                    continue;
                }
            } else if f.media_type == OCR_MEDIA_TYPE && moved_words.contains(&f.name) {
                continue;
            }
            stays.push(keep(f));
        }
        let first = at + 1;
        let leaves_reason = format!(
            "tách từ hồ sơ {src}, trang {first}–{pages} / split off record {src}, pages {first}–{pages}",
            src = short(&row.id)
        );
        let done = self.store.split_off(
            actor,
            &SplitPlan {
                source_id: &row.id,
                source_expected: row.current_version,
                stays: &stays,
                new: &to_new_record(&decode_meta(&row)?)?,
                leaves: &leaves,
                leaves_reason: &leaves_reason,
            },
            |dst| {
                format!(
                    "tách trang {first}–{pages} sang hồ sơ {dst} / pages {first}–{pages} split off to record {dst}",
                    dst = short(dst)
                )
            },
        )?;
        let new = done.new_record;
        let (new_version, source_version) = (done.new_version.number, done.source_version.number);
        // A dossier of an archive batch stays with its batch (its sheet count is checked there). The split
        // itself is done by now: a failure here is logged, not reported as a failed split.
        let linked = self.store.record_batch(&row.id).and_then(|batch| {
            batch
                .map(|b| self.store.link_batch_record(actor, &b, &new.id))
                .transpose()
        });
        if let Err(e) = linked {
            tracing::warn!(record = %new.id, error = %e, "split-off record not linked to its batch");
        }
        tracing::info!(record = %row.id, new = %new.id, at, pages, "record split");
        Ok(SplitReport {
            source_id: row.id,
            source_version,
            new_id: new.id,
            new_version,
            moved: pages - at,
        })
    }

    /// Appends `source`'s current files (pages with their OCR words; not its signed copy) to `target` as one
    /// new version, then moves `source` to the trash with a reason naming `target`.
    pub(crate) fn merge_records_by(
        &self,
        actor: &sohoa_store::Actor,
        target: &str,
        source: &str,
        target_seen: Option<u32>,
    ) -> Result<MergeReport, EngineError> {
        let target = self.store.get_record(&self.store.resolve_id(target)?)?;
        still_seen(&target, target_seen)?;
        let source = self.paged_record(source)?;
        self.merge_records_of(actor, target, source)
    }

    /// Merges `source` into `target` as both were read: the target's new version is committed only if
    /// the target is still at the version read, and the source is trashed only if it is still at the
    /// version whose pages were copied (otherwise the target is put back and the merge refused).
    pub(crate) fn merge_records_of(
        &self,
        actor: &sohoa_store::Actor,
        target: RecordRow,
        source: RecordRow,
    ) -> Result<MergeReport, EngineError> {
        if target.id == source.id {
            return Err(PageOpsError::SameRecord.into());
        }
        live(&target)?;
        if target.kind == RecordKind::InfoOnly.as_str() {
            return Err(EngineError::InfoOnlyHasNoFiles);
        }
        if target.kind != source.kind {
            return Err(PageOpsError::KindDiffers {
                target: target.kind.clone(),
                other: source.kind.clone(),
            }
            .into());
        }
        if !same_owner(&target, &source) {
            return Err(PageOpsError::OwnerDiffers.into());
        }
        self.refuse_delivered(&source.id)?;
        // A message still waiting would deliver the source after it is trashed.
        self.refuse_queued(&source.id)?;
        // The target may hold no page image yet (an imported PDF only): it still takes the pages.
        let before: Vec<VersionFile> = match target.current_version {
            Some(v) => self
                .store
                .version_files(&target.id, v)?
                .iter()
                .map(keep)
                .collect(),
            None => Vec::new(),
        };
        let mut snapshot = before.clone();
        snapshot.retain(|f| !crate::signing::is_signed_copy(&f.name, &f.media_type));
        let incoming = self.current_files(&source)?;
        let moved = incoming.iter().filter(|f| is_page(f)).count() as u32;
        let mut taken = names(&snapshot);
        // Page names first (scans are all called page-0001.png…), so that OCR words follow their page's
        // new name: the words of a page are found by name.
        let new_names: Vec<Option<String>> = incoming
            .iter()
            .map(|f| is_page(f).then(|| unique_name(&f.name, &mut taken)))
            .collect();
        let mut words = std::collections::HashMap::new();
        for (f, name) in incoming.iter().zip(&new_names) {
            if let Some(name) = name {
                words
                    .entry(ocr_file_name(&f.name))
                    .or_insert_with(|| ocr_file_name(name));
            }
        }
        for (f, name) in incoming.iter().zip(new_names) {
            if is_signed_copy(f) {
                continue;
            }
            let mut file = keep(f);
            file.name = match name {
                Some(name) => name,
                None if f.media_type == OCR_MEDIA_TYPE => words
                    .remove(&f.name)
                    .unwrap_or_else(|| unique_name(&f.name, &mut taken)),
                None => unique_name(&f.name, &mut taken),
            };
            snapshot.push(file);
        }
        let reason = format!(
            "gộp {moved} trang từ hồ sơ {src} / {moved} page(s) merged from record {src}",
            src = short(&source.id)
        );
        let why = format!(
            "đã gộp vào hồ sơ {dst} / merged into record {dst}",
            dst = target.id
        );
        let version = self.store.merge_into(
            actor,
            &VersionPlan {
                record_id: &target.id,
                expected_current: target.current_version,
                files: &snapshot,
                reason: &reason,
            },
            &source.id,
            source.current_version,
            &why,
        )?;
        tracing::info!(record = %target.id, source = %source.id, moved, "records merged");
        Ok(MergeReport {
            target_id: target.id,
            target_version: version.number,
            source_id: source.id,
            moved,
        })
    }

    /// Other live records of `target`'s owner and kind, newest first: what the merge picker offers.
    pub fn merge_candidates(&self, target: &str) -> Result<Vec<MergeCandidate>, EngineError> {
        let target = self.store.get_record(&self.store.resolve_id(target)?)?;
        if target.kind == RecordKind::InfoOnly.as_str() {
            return Ok(Vec::new());
        }
        let filter = sohoa_store::ListFilter {
            trash: sohoa_store::TrashFilter::Exclude,
            kind: Some(target.kind.clone()),
            owner_id: target.owner_id.clone(),
            limit: 0,
            offset: 0,
        };
        let mut out = Vec::new();
        for row in self.store.list_records(&filter)? {
            if row.id == target.id || !same_owner(&target, &row) {
                continue;
            }
            // A candidate without page images is listed with 0 (the merge then says why), not an error that
            // would empty the whole picker.
            let page_count = match row.current_version {
                Some(v) => self
                    .store
                    .version_files(&row.id, v)?
                    .iter()
                    .filter(|f| is_page(f))
                    .count() as u32,
                None => 0,
            };
            out.push(MergeCandidate {
                id: row.id,
                title: row.title,
                doc_type_code: row.doc_type_code,
                page_count,
                created_at: row.created_at,
            });
        }
        Ok(out)
    }

    /// Refuses a position past the last page image before anything is scanned.
    pub(crate) fn check_insert_position(
        &self,
        id: &str,
        version: Option<u32>,
        at: u32,
    ) -> Result<(), EngineError> {
        let pages = match version {
            Some(v) => self
                .store
                .version_files(id, v)?
                .iter()
                .filter(|f| is_page(f))
                .count() as u32,
            None => 0,
        };
        if at > pages {
            return Err(PageOpsError::InsertPosition { at, pages }.into());
        }
        Ok(())
    }

    /// A live record with files: the source of a split or a merge.
    fn paged_record(&self, id: &str) -> Result<RecordRow, EngineError> {
        let row = self.store.get_record(&self.store.resolve_id(id)?)?;
        live(&row)?;
        if row.kind == RecordKind::InfoOnly.as_str() {
            return Err(EngineError::InfoOnlyHasNoFiles);
        }
        if row.current_version.is_none() {
            return Err(PageOpsError::NoPages { id: row.id }.into());
        }
        Ok(row)
    }

    fn current_files(&self, row: &RecordRow) -> Result<Vec<VersionFileRow>, EngineError> {
        let version = row
            .current_version
            .ok_or_else(|| PageOpsError::NoPages { id: row.id.clone() })?;
        let files = self.store.version_files(&row.id, version)?;
        if !files.iter().any(is_page) {
            return Err(PageOpsError::NoPages { id: row.id.clone() }.into());
        }
        Ok(files)
    }

    /// A message of this record still waiting for the vault (not acknowledged, not failed for good).
    fn refuse_queued(&self, id: &str) -> Result<(), EngineError> {
        let queued = self.store.latest_deliveries()?.into_iter().any(|d| {
            d.record_id == id
                && ![OutboxState::Acknowledged, OutboxState::FailedPermanent]
                    .iter()
                    .any(|s| s.as_str() == d.state)
        });
        if queued {
            return Err(PageOpsError::Queued { id: id.to_owned() }.into());
        }
        Ok(())
    }

    /// Pages the vault holds under this record (its receipt is stored) must not move to another record:
    /// the vault would then hold them twice, or under a record the desk has thrown away.
    fn refuse_delivered(&self, id: &str) -> Result<(), EngineError> {
        // Most records were never queued: the cheap list of queued ids spares reading every stored message.
        if !self.store.outbox_record_versions()?.iter().any(|(r, _)| r == id) {
            return Ok(());
        }
        let delivered = self
            .store
            .outbox_list(Some(OutboxState::Acknowledged))?
            .iter()
            .any(|m| m.record_id == id);
        if delivered {
            return Err(PageOpsError::Delivered { id: id.to_owned() }.into());
        }
        Ok(())
    }
}

fn live(row: &RecordRow) -> Result<(), EngineError> {
    if row.trashed_at.is_some() {
        return Err(sohoa_store::StoreError::InTrash { id: row.id.clone() }.into());
    }
    Ok(())
}

/// Owners match by ID number; owners without one (old papers) by the name the record was made with.
fn same_owner(a: &RecordRow, b: &RecordRow) -> bool {
    match (&a.owner_id, &b.owner_id) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.owner_name.is_some() && a.owner_name == b.owner_name,
        _ => false,
    }
}

fn is_page(f: &VersionFileRow) -> bool {
    f.media_type.starts_with("image/")
}

fn is_signed_copy(f: &VersionFileRow) -> bool {
    crate::signing::is_signed_copy(&f.name, &f.media_type)
}

fn words_of<'a>(files: &'a [VersionFileRow], page: &VersionFileRow) -> Option<&'a VersionFileRow> {
    let name = ocr_file_name(&page.name);
    files
        .iter()
        .find(|f| f.name == name && f.media_type == OCR_MEDIA_TYPE)
}

pub(crate) fn names(files: &[VersionFile]) -> HashSet<String> {
    files.iter().map(|f| f.name.clone()).collect()
}

/// `name`, or `stem-2.ext`, `stem-3.ext`… if a file of the version is already called that; the result is
/// taken.
pub(crate) fn unique_name(name: &str, taken: &mut HashSet<String>) -> String {
    let (stem, ext) = name
        .rsplit_once('.')
        .map_or((name, String::new()), |(s, e)| (s, format!(".{e}")));
    let mut candidate = name.to_owned();
    let mut n = 2;
    while taken.contains(&candidate) || taken.contains(&ocr_file_name(&candidate)) {
        candidate = format!("{stem}-{n}{ext}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// Where new files go in a version's file list: before page image `at` (0-based), or at the end.
pub(crate) fn insert_index(files: &[VersionFile], at: Option<u32>) -> Result<usize, EngineError> {
    let Some(at) = at else {
        return Ok(files.len());
    };
    let pages: Vec<usize> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.media_type.starts_with("image/"))
        .map(|(i, _)| i)
        .collect();
    match pages.get(at as usize) {
        Some(&i) => Ok(i),
        None if at as usize == pages.len() => Ok(files.len()),
        None => Err(PageOpsError::InsertPosition {
            at,
            pages: pages.len() as u32,
        }
        .into()),
    }
}

#[cfg(test)]
mod conflict_tests;

/// The version the caller looked at is still the current one (nothing to check when it names none).
pub(crate) fn still_seen(row: &RecordRow, seen: Option<u32>) -> Result<(), EngineError> {
    match seen {
        Some(v) if row.current_version != Some(v) => Err(sohoa_store::StoreError::VersionConflict {
            record: row.id.clone(),
            expected: Some(v),
            found: row.current_version,
        }
        .into()),
        _ => Ok(()),
    }
}
