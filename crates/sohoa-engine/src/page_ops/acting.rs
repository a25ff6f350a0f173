//! The page operations as a signed-in caller may use them: splitting, merging and placing scanned pages
//! change a record's pages, which is an officer's or archivist's duty (a supervisor returns a record
//! instead).

use std::sync::atomic::AtomicBool;

use crate::access::Action;
use crate::{Acting, EngineError, ScanRecordError, ScanRecordReport};

use super::{MergeCandidate, MergeReport, SplitReport};

impl Acting<'_> {
    /// The pages from position `at` (0-based among the page images) become a new record; see
    /// [`SplitReport`]. `seen`: the version the officer chose `at` on; if another has been committed since,
    /// the split is refused (`store.version_conflict`) rather than cutting at a page that moved.
    pub fn split_record(&self, id: &str, at: u32, seen: Option<u32>) -> Result<SplitReport, EngineError> {
        let engine = self.require(Action::EditRecord)?;
        engine.split_record_by(&engine.actor_for(self.caller), id, at, seen)
    }

    /// `source`'s pages go after `target`'s, and `source` goes to the trash; see [`MergeReport`].
    /// `target_seen`: the target's version on the officer's screen, checked like [`Acting::split_record`]'s.
    pub fn merge_records(
        &self,
        target: &str,
        source: &str,
        target_seen: Option<u32>,
    ) -> Result<MergeReport, EngineError> {
        let engine = self.require(Action::EditRecord)?;
        engine.merge_records_by(&engine.actor_for(self.caller), target, source, target_seen)
    }

    pub fn merge_candidates(&self, target: &str) -> Result<Vec<MergeCandidate>, EngineError> {
        self.require(Action::ViewRecords)?.merge_candidates(target)
    }

    /// [`Acting::scan_into_record`] with the pages placed before page image `insert_at` (0-based; the page
    /// count or `None`: after the last page), as one new version.
    #[allow(clippy::too_many_arguments)]
    pub fn scan_into_record_at(
        &self,
        id: &str,
        insert_at: Option<u32>,
        device: &mut dyn sohoa_scan::Device,
        settings: &sohoa_scan::ScanSettings,
        preset: Option<&str>,
        cancel: &AtomicBool,
        on_page: impl FnMut(&sohoa_scan::Page),
    ) -> Result<ScanRecordReport, ScanRecordError> {
        let engine = self.require(Action::Scan)?;
        engine.scan_into_record_by(
            &engine.actor_for(self.caller),
            id,
            insert_at,
            device,
            settings,
            preset,
            cancel,
            on_page,
        )
    }
}
