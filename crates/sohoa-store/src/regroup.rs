//! Splits and merges as single transactions. Built from the same steps as a plain create, commit and
//! trash, but committed together: a split that finds its source changed must not leave a half-made record
//! (even in the trash), and a merge whose source changed must not leave the target with a copy and its undo
//! in the history.

use crate::records::{CheckedNew, check_full_id, load};
use crate::store::check_actor;
use crate::trash::trash_in;
use crate::types::{Actor, NewRecord, RecordRow, VersionFile, VersionRow};
use crate::versions::{Expect, commit_in};
use crate::{Store, StoreError};

/// A page list to commit over the version it was derived from (`None`: the record had none).
pub struct VersionPlan<'a> {
    pub record_id: &'a str,
    pub expected_current: Option<u32>,
    pub files: &'a [VersionFile],
    pub reason: &'a str,
}

/// A split as read: the source's pages that stay, and the new record with those that leave.
pub struct SplitPlan<'a> {
    pub source_id: &'a str,
    /// The source's version the page lists were derived from.
    pub source_expected: Option<u32>,
    pub stays: &'a [VersionFile],
    pub new: &'a NewRecord,
    pub leaves: &'a [VersionFile],
    pub leaves_reason: &'a str,
}

/// What a split committed.
#[derive(Debug)]
pub struct SplitCommit {
    pub new_record: RecordRow,
    pub new_version: VersionRow,
    pub source_version: VersionRow,
}

impl Store {
    /// Creates the new record with the leaving pages as its first version and commits the staying ones to
    /// the source, all or nothing: [`StoreError::VersionConflict`] with nothing written when the source
    /// moved on since read. `stays_reason` is given the new record's id, known only inside the transaction.
    pub fn split_off(
        &self,
        actor: &Actor,
        plan: &SplitPlan<'_>,
        stays_reason: impl FnOnce(&str) -> String,
    ) -> Result<SplitCommit, StoreError> {
        check_actor(actor)?;
        check_full_id(plan.source_id)?;
        let new = CheckedNew::new(plan.new)?;
        let leaving = self.check_files(plan.leaves)?;
        let staying = self.check_files(plan.stays)?;
        let done = self.write_tx(|tx| {
            let created = new.insert(tx, actor)?;
            let new_version = commit_in(
                tx,
                actor,
                &created.id,
                Expect::Current(None),
                &leaving,
                plan.leaves_reason,
            )?;
            let source_version = commit_in(
                tx,
                actor,
                plan.source_id,
                Expect::Current(plan.source_expected),
                &staying,
                &stays_reason(&created.id),
            )?;
            Ok(SplitCommit {
                new_record: load(tx, &created.id)?,
                new_version,
                source_version,
            })
        })?;
        self.release_pending(plan.leaves);
        self.release_pending(plan.stays);
        tracing::info!(record = %plan.source_id, new = %done.new_record.id, "split committed");
        Ok(done)
    }

    /// Commits `target` (its pages with the source's appended) and trashes `source_id` while it is still
    /// at `source_expected`, all or nothing.
    pub fn merge_into(
        &self,
        actor: &Actor,
        target: &VersionPlan<'_>,
        source_id: &str,
        source_expected: Option<u32>,
        trash_reason: &str,
    ) -> Result<VersionRow, StoreError> {
        check_actor(actor)?;
        check_full_id(target.record_id)?;
        check_full_id(source_id)?;
        let files = self.check_files(target.files)?;
        let version = self.write_tx(|tx| {
            let version = commit_in(
                tx,
                actor,
                target.record_id,
                Expect::Current(target.expected_current),
                &files,
                target.reason,
            )?;
            trash_in(
                tx,
                actor,
                source_id,
                Expect::Current(source_expected),
                trash_reason,
            )?;
            Ok(version)
        })?;
        self.release_pending(target.files);
        tracing::info!(record = %target.record_id, source = %source_id, "merge committed");
        Ok(version)
    }
}
