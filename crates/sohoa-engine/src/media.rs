//! Structural checks of input files before anything is stored.
//!
//! A scan that was cut off in transfer (a USB scanner unplugged, a network share dropping) must be refused at
//! import, not discovered months later by the vault. Full decoding belongs to the imaging stage; here the
//! signature and the end marker of each container are checked, which catches truncation, the common failure.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use sohoa_core::media::{Media, TAIL_LEN};

use crate::FileProblem;

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
    let media = Media::sniff(head).ok_or(FileProblem::UnsupportedType)?;
    let tail_start = meta.len().saturating_sub(TAIL_LEN);
    file.seek(SeekFrom::Start(tail_start))
        .map_err(|e| FileProblem::Unreadable(e.kind().to_string()))?;
    let mut tail = Vec::with_capacity(TAIL_LEN as usize);
    file.read_to_end(&mut tail)
        .map_err(|e| FileProblem::Unreadable(e.kind().to_string()))?;
    match media.truncation(&tail) {
        Some(why) => Err(FileProblem::Corrupt(why)),
        None => Ok(media),
    }
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
