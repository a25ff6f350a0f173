//! Trash, restore and purge. Trashing is reversible and keeps everything; purging deletes the record's
//! rows and then the blob files nobody else uses. Audit entries about the record are kept forever.

use chrono::{DateTime, FixedOffset};
use rusqlite::{Transaction, params};
use serde_json::json;

use crate::records::{check_full_id, load};
use crate::store::check_actor;
use crate::text::{format_ts, nfc, now_ts};
use crate::types::{Actor, PurgeReport, RecordRow};
use crate::versions::Expect;
use crate::{Store, StoreError, audit, reconcile};

impl Store {
    pub fn trash(&self, actor: &Actor, id: &str, reason: &str) -> Result<RecordRow, StoreError> {
        check_actor(actor)?;
        check_full_id(id)?;
        let row = self.write_tx(|tx| trash_in(tx, actor, id, Expect::Any, reason))?;
        tracing::info!(record = %id, "record trashed");
        Ok(row)
    }

    pub fn restore(&self, actor: &Actor, id: &str) -> Result<RecordRow, StoreError> {
        check_actor(actor)?;
        check_full_id(id)?;
        let row = self.write_tx(|tx| {
            let old = load(tx, id)?;
            if old.trashed_at.is_none() {
                return Err(StoreError::NotInTrash { id: id.to_owned() });
            }
            tx.execute(
                "UPDATE records SET trashed_at = NULL, trash_reason = NULL, updated_at = ?2 WHERE id = ?1",
                params![id, now_ts()],
            )?;
            audit::append(
                tx,
                actor,
                "record.restore",
                Some(id),
                &json!({"revision": old.revision}),
            )?;
            load(tx, id)
        })?;
        tracing::info!(record = %id, "record restored");
        Ok(row)
    }

    /// Deletes a trashed record for good: its rows (with the audit entry) in one transaction, then the
    /// blob files no other version references. Blob deletion needs exclusive use of the data directory
    /// (another process might be about to reuse identical content); without it the files are left for the
    /// next start-up and counted in `blobs_deferred`.
    pub fn purge(&self, actor: &Actor, id: &str) -> Result<PurgeReport, StoreError> {
        check_actor(actor)?;
        check_full_id(id)?;
        let (versions_removed, candidates) = self.write_tx(|tx| {
            let old = load(tx, id)?;
            if old.trashed_at.is_none() {
                return Err(StoreError::NotInTrash { id: id.to_owned() });
            }
            let shas: Vec<String> = {
                let mut stmt =
                    tx.prepare("SELECT DISTINCT sha256 FROM version_files WHERE record_id = ?1")?;
                let rows = stmt.query_map([id], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            // Reviews name versions, so they go first (their triggers allow it for a trashed record only).
            tx.execute("DELETE FROM reviews WHERE record_id = ?1", [id])?;
            tx.execute("DELETE FROM review_sample_records WHERE record_id = ?1", [id])?;
            // A purged dossier leaves its batch (the batch row keeps what the feeder counted).
            tx.execute("DELETE FROM batch_records WHERE record_id = ?1", [id])?;
            let files = tx.execute("DELETE FROM version_files WHERE record_id = ?1", [id])?;
            let versions = tx.execute("DELETE FROM versions WHERE record_id = ?1", [id])?;
            tx.execute("DELETE FROM record_revisions WHERE record_id = ?1", [id])?;
            tx.execute("DELETE FROM records WHERE id = ?1", [id])?;
            let mut candidates = Vec::new();
            for sha in shas {
                let used: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM version_files WHERE sha256 = ?1)",
                    [&sha],
                    |r| r.get(0),
                )?;
                if !used {
                    candidates.push(sha);
                }
            }
            audit::append(
                tx,
                actor,
                "record.purge",
                Some(id),
                &json!({"versions": versions, "files": files, "unreferenced_blobs": candidates.len()}),
            )?;
            Ok((versions as u32, candidates))
        })?;
        let mut report = PurgeReport {
            record_id: id.to_owned(),
            versions_removed,
            ..PurgeReport::default()
        };
        if !candidates.is_empty() {
            let cleaned = self.with_cleanup_rights(|store, exclusive| {
                if exclusive {
                    reconcile::remove_unreferenced(store, &candidates).map(Some)
                } else {
                    Ok(None)
                }
            });
            match cleaned {
                Ok(Some((removed, bytes))) => {
                    report.blobs_removed = removed;
                    report.bytes_freed = bytes;
                }
                Ok(None) => report.blobs_deferred = candidates.len() as u32,
                // The rows are gone and audited; leftover files are orphans the next start-up removes.
                Err(e) => {
                    tracing::warn!(record = %id, error = %e, "blob clean-up after purge deferred");
                    report.blobs_deferred = candidates.len() as u32;
                }
            }
        }
        tracing::info!(
            record = %id,
            versions = report.versions_removed,
            blobs_removed = report.blobs_removed,
            blobs_deferred = report.blobs_deferred,
            "record purged"
        );
        Ok(report)
    }

