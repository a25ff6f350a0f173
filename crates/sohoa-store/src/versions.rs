//! Immutable file versions of a record (a re-scan makes a new version; earlier ones stay).

use std::fs;
use std::path::PathBuf;

use rusqlite::{Connection, Transaction, params};
use serde_json::json;

use crate::records::{check_full_id, load};
use crate::store::check_actor;
use crate::text::{nfc, now_ts, validate_file_name, validate_label};
use crate::types::{Actor, VersionFile, VersionFileRow, VersionRow};
use crate::{Store, StoreError, audit};

impl Store {
    /// Commits `files` (the complete, ordered page list) as the record's next version, with its audit
    /// entry, in one transaction. Every blob is checked on disk inside that transaction, so a version can
    /// never reference a file that is not there.
    ///
    /// For a page list made without reading the current version (a first scan, a test fixture). A list
    /// derived from the current version goes through [`Store::commit_version_if`], or a writer that
    /// committed in between (the CLI beside the app, background OCR) silently loses its pages.
    pub fn commit_version(
        &self,
        actor: &Actor,
        record_id: &str,
        files: &[VersionFile],
        reason: &str,
    ) -> Result<VersionRow, StoreError> {
        self.commit(actor, record_id, Expect::Any, files, reason)
    }

    /// [`Store::commit_version`] for a page list derived from version `expected_current` (`None`: the
    /// record had no version): refused with [`StoreError::VersionConflict`], nothing written, when the
    /// record's current version is another one by the time the transaction runs. The check and the insert
    /// share the write transaction, so no commit can slip in between them.
    pub fn commit_version_if(
        &self,
        actor: &Actor,
        record_id: &str,
        expected_current: Option<u32>,
        files: &[VersionFile],
        reason: &str,
    ) -> Result<VersionRow, StoreError> {
        self.commit(actor, record_id, Expect::Current(expected_current), files, reason)
    }

    fn commit(
        &self,
        actor: &Actor,
        record_id: &str,
        expect: Expect,
        files: &[VersionFile],
        reason: &str,
    ) -> Result<VersionRow, StoreError> {
        check_actor(actor)?;
        check_full_id(record_id)?;
        let checked = self.check_files(files)?;
        let row = self.write_tx(|tx| commit_in(tx, actor, record_id, expect, &checked, reason))?;
        self.release_pending(files);
        tracing::info!(record = %record_id, version = row.number, files = row.file_count, "version committed");
        Ok(row)
    }

