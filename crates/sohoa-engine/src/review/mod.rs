//! The supervisor's review: a queue of records awaiting a look with a quality verdict per page, sample
//! checks per batch, approve or reject with a reason, and the officer's side — the records returned to them
//! and the rescan of one page.
//!
//! A record's review state is derived, never stored as a flag: the latest review of the current version's
//! page images decides (see `sohoa_store::Store::review_index`). OCR words or a signed copy added later
//! keep the verdict; a rescanned, turned or deleted page brings the record back to the queue.

mod error;
mod quality;
mod rescan;
mod sample;

use serde::{Deserialize, Serialize};
use sohoa_imaging::Verdict;
use sohoa_store::{NewReview, ReviewIndexRow, ReviewRow, ReviewVerdict, StoreError};

use crate::access::Action;
use crate::{Acting, Engine, EngineError, RecordSummary};

pub use error::ReviewError;
pub use quality::PageQuality;
pub use rescan::{PageToRescan, RescanReport};
pub use sample::{DEFAULT_SAMPLE_SHARE, SAMPLE_SHARE_SETTING, SampleDraw, sample_indices, sample_size};

/// Where a record stands with its supervisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Pages scanned, not yet reviewed as they are now (new, or rescanned after a reject).
    Awaiting,
    Approved,
    /// Back with the officer who created it, to rescan.
    Rejected,
}

/// What the review queue shows.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReviewFilter {
    /// Only records of this feeder batch.
    pub batch: Option<String>,
    /// Only records drawn in a batch's sample.
    pub samples_only: bool,
    /// 0 means no limit.
    pub limit: u32,
}

/// One page image of the version under review.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewPage {
    /// Position among the version's files (what `page_image`, `reject` and `rescan_page` take).
    pub ordinal: u32,
    /// 1-based page number among the page images (what the officer calls "trang 2").
    pub number: u32,
    pub name: String,
    pub sha256: String,
    pub quality: PageQuality,
}

/// A record in the review queue.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewQueueItem {
    pub summary: RecordSummary,
    /// The version to approve or reject (the current one).
    pub version: u32,
    pub batch_id: Option<String>,
    pub sampled: bool,
    /// The officer the record returns to on a reject.
    pub created_by: String,
    /// Page images in the version.
    pub page_count: u32,
    /// The worst page verdict.
    pub verdict: Verdict,
    pub pages: Vec<ReviewPage>,
    /// The latest earlier review (of pages since replaced): a reject here means this is a rescan.
    pub last_review: Option<ReviewRow>,
}

/// A record's review state on its own (record screen badge).
#[derive(Debug, Clone, Serialize)]
pub struct ReviewStatus {
    pub record_id: String,
    /// `None`: the record has no page images yet, so there is nothing to review.
    pub state: Option<ReviewState>,
    pub version: Option<u32>,
    /// The review that decides the state.
    pub review: Option<ReviewRow>,
}

