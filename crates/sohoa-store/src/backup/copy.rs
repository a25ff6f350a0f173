//! Hash-verified file copies and the staging directory that becomes a backup (or a data directory) only
//! once complete.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::BackupError;

const CHUNK: usize = 256 * 1024;

/// Why a verified copy failed; the caller words it (a damaged live store and a damaged backup are different
/// problems for the operator).
pub(crate) enum CopyFailure {
    /// The source is missing or unreadable.
    Source(PathBuf, io::Error),
    /// The source's content is not what was expected.
    Mismatch { size: u64, sha256: String },
    /// Writing the destination failed (full disk, permissions ...).
    Dest(BackupError),
}

/// Copies `src` to the new file `dst` while hashing it, fsyncs `dst` and makes it read-only; fails unless
/// the content has `size` bytes and hashes to `sha256`. On failure `dst` is removed.
pub(crate) fn copy_verified(src: &Path, dst: &Path, size: u64, sha256: &str) -> Result<(), CopyFailure> {
    let result = copy_inner(src, dst, size, sha256);
    if result.is_err() {
        let _ = fs::remove_file(dst);
    }
    result
}

fn copy_inner(src: &Path, dst: &Path, size: u64, sha256: &str) -> Result<(), CopyFailure> {
    let mut input = File::open(src).map_err(|e| CopyFailure::Source(src.to_path_buf(), e))?;
    let dest_err = |e: io::Error| CopyFailure::Dest(BackupError::io(dst, e));
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dst)
        .map_err(dest_err)?;
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyFailure::Source(src.to_path_buf(), e)),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        hasher.update(chunk);
        total += n as u64;
        // A file longer than announced is already wrong; stop before filling the disk with it.
        if total > size {
            break;
        }
        out.write_all(chunk).map_err(dest_err)?;
    }
    let actual = hex::encode(hasher.finalize());
    if total != size || actual != sha256 {
        return Err(CopyFailure::Mismatch {
            size: total,
            sha256: actual,
        });
    }
    out.sync_all().map_err(dest_err)?;
    out.set_permissions(fs::Permissions::from_mode(0o444))
        .map_err(dest_err)?;
    Ok(())
}

/// Hashes a file and fsyncs it (it was just written by SQLite, which leaves durability to us here).
pub(crate) fn hash_and_sync(path: &Path) -> Result<(u64, String), BackupError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| BackupError::io(path, e))?;
    file.sync_all().map_err(|e| BackupError::io(path, e))?;
    drop(file);
    let (sha, size) = crate::blob::hash_file(path)?;
    Ok((size, sha))
}

pub(crate) fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| BackupError::io(dir, e))
}

/// A directory being filled under a temporary name next to its final place; removed on drop unless
/// [`Staging::finish`] renamed it. Parents of created directories are remembered so they can be fsynced
/// once, at the end.
pub(crate) struct Staging {
    path: PathBuf,
    dirs: BTreeSet<PathBuf>,
    done: bool,
}

impl Staging {
    /// `<parent>/.<name>.<tag>-<uuid>`: hidden, and never mistaken for a finished backup or data directory.
    pub(crate) fn create(final_path: &Path, tag: &str) -> Result<Staging, BackupError> {
        let parent = parent_of(final_path);
        fs::create_dir_all(&parent).map_err(|e| BackupError::io(&parent, e))?;
        let name = final_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sohoa".to_owned());
        let path = parent.join(format!(".{name}.{tag}-{}", uuid::Uuid::now_v7()));
        fs::create_dir(&path).map_err(|e| BackupError::io(&path, e))?;
        Ok(Staging {
            path,
            dirs: BTreeSet::new(),
            done: false,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Creates the parent directories of `rel` inside the staging directory; returns the full path.
    pub(crate) fn file_path(&mut self, rel: &Path) -> Result<PathBuf, BackupError> {
        let full = self.path.join(rel);
        if let Some(parent) = full.parent() {
            if !parent.is_dir() {
                fs::create_dir_all(parent).map_err(|e| BackupError::io(parent, e))?;
            }
            let mut dir = parent.to_path_buf();
            while dir.starts_with(&self.path) && self.dirs.insert(dir.clone()) {
                if !dir.pop() {
                    break;
                }
            }
        }
        Ok(full)
    }

    /// fsyncs every directory created (deepest first), renames the staging directory to `final_path` and
    /// fsyncs the parent, so the final name appears only with complete, durable content.
    pub(crate) fn finish(mut self, final_path: &Path) -> Result<(), BackupError> {
        for dir in self.dirs.iter().rev() {
            sync_dir(dir)?;
        }
        sync_dir(&self.path)?;
        fs::rename(&self.path, final_path).map_err(|e| BackupError::io(final_path, e))?;
        self.done = true;
        sync_dir(&parent_of(final_path))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done
            && let Err(e) = fs::remove_dir_all(&self.path)
            && e.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!(path = %self.path.display(), error = %e, "could not remove a staging directory");
        }
    }
}

pub(crate) fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
