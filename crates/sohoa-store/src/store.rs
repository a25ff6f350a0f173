//! The `Store` handle: opening a data directory and the plumbing every operation shares.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::blob::{BlobDir, Source};
use crate::fault::FaultInjector;
use crate::lock::{Cleanup, DirLock};
use crate::schema::{self, SCHEMA_VERSION};
use crate::types::{Actor, BlobRef, ReconcileReport, StoredBlob};
use crate::{StoreError, reconcile, text};

/// How long SQLite waits for another connection's write transaction before failing with "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Knobs for [`Store::open_with`]; `Default` is what the application uses.
#[derive(Clone)]
pub struct StoreOptions {
    /// Makes blob writes fail on demand (tests of a full disk, failing fsync ...).
    pub fault: Option<Arc<dyn FaultInjector>>,
    /// How long to wait for another process that is opening or reconciling the same directory.
    pub lock_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions {
            fault: None,
            lock_timeout: Duration::from_secs(30),
        }
    }
}

impl fmt::Debug for StoreOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreOptions")
            .field("fault", &self.fault.is_some())
            .field("lock_timeout", &self.lock_timeout)
            .finish()
    }
}

/// One open data directory. `Send + Sync`: one SQLite connection behind a mutex serves all threads, which
/// is plenty for a desk workstation and keeps transactions simple.
///
/// Lock order inside the process: `writes` → `conn` → `pending`.
pub struct Store {
    pub(crate) data_dir: PathBuf,
    pub(crate) db_path: PathBuf,
    conn: Mutex<Connection>,
    pub(crate) blobs: BlobDir,
    pub(crate) lock: DirLock,
    /// Blobs this handle stored that no committed version references yet (sha → outstanding puts).
    /// Clean-up passes never delete these: the caller is about to commit them.
    pub(crate) pending: Mutex<HashMap<String, u32>>,
    /// Blobs a backup in progress has promised to copy (sha → backups holding it). Clean-up treats them
    /// like `pending`, so a purge cannot delete a blob the backup's database snapshot still references.
    pub(crate) pinned: Mutex<HashMap<String, u32>>,
    /// Held shared by every blob write and exclusively by clean-up, so clean-up never deletes a temp file
    /// that a thread of this process is still writing.
    pub(crate) writes: RwLock<()>,
    last_reconcile: ReconcileReport,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) a data directory: directories, pragmas, migrations, then reconciliation
    /// of blob files against the database (see [`crate::lock`] for when files may be deleted).
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(data_dir, StoreOptions::default())
    }

    pub fn open_with(data_dir: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        fs::create_dir_all(data_dir).map_err(|e| StoreError::io(data_dir, e))?;
        let db_path = data_dir.join("sohoa.db");
        let lock = DirLock::new(data_dir, options.lock_timeout)?;
        let blobs = BlobDir::open(data_dir, options.fault)?;
        let gate = lock.gate()?;
        let mut conn = open_connection(&db_path).map_err(|e| e.refine(&db_path))?;
        schema::migrate(&mut conn, SCHEMA_VERSION).map_err(|e| e.refine(&db_path))?;
        let exclusive = matches!(lock.try_exclusive(&gate)?, Cleanup::Exclusive);
        let report =
            reconcile::run(&conn, &blobs, exclusive, &HashMap::new()).map_err(|e| e.refine(&db_path));
        if exclusive {
            lock.downgrade(&gate)?;
        }
        drop(gate);
        let report = report?;
        log_reconcile("open", &report);
        Ok(Store {
            data_dir: data_dir.to_path_buf(),
            db_path,
            conn: Mutex::new(conn),
            blobs,
            lock,
            pending: Mutex::new(HashMap::new()),
            pinned: Mutex::new(HashMap::new()),
            writes: RwLock::new(()),
            last_reconcile: report,
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// What the reconciliation at open found and did.
    pub fn last_reconcile(&self) -> &ReconcileReport {
        &self.last_reconcile
    }

    /// Runs reconciliation again. Temp files and orphans are only deleted if no other process has the
    /// directory open; otherwise the report says `cleanup_skipped` and only missing blobs are reported.
    pub fn reconcile(&self) -> Result<ReconcileReport, StoreError> {
        let report = self.with_cleanup_rights(|store, exclusive| {
            let pending = store.pending_snapshot();
            store.with_conn(|conn| reconcile::run(conn, &store.blobs, exclusive, &pending))
        })?;
        log_reconcile("reconcile", &report);
        Ok(report)
    }

    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.with_conn(|conn| schema::current_version(conn))
    }

    /// Stores the content of `reader` (streamed and hashed, never held in memory as a whole).
    pub fn put_blob(&self, reader: &mut dyn Read) -> Result<StoredBlob, StoreError> {
        self.put(reader, Source::Stream)
    }

    /// Stores a file's content. Directories, special files and unreadable files are refused with an
    /// error naming the path; nothing is left behind.
    pub fn put_blob_from_path(&self, path: &Path) -> Result<StoredBlob, StoreError> {
        let meta = fs::metadata(path).map_err(|e| StoreError::io(path, e))?;
        if !meta.is_file() {
            let what = if meta.is_dir() {
                "is a directory"
            } else {
                "is not a regular file"
            };
            return Err(StoreError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::InvalidInput, what),
            ));
        }
        let mut file = fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
        self.put(&mut file, Source::Path(path))
    }

    fn put(&self, reader: &mut dyn Read, source: Source<'_>) -> Result<StoredBlob, StoreError> {
        let _writing = self.writes.read().unwrap_or_else(PoisonError::into_inner);
        let (blob, existed) = self.blobs.put(reader, source)?;
        *self.pending_guard().entry(blob.sha256.clone()).or_insert(0) += 1;
        tracing::debug!(sha256 = %blob.sha256, size = blob.size, existed, "blob stored");
        Ok(StoredBlob { blob, existed })
    }

    /// The file holding a blob (which may not exist: check or use it and handle the error).
    pub fn blob_path(&self, sha256: &str) -> Result<PathBuf, StoreError> {
        self.blobs.path_of(sha256)
    }

    /// Whether a blob's file is present with the given size.
    pub fn has_blob(&self, blob: &BlobRef) -> Result<bool, StoreError> {
        let path = self.blobs.path_of(&blob.sha256)?;
        Ok(fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == blob.size))
    }

    // ---- plumbing shared by the operation modules ----

    pub(crate) fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn).map_err(|e| e.refine(&self.db_path))
    }

    /// Runs `f` in an IMMEDIATE transaction (the write lock is taken up front, so read-then-write inside
    /// never fails half-way with "busy") and commits if it succeeds.
    pub(crate) fn write_tx<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })
    }

    pub(crate) fn pending_guard(&self) -> MutexGuard<'_, HashMap<String, u32>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Blobs clean-up must keep although no committed row references them: pending puts and blobs pinned
    /// by a running backup.
    pub(crate) fn pending_snapshot(&self) -> HashMap<String, u32> {
        let mut all = self.pending_guard().clone();
        let pinned = self.pinned.lock().unwrap_or_else(PoisonError::into_inner);
        for (sha, n) in pinned.iter() {
            *all.entry(sha.clone()).or_insert(0) += n;
        }
        all
    }

    /// Runs a clean-up `f(store, exclusive)` with in-process blob writes paused and, if possible, the data
    /// directory held exclusively; the shared lock is restored afterwards whatever `f` returns.
    pub(crate) fn with_cleanup_rights<T>(
        &self,
        f: impl FnOnce(&Store, bool) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let _paused = self.writes.write().unwrap_or_else(PoisonError::into_inner);
        let gate = self.lock.gate()?;
        let exclusive = matches!(self.lock.try_exclusive(&gate)?, Cleanup::Exclusive);
        let out = f(self, exclusive);
        if exclusive {
            self.lock.downgrade(&gate)?;
        }
        out
    }
}