/// A record an officer must rescan.
#[derive(Debug, Clone, Serialize)]
pub struct ReturnedRecord {
    pub summary: RecordSummary,
    /// The current version (rescan pages of this one).
    pub version: u32,
    pub review: ReviewRow,
    /// The rejected pages in the current version; empty means the whole record.
    pub pages: Vec<ReturnedPage>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ReturnedPage {
    pub ordinal: u32,
    pub number: u32,
}

fn state_of(row: &ReviewIndexRow) -> ReviewState {
    match row.review.as_ref().map(|r| r.verdict) {
        None => ReviewState::Awaiting,
        Some(ReviewVerdict::Approved) => ReviewState::Approved,
        Some(ReviewVerdict::Rejected) => ReviewState::Rejected,
    }
}

/// `(ordinal, sha256, name)` of the page images of a version's files, in order.
fn images(files: &[sohoa_store::VersionFileRow]) -> Vec<&sohoa_store::VersionFileRow> {
    files
        .iter()
        .filter(|f| f.media_type.starts_with("image/"))
        .collect()
}

impl Engine {
    pub(crate) fn review_queue(&self, filter: &ReviewFilter) -> Result<Vec<ReviewQueueItem>, EngineError> {
        let index = self.store.review_index()?;
        let batch = filter.batch.as_deref().map(str::trim).filter(|b| !b.is_empty());
        let mut picked: Vec<&ReviewIndexRow> = index
            .iter()
            .filter(|r| state_of(r) == ReviewState::Awaiting)
            .filter(|r| batch.is_none_or(|b| r.batch_id.as_deref() == Some(b)))
            .filter(|r| !filter.samples_only || r.sampled)
            .collect();
        if filter.limit > 0 {
            picked.truncate(filter.limit as usize);
        }
        let mut items = Vec::with_capacity(picked.len());
        let mut all_pages: Vec<(String, &'static str)> = Vec::new();
        for row in picked {
            let record = self.store.get_record(&row.record_id)?;
            let files = self.store.version_files(&row.record_id, row.current_version)?;
            let pages: Vec<ReviewPage> = images(&files)
                .into_iter()
                .zip(1..)
                .map(|(f, number)| ReviewPage {
                    ordinal: f.ordinal,
                    number,
                    name: f.name.clone(),
                    sha256: f.sha256.clone(),
                    quality: quality::placeholder(),
                })
                .collect();
            let profile = quality::profile_for(record.doc_type_code.as_deref());
            all_pages.extend(pages.iter().map(|p| (p.sha256.clone(), profile)));
            let last_review = self.store.reviews(&row.record_id)?.pop();
            items.push(ReviewQueueItem {
                summary: crate::records::summary(&record),
                version: row.current_version,
                batch_id: row.batch_id.clone(),
                sampled: row.sampled,
                created_by: row.created_by.clone(),
                page_count: pages.len() as u32,
                verdict: Verdict::Ok,
                pages,
                last_review,
            });
        }
        let mut qualities = self.page_qualities(&all_pages).into_iter();
        for item in &mut items {
            for page in &mut item.pages {
                if let Some(q) = qualities.next() {
                    page.quality = q;
                }
            }
            item.verdict = item
                .pages
                .iter()
                .map(|p| p.quality.verdict)
                .max()
                .unwrap_or(Verdict::Ok);
        }
        Ok(items)
    }

    pub(crate) fn review_status(&self, id: &str) -> Result<ReviewStatus, EngineError> {
        let id = self.store.resolve_id(id)?;
        let row = self.store.review_index()?.into_iter().find(|r| r.record_id == id);
        Ok(ReviewStatus {
            record_id: id,
            state: row.as_ref().map(state_of),
            version: row.as_ref().map(|r| r.current_version),
            review: row.and_then(|r| r.review),
        })
    }

    pub(crate) fn review_history(&self, id: &str) -> Result<Vec<ReviewRow>, EngineError> {
        let id = self.store.resolve_id(id)?;
        Ok(self.store.reviews(&id)?)
    }

    /// Approves or rejects `version` of `id`. Every check is made before anything is written, and the
    /// store checks the version again inside its transaction (a rescan can land in between).
    pub(crate) fn decide_by(
        &self,
        actor: &sohoa_store::Actor,
        id: &str,
        version: u32,
        verdict: ReviewVerdict,
        reason: Option<&str>,
        pages: &[u32],
    ) -> Result<ReviewRow, EngineError> {
        let id = self.store.resolve_id(id)?;
        let record = self.store.get_record(&id)?;
        if record.trashed_at.is_some() {
            return Err(StoreError::InTrash { id }.into());
        }
        let current = record.current_version.ok_or(ReviewError::NoPages)?;
        if current != version {
            return Err(ReviewError::NotCurrent { version, current }.into());
        }
        let reason = reason
            .map(|r| sohoa_core::text::nfc(r.trim()))
            .filter(|r| !r.is_empty());
        if verdict == ReviewVerdict::Rejected && reason.is_none() {
            return Err(ReviewError::ReasonRequired.into());
        }
        let files = self.store.version_files(&id, version)?;
        let images = images(&files);
        if images.is_empty() {
            return Err(ReviewError::NoPages.into());
        }
        if let Some(&ordinal) = pages.iter().find(|p| !images.iter().any(|f| f.ordinal == **p)) {
            return Err(ReviewError::NoSuchPage { version, ordinal }.into());
        }
        let new = NewReview {
            record_id: id.clone(),
            version,
            verdict,
            reason,
            pages: pages.to_vec(),
        };
        let row = self.store.add_review(actor, &new).map_err(|e| match e {
            StoreError::Conflict { actual, .. } => ReviewError::NotCurrent {
                version,
                current: actual,
            }
            .into(),
            other => EngineError::from(other),
        })?;
        tracing::info!(record = %id, version, verdict = verdict.as_str(), pages = row.pages.len(), "record reviewed");
        Ok(row)
    }

    /// Rejected records created by `login` (all of them for `None`), newest reject first.
    pub(crate) fn returned_records(&self, login: Option<&str>) -> Result<Vec<ReturnedRecord>, EngineError> {
        let mut out = Vec::new();
        for row in self.store.review_index()? {
            if state_of(&row) != ReviewState::Rejected || login.is_some_and(|l| l != row.created_by) {
                continue;
            }
            let Some(review) = row.review else { continue };
            let record = self.store.get_record(&row.record_id)?;
            // The reject named ordinals of the reviewed version; the current one has the same page images
            // (same digest) but OCR files may sit between them, so pages are matched by position.
            let reviewed = self.store.version_files(&row.record_id, review.version)?;
            let current = self.store.version_files(&row.record_id, row.current_version)?;
            let (reviewed, current) = (images(&reviewed), images(&current));
            let pages = review
                .pages
                .iter()
                .filter_map(|o| reviewed.iter().position(|f| f.ordinal == *o))
                .filter_map(|i| {
                    current.get(i).map(|f| ReturnedPage {
                        ordinal: f.ordinal,
                        number: i as u32 + 1,
                    })
                })
                .collect();
            out.push(ReturnedRecord {
                summary: crate::records::summary(&record),
                version: row.current_version,
                review,
                pages,
            });
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.review.id));
        Ok(out)
    }
}

/// The review calls as the desktop app makes them: supervisor calls need [`Action::Review`], the officer's
/// list of returned records [`Action::Scan`] (officers and archivists), history and state any signed-in role.
impl Acting<'_> {
    pub fn review_queue(&self, filter: &ReviewFilter) -> Result<Vec<ReviewQueueItem>, EngineError> {
        self.require(Action::Review)?.review_queue(filter)
    }

