//! Kodak patch-code detection on the scanned image (Kodak A-61599 "Patch Code Information").
//!
//! A patch is four parallel bars, two wide (0.20 in) and two narrow (0.08 in), separated by three narrow
//! spaces (0.08 in): 0.80 in in all, bars at least 0.75 in long. The order of wide and narrow bars, read from
//! the leading edge, names the patch; Patch T (transfer) is narrow-wide-narrow-wide and is the usual document
//! separator. Reading it from the image instead of the scanner's patch reader lets any scanner separate.
//!
//! Detection is scale-free: widths are compared with the run's own total (10 units of 0.08 in), so the dpi does
//! not matter. Skew up to ~15° barely changes widths measured across the bars (1/cos θ) and only shifts the
//! pattern slowly from one scan line to the next, so hits on neighbouring lines are chained with a drift
//! tolerance, and a patch is only accepted when the chain is about as long as the pattern is wide, which plain
//! text and rules never produce.

use image::GrayImage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PatchCode {
    Patch1,
    Patch2,
    Patch3,
    Patch4,
    Patch6,
    PatchT,
}

impl PatchCode {
    /// Bars read from the leading edge, `true` = wide.
    fn from_bars(wide: [bool; 4]) -> Option<Self> {
        Some(match wide {
            [true, true, false, false] => PatchCode::Patch1,
            [true, false, false, true] => PatchCode::Patch2,
            [true, false, true, false] => PatchCode::Patch3,
            [false, true, true, false] => PatchCode::Patch4,
            [false, false, true, true] => PatchCode::Patch6,
            [false, true, false, true] => PatchCode::PatchT,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            PatchCode::Patch1 => "patch-1",
            PatchCode::Patch2 => "patch-2",
            PatchCode::Patch3 => "patch-3",
            PatchCode::Patch4 => "patch-4",
            PatchCode::Patch6 => "patch-6",
            PatchCode::PatchT => "patch-t",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PatchDetection {
    /// Read from the leading edge: bars parallel to the top edge read top-down; bars parallel to the side
    /// edges ("end-fed" patches) read right to left, as Kodak's end-fed readers do.
    pub code: PatchCode,
    /// The same bars read the other way, i.e. the code if the sheet was fed upside down. Patch T reversed is
    /// Patch 3, so the caller decides whether a reversed T counts.
    pub reversed: PatchCode,
    /// Bars run parallel to the top edge.
    pub horizontal_bars: bool,
    /// Length of the detected bars relative to the pattern's width (≥ 0.8 to be accepted).
    pub bar_length_ratio: f64,
}

impl PatchCode {
    /// The four bars from the leading edge, `true` = wide.
    fn bars(self) -> [bool; 4] {
        match self {
            PatchCode::Patch1 => [true, true, false, false],
            PatchCode::Patch2 => [true, false, false, true],
            PatchCode::Patch3 => [true, false, true, false],
            PatchCode::Patch4 => [false, true, true, false],
            PatchCode::Patch6 => [false, false, true, true],
            PatchCode::PatchT => [false, true, false, true],
        }
    }
}

/// An A4 separator sheet carrying `code` at `dpi`, for the archivist to print: bars to Kodak's sizes (wide
/// 0.20 in, narrow bars and spaces 0.08 in, 2.5 in long), parallel to the top edge, 1 in from it, centred.
/// Printed at 100 % it reads on any scanner through [`detect_patch`]. One patch only: a second one at the
/// bottom for upside-down feeding would read as Patch 3 the right way up and compete with the top one.
pub fn patch_sheet(code: PatchCode, dpi: u32) -> GrayImage {
    let d = f64::from(dpi.clamp(100, 600));
    let (w, h) = ((8.27 * d).round() as u32, (11.69 * d).round() as u32);
    let mut img = GrayImage::from_pixel(w, h, image::Luma([255]));
    let x0 = ((f64::from(w) - 2.5 * d) / 2.0).round() as u32;
    let x1 = x0 + (2.5 * d).round() as u32;
    let mut y = d;
    for wide in code.bars() {
        let bar = if wide { 0.20 } else { 0.08 } * d;
        for yy in y.round() as u32..(y + bar).round() as u32 {
            for xx in x0..x1 {
                img.put_pixel(xx, yy.min(h - 1), image::Luma([0]));
            }
        }
        y += bar + 0.08 * d;
    }
    img
}

/// Working size: the long side is reduced to about this many pixels (a narrow bar stays ≥ 6 px on A4).
const WORK_PX: u32 = 900;

struct Hit {
    line: u32,
    start: f64,
    total: f64,
    code: PatchCode,
    reversed: PatchCode,
}

/// Finds a patch code. `dpi` (the page's resolution, when the device reported it) adds a physical size check:
/// the pattern must measure 0.45–1.3 in across (0.80 in nominal; reduced photocopies of patch sheets are
/// common, and a file from a watched folder may carry no resolution, so the asked one stands in for it). Without it only the proportions count, and a 1D barcode printed with modules of the right
/// proportions could pass: the scale-free mode is for images of unknown resolution only.
pub fn detect_patch(img: &GrayImage, dpi: Option<f64>) -> Option<PatchDetection> {
    let small = super::gray::downscale_to(img, WORK_PX);
    let factor = f64::from(img.width().max(img.height()).div_ceil(WORK_PX).max(1));
    let size_range = dpi
        .filter(|d| d.is_finite() && *d > 0.0)
        .map(|d| (0.45 * d / factor, 1.3 * d / factor));
    let threshold = otsu(&small);
    let (w, h) = small.dimensions();
    let mask: Vec<bool> = small.as_raw().iter().map(|&v| v <= threshold).collect();
    let dark = |x: u32, y: u32| mask[(y * w + x) as usize];

    let mut best: Option<PatchDetection> = None;
    for horizontal_bars in [true, false] {
        let (lines, len) = if horizontal_bars { (w, h) } else { (h, w) };
        let mut hits = Vec::new();
        let mut line_px = Vec::with_capacity(len as usize);
        for line in 0..lines {
            line_px.clear();
            for i in 0..len {
                // Columns read top-down; rows read right to left (end-fed leading edge on the right).
                line_px.push(if horizontal_bars {
                    dark(line, i)
                } else {
                    dark(len - 1 - i, line)
                });
            }
            find_in_line(&line_px, line, size_range, &mut hits);
        }
        if let Some((code, reversed, ratio)) = best_chain(&mut hits)
            && best.is_none_or(|b| ratio > b.bar_length_ratio)
        {
            best = Some(PatchDetection {
                code,
                reversed,
                horizontal_bars,
                bar_length_ratio: ratio,
            });
        }
    }
    best
}

fn find_in_line(px: &[bool], line: u32, size_range: Option<(f64, f64)>, hits: &mut Vec<Hit>) {
    // Runs as (dark, start, length).
    let mut runs: Vec<(bool, usize, usize)> = Vec::new();
    for (i, &d) in px.iter().enumerate() {
        match runs.last_mut() {
            Some((rd, _, n)) if *rd == d => *n += 1,
            _ => runs.push((d, i, 1)),
        }
    }
    if runs.len() < 7 {
        return;
    }
    for i in 0..=runs.len() - 7 {
        if !runs[i].0 {
            continue;
        }
        let mut widths = [0f64; 7];
        for (k, r) in runs[i..i + 7].iter().enumerate() {
            widths[k] = r.2 as f64;
        }
        let total: f64 = widths.iter().sum();
        let unit = total / 10.0;
        if unit < 2.0 || size_range.is_some_and(|(lo, hi)| total < lo || total > hi) {
            continue;
        }
        // Quiet zones: Kodak asks for 0.25 in (3.1 units) of clear paper around the bars; 2.7 units on both
        // sides (or the image border) leaves room for print bleed and keeps out most windows inside 1D
        // barcodes, whose widest space is 4 modules (~3.6 units of such a window).
        let before_ok = i == 0 || runs[i - 1].2 as f64 >= 2.7 * unit;
        let after_ok = i + 7 >= runs.len() || runs[i + 7].2 as f64 >= 2.7 * unit;
        if !before_ok || !after_ok {
            continue;
        }
        let narrow = |v: f64| (0.5 * unit..=1.6 * unit).contains(&v);
        let wide = |v: f64| (1.85 * unit..=3.3 * unit).contains(&v);
        if ![1, 3, 5].iter().all(|&k| narrow(widths[k])) {
            continue;
        }
        let mut bars = [false; 4];
        let mut ok = true;
        for (b, k) in [0usize, 2, 4, 6].iter().enumerate() {
            if wide(widths[*k]) {
                bars[b] = true;
            } else if !narrow(widths[*k]) {
                ok = false;
            }
        }
        if !ok {
            continue;
        }
        let mut rev = bars;
        rev.reverse();
        if let (Some(code), Some(reversed)) = (PatchCode::from_bars(bars), PatchCode::from_bars(rev)) {
            hits.push(Hit {
                line,
                start: runs[i].1 as f64,
                total,
                code,
                reversed,
            });
        }
    }
}

/// Chains hits of the same code on neighbouring lines whose start drifts by less than a unit per line, and
/// returns the longest chain's code and its length relative to the pattern width, if long enough.
fn best_chain(hits: &mut [Hit]) -> Option<(PatchCode, PatchCode, f64)> {
    hits.sort_by_key(|a| a.line);
    // Each chain: (code, reversed, first line, last line, last start, total width, count)
    let mut chains: Vec<(PatchCode, PatchCode, u32, u32, f64, f64)> = Vec::new();
    for hit in hits.iter() {
        let unit = hit.total / 10.0;
        let found = chains.iter_mut().find(|c| {
            c.0 == hit.code
                && hit.line > c.3
                && hit.line - c.3 <= 3
                && (hit.start - c.4).abs() <= unit.max(2.0)
        });
        match found {
            Some(c) => {
                c.3 = hit.line;
                c.4 = hit.start;
            }
            None => chains.push((hit.code, hit.reversed, hit.line, hit.line, hit.start, hit.total)),
        }
    }
    chains
        .iter()
        .map(|c| (c.0, c.1, f64::from(c.3 - c.2 + 1) / c.5))
        .filter(|c| c.2 >= 0.8)
        .max_by(|a, b| a.2.total_cmp(&b.2))
}

/// Otsu's threshold; on a page with hardly any ink it falls back to the mid-grey under the paper.
pub(crate) fn otsu(img: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    for p in img.pixels() {
        hist[p.0[0] as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist.iter().enumerate().map(|(i, &n)| i as f64 * n as f64).sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0u64, 0f64, 0f64, 127u8);
    for (t, &n) in hist.iter().enumerate() {
        w0 += n;
        if w0 == 0 {
            continue;
        }
        let w1 = total - w0;
        if w1 == 0 {
            break;
        }
        sum0 += t as f64 * n as f64;
        let m0 = sum0 / w0 as f64;
        let m1 = (sum_all - sum0) / w1 as f64;
        let between = w0 as f64 * w1 as f64 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}
