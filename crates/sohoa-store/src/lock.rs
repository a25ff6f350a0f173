//! Cross-process coordination of one data directory.
//!
//! SQLite serialises database writers by itself; what it cannot protect are blob files that are on disk
//! but not yet referenced by a row: a temp file being written, or a finished blob between `put_blob` and
//! the `commit_version` that references it (the engine stores all pages first, then commits). Deleting
//! such a file as an "orphan" would make the other process's commit fail. So:
//!
//! * every open [`Store`](crate::Store) holds a **shared** `flock` on `<data>/.lock` for its whole life:
//!   "a live writer may have unreferenced blobs here";
//! * anything that deletes temp files or unreferenced blobs (start-up reconciliation, `reconcile`,
//!   purge's blob clean-up) first needs that lock **exclusively**, i.e. proof that no other process has
//!   the directory open. Without it, the deletion is skipped and reported (`cleanup_skipped`,
//!   `blobs_deferred`); the next exclusive pass picks the files up.
//! * Upgrading shared → exclusive with `flock` is not atomic (Linux drops the old lock first, and keeps it
//!   dropped if the upgrade fails), so every lock *change* happens while holding a second, short-lived
//!   exclusive lock on `<data>/.lock.gate`. Nobody can take `.lock` exclusively without the gate, so the
//!   moment where our shared lock is released is invisible to other processes.
//!
//! Within one process, threads sharing a `Store` are coordinated by the store's own mutexes (see
//! `Store::pending`). A crashed process's locks vanish with it, which is what makes the next start-up able
//! to clean up after it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use crate::StoreError;

pub(crate) struct DirLock {
    live: File,
    live_path: PathBuf,
    gate_path: PathBuf,
    timeout: Duration,
}

/// Held while the process may delete files: proof that no other process has the directory open.
pub(crate) enum Cleanup {
    Exclusive,
    Shared,
}

/// The short-lived gate; dropping it releases the flock with the descriptor.
pub(crate) struct Gate {
    _file: File,
}

impl DirLock {
    /// Opens both lock files without locking anything yet.
    pub(crate) fn new(data_dir: &Path, timeout: Duration) -> Result<DirLock, StoreError> {
        let live_path = data_dir.join(".lock");
        let gate_path = data_dir.join(".lock.gate");
        let live = open_lock_file(&live_path)?;
        Ok(DirLock {
            live,
            live_path,
            gate_path,
            timeout,
        })
    }

    pub(crate) fn gate(&self) -> Result<Gate, StoreError> {
        let file = open_lock_file(&self.gate_path)?;
        let deadline = Instant::now() + self.timeout;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Gate { _file: file }),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(20));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked {
                        path: self.gate_path.clone(),
                        reason: format!(
                            "another process kept the data directory's gate for more than {} s",
                            self.timeout.as_secs()
                        ),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(StoreError::io(&self.gate_path, e)),
            }
        }
    }

    /// Under the gate: tries to become the only live holder. On failure the shared lock is re-taken before
    /// the gate is released, so other processes never see this process as absent.
    pub(crate) fn try_exclusive(&self, _gate: &Gate) -> Result<Cleanup, StoreError> {
        self.live
            .unlock()
            .map_err(|e| StoreError::io(&self.live_path, e))?;
        match self.live.try_lock() {
            Ok(()) => Ok(Cleanup::Exclusive),
            Err(TryLockError::WouldBlock) => {
                // Only exclusive holders could block this, and they all need the gate, which we hold.
                self.live
                    .lock_shared()
                    .map_err(|e| StoreError::io(&self.live_path, e))?;
                Ok(Cleanup::Shared)
            }
            Err(TryLockError::Error(e)) => Err(StoreError::io(&self.live_path, e)),
        }
    }

    /// Under the gate: back from exclusive to the normal shared state.
    pub(crate) fn downgrade(&self, _gate: &Gate) -> Result<(), StoreError> {
        self.live
            .unlock()
            .map_err(|e| StoreError::io(&self.live_path, e))?;
        self.live
            .lock_shared()
            .map_err(|e| StoreError::io(&self.live_path, e))
    }
}

fn open_lock_file(path: &Path) -> Result<File, StoreError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| StoreError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_prevents_exclusivity_and_keeps_its_shared_lock() {
        let dir = tempfile::tempdir().unwrap();
        let a = DirLock::new(dir.path(), Duration::from_secs(1)).unwrap();
        let b = DirLock::new(dir.path(), Duration::from_secs(1)).unwrap();
        {
            let g = a.gate().unwrap();
            assert!(matches!(a.try_exclusive(&g).unwrap(), Cleanup::Exclusive));
            a.downgrade(&g).unwrap();
        }
        {
            let g = b.gate().unwrap();
            assert!(matches!(b.try_exclusive(&g).unwrap(), Cleanup::Shared));
        }
        {
            let g = a.gate().unwrap();
            assert!(matches!(a.try_exclusive(&g).unwrap(), Cleanup::Shared));
        }
        // b still holds its shared lock after a's failed upgrade: an outside exclusive attempt fails.
        let probe = open_lock_file(&dir.path().join(".lock")).unwrap();
        assert!(matches!(probe.try_lock(), Err(TryLockError::WouldBlock)));
        drop((a, b));
        probe.try_lock().unwrap();
    }

    #[test]
    fn a_held_gate_times_out_with_a_locked_error() {
        let dir = tempfile::tempdir().unwrap();
        let a = DirLock::new(dir.path(), Duration::from_millis(100)).unwrap();
        let b = DirLock::new(dir.path(), Duration::from_millis(100)).unwrap();
        let _g = a.gate().unwrap();
        let err = b.gate().err().unwrap();
        assert_eq!(err.code(), "store.locked");
    }
}