    pub fn draw_sample(&self, batch_id: &str, share: Option<f64>) -> Result<SampleDraw, EngineError> {
        let engine = self.require(Action::Review)?;
        engine.draw_sample_by(&engine.actor_for(self.caller()), batch_id, share)
    }

    pub fn approve(&self, id: &str, version: u32) -> Result<ReviewRow, EngineError> {
        let engine = self.require(Action::Review)?;
        engine.decide_by(
            &engine.actor_for(self.caller()),
            id,
            version,
            ReviewVerdict::Approved,
            None,
            &[],
        )
    }

    /// `pages`: ordinals of page images of `version`; empty rejects the whole record.
    pub fn reject(
        &self,
        id: &str,
        version: u32,
        reason: &str,
        pages: &[u32],
    ) -> Result<ReviewRow, EngineError> {
        let engine = self.require(Action::Review)?;
        engine.decide_by(
            &engine.actor_for(self.caller()),
            id,
            version,
            ReviewVerdict::Rejected,
            Some(reason),
            pages,
        )
    }

    /// The caller's own rejected records (every officer's for the local system actor).
    pub fn returned_records(&self) -> Result<Vec<ReturnedRecord>, EngineError> {
        let engine = self.require(Action::Scan)?;
        let caller = self.caller();
        engine.returned_records((!caller.is_system()).then(|| caller.login()))
    }

    pub fn review_history(&self, id: &str) -> Result<Vec<ReviewRow>, EngineError> {
        self.require(Action::ViewRecords)?.review_history(id)
    }

    pub fn review_status(&self, id: &str) -> Result<ReviewStatus, EngineError> {
        self.require(Action::ViewRecords)?.review_status(id)
    }

    /// Scans one sheet and puts it in place of page `ordinal` of the current version (see
    /// [`RescanReport`]); the new version is attributed to the caller and waits for review again.
    pub fn rescan_page(
        &self,
        page: PageToRescan<'_>,
        device: &mut dyn sohoa_scan::Device,
        settings: &sohoa_scan::ScanSettings,
        preset: Option<&str>,
        cancel: &std::sync::atomic::AtomicBool,
    ) -> Result<RescanReport, crate::ScanRecordError> {
        let engine = self.require(Action::Scan)?;
        engine.rescan_page_by(
            &engine.actor_for(self.caller()),
            page,
            device,
            settings,
            preset,
            cancel,
        )
    }
}
