//! Backups of a live data directory, and restoring one into a new data directory.
//!
//! A backup is a directory: `manifest.json`, `sohoa.db` (a consistent snapshot taken with SQLite's online
//! backup API, so the desktop app and other `sohoa` processes keep working meanwhile) and
//! `blobs/<aa>/<bb>/<sha256>` (every blob the snapshot references, hash-verified while copied).
//!
//! Why the blobs cannot vanish between the snapshot and their copy: blobs are immutable and only removed
//! by clean-up passes (purge, reconcile). Another process's clean-up needs the data directory's lock
//! exclusively, which it cannot get while the backing-up process has the store open (see `lock`); this
//! process's own clean-up skips blobs in the store's `pinned` set, and the pins are taken before the
//! in-process clean-up lock is released after the snapshot.

mod copy;
mod error;
mod manifest;
mod restore;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::PoisonError;
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

pub use error::BackupError;
pub use manifest::{BlobEntry, Counts, FORMAT_VERSION, FileEntry, Manifest};
pub use restore::{RestoreOptions, RestoreReport, restore};

use crate::{Store, StoreError, schema, text};
use copy::{CopyFailure, Staging, copy_verified, hash_and_sync};
use manifest::{DB_FILE, FORMAT, MANIFEST_FILE, blob_rel_path};

/// How long the snapshot waits for SQLite locks (a checkpoint, another backup) before giving up.
const SNAPSHOT_TIMEOUT: Duration = Duration::from_secs(30);

/// What `Store::backup` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    pub path: PathBuf,
    pub manifest: Manifest,
    pub elapsed_ms: u64,
}

/// Blobs pinned for the lifetime of a backup; unpinned on drop whatever happens.
struct Pins<'a> {
    store: &'a Store,
    shas: Vec<String>,
}

impl Drop for Pins<'_> {
    fn drop(&mut self) {
        let mut pinned = self.store.pinned.lock().unwrap_or_else(PoisonError::into_inner);
        for sha in &self.shas {
            if let Some(n) = pinned.get_mut(sha) {
                *n -= 1;
                if *n == 0 {
                    pinned.remove(sha);
                }
            }
        }
    }
}

impl Store {
    /// Writes a complete, verified backup to `out` (which must not exist yet). The live store is only read.
    pub fn backup(&self, out: &Path, app_version: &str) -> Result<BackupReport, BackupError> {
        let started = Instant::now();
        if out.exists() {
            return Err(BackupError::Exists {
                path: out.to_path_buf(),
            });
        }
        let mut staging = Staging::create(out, "partial")?;
        let db_dst = staging.file_path(Path::new(DB_FILE))?;
        let (snapshot, _pins) = self.snapshot(&db_dst)?;
        let (db_size, db_sha) = hash_and_sync(&db_dst)?;
        for blob in &snapshot.blobs {
            let src = self.blobs.path_of(&blob.sha256)?;
            let dst = staging.file_path(&blob_rel_path(&blob.sha256))?;
            copy_verified(&src, &dst, blob.size, &blob.sha256).map_err(|f| match f {
                CopyFailure::Dest(e) => e,
                CopyFailure::Source(p, e) => BackupError::SourceDamaged {
                    what: format!("blob {} cannot be read ({}: {e})", blob.sha256, p.display()),
                },
                CopyFailure::Mismatch { size, sha256 } => BackupError::SourceDamaged {
                    what: format!(
                        "blob {} has {size} bytes hashing to {sha256}, expected {} bytes",
                        blob.sha256, blob.size
                    ),
                },
            })?;
        }
        let manifest = Manifest {
            format: FORMAT.to_owned(),
            format_version: FORMAT_VERSION,
            created_at: text::now_ts(),
            app_version: app_version.to_owned(),
            schema_version: snapshot.schema_version,
            counts: snapshot.counts,
            database: FileEntry {
                file: DB_FILE.to_owned(),
                size: db_size,
                sha256: db_sha,
            },
            blobs: snapshot.blobs,
        };
        write_manifest(&mut staging, &manifest)?;
        staging.finish(out)?;
        let report = BackupReport {
            path: out.to_path_buf(),
            manifest,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        };
        tracing::info!(
            path = %out.display(),
            records = report.manifest.counts.records,
            blobs = report.manifest.counts.blobs,
            "backup written"
        );
        Ok(report)
    }

