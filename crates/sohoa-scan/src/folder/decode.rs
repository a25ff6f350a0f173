//! Turning a claimed file into page images for the [`PageStream`](crate::PageStream) view of a folder.
//!
//! Images decode with the `image` crate; the resolution comes from the file (PNG pHYs, JFIF density) when it
//! says, else from the scan settings. PDFs are rasterised with poppler's `pdftoppm` at the settings' dpi, in
//! colour, one page per image: a page stream carries images. The engine's own import path
//! ([`super::HotFolder::process`]) hands PDFs on as files instead, so their text and signatures survive.
//! Multi-page TIFFs: the `image` crate decodes the first frame only, so a TIFF with more frames is rejected
//! with a reason rather than silently shortened.

use std::path::Path;
use std::process::Command;

use image::DynamicImage;

use super::FileKind;

pub(crate) struct Decoded {
    pub image: DynamicImage,
    pub dpi: Option<f64>,
}

pub(crate) enum DecodeError {
    /// The file is not a readable document.
    Unreadable(String),
    /// This workstation lacks the tool to read it (no fault of the file).
    ToolMissing(String),
}

pub(crate) fn decode(path: &Path, kind: FileKind, dpi: u32) -> Result<Vec<Decoded>, DecodeError> {
    match kind {
        FileKind::Pdf => rasterise_pdf(path, dpi),
        _ => decode_image(path, kind).map_err(DecodeError::Unreadable),
    }
}

fn decode_image(path: &Path, kind: FileKind) -> Result<Vec<Decoded>, String> {
    match kind {
        FileKind::Pdf => Err("not an image".to_owned()),
        FileKind::Tiff => {
            if tiff_frames(path)? > 1 {
                return Err("multi-page TIFF: split it or send it as PDF".to_owned());
            }
            one_image(path, None)
        }
        FileKind::Png | FileKind::Jpeg => {
            let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
            one_image(path, sohoa_core::media::stored_dpi(&bytes))
        }
    }
}

fn one_image(path: &Path, dpi: Option<f64>) -> Result<Vec<Decoded>, String> {
    let image = image::ImageReader::open(path)
        .map_err(|e| e.to_string())?
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .decode()
        .map_err(|e| e.to_string())?;
    Ok(vec![Decoded { image, dpi }])
}

/// Counts IFDs by walking the chain of offsets (classic TIFF only; BigTIFF counts as one frame).
fn tiff_frames(path: &Path) -> Result<usize, String> {
    let b = std::fs::read(path).map_err(|e| e.to_string())?;
    let le = b.starts_with(b"II");
    let u16_at = |o: usize| {
        b.get(o..o + 2).map(|s| {
            if le {
                u16::from_le_bytes([s[0], s[1]])
            } else {
                u16::from_be_bytes([s[0], s[1]])
            }
        })
    };
    let u32_at = |o: usize| {
        b.get(o..o + 4).map(|s| {
            let a = [s[0], s[1], s[2], s[3]];
            if le {
                u32::from_le_bytes(a)
            } else {
                u32::from_be_bytes(a)
            }
        })
    };
    if u16_at(2) != Some(42) {
        return Ok(1);
    }
    let mut off = u32_at(4).unwrap_or(0) as usize;
    let mut n = 0;
    while off != 0 && n < 10_000 {
        n += 1;
        let Some(count) = u16_at(off) else { break };
        off = u32_at(off + 2 + usize::from(count) * 12).unwrap_or(0) as usize;
    }
    Ok(n.max(1))
}

fn rasterise_pdf(path: &Path, dpi: u32) -> Result<Vec<Decoded>, DecodeError> {
    let unreadable = |e: std::io::Error| DecodeError::Unreadable(e.to_string());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = path.with_file_name(format!(".render-{name}"));
    std::fs::create_dir_all(&dir).map_err(unreadable)?;
    let result = (|| {
        let out = Command::new("pdftoppm")
            .arg("-r")
            .arg(dpi.to_string())
            .arg("-png")
            .arg(path)
            .arg(dir.join("p"))
            .output()
            .map_err(|e| {
                DecodeError::ToolMissing(format!(
                    "pdftoppm (poppler-utils) is needed to read PDF pages: {e}"
                ))
            })?;
        if !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr);
            return Err(DecodeError::Unreadable(format!(
                "pdftoppm could not read the PDF: {}",
                why.trim()
            )));
        }
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map_err(unreadable)?
            .flatten()
            .map(|e| e.path())
            .collect();
        // pdftoppm pads page numbers to the same width, so name order is page order.
        files.sort();
        let mut pages = Vec::new();
        for f in &files {
            pages.extend(one_image(f, Some(f64::from(dpi))).map_err(DecodeError::Unreadable)?);
        }
        Ok(pages)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
