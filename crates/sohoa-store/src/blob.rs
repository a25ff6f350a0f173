//! Content-addressed blob files: `<data>/blobs/<aa>/<bb>/<sha256>`, read-only once written.
//!
//! Write order (the crash-safety argument): stream into `blobs/tmp/<uuid>.tmp` while hashing → fsync the
//! file → make it read-only → create and fsync the fan-out directories → rename to the content address →
//! fsync the parent directory. Only after that may a row reference it. A crash before the rename leaves a
//! temp file, a crash after it an unreferenced blob; start-up reconciliation removes both. A row never
//! points at a blob that is not durably on disk.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::fault::FaultInjector;
use crate::{BlobRef, StoreError};

const CHUNK: usize = 256 * 1024;

pub(crate) struct BlobDir {
    root: PathBuf,
    tmp: PathBuf,
    fault: Option<Arc<dyn FaultInjector>>,
}

/// Where a failed read came from, for the error message.
pub(crate) enum Source<'a> {
    Path(&'a Path),
    Stream,
}

impl BlobDir {
    pub(crate) fn open(
        data_dir: &Path,
        fault: Option<Arc<dyn FaultInjector>>,
    ) -> Result<BlobDir, StoreError> {
        let root = data_dir.join("blobs");
        let tmp = root.join("tmp");
        ensure_dir(data_dir, &root)?;
        ensure_dir(&root, &tmp)?;
        Ok(BlobDir { root, tmp, fault })
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn tmp(&self) -> &Path {
        &self.tmp
    }

    /// The file of a blob. Only 64 lowercase hex digits are accepted, so no input can name a path outside
    /// the blob tree.
    pub(crate) fn path_of(&self, sha256: &str) -> Result<PathBuf, StoreError> {
        if !is_sha256_hex(sha256) {
            return Err(StoreError::InvalidInput {
                field: "sha256",
                reason: "expected 64 lowercase hexadecimal digits".to_owned(),
            });
        }
        Ok(self.root.join(&sha256[0..2]).join(&sha256[2..4]).join(sha256))
    }

    /// Streams `reader` into the store. Returns the blob and whether identical content was already there.
    /// On any error the temp file is removed and nothing else has changed.
    pub(crate) fn put(
        &self,
        reader: &mut dyn Read,
        source: Source<'_>,
    ) -> Result<(BlobRef, bool), StoreError> {
        let tmp_path = self.tmp.join(format!("{}.tmp", uuid::Uuid::now_v7()));
        let mut guard = TempGuard {
            path: Some(tmp_path.clone()),
        };
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp_path)
            .map_err(|e| StoreError::io(&tmp_path, e))?;
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(match source {
                        Source::Path(p) => StoreError::io(p, e),
                        Source::Stream => StoreError::io(Path::new("<input stream>"), e),
                    });
                }
            };
            let chunk = buf.get(..n).unwrap_or_default();
            if let Some(f) = &self.fault {
                f.before_write(&tmp_path, n)
                    .map_err(|e| StoreError::io(&tmp_path, e))?;
            }
            file.write_all(chunk).map_err(|e| StoreError::io(&tmp_path, e))?;
            hasher.update(chunk);
            size += n as u64;
        }
        if let Some(f) = &self.fault {
            f.before_sync(&tmp_path)
                .map_err(|e| StoreError::io(&tmp_path, e))?;
        }
        file.sync_all().map_err(|e| StoreError::io(&tmp_path, e))?;
        file.set_permissions(fs::Permissions::from_mode(0o444))
            .map_err(|e| StoreError::io(&tmp_path, e))?;
        drop(file);

        let sha256 = hex::encode(hasher.finalize());
        let final_path = self.path_of(&sha256)?;
        let blob = BlobRef { sha256, size };
        if let Ok(meta) = fs::metadata(&final_path) {
            if meta.is_file() && meta.len() == size {
                // Dedup: identical content is already durable; the temp guard removes our copy.
                return Ok((blob, true));
            }
            tracing::warn!(sha256 = %blob.sha256, "existing blob has the wrong size; replacing it");
        }
        let top = self.root.join(&blob.sha256[0..2]);
        let fan_out = top.join(&blob.sha256[2..4]);
        ensure_dir(&self.root, &top)?;
        ensure_dir(&top, &fan_out)?;
        if let Some(f) = &self.fault {
            f.before_rename(&tmp_path, &final_path)
                .map_err(|e| StoreError::io(&final_path, e))?;
        }
        fs::rename(&tmp_path, &final_path).map_err(|e| StoreError::io(&final_path, e))?;
        guard.path = None;
        sync_dir(&fan_out)?;
        Ok((blob, false))
    }
}

/// Removes a temp file unless disarmed, so every early return cleans up after itself.
struct TempGuard {
    path: Option<PathBuf>,
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(p) = self.path.take()
            && let Err(e) = fs::remove_file(&p)
            && e.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!(path = %p.display(), error = %e, "could not remove a temp blob file");
        }
    }
}

pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Creates `dir` (whose parent is `parent`) if missing and makes its directory entry durable.
pub(crate) fn ensure_dir(parent: &Path, dir: &Path) -> Result<(), StoreError> {
    match fs::create_dir(dir) {
        Ok(()) => sync_dir(parent),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(StoreError::io(dir, e)),
    }
}

pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StoreError::io(dir, e))
}

/// Recomputes a blob file's hash (deep integrity check).
pub(crate) fn hash_file(path: &Path) -> Result<(String, u64), StoreError> {
    let mut file = File::open(path).map_err(|e| StoreError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| StoreError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}