    /// Checks a page list before its transaction: names, media types and where each blob must be.
    pub(crate) fn check_files<'a>(&self, files: &'a [VersionFile]) -> Result<CheckedFiles<'a>, StoreError> {
        if files.is_empty() {
            return Err(StoreError::InvalidInput {
                field: "files",
                reason: "a version needs at least one file".to_owned(),
            });
        }
        let mut paths = Vec::with_capacity(files.len());
        for f in files {
            validate_file_name(&f.name)?;
            validate_label("media_type", &f.media_type)?;
            paths.push(self.blobs.path_of(&f.blob.sha256)?);
        }
        Ok(CheckedFiles { files, paths })
    }

    /// Committed blobs no longer need protecting from clean-up as pending puts.
    pub(crate) fn release_pending(&self, files: &[VersionFile]) {
        let mut pending = self.pending_guard();
        for f in files {
            if let Some(n) = pending.get_mut(&f.blob.sha256) {
                *n -= 1;
                if *n == 0 {
                    pending.remove(&f.blob.sha256);
                }
            }
        }
    }

    /// All versions of a record, oldest first.
    pub fn versions(&self, record_id: &str) -> Result<Vec<VersionRow>, StoreError> {
        check_full_id(record_id)?;
        self.with_conn(|conn| {
            load(conn, record_id)?;
            versions_of(conn, record_id)
        })
    }

    /// The pages of one version in order.
    pub fn version_files(&self, record_id: &str, version: u32) -> Result<Vec<VersionFileRow>, StoreError> {
        check_full_id(record_id)?;
        self.with_conn(|conn| {
            load(conn, record_id)?;
            let exists: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM versions WHERE record_id = ?1 AND number = ?2)",
                params![record_id, version],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::NotFound {
                    id: format!("{record_id} version {version}"),
                });
            }
            let mut stmt = conn.prepare(
                "SELECT ordinal, name, media_type, sha256, size FROM version_files
                 WHERE record_id = ?1 AND version = ?2 ORDER BY ordinal",
            )?;
            let rows = stmt.query_map(params![record_id, version], |r| {
                Ok(VersionFileRow {
                    ordinal: r.get(0)?,
                    name: r.get(1)?,
                    media_type: r.get(2)?,
                    sha256: r.get(3)?,
                    size: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}

/// What a commit requires of the record's current version.
#[derive(Clone, Copy)]
pub(crate) enum Expect {
    Any,
    /// Exactly this one (`None`: no version yet).
    Current(Option<u32>),
}

impl Expect {
    pub(crate) fn check(self, record_id: &str, found: Option<u32>) -> Result<(), StoreError> {
        match self {
            Expect::Current(expected) if expected != found => Err(StoreError::VersionConflict {
                record: record_id.to_owned(),
                expected,
                found,
            }),
            _ => Ok(()),
        }
    }
}

/// A page list that passed [`Store::check_files`].
pub(crate) struct CheckedFiles<'a> {
    files: &'a [VersionFile],
    paths: Vec<PathBuf>,
}

/// Commits `checked` as the record's next version inside the caller's transaction: the record must be
/// live and at `expect`, and every blob on disk with its size.
pub(crate) fn commit_in(
    tx: &Transaction<'_>,
    actor: &Actor,
    record_id: &str,
    expect: Expect,
    checked: &CheckedFiles<'_>,
    reason: &str,
) -> Result<VersionRow, StoreError> {
    let files = checked.files;
    let reason = nfc(reason);
    let record = load(tx, record_id)?;
    if record.trashed_at.is_some() {
        return Err(StoreError::InTrash {
            id: record_id.to_owned(),
        });
    }
    expect.check(record_id, record.current_version)?;
    for (f, path) in files.iter().zip(&checked.paths) {
        match fs::metadata(path) {
            Ok(m) if m.is_file() && m.len() == f.blob.size => {}
            Ok(m) if m.is_file() => {
                return Err(StoreError::InvalidInput {
                    field: "files",
                    reason: format!(
                        "blob {} has {} bytes, the version says {}",
                        f.blob.sha256,
                        m.len(),
                        f.blob.size
                    ),
                });
            }
            _ => {
                return Err(StoreError::BlobMissing {
                    sha256: f.blob.sha256.clone(),
                });
            }
        }
    }
    let number: u32 = tx.query_row(
        "SELECT coalesce(max(number), 0) + 1 FROM versions WHERE record_id = ?1",
        [record_id],
        |r| r.get(0),
    )?;
    let total: u64 = files.iter().map(|f| f.blob.size).sum();
    let now = now_ts();
    tx.execute(
        "INSERT INTO versions (record_id, number, created_at, user, workstation, reason, file_count,
                total_bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            record_id,
            number,
            now,
            actor.user,
            actor.workstation,
            reason,
            files.len() as u32,
            total
        ],
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO version_files (record_id, version, ordinal, name, media_type, sha256, size)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, f) in files.iter().enumerate() {
        insert.execute(params![
            record_id,
            number,
            i as u32 + 1,
            f.name,
            f.media_type,
            f.blob.sha256,
            f.blob.size
        ])?;
    }
    drop(insert);
    tx.execute(
        "UPDATE records SET current_version = ?2, updated_at = ?3 WHERE id = ?1",
        params![record_id, number, now],
    )?;
    // Hashes and sizes bind the audit chain to the exact content; names and reason are free text
    // that may carry personal data, so they stay in the version row only.
    let listed: Vec<_> = files
        .iter()
        .map(|f| json!({"sha256": f.blob.sha256, "size": f.blob.size, "media_type": f.media_type}))
        .collect();
    audit::append(
        tx,
        actor,
        "version.commit",
        Some(record_id),
        &json!({"version": number, "files": listed, "total_bytes": total}),
    )?;
    Ok(VersionRow {
        record_id: record_id.to_owned(),
        number,
        created_at: now,
        actor: actor.user.clone(),
        workstation: actor.workstation.clone(),
        reason,
        file_count: files.len() as u32,
        total_bytes: total,
    })
}

fn versions_of(conn: &Connection, record_id: &str) -> Result<Vec<VersionRow>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT record_id, number, created_at, user, workstation, reason, file_count, total_bytes
         FROM versions WHERE record_id = ?1 ORDER BY number",
    )?;
    let rows = stmt.query_map([record_id], |r| {
        Ok(VersionRow {
            record_id: r.get(0)?,
            number: r.get(1)?,
            created_at: r.get(2)?,
            actor: r.get(3)?,
            workstation: r.get(4)?,
            reason: r.get(5)?,
            file_count: r.get(6)?,
            total_bytes: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
