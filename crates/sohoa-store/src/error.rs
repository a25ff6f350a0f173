//! The store's one error type, with stable machine codes for the CLI's exit codes and the UI.

use std::io;
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

/// Everything the store can refuse or fail at. Messages name record ids and paths, never owner data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read or write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// ENOSPC / EDQUOT / SQLITE_FULL: the operation was rolled back and its temporary file removed.
    #[error("disk full while writing {}: nothing was stored", path.display())]
    DiskFull { path: PathBuf },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("no record {id}")]
    NotFound { id: String },
    #[error("the id prefix {prefix} matches {count} records: type more characters")]
    Ambiguous { prefix: String, count: u64 },
    #[error("invalid file name {name:?}: {reason}")]
    InvalidName { name: String, reason: &'static str },
    #[error("invalid record id {id:?}: expected a UUID or a unique prefix of at least 6 hex characters")]
    InvalidId { id: String },
    /// A caller-supplied value other than a name or id is unusable (empty kind, empty version, bad hash ...).
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },
    #[error("blob {sha256} is not in the blob store")]
    BlobMissing { sha256: String },
    #[error("record changed meanwhile: expected revision {expected}, it is now at revision {actual}")]
    Conflict { expected: u32, actual: u32 },
    /// A change derived from version `expected` of a record (`None`: it had none) met version `found`:
    /// another writer (the CLI beside the app, background OCR, a second window) committed in between.
    /// Nothing was written; the other writer's pages are intact.
    #[error(
        "record {record} changed meanwhile: the change was made on version {}, the record is now at version {}: reload it; nothing was written",
        show_version(*.expected),
        show_version(*.found)
    )]
    VersionConflict {
        record: String,
        expected: Option<u32>,
        found: Option<u32>,
    },
    #[error("record {id} is not in the trash")]
    NotInTrash { id: String },
    #[error("record {id} is in the trash: restore it first")]
    InTrash { id: String },
    #[error(
        "the database has schema version {found}, newer than this program supports ({supported}): update SoHoa Desk"
    )]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("data directory {} is busy: {reason}", path.display())]
    Locked { path: PathBuf, reason: String },
    /// A unique value (a user's login) is already taken.
    #[error("{what} already exists")]
    Duplicate { what: String },
    #[error("store is corrupt: {what}")]
    Corrupt { what: String },
}

impl StoreError {
    /// Stable code; scripts and the UI match on it, so never rename one.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Io { .. } => "store.io",
            StoreError::DiskFull { .. } => "store.disk_full",
            StoreError::Sqlite(_) => "store.sqlite",
            StoreError::NotFound { .. } => "store.not_found",
            StoreError::Ambiguous { .. } => "store.ambiguous",
            StoreError::InvalidName { .. } => "store.invalid_name",
            StoreError::InvalidId { .. } => "store.invalid_id",
            StoreError::InvalidInput { .. } => "store.invalid_input",
            StoreError::BlobMissing { .. } => "store.blob_missing",
            StoreError::Conflict { .. } => "store.conflict",
            StoreError::VersionConflict { .. } => "store.version_conflict",
            StoreError::NotInTrash { .. } => "store.not_in_trash",
            StoreError::InTrash { .. } => "store.in_trash",
            StoreError::SchemaTooNew { .. } => "store.schema_too_new",
            StoreError::Locked { .. } => "store.locked",
            StoreError::Corrupt { .. } => "store.corrupt",
            StoreError::Duplicate { .. } => "store.duplicate",
        }
    }

    /// Classifies an I/O failure at `path`: a full disk gets its own variant because the user can act on it.
    pub(crate) fn io(path: &Path, source: io::Error) -> StoreError {
        if is_disk_full(&source) {
            StoreError::DiskFull {
                path: path.to_path_buf(),
            }
        } else {
            StoreError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    }

    /// SQLite reports a full disk and a damaged file as generic failures; surface them as the variants a
    /// user understands. `db` names the database file in the resulting error.
    pub(crate) fn refine(self, db: &Path) -> StoreError {
        match self {
            StoreError::Sqlite(e) => match e.sqlite_error_code() {
                Some(ErrorCode::DiskFull) => StoreError::DiskFull {
                    path: db.to_path_buf(),
                },
                Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Corrupt {
                    what: format!("{}: {e}", db.display()),
                },
                _ => StoreError::Sqlite(e),
            },
            other => other,
        }
    }
}

fn show_version(v: Option<u32>) -> String {
    v.map_or_else(|| "none".to_owned(), |n| n.to_string())
}

/// std maps ENOSPC/EDQUOT (Unix) and ERROR_DISK_FULL/ERROR_DISK_QUOTA_EXCEEDED (Windows) onto these kinds,
/// so no platform error numbers are needed here.
pub(crate) fn is_disk_full(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn enospc_and_edquot_become_disk_full() {
        for errno in [libc::ENOSPC, libc::EDQUOT] {
            let e = StoreError::io(Path::new("/d/blobs"), io::Error::from_raw_os_error(errno));
            assert_eq!(e.code(), "store.disk_full", "{errno}");
        }
        let e = StoreError::io(Path::new("/d/x"), io::Error::from_raw_os_error(libc::EACCES));
        assert_eq!(e.code(), "store.io");
    }

    #[test]
    fn sqlite_full_becomes_disk_full() {
        let raw = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL), None);
        let e = StoreError::from(raw).refine(Path::new("/d/sohoa.db"));
        assert!(matches!(e, StoreError::DiskFull { ref path } if path == Path::new("/d/sohoa.db")));
    }
}
