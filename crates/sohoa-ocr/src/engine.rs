//! One Tesseract instance with the language model loaded, reused for every page a worker
//! handles: loading `vie` costs far more than recognising a sparse page, so the model is
//! loaded once per worker, never per page.

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use image::GrayImage;
use tracing::debug;

use crate::error::OcrError;
use crate::ffi::{Api, Stopped};
use crate::page::PageText;
use crate::tessdata::{Tessdata, find_tessdata};
use crate::{omp, tsv};

/// Resolution assumed when the image does not say: flatbed and ADF scans are 300 dpi.
pub const DEFAULT_DPI: u32 = 300;

/// Page segmentation modes we use (Tesseract's numbering).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Psm {
    /// Full automatic layout analysis: whole pages.
    Auto = 3,
    /// One column of text of variable sizes.
    Column = 4,
    /// One uniform block: form zones, MRZ crops.
    Block = 6,
    /// One text line: single form fields.
    Line = 7,
}

#[derive(Debug, Clone)]
pub struct OcrConfig {
    /// Tesseract language string, `vie` by default (`vie+eng` also works).
    pub lang: String,
    /// Explicit tessdata directory; found automatically when `None`.
    pub tessdata: Option<PathBuf>,
}

impl Default for OcrConfig {
    fn default() -> Self {
        OcrConfig {
            lang: "vie".to_owned(),
            tessdata: None,
        }
    }
}

impl OcrConfig {
    pub fn resolve_tessdata(&self) -> Result<Tessdata, OcrError> {
        if self.lang.is_empty()
            || !self
                .lang
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '_' || c == '-')
        {
            return Err(OcrError::BadOption(format!("--lang '{}'", self.lang)));
        }
        match &self.tessdata {
            Some(dir) => Ok(Tessdata {
                dir: dir.clone(),
                best: dir.to_string_lossy().contains("best"),
            }),
            None => find_tessdata(&self.lang),
        }
    }
}

pub struct OcrEngine {
    api: Api,
    tessdata: Tessdata,
    cancel: Arc<AtomicBool>,
    superscripts: bool,
}

impl OcrEngine {
    /// Loads the model. [`omp::limit_openmp_threads`] runs first, so no engine in this
    /// process ever starts with OpenMP's default of one thread per core.
    pub fn new(config: &OcrConfig) -> Result<OcrEngine, OcrError> {
        omp::limit_openmp_threads();
        let tessdata = config.resolve_tessdata()?;
        let dir = tessdata.dir.to_string_lossy().into_owned();
        let init_err = || OcrError::Init {
            lang: config.lang.clone(),
            dir: dir.clone(),
        };
        let api = Api::new(&dir, &config.lang).ok_or_else(init_err)?;
        debug!(best = tessdata.best, dir = %dir, "tesseract engine ready");
        Ok(OcrEngine {
            api,
            tessdata,
            cancel: Arc::new(AtomicBool::new(false)),
            superscripts: true,
        })
    }

    /// Turns the footnote-mark correction ([`crate::superscript`]) off or on (on by default); the CER
    /// harness measures with and without it.
    pub fn set_superscript_fix(&mut self, on: bool) {
        self.superscripts = on;
    }

