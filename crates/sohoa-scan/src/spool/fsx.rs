//! Durable file operations for the spool, each error carrying its path.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::SpoolError;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SpoolError + '_ {
    move |e| SpoolError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

pub fn create_dir(dir: &Path) -> Result<(), SpoolError> {
    fs::create_dir_all(dir).map_err(io(dir))
}

/// Makes a rename or creation inside `dir` durable (a no-op where directories cannot be opened).
pub fn sync_dir(dir: &Path) -> Result<(), SpoolError> {
    #[cfg(unix)]
    {
        fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Temporary file, fsync, rename over `name`, directory fsync.
pub fn write_durably(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), SpoolError> {
    let tmp = dir.join(format!("{name}.tmp"));
    let dest = dir.join(name);
    {
        let mut f = fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
    }
    fs::rename(&tmp, &dest).map_err(io(&dest))?;
    sync_dir(dir)
}

pub fn read(path: &Path) -> Result<Vec<u8>, SpoolError> {
    fs::read(path).map_err(io(path))
}

pub fn list(dir: &Path) -> Result<Vec<PathBuf>, SpoolError> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    out.sort();
    Ok(out)
}

pub fn remove_file(path: &Path) -> Result<(), SpoolError> {
    fs::remove_file(path).map_err(io(path))
}

pub fn remove_dir_all(path: &Path) -> Result<(), SpoolError> {
    fs::remove_dir_all(path).map_err(io(path))
}
