//! Reading page images from disk with the resolution they were scanned at (PNG pHYs, JPEG JFIF density;
//! TIFF is read without it), because 100 % scale needs the true dpi, not a guess.

use std::path::Path;

use crate::{OcrPage, PageInput, PdfError};

/// Reads and decodes a page image with the resolution the file states, if any; the caller decides where a
/// missing one comes from.
fn decode(path: &Path) -> Result<(image::RgbImage, Option<f32>), PdfError> {
    let bytes = std::fs::read(path)?;
    let image = image::load_from_memory(&bytes)
        .map_err(|e| PdfError::BadImage(format!("{}: {e}", path.display())))?
        .to_rgb8();
    Ok((image, sohoa_core::media::stored_dpi(&bytes).map(|d| d as f32)))
}

fn unknown_dpi(path: &Path) -> PdfError {
    PdfError::BadImage(format!("{}: resolution unknown; give --dpi", path.display()))
}

/// Loads a page image without OCR words (records whose OCR is not stored yet).
pub fn load_image_page(path: &Path, fallback_dpi: Option<f32>) -> Result<PageInput, PdfError> {
    let (image, stored) = decode(path)?;
    let dpi = stored.or(fallback_dpi).ok_or_else(|| unknown_dpi(path))?;
    Ok(PageInput {
        image,
        dpi,
        words: Vec::new(),
    })
}

/// Loads a page image; words come from `<ocr_dir or image dir>/<stem>.json` when that file exists.
/// `fallback_dpi` applies when neither the image nor the OCR file states a resolution.
pub fn load_page(
    path: &Path,
    ocr_dir: Option<&Path>,
    fallback_dpi: Option<f32>,
) -> Result<PageInput, PdfError> {
    let (image, stored) = decode(path)?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("page");
    let dir = ocr_dir.or_else(|| path.parent()).unwrap_or(Path::new("."));
    let json = dir.join(format!("{stem}.json"));
    let ocr = if json.is_file() {
        OcrPage::from_json(&std::fs::read_to_string(&json)?, Some(image.dimensions()))?
    } else {
        OcrPage::default()
    };
    let dpi = stored
        .or(fallback_dpi)
        .or(ocr.dpi)
        .ok_or_else(|| unknown_dpi(path))?;
    Ok(PageInput {
        image,
        dpi,
        words: ocr.words,
    })
}