    /// The flag that stops the page being recognised (checked by Tesseract before each word): set it from
    /// any thread and the running `recognize` returns [`OcrError::Cancelled`] within one word. The owner
    /// clears it before the next page.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    pub fn tessdata(&self) -> &Tessdata {
        &self.tessdata
    }

    /// Sets a Tesseract parameter for the following pages of this engine (experiments, the CER harness).
    pub fn set_var(&mut self, name: &str, value: &str) -> Result<(), OcrError> {
        let bad = || OcrError::BadOption(format!("{name}={value}"));
        let n = CString::new(name).map_err(|_| bad())?;
        let v = CString::new(value).map_err(|_| bad())?;
        if self.api.set_variable(&n, &v) {
            Ok(())
        } else {
            Err(bad())
        }
    }

    /// Recognises a whole greyscale page (Tesseract binarises it itself), without the
    /// column-gap `|` artefacts, and with no text at all for a page that only holds noise.
    pub fn recognize(&mut self, img: &GrayImage, dpi: u32) -> Result<PageText, OcrError> {
        if !has_ink(img) {
            let (w, h) = img.dimensions();
            return Ok(PageText::empty(w, h, dpi));
        }
        let mut page = self.recognize_with(img, dpi, Psm::Auto, None)?;
        page.drop_noise();
        Ok(page)
    }

    /// Recognises with a segmentation mode and an optional character whitelist (MRZ,
    /// numeric fields). The whitelist is reset afterwards so the next page of this worker
    /// is read with the full alphabet.
    pub fn recognize_with(
        &mut self,
        img: &GrayImage,
        dpi: u32,
        psm: Psm,
        whitelist: Option<&str>,
    ) -> Result<PageText, OcrError> {
        let (w, h) = img.dimensions();
        if w < 3 || h < 3 {
            return Ok(PageText::empty(w, h, dpi));
        }
        self.set_var("tessedit_pageseg_mode", &(psm as u8).to_string())?;
        self.set_var("tessedit_char_whitelist", whitelist.unwrap_or(""))?;
        if !self.api.set_gray_image(img.as_raw(), w, h) {
            return Err(OcrError::BadOption("image too large".into()));
        }
        let dpi = if dpi < 70 { DEFAULT_DPI } else { dpi };
        self.api.set_source_resolution(dpi);
        let recognized = self.api.recognize(&self.cancel);
        if whitelist.is_some() {
            self.set_var("tessedit_char_whitelist", "")?;
        }
        match recognized {
            Ok(()) => {}
            Err(Stopped::Cancelled) => return Err(OcrError::Cancelled),
            Err(Stopped::Failed) => return Err(OcrError::Recognize),
        }
        let tsv = self.api.tsv().ok_or(OcrError::Recognize)?;
        let mut page = tsv::parse_tsv(&tsv, w, h, dpi)?;
        if whitelist.is_none() && self.superscripts {
            let symbols = self.api.symbols();
            crate::superscript::fix(&mut page, &symbols);
        }
        Ok(page)
    }
}

/// False when the page has no dark ink at all: the darkest 0.02 % of pixels (about 1 700
/// on an A4 page at 300 dpi, less than one short printed word) are lighter than
/// [`INK_MAX_LEVEL`]. Blank backs with bleed-through measured 188–232 there, printed pages
/// under 70, so such pages skip Tesseract (its time is the cost of a page). Any page with
/// real ink, or with speckle noise, goes to OCR and the confidence rule of
/// [`PageText::drop_noise`].
pub fn has_ink(img: &GrayImage) -> bool {
    let mut hist = [0u64; 256];
    for p in img.as_raw() {
        hist[*p as usize] += 1;
    }
    let target = (img.as_raw().len() as u64 / 5000).max(1);
    let mut seen = 0u64;
    for (level, n) in hist.iter().enumerate() {
        seen += n;
        if seen >= target {
            return level < INK_MAX_LEVEL;
        }
    }
    false
}

/// See [`has_ink`].
pub const INK_MAX_LEVEL: usize = 160;

/// Reads an image file as 8-bit grey with its resolution (as the file states it, else [`DEFAULT_DPI`]).
pub fn load_gray(path: &Path) -> Result<(GrayImage, u32), OcrError> {
    let bytes = std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            OcrError::NotFound(path.to_path_buf())
        } else {
            OcrError::Io {
                path: path.to_path_buf(),
                source: e,
            }
        }
    })?;
    let img = image::load_from_memory(&bytes).map_err(|e| OcrError::Image {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let dpi = sohoa_core::media::stored_dpi(&bytes).map_or(DEFAULT_DPI, |d| d as u32);
    Ok((ocr_gray(img), dpi))
}

/// Grey image for OCR. Colour pages use the red channel: the red seal (and red stamps)
/// that Decree 30 papers carry over the signer block become as light as the paper instead
/// of dark blobs over the text, while black print stays black. On 10 generated pages
/// (bench/ocr, seed 5000) CER was identical to luminance; the gain is on seals over text.
pub fn ocr_gray(img: image::DynamicImage) -> GrayImage {
    match img {
        image::DynamicImage::ImageLuma8(g) => g,
        other => {
            let rgb = other.into_rgb8();
            let (w, h) = rgb.dimensions();
            GrayImage::from_fn(w, h, |x, y| image::Luma([rgb.get_pixel(x, y)[0]]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ink_detection() {
        let mut img = GrayImage::from_pixel(500, 500, image::Luma([230]));
        assert!(!has_ink(&img));
        // 60 dark pixels out of 250 000: more than 0.02 %.
        for x in 0..60 {
            img.put_pixel(x, 10, image::Luma([20]));
        }
        assert!(has_ink(&img));
    }

    #[test]
    fn bad_language_string_rejected_before_tesseract() {
        let cfg = OcrConfig {
            lang: "vie\0".into(),
            tessdata: None,
        };
        assert_eq!(cfg.resolve_tessdata().unwrap_err().code(), "ocr.bad_option");
    }
}
