//! The containers the workstation accepts as page sources, recognised from their bytes.
//!
//! Import (engine), the watched folder (scan), OCR and the PDF writer all need the same three answers —
//! what a file is, whether it was cut off in transfer, and the resolution it was scanned at — so they are
//! answered once here, on bytes the caller has read; no I/O.

use serde::{Deserialize, Serialize};

/// Bytes from the end of a file that [`Media::truncation`] needs to see.
pub const TAIL_LEN: u64 = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
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

    /// The container a file starts as (its first 8 bytes are enough).
    pub fn sniff(head: &[u8]) -> Option<Media> {
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

    /// The container a file name claims (watched folders route by name before a file is whole).
    pub fn from_extension(ext: &str) -> Option<Media> {
        match ext.to_lowercase().as_str() {
            "png" => Some(Media::Png),
            "jpg" | "jpeg" | "jpe" => Some(Media::Jpeg),
            "tif" | "tiff" => Some(Media::Tiff),
            "pdf" => Some(Media::Pdf),
            _ => None,
        }
    }

    /// Why a file whose last [`TAIL_LEN`] bytes are `tail` is cut off, or `None` when it ends where the
    /// format says it must. TIFF has no end marker: the imaging stage decodes it fully.
    pub fn truncation(self, tail: &[u8]) -> Option<&'static str> {
        let trimmed = trim_trailing_whitespace(tail);
        match self {
            // The IEND chunk: length 0, type, fixed CRC.
            Media::Png if !trimmed.ends_with(b"IEND\xAE\x42\x60\x82") => {
                Some("PNG ends before its IEND chunk (truncated)")
            }
            Media::Jpeg if !trimmed.ends_with(&[0xFF, 0xD9]) => {
                Some("JPEG has no end-of-image marker (truncated)")
            }
            Media::Pdf if !trimmed.windows(5).any(|w| w == b"%%EOF") => {
                Some("PDF has no %%EOF marker (truncated)")
            }
            _ => None,
        }
    }
}

fn trim_trailing_whitespace(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace() && *b != 0)
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

/// Resolution stored in a PNG (`pHYs`, pixels per metre) or JPEG (JFIF APP0, dots per inch/cm) header —
/// the `image` crate does not expose it, and 100 % scale and Tesseract's size heuristics need the true dpi.
/// TIFF and files that do not say give `None`.
pub fn stored_dpi(bytes: &[u8]) -> Option<f64> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut pos = 8;
        while pos + 8 <= bytes.len() {
            let len = u32::from_be_bytes(bytes.get(pos..pos + 4)?.try_into().ok()?) as usize;
            let kind = bytes.get(pos + 4..pos + 8)?;
            if kind == b"pHYs" && len >= 9 {
                let d = bytes.get(pos + 8..pos + 17)?;
                let ppm = u32::from_be_bytes(d.get(0..4)?.try_into().ok()?);
                return (d[8] == 1 && ppm > 0).then(|| (f64::from(ppm) * 0.0254).round());
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
        let x = f64::from(u16::from_be_bytes([*bytes.get(14)?, *bytes.get(15)?]));
        return match unit {
            1 if x > 1.0 => Some(x),
            2 if x > 1.0 => Some((x * 2.54).round()),
            _ => None,
        };
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sniffs_signatures() {
        assert_eq!(Media::sniff(b"\x89PNG\r\n\x1a\n"), Some(Media::Png));
        assert_eq!(Media::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Media::Jpeg));
        assert_eq!(Media::sniff(b"II*\0\x08\0\0\0"), Some(Media::Tiff));
        assert_eq!(Media::sniff(b"%PDF-1.7"), Some(Media::Pdf));
        assert_eq!(Media::sniff(b"GIF89a"), None);
    }

    #[test]
    fn truncated_containers_are_refused() {
        assert!(Media::Png.truncation(b"....IEND\xAE\x42\x60\x82").is_none());
        assert!(Media::Png.truncation(b"....IDAT").is_some());
        assert!(Media::Jpeg.truncation(&[1, 2, 0xFF, 0xD9]).is_none());
        assert!(Media::Jpeg.truncation(&[1, 2, 3]).is_some());
        assert!(Media::Pdf.truncation(b"trailer\n%%EOF\n").is_none());
        assert!(Media::Pdf.truncation(b"stream\nxxxx").is_some());
    }

    fn png_with_phys(ppm: u32, unit: u8) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&[0; 13 + 4]);
        png.extend_from_slice(&9u32.to_be_bytes());
        png.extend_from_slice(b"pHYs");
        png.extend_from_slice(&ppm.to_be_bytes());
        png.extend_from_slice(&ppm.to_be_bytes());
        png.push(unit);
        png.extend_from_slice(&[0; 4]);
        png
    }

    #[test]
    fn reads_png_and_jfif_resolution() {
        assert_eq!(stored_dpi(&png_with_phys(11811, 1)), Some(300.0));
        assert_eq!(
            stored_dpi(&png_with_phys(11811, 0)),
            None,
            "unit 0 is an aspect ratio, not a density"
        );
        assert_eq!(stored_dpi(b"GIF89a"), None);
        let jfif = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 1, 0, 200, 0, 200,
        ];
        assert_eq!(stored_dpi(&jfif), Some(200.0));
        let per_cm = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 2, 0, 118, 0, 118,
        ];
        assert_eq!(stored_dpi(&per_cm), Some(300.0));
    }
}