pub(crate) fn check_actor(actor: &Actor) -> Result<(), StoreError> {
    text::validate_label("actor.user", &actor.user)?;
    if !actor.workstation.is_empty() {
        text::validate_label("actor.workstation", &actor.workstation)?;
    }
    Ok(())
}

fn open_connection(db_path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(db_path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt {
            what: format!("cannot switch {} to WAL (got {mode})", db_path.display()),
        });
    }
    // FULL: a committed transaction survives power loss, which is the whole point of this store.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let fk: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    if !fk {
        return Err(StoreError::Corrupt {
            what: "SQLite refused to enable foreign keys".to_owned(),
        });
    }
    Ok(conn)
}

fn log_reconcile(when: &str, r: &ReconcileReport) {
    if r.missing_blobs.is_empty() {
        tracing::info!(
            when,
            temp_removed = r.temp_removed,
            orphans_removed = r.orphan_blobs_removed,
            skipped = r.cleanup_skipped,
            "blob reconciliation"
        );
    } else {
        tracing::error!(
            when,
            temp_removed = r.temp_removed,
            orphans_removed = r.orphan_blobs_removed,
            missing = r.missing_blobs.len(),
            skipped = r.cleanup_skipped,
            "blob reconciliation found versions whose files are missing"
        );
    }
}
