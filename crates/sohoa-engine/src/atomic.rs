//! Files the administrator's screens write in the data directory (trust anchors, scanner presets): a crash or
//! a full disk must leave either the old file or the new one, never half of one that signing or scanning
//! would then refuse to load.

use std::io::Write as _;
use std::path::Path;

/// Writes `bytes` to a temporary file beside `path` (same file system, so the rename is atomic), flushed to
/// disk before it takes the final name.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = std::fs::File::open(dir) {
        // Best effort: the rename is durable once the directory is synced; a failure here loses nothing.
        let _ = d.sync_all();
    }
    Ok(())
}
