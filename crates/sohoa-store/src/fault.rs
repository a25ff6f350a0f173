//! Fault injection for the blob writer: a full disk or a failing fsync cannot be produced on demand on a
//! developer machine, but "nothing half-written remains" has to be shown for exactly those cases.

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Consulted by the blob writer before each step on the temp file; an `Err` is treated exactly like the
/// operating system's error at that step.
pub trait FaultInjector: Send + Sync {
    /// Before writing `len` bytes to the temp file `path`.
    fn before_write(&self, path: &Path, len: usize) -> io::Result<()> {
        let _ = (path, len);
        Ok(())
    }
    /// Before the temp file is fsynced.
    fn before_sync(&self, path: &Path) -> io::Result<()> {
        let _ = path;
        Ok(())
    }
    /// Before the temp file is renamed to its content address.
    fn before_rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let _ = (from, to);
        Ok(())
    }
}

/// A disk with `capacity` bytes free for blob data: the write that would exceed it fails with ENOSPC.
#[derive(Debug)]
pub struct DiskFullAfter {
    capacity: u64,
    used: AtomicU64,
}

impl DiskFullAfter {
    pub fn new(capacity: u64) -> DiskFullAfter {
        DiskFullAfter {
            capacity,
            used: AtomicU64::new(0),
        }
    }
}

impl FaultInjector for DiskFullAfter {
    fn before_write(&self, _path: &Path, len: usize) -> io::Result<()> {
        let len = len as u64;
        let before = self.used.fetch_add(len, Ordering::SeqCst);
        if before.saturating_add(len) > self.capacity {
            self.used.fetch_sub(len, Ordering::SeqCst);
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "fault injection: no space left on device",
            ));
        }
        Ok(())
    }
}
