//! `manifest.json`: what a finished backup holds, with a hash for every file.
//!
//! Written last and fsynced before the backup directory is renamed to its final name, so its presence
//! under the final name means the backup is complete.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::BackupError;
use crate::blob::is_sha256_hex;

pub const MANIFEST_FILE: &str = "manifest.json";
pub const DB_FILE: &str = "sohoa.db";
pub const FORMAT: &str = "sohoa-backup";
/// Bumped when a reader of the previous version could misread a backup.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// RFC 3339, Vietnamese time.
    pub created_at: String,
    pub app_version: String,
    pub schema_version: u32,
    pub counts: Counts,
    pub database: FileEntry,
    pub blobs: Vec<BlobEntry>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct Counts {
    /// Records, including those in the trash.
    pub records: u64,
    pub versions: u64,
    pub blobs: u64,
    pub blob_bytes: u64,
    pub audit_entries: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    pub file: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BlobEntry {
    pub sha256: String,
    pub size: u64,
}

/// Where a blob lives inside a backup (same fan-out as the store). `sha256` must already be validated.
pub(crate) fn blob_rel_path(sha256: &str) -> PathBuf {
    Path::new("blobs")
        .join(sha256.get(0..2).unwrap_or("xx"))
        .join(sha256.get(2..4).unwrap_or("xx"))
        .join(sha256)
}

impl Manifest {
    /// Reads and sanity-checks a backup's manifest (before any file is copied).
    pub fn read(backup: &Path) -> Result<Manifest, BackupError> {
        let path = backup.join(MANIFEST_FILE);
        if !backup.is_dir() {
            return Err(BackupError::NotABackup {
                path: backup.to_path_buf(),
                reason: "not a directory".to_owned(),
            });
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BackupError::NotABackup {
                    path: backup.to_path_buf(),
                    reason: format!("{MANIFEST_FILE} is missing (an unfinished backup has none)"),
                });
            }
            Err(e) => return Err(BackupError::io(&path, e)),
        };
        let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| BackupError::Corrupt {
            what: format!("{MANIFEST_FILE} cannot be read: {e}"),
        })?;
        if manifest.format != FORMAT {
            return Err(BackupError::NotABackup {
                path: backup.to_path_buf(),
                reason: format!("format {:?}", manifest.format),
            });
        }
        if manifest.format_version > FORMAT_VERSION {
            return Err(BackupError::UnsupportedFormat {
                found: manifest.format_version.to_string(),
                supported: FORMAT_VERSION.to_string(),
            });
        }
        if manifest.schema_version > crate::SCHEMA_VERSION {
            return Err(BackupError::UnsupportedFormat {
                found: format!("schema {}", manifest.schema_version),
                supported: format!("schema {}", crate::SCHEMA_VERSION),
            });
        }
        manifest.check_consistent()?;
        Ok(manifest)
    }

    fn check_consistent(&self) -> Result<(), BackupError> {
        let corrupt = |what: String| Err(BackupError::Corrupt { what });
        if self.database.file != DB_FILE || !is_sha256_hex(&self.database.sha256) {
            return corrupt(format!("{MANIFEST_FILE}: bad database entry"));
        }
        if let Some(b) = self.blobs.iter().find(|b| !is_sha256_hex(&b.sha256)) {
            return corrupt(format!("{MANIFEST_FILE}: bad blob name {:?}", b.sha256));
        }
        let bytes: u64 = self.blobs.iter().map(|b| b.size).sum();
        if self.blobs.len() as u64 != self.counts.blobs || bytes != self.counts.blob_bytes {
            return corrupt(format!(
                "{MANIFEST_FILE}: lists {} blobs ({bytes} B) but counts {} ({} B)",
                self.blobs.len(),
                self.counts.blobs,
                self.counts.blob_bytes
            ));
        }
        Ok(())
    }
}