    /// Copies the database into `dst` with the online backup API in one step (one read transaction, so
    /// one consistent state; WAL readers do not block the writers), then pins the blobs it references.
    /// In-process clean-up is paused meanwhile so nothing the snapshot references is deleted before the pin.
    fn snapshot(&self, dst: &Path) -> Result<(Snapshot, Pins<'_>), BackupError> {
        let _paused = self.writes.read().unwrap_or_else(PoisonError::into_inner);
        let src = Connection::open_with_flags(
            &self.db_path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| BackupError::Store(StoreError::Sqlite(e).refine(&self.db_path)))?;
        let sql = |e| BackupError::sqlite(dst, e);
        let mut out = Connection::open(dst).map_err(sql)?;
        {
            let backup = Backup::new(&src, &mut out).map_err(sql)?;
            let deadline = Instant::now() + SNAPSHOT_TIMEOUT;
            loop {
                match backup.step(-1).map_err(sql)? {
                    StepResult::Done => break,
                    _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                    _ => {
                        return Err(BackupError::Store(StoreError::Locked {
                            path: self.db_path.clone(),
                            reason: "the database stayed locked during the backup".to_owned(),
                        }));
                    }
                }
            }
        }
        drop(src);
        // The copied header says WAL; a backup must be one self-contained file.
        let _: String = out
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .map_err(sql)?;
        let snapshot = read_snapshot(&out).map_err(|e| match e {
            BackupError::Store(StoreError::Sqlite(e)) => BackupError::sqlite(dst, e),
            other => other,
        })?;
        out.close().map_err(|(_, e)| sql(e))?;
        let mut pinned = self.pinned.lock().unwrap_or_else(PoisonError::into_inner);
        for b in &snapshot.blobs {
            *pinned.entry(b.sha256.clone()).or_insert(0) += 1;
        }
        drop(pinned);
        let pins = Pins {
            store: self,
            shas: snapshot.blobs.iter().map(|b| b.sha256.clone()).collect(),
        };
        Ok((snapshot, pins))
    }
}

struct Snapshot {
    schema_version: u32,
    counts: Counts,
    blobs: Vec<BlobEntry>,
}

fn read_snapshot(conn: &Connection) -> Result<Snapshot, BackupError> {
    let schema_version = schema::current_version(conn)?;
    let counts_sql = "SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM versions),
                             (SELECT count(*) FROM audit_log)";
    let (records, versions, audit_entries): (u64, u64, u64) = conn
        .query_row(counts_sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(StoreError::from)?;
    let mut stmt = conn
        .prepare("SELECT sha256, max(size) FROM version_files GROUP BY sha256 ORDER BY sha256")
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(BlobEntry {
                sha256: r.get(0)?,
                size: r.get(1)?,
            })
        })
        .map_err(StoreError::from)?;
    let blobs = rows.collect::<Result<Vec<_>, _>>().map_err(StoreError::from)?;
    let counts = Counts {
        records,
        versions,
        blobs: blobs.len() as u64,
        blob_bytes: blobs.iter().map(|b| b.size).sum(),
        audit_entries,
    };
    Ok(Snapshot {
        schema_version,
        counts,
        blobs,
    })
}

fn write_manifest(staging: &mut Staging, manifest: &Manifest) -> Result<(), BackupError> {
    let path = staging.file_path(Path::new(MANIFEST_FILE))?;
    let bytes = serde_json::to_vec_pretty(manifest).map_err(|e| BackupError::Io {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    let mut file = std::fs::File::create(&path).map_err(|e| BackupError::io(&path, e))?;
    std::io::Write::write_all(&mut file, &bytes).map_err(|e| BackupError::io(&path, e))?;
    file.sync_all().map_err(|e| BackupError::io(&path, e))
}

/// Counts of a store, for comparing a restored copy with its manifest.
pub(crate) fn live_counts(store: &Store) -> Result<HashMap<&'static str, u64>, StoreError> {
    store.with_conn(|conn| {
        let (records, versions, audit): (u64, u64, u64) = conn.query_row(
            "SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM versions),
                    (SELECT count(*) FROM audit_log)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(HashMap::from([
            ("records", records),
            ("versions", versions),
            ("audit_entries", audit),
        ]))
    })
}
