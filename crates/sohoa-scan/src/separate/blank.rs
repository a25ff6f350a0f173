//! A small blank-page detector for separator sheets and blank backs.
//!
//! Deliberately simple (the imaging crate owns the thorough one): average the page down to ~1 mm cells so
//! scanner noise, dust and paper texture average out, estimate the paper's own brightness from the cells'
//! upper percentile (off-white, recycled or yellowed paper stays "paper"), and count the cells clearly darker
//! than it. Edges are ignored because feeders leave dark borders and shadows there.

use image::GrayImage;
use serde::{Deserialize, Serialize};

/// Tuning; the defaults were set on the generated test pages (a few lines of text clear them by a factor of 10+).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BlankConfig {
    /// A cell counts as ink when it is this many grey levels darker than the paper.
    pub ink_delta: u8,
    /// The page is blank when fewer than this fraction of the cells are ink.
    pub max_ink_ratio: f64,
    /// Fraction of width/height ignored on each edge.
    pub margin: f64,
}

impl Default for BlankConfig {
    fn default() -> Self {
        Self {
            ink_delta: 40,
            max_ink_ratio: 0.002,
            margin: 0.05,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BlankVerdict {
    pub blank: bool,
    /// Fraction of the inner page's cells that hold ink.
    pub ink_ratio: f64,
    /// 0.5 at the threshold, towards 1.0 the further the page is from it on either side.
    pub confidence: f64,
}

/// Cell side in pixels: about 1 mm at the usual 150–600 dpi for an A4/Letter sheet, whatever the image size.
fn cell_size(img: &GrayImage) -> u32 {
    (img.width().max(img.height()) / 300).max(1)
}

pub fn detect_blank(img: &GrayImage, cfg: &BlankConfig) -> BlankVerdict {
    let cell = cell_size(img);
    let (w, h) = (img.width(), img.height());
    let x0 = (f64::from(w) * cfg.margin) as u32;
    let y0 = (f64::from(h) * cfg.margin) as u32;
    let x1 = w.saturating_sub(x0);
    let y1 = h.saturating_sub(y0);
    let (cols, rows) = ((x1.saturating_sub(x0)) / cell, (y1.saturating_sub(y0)) / cell);
    let cells = super::gray::cell_means(img, (x0, y0), (cols, rows), cell);
    if cells.is_empty() {
        return BlankVerdict {
            blank: true,
            ink_ratio: 0.0,
            confidence: 0.5,
        };
    }
    let mut sorted = cells.clone();
    sorted.sort_unstable();
    // 90th percentile: the paper, even when a tenth of the page is dark.
    let paper = sorted[(sorted.len() * 9) / 10];
    let limit = paper.saturating_sub(cfg.ink_delta);
    let ink = cells.iter().filter(|&&c| c < limit).count();
    let ink_ratio = ink as f64 / cells.len() as f64;
    let blank = ink_ratio < cfg.max_ink_ratio;
    // Distance from the threshold on a log scale: 10x below or above is full confidence.
    let t = cfg.max_ink_ratio.max(1e-6);
    let d = ((ink_ratio.max(t / 100.0)) / t).log10().abs().min(1.0);
    BlankVerdict {
        blank,
        ink_ratio,
        confidence: 0.5 + d / 2.0,
    }
}
