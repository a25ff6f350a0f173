//! Blank-page detection robust to bleed-through and tinted paper.
//!
//! Ink is judged relative to the paper, not in absolute grey levels: a pixel counts only when darker than 55 % of
//! the paper's own brightness. Bleed-through of a printed front keeps at least ~65 % of the paper brightness even
//! at heavy strength (it passes through the sheet diffusely), printed text is below 30 %, so tint and show-through
//! both stay on the "paper" side. The page border (where punch holes, staples and the bed's edge live) is ignored.
//! A blank verdict is a flag for the operator; pages are never dropped here.

use image::GrayImage;

use crate::cc::components;

/// Blank verdict and the evidence behind it.
#[derive(Debug, Clone, Copy)]
pub struct BlankVerdict {
    pub blank: bool,
    /// Confidence of the verdict as given, 0.5 (undecided) to 1.
    pub confidence: f64,
    /// Ink pixels / inspected pixels on the analysis map.
    pub ink_fraction: f64,
    /// Ink components bigger than noise.
    pub marks: u32,
}

/// Ink fraction at or below which a page is blank (with few marks).
const INK_LIMIT: f64 = 0.0008;
/// More marks than this is writing, whatever the ink fraction.
const MARK_LIMIT: u32 = 6;

pub fn detect(g: &GrayImage, dark_below: u8) -> BlankVerdict {
    let (w, h) = (g.width() as usize, g.height() as usize);
    let (mx, my) = ((w as f64 * 0.08) as usize, (h as f64 * 0.05) as usize);
    let (iw, ih) = (w.saturating_sub(2 * mx), h.saturating_sub(2 * my));
    if iw < 4 || ih < 4 {
        return BlankVerdict {
            blank: true,
            confidence: 0.5,
            ink_fraction: 0.0,
            marks: 0,
        };
    }
    // The bed seen around a tilted sheet reaches in from the border; it is not ink on the page.
    let bed = crate::reduce::bed_mask(g, dark_below);
    let mut on = vec![false; iw * ih];
    for y in 0..ih {
        for x in 0..iw {
            let i = (y + my) * w + x + mx;
            on[y * iw + x] = g.as_raw()[i] < dark_below && !bed[i];
        }
    }
    let (mut ink, mut marks) = (0u64, 0u32);
    components(&on, iw, ih, 0, |c, _| {
        if c.area > 2 {
            ink += u64::from(c.area);
            marks += 1;
        }
    });
    let frac = ink as f64 / (iw * ih) as f64;
    let by_ink = frac / INK_LIMIT;
    let by_marks = f64::from(marks) / f64::from(MARK_LIMIT);
    let blank = by_ink <= 1.0 && by_marks <= 1.0;
    let confidence = if blank {
        1.0 - 0.5 * by_ink.max(by_marks)
    } else {
        // Evidence of writing: well past either limit is certain.
        0.5 + 0.5 * ((by_ink.max(by_marks) - 1.0) / 3.0).clamp(0.0, 1.0)
    };
    BlankVerdict {
        blank,
        confidence,
        ink_fraction: frac,
        marks,
    }
}