    /// Purges every record trashed before `cutoff`, oldest first (the trash's retention policy).
    pub fn purge_trash_older_than(
        &self,
        actor: &Actor,
        cutoff: DateTime<FixedOffset>,
    ) -> Result<Vec<PurgeReport>, StoreError> {
        check_actor(actor)?;
        let cutoff = format_ts(cutoff);
        let ids: Vec<String> = self.with_conn(|conn| {
            let mut stmt = conn.prepare(
                "SELECT id FROM records WHERE trashed_at IS NOT NULL AND trashed_at < ?1 ORDER BY trashed_at, rid",
            )?;
            let rows = stmt.query_map([&cutoff], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        ids.iter().map(|id| self.purge(actor, id)).collect()
    }

    /// Records an engine-level event (export, signing, upload ...) in the chain.
    pub fn audit_append(
        &self,
        actor: &Actor,
        action: &str,
        record_id: Option<&str>,
        details: &serde_json::Value,
    ) -> Result<crate::AuditEntry, StoreError> {
        check_actor(actor)?;
        if let Some(id) = record_id {
            check_full_id(id)?;
        }
        self.write_tx(|tx| audit::append(tx, actor, action, record_id, details))
    }

    /// The log, oldest first; with `record_id`, only that record's entries (kept after a purge).
    pub fn audit_entries(&self, record_id: Option<&str>) -> Result<Vec<crate::AuditEntry>, StoreError> {
        self.with_conn(|conn| audit::entries(conn, record_id))
    }

    pub fn audit_verify(&self) -> Result<crate::AuditReport, StoreError> {
        let report = self.with_conn(|conn| audit::verify(conn))?;
        match &report.first_broken {
            None => tracing::info!(entries = report.entries, "audit chain verified"),
            Some(b) => tracing::error!(seq = b.seq, reason = %b.reason, "audit chain broken"),
        }
        Ok(report)
    }

    /// `PRAGMA integrity_check`, foreign keys, the full-text index, every referenced blob present with
    /// its size (and with `deep`, its sha256), and no orphan blob files.
    pub fn integrity_check(&self, deep: bool) -> Result<crate::IntegrityReport, StoreError> {
        let pending = self.pending_snapshot();
        self.with_conn(|conn| reconcile::integrity(conn, &self.blobs, deep, &pending))
    }
}

/// Moves a record to the trash inside the caller's transaction, if it is live and at `expect`: a merge
/// ([`Store::merge_into`]) trashes its source only while it is at the version whose pages were copied.
pub(crate) fn trash_in(
    tx: &Transaction<'_>,
    actor: &Actor,
    id: &str,
    expect: Expect,
    reason: &str,
) -> Result<RecordRow, StoreError> {
    let old = load(tx, id)?;
    if old.trashed_at.is_some() {
        return Err(StoreError::InTrash { id: id.to_owned() });
    }
    expect.check(id, old.current_version)?;
    let now = now_ts();
    tx.execute(
        "UPDATE records SET trashed_at = ?2, trash_reason = ?3, updated_at = ?2 WHERE id = ?1",
        params![id, now, nfc(reason)],
    )?;
    // The reason is free text (it may name people): it stays on the record, not in the audit log.
    audit::append(
        tx,
        actor,
        "record.trash",
        Some(id),
        &json!({"revision": old.revision}),
    )?;
    load(tx, id)
}
