//! Restoring a backup into a data directory.
//!
//! Everything is copied (hash-verified) into a staging directory beside the target and checked there
//! (audit chain, `PRAGMA integrity_check`, every blob present with its hash, counts as in the manifest)
//! before the target is touched; a damaged backup therefore leaves the target exactly as it was. An old
//! non-empty target is moved aside under a dated name, never deleted.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::copy::{CopyFailure, Staging, copy_verified, parent_of};
use super::manifest::{DB_FILE, blob_rel_path};
use super::{BackupError, Manifest, live_counts};
use crate::lock::{Cleanup, DirLock};
use crate::types::{AuditReport, IntegrityReport};
use crate::{Store, StoreError};

#[derive(Debug, Clone, Copy, Default)]
pub struct RestoreOptions {
    /// Restore over a non-empty target: the old directory is renamed to `<target>.before-restore-<time>`.
    pub force: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub ok: bool,
    pub data_dir: PathBuf,
    /// Where the previous content of the target went (`--force` over a non-empty directory).
    pub moved_aside: Option<PathBuf>,
    pub manifest: Manifest,
    pub audit: AuditReport,
    pub integrity: IntegrityReport,
}

/// Restores the backup at `from` into `target`; see the module docs for the order of checks.
pub fn restore(from: &Path, target: &Path, options: RestoreOptions) -> Result<RestoreReport, BackupError> {
    let manifest = Manifest::read(from)?;
    let occupied = is_occupied(target)?;
    if occupied && !options.force {
        return Err(BackupError::TargetNotEmpty {
            path: target.to_path_buf(),
        });
    }
    let mut staging = Staging::create(target, "restoring")?;
    copy_in(from, &mut staging, &manifest)?;
    let (audit, integrity) = verify_staged(staging.path(), &manifest)?;
    // The target is only touched now. A live store there must not be moved from under its process.
    let _lock = if occupied {
        Some(lock_target(target)?)
    } else {
        None
    };
    let moved_aside = if occupied {
        let aside = aside_name(target);
        fs::rename(target, &aside).map_err(|e| BackupError::io(target, e))?;
        tracing::warn!(from = %target.display(), to = %aside.display(), "old data directory moved aside");
        Some(aside)
    } else {
        if target.exists() {
            fs::remove_dir(target).map_err(|e| BackupError::io(target, e))?;
        }
        None
    };
    staging.finish(target)?;
    tracing::info!(
        target = %target.display(),
        records = manifest.counts.records,
        blobs = manifest.counts.blobs,
        "backup restored and verified"
    );
    Ok(RestoreReport {
        ok: true,
        data_dir: target.to_path_buf(),
        moved_aside,
        manifest,
        audit,
        integrity,
    })
}

fn is_occupied(target: &Path) -> Result<bool, BackupError> {
    match fs::read_dir(target) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Ok(true),
        Err(e) => Err(BackupError::io(target, e)),
    }
}

/// Proof that no process has the old data directory open: its lock taken exclusively.
fn lock_target(target: &Path) -> Result<Option<DirLock>, BackupError> {
    if !target.join(".lock").is_file() {
        return Ok(None);
    }
    let lock = DirLock::new(target, std::time::Duration::from_secs(2))?;
    let gate = lock.gate().map_err(|_| BackupError::TargetBusy {
        path: target.to_path_buf(),
    })?;
    match lock.try_exclusive(&gate)? {
        Cleanup::Exclusive => Ok(Some(lock)),
        Cleanup::Shared => Err(BackupError::TargetBusy {
            path: target.to_path_buf(),
        }),
    }
}

fn aside_name(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sohoa".to_owned());
    let stamp = chrono::Local::now().format("%Y%m%dT%H%M%S");
    let parent = parent_of(target);
    let mut aside = parent.join(format!("{name}.before-restore-{stamp}"));
    let mut n = 1;
    while aside.exists() {
        n += 1;
        aside = parent.join(format!("{name}.before-restore-{stamp}-{n}"));
    }
    aside
}

fn copy_in(from: &Path, staging: &mut Staging, manifest: &Manifest) -> Result<(), BackupError> {
    let db = &manifest.database;
    let dst = staging.file_path(Path::new(DB_FILE))?;
    copy_verified(&from.join(DB_FILE), &dst, db.size, &db.sha256)
        .map_err(|f| damaged(f, "the database snapshot", db.size))?;
    // The store writes its database (owner only: it holds personal data); only blobs stay read-only.
    fs::set_permissions(&dst, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .map_err(|e| BackupError::io(&dst, e))?;
    for blob in &manifest.blobs {
        let rel = blob_rel_path(&blob.sha256);
        let dst = staging.file_path(&rel)?;
        copy_verified(&from.join(&rel), &dst, blob.size, &blob.sha256)
            .map_err(|f| damaged(f, &format!("blob {}", blob.sha256), blob.size))?;
    }
    Ok(())
}

fn damaged(failure: CopyFailure, what: &str, expected: u64) -> BackupError {
    match failure {
        CopyFailure::Dest(e) => e,
        CopyFailure::Source(p, e) if e.kind() == std::io::ErrorKind::NotFound => BackupError::Corrupt {
            what: format!("{what} is missing ({})", p.display()),
        },
        CopyFailure::Source(p, e) => BackupError::Corrupt {
            what: format!("{what} cannot be read ({}: {e})", p.display()),
        },
        CopyFailure::Mismatch { size, .. } if size != expected => BackupError::Corrupt {
            what: format!("{what} has {size} bytes, the manifest says {expected} (truncated or altered)"),
        },
        CopyFailure::Mismatch { sha256, .. } => BackupError::Corrupt {
            what: format!("{what} hashes to {sha256}, not to the manifest's sha256 (altered)"),
        },
    }
}

/// Opens the staged copy as a store and runs the same checks as `sohoa audit verify --deep`.
fn verify_staged(dir: &Path, manifest: &Manifest) -> Result<(AuditReport, IntegrityReport), BackupError> {
    let store = Store::open(dir).map_err(|e| match e {
        StoreError::Corrupt { what } => BackupError::Corrupt { what },
        other => BackupError::VerificationFailed {
            what: format!("the restored database does not open: {other}"),
        },
    })?;
    let audit = store.audit_verify()?;
    let integrity = store.integrity_check(true)?;
    let counts = live_counts(&store)?;
    drop(store);
    let mut problems = Vec::new();
    if let Some(b) = &audit.first_broken {
        problems.push(format!("audit chain broken at entry #{}: {}", b.seq, b.reason));
    }
    if !integrity.ok {
        problems.push(format!(
            "integrity: {} SQLite errors, {} missing blobs, {} damaged blobs, {} orphans, fts {:?}",
            integrity.sqlite_errors.len(),
            integrity.missing_blobs.len(),
            integrity.damaged_blobs.len(),
            integrity.orphan_blobs.len(),
            integrity.fts_error
        ));
    }
    let expected = [
        ("records", manifest.counts.records),
        ("versions", manifest.counts.versions),
        ("audit_entries", manifest.counts.audit_entries),
    ];
    for (key, want) in expected {
        let got = counts.get(key).copied().unwrap_or(0);
        if got != want {
            problems.push(format!("{key}: {got} restored, manifest says {want}"));
        }
    }
    if problems.is_empty() {
        Ok((audit, integrity))
    } else {
        Err(BackupError::VerificationFailed {
            what: problems.join("; "),
        })
    }
}
