//! # sohoa-imaging
//!
//! Page clean-up between the scanner and OCR: orientation (0/90/180/270), deskew (±15°, to hundredths of a
//! degree), crop to the paper at 100 % scale (NĐ 30/2020: crop, never resize), despeckle and punch-hole removal
//! that keep Vietnamese diacritics, blank-page flagging robust to bleed-through and tint, a quality verdict per
//! page with per-document-type thresholds, previews, and decoding that refuses hostile files with typed errors.
//!
//! Pure functions on images; no record store. The OCR stage calls [`clean`] on a decoded page:
//! ```no_run
//! use sohoa_imaging::{CleanOptions, DecodeLimits, clean, decode_file};
//! # fn main() -> Result<(), sohoa_imaging::ImagingError> {
//! let page = decode_file(std::path::Path::new("page-001.png"), &DecodeLimits::default())?;
//! let out = clean(&page, &CleanOptions::default())?;
//! println!("turned {}°, skew {:.2}°, blank {}", out.orientation, out.skew_degrees, out.blank);
//! # Ok(()) }
//! ```
//!
//! Design: every decision is taken on a ~150 dpi greyscale copy (ink points for skew and orientation, a bed
//! mask for the crop, components for holes, blank and clipped content); the full-resolution colour image only
//! gets one quarter turn, at most one bilinear rotation (skipped below [`CleanOptions::min_rotation`]), one crop
//! and in-place speck repairs. Colour is preserved; a binary derivative is made only on request.

mod blank;
mod border;
mod cc;
mod decode;
mod despeckle;
mod error;
mod orient;
mod pipeline;
mod preview;
mod quality;
mod reduce;
mod rotate;
mod skew;

use image::{DynamicImage, GrayImage};

pub use decode::{DecodeLimits, decode_bytes, decode_file};
pub use error::ImagingError;
pub use pipeline::{CleanOptions, clean};
pub use preview::{PREVIEW_SIDE, THUMB_SIDE, thumbnail};
pub use quality::{Quality, QualityProfile, Verdict, dpi_from_paper, profiles};

/// A cleaned page and everything the clean-up decided (design.md's `sohoa clean --json` fields and more).
#[derive(Debug, Clone)]
pub struct CleanedPage {
    /// The upright, deskewed, cropped page; RGB for colour input, greyscale for greyscale input.
    pub image: DynamicImage,
    /// Black-and-white derivative when [`CleanOptions::binarize`] was set.
    pub binary: Option<GrayImage>,
    /// Clockwise turn applied to make the page upright.
    pub orientation: u32,
    pub orientation_confidence: f64,
    /// The orientation was applied but is below the confidence threshold: a person should look.
    pub orientation_uncertain: bool,
    /// Skew of the content as scanned, degrees, counter-clockwise positive; the page was turned by its negative.
    pub skew_degrees: f64,
    pub skew_confidence: f64,
    /// Whether a resampling rotation happened (false below the threshold).
    pub rotated: bool,
    /// Paper rectangle [x, y, w, h] kept, in the frame of the upright, deskewed page (which has the size of the
    /// input after the quarter turn).
    pub crop: [u32; 4],
    pub blank: bool,
    /// Confidence of the blank verdict as given (0.5-1).
    pub blank_confidence: f64,
    pub ink_fraction: f64,
    pub quality: Quality,
    pub specks_removed: u32,
    pub holes_removed: u32,
}
