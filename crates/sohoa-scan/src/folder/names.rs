//! Which files in a watched folder are documents, and whether one looks completely written.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The document kinds a watched folder takes: the same containers import accepts.
pub use sohoa_core::media::Media as FileKind;
use sohoa_core::media::TAIL_LEN;

/// Names that writers use while a file is not finished (browsers, Office, rsync, scanners' FTP/SMB upload),
/// hidden files, and our own `.claimed/`, `.done/`, `.failed/` and journal.
pub fn is_ignored_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.starts_with('~')
        || name.ends_with('~')
        || [
            ".part",
            ".partial",
            ".tmp",
            ".temp",
            ".crdownload",
            ".download",
            ".filepart",
            ".swp",
        ]
        .iter()
        .any(|s| lower.ends_with(s))
}

/// The document kind by extension; `None` for names that are not documents (left in place, never claimed).
pub fn kind_of(name: &str) -> Option<FileKind> {
    if is_ignored_name(name) {
        return None;
    }
    FileKind::from_extension(Path::new(name).extension()?.to_str()?)
}

/// A cheap structural check that a file of this kind is whole: it starts as its kind and ends where the
/// format says it must (the same check import applies, [`FileKind::truncation`]). It catches writers that
/// pause longer than the settle interval mid-file (slow SMB uploads from scanners).
pub fn looks_complete(path: &Path, kind: FileKind) -> bool {
    let Ok(mut f) = File::open(path) else { return false };
    let Ok(len) = f.metadata().map(|m| m.len()) else {
        return false;
    };
    if len < 8 {
        return false;
    }
    let mut head = [0u8; 8];
    if f.read_exact(&mut head).is_err() || FileKind::sniff(&head) != Some(kind) {
        return false;
    }
    let tail_len = len.min(TAIL_LEN);
    let mut tail = vec![0u8; tail_len as usize];
    if f.seek(SeekFrom::Start(len - tail_len)).is_err() || f.read_exact(&mut tail).is_err() {
        return false;
    }
    kind.truncation(&tail).is_none()
}
