//! Reading page images from disk with the resolution they were scanned at (PNG pHYs, JPEG JFIF density,
//! TIFF is read without it), because 100 % scale needs the true dpi, not a guess.

use std::path::Path;

use crate::{OcrPage, PageInput, PdfError};

/// Resolution stored in a PNG (`pHYs`, metres) or JPEG (JFIF APP0, dots per inch/cm) header.
pub fn stored_dpi(bytes: &[u8]) -> Option<f32> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut pos = 8;
        while pos + 8 <= bytes.len() {
            let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().ok()?) as usize;
            let kind = &bytes[pos + 4..pos + 8];
            if kind == b"pHYs" && len >= 9 {
                let d = bytes.get(pos + 8..pos + 17)?;
                let ppu = u32::from_be_bytes(d[0..4].try_into().ok()?);
                return (d[8] == 1 && ppu > 0).then(|| (f64::from(ppu) * 0.0254).round() as f32);
            }
            if kind == b"IDAT" {
                return None;
            }
            pos += 12 + len;
        }
        return None;
    }
    if bytes.starts_with(&[0xFF, 0xD8]) && bytes.get(6..11) == Some(b"JFIF\0") {
        let unit = *bytes.get(13)?;
        let x = u16::from_be_bytes([*bytes.get(14)?, *bytes.get(15)?]);
        return match unit {
            1 if x > 1 => Some(f32::from(x)),
            2 if x > 1 => Some((f32::from(x) * 2.54).round()),
            _ => None,
        };
    }
    None
}

/// Loads a page image; words come from `<ocr_dir or image dir>/<stem>.json` when that file exists.
/// `fallback_dpi` applies when neither the image nor the OCR file states a resolution.
pub fn load_page(
    path: &Path,
    ocr_dir: Option<&Path>,
    fallback_dpi: Option<f32>,
) -> Result<PageInput, PdfError> {
    let bytes = std::fs::read(path)?;
    let image = image::load_from_memory(&bytes)
        .map_err(|e| PdfError::BadImage(format!("{}: {e}", path.display())))?
        .to_rgb8();
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("page");
    let dir = ocr_dir.or_else(|| path.parent()).unwrap_or(Path::new("."));
    let json = dir.join(format!("{stem}.json"));
    let ocr = if json.is_file() {
        OcrPage::from_json(&std::fs::read_to_string(&json)?, Some(image.dimensions()))?
    } else {
        OcrPage::default()
    };
    let dpi = stored_dpi(&bytes)
        .or(fallback_dpi)
        .or(ocr.dpi)
        .ok_or_else(|| PdfError::BadImage(format!("{}: resolution unknown; give --dpi", path.display())))?;
    Ok(PageInput {
        image,
        dpi,
        words: ocr.words,
    })
}
