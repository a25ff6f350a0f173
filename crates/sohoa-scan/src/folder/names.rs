//! Which files in a watched folder are documents, and whether one looks completely written.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    Png,
    Jpeg,
    Tiff,
    Pdf,
}

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
    let ext = Path::new(name).extension()?.to_str()?.to_lowercase();
    Some(match ext.as_str() {
        "png" => FileKind::Png,
        "jpg" | "jpeg" | "jpe" => FileKind::Jpeg,
        "tif" | "tiff" => FileKind::Tiff,
        "pdf" => FileKind::Pdf,
        _ => return None,
    })
}

/// A cheap structural check that a file of this kind is whole: PNG ends with its IEND chunk, JPEG with the
/// EOI marker, PDF has `%%EOF` near its end, TIFF has a valid header (its end cannot be checked cheaply).
/// It catches writers that pause longer than the settle interval mid-file (slow SMB uploads from scanners).
pub fn looks_complete(path: &Path, kind: FileKind) -> bool {
    let Ok(mut f) = File::open(path) else { return false };
    let Ok(len) = f.metadata().map(|m| m.len()) else {
        return false;
    };
    if len < 8 {
        return false;
    }
    let tail_len = len.min(1024);
    let mut tail = vec![0u8; tail_len as usize];
    if f.seek(SeekFrom::Start(len - tail_len)).is_err() || f.read_exact(&mut tail).is_err() {
        return false;
    }
    let mut head = [0u8; 4];
    if f.seek(SeekFrom::Start(0)).is_err() || f.read_exact(&mut head).is_err() {
        return false;
    }
    let has = |needle: &[u8]| tail.windows(needle.len()).any(|w| w == needle);
    match kind {
        FileKind::Png => tail.ends_with(&[0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]),
        FileKind::Jpeg => tail[tail.len().saturating_sub(32)..]
            .windows(2)
            .any(|w| w == [0xFF, 0xD9]),
        FileKind::Pdf => has(b"%%EOF"),
        FileKind::Tiff => head == *b"II*\0" || head == *b"MM\0*",
    }
}
