//! Font loading and glyph rasterisation.
//!
//! A real TrueType font is used (not a bitmap font) so that diacritics, stroke widths and anti-aliasing look like a
//! laser-printed page; tests of despeckle and OCR are only meaningful on such glyphs.

use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontVec, Glyph, PxScale, ScaleFont, point};
use image::{Rgb, RgbImage};

use crate::TestkitError;

/// Fonts tried in order. Debian's Liberation Serif (Times-metric, what offices print with) lacks the precomposed
/// Vietnamese letters, so it is only used when the installed version covers them; DejaVu Serif always does.
const CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
];

/// Letters every candidate must have, otherwise it is skipped (a missing glyph would silently drop a diacritic).
const PROBE: &str = "ỗặữđươằẫệịỹĐƯƠẶỘ";

/// Lays `text` out on the baseline `y` from `x`, with kerning, handing each character and its positioned glyph to
/// `place`; returns the pen position after the last advance. The one glyph walk behind measuring and drawing, here
/// and in tests that paint their own layouts.
pub fn lay_out<F: Font>(
    font: &F,
    scale: PxScale,
    x: f32,
    y: f32,
    text: &str,
    mut place: impl FnMut(char, Glyph),
) -> f32 {
    let sf = font.as_scaled(scale);
    let mut pen = x;
    let mut prev = None;
    for c in text.chars() {
        let id = sf.glyph_id(c);
        if let Some(p) = prev {
            pen += sf.kern(p, id);
        }
        place(c, id.with_scale_and_position(scale, point(pen, y)));
        pen += sf.h_advance(id);
        prev = Some(id);
    }
    pen
}

/// A loaded font plus where it came from (reported in ground truth so a failing test can be reproduced).
pub struct PageFont {
    pub(crate) font: FontVec,
    pub path: PathBuf,
}

impl PageFont {
    /// Loads `SOHOA_TESTKIT_FONT` if set, else the first installed candidate that covers Vietnamese.
    pub fn load_default() -> Result<Self, TestkitError> {
        if let Some(p) = std::env::var_os("SOHOA_TESTKIT_FONT") {
            return Self::load(Path::new(&p));
        }
        let mut tried = Vec::new();
        for c in CANDIDATES {
            let path = Path::new(c);
            if !path.exists() {
                tried.push(format!("{c} (absent)"));
                continue;
            }
            match Self::load(path) {
                Ok(f) => return Ok(f),
                Err(e) => tried.push(format!("{c} ({e})")),
            }
        }
        Err(TestkitError::NoFont(tried.join("; ")))
    }

    /// Loads one font file and checks it covers Vietnamese.
    pub fn load(path: &Path) -> Result<Self, TestkitError> {
        let bytes =
            std::fs::read(path).map_err(|e| TestkitError::Font(format!("{}: {e}", path.display())))?;
        let font = FontVec::try_from_vec(bytes)
            .map_err(|e| TestkitError::Font(format!("{}: {e}", path.display())))?;
        if let Some(c) = PROBE.chars().find(|&c| font.glyph_id(c).0 == 0) {
            return Err(TestkitError::Font(format!(
                "{} has no glyph for '{c}'",
                path.display()
            )));
        }
        Ok(Self {
            font,
            path: path.to_path_buf(),
        })
    }

    /// ab_glyph's PxScale is the ascent-to-descent height, not the em size; convert from points.
    pub(crate) fn scale(&self, pt: f32, dpi: u32) -> PxScale {
        let em_px = pt * dpi as f32 / 72.0;
        let units = self.font.units_per_em().unwrap_or(1000.0);
        PxScale::from(em_px * self.font.height_unscaled() / units)
    }

    /// Advance width of `text` in pixels, with kerning.
    pub(crate) fn width(&self, text: &str, scale: PxScale) -> f32 {
        lay_out(&self.font, scale, 0.0, 0.0, text, |_, _| {})
    }

    pub(crate) fn ascent(&self, scale: PxScale) -> f32 {
        self.font.as_scaled(scale).ascent()
    }

    /// Draws `text` with its baseline at `y`, starting at `x`; returns each character's pixel box
    /// `[x, y, w, h]` (zero-size for spaces) so tests can look at individual diacritics.
    pub(crate) fn draw(
        &self,
        img: &mut RgbImage,
        text: &str,
        x: f32,
        y: f32,
        scale: PxScale,
        ink: Rgb<u8>,
    ) -> Vec<(char, [u32; 4])> {
        let (iw, ih) = (img.width() as i32, img.height() as i32);
        let mut boxes = Vec::with_capacity(text.len());
        lay_out(&self.font, scale, x, y, text, |c, glyph| {
            let mut bbox = [0, 0, 0, 0];
            if let Some(outline) = self.font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                let (bx, by) = (b.min.x as i32, b.min.y as i32);
                bbox = [
                    bx.max(0) as u32,
                    by.max(0) as u32,
                    b.width() as u32,
                    b.height() as u32,
                ];
                outline.draw(|gx, gy, cov| {
                    let (px, py) = (bx + gx as i32, by + gy as i32);
                    if px >= 0 && py >= 0 && px < iw && py < ih && cov > 0.0 {
                        let p = img.get_pixel_mut(px as u32, py as u32);
                        let cov = cov.min(1.0);
                        for k in 0..3 {
                            p.0[k] = (p.0[k] as f32 * (1.0 - cov) + ink.0[k] as f32 * cov).round() as u8;
                        }
                    }
                });
            }
            boxes.push((c, bbox));
        });
        boxes
    }
}
