//! Structural checks of input files before anything is stored.
//!
//! A scan that was cut off in transfer (a USB scanner unplugged, a network share dropping) must be refused at
//! import, not discovered months later by the vault. Full decoding belongs to the imaging stage; here the
//! signature and the end marker of each container are checked, which catches truncation, the common failure.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::FileProblem;

/// The media types the workstation accepts as page sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Png,
    Jpeg,
    Tiff,
    Pdf,
}

impl Media {
    pub fn mime(self) -> &'static str {
        match self {
            Media::Png => "image/png",
            Media::Jpeg => "image/jpeg",
            Media::Tiff => "image/tiff",
            Media::Pdf => "application/pdf",
        }
    }
}

const TAIL: u64 = 1024;

/// Opens `path`, identifies its container by signature and checks that it ends where the format says it must.
pub fn inspect(path: &Path) -> Result<Media, FileProblem> {
    let meta = std::fs::metadata(path).map_err(|e| FileProblem::Unreadable(e.kind().to_string()))?;
    if !meta.is_file() {
        return Err(FileProblem::NotAFile);
    }
    if meta.len() == 0 {
        return Err(FileProblem::Empty);
    }
    let mut file = File::open(path).map_err(|e| FileProblem::Unreadable(e.kind().to_string()))?;
    let mut head = [0u8; 8];
    let head_len = read_up_to(&mut file, &mut head)?;
    let head = &head[..head_len];
    let media = sniff(head).ok_or(FileProblem::UnsupportedType)?;
    let tail_start = meta.len().saturating_sub(TAIL);
    file.seek(SeekFrom::Start(tail_start))
        .map_err(|e| FileProblem::Unreadable(e.kind().to_string()))?;
    let mut tail = Vec::with_capacity(TAIL as usize);
    file.read_to_end(&mut tail)
        .map_err(|e| FileProblem::Unreadable(e.kind().to_string()))?;
    check_tail(media, &tail)?;
    Ok(media)
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> Result<usize, FileProblem> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FileProblem::Unreadable(e.kind().to_string())),
        }
    }
    Ok(filled)
}

fn sniff(head: &[u8]) -> Option<Media> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Media::Png)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Media::Jpeg)
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        Some(Media::Tiff)
    } else if head.starts_with(b"%PDF-") {
        Some(Media::Pdf)
    } else {
        None
    }
}

fn check_tail(media: Media, tail: &[u8]) -> Result<(), FileProblem> {
    let trimmed = trim_trailing_whitespace(tail);
    match media {
        // The IEND chunk: length 0, type, fixed CRC.
        Media::Png if !trimmed.ends_with(b"IEND\xAE\x42\x60\x82") => {
            Err(FileProblem::Corrupt("PNG ends before its IEND chunk (truncated)"))
        }
        Media::Jpeg if !trimmed.ends_with(&[0xFF, 0xD9]) => Err(FileProblem::Corrupt(
            "JPEG has no end-of-image marker (truncated)",
        )),
        Media::Pdf if !contains(trimmed, b"%%EOF") => {
            Err(FileProblem::Corrupt("PDF has no %%EOF marker (truncated)"))
        }
        // TIFF has no end marker; the imaging stage decodes it fully.
        _ => Ok(()),
    }
}

fn trim_trailing_whitespace(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace() && *b != 0)
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_signatures() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(Media::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Media::Jpeg));
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Some(Media::Tiff));
        assert_eq!(sniff(b"%PDF-1.7"), Some(Media::Pdf));
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn truncated_containers_are_refused() {
        assert!(check_tail(Media::Png, b"....IEND\xAE\x42\x60\x82").is_ok());
        assert!(check_tail(Media::Png, b"....IDAT").is_err());
        assert!(check_tail(Media::Jpeg, &[1, 2, 0xFF, 0xD9]).is_ok());
        assert!(check_tail(Media::Jpeg, &[1, 2, 3]).is_err());
        assert!(check_tail(Media::Pdf, b"trailer\n%%EOF\n").is_ok());
        assert!(check_tail(Media::Pdf, b"stream\nxxxx").is_err());
    }
}
