//! # sohoa-testkit
//!
//! Test pages for the imaging, OCR and PDF stages, generated from **real Vietnamese text** (excerpts of public
//! police and government documents, bundled in `data/vi-seeds.txt`, NFC) rendered with a real TrueType font onto
//! A4 at a chosen dpi, with exact ground truth and degradations whose parameters are known. Everything is
//! deterministic from a seed, so a failing case can be reproduced from its label. Not published; use it as a
//! dev-dependency (`sohoa-testkit.workspace = true`).
//!
//! ```no_run
//! use sohoa_testkit::{PageSpec, render_page, degrade, cases};
//! # fn main() -> Result<(), sohoa_testkit::TestkitError> {
//! // A clean A4 page at 300 dpi, 12-14 pt, a few paragraphs and a red seal.
//! let page = render_page(&PageSpec { seed: 7, ..PageSpec::default() })?;
//! assert!(page.lines.iter().any(|l| !l.text.is_empty())); // ground truth, NFC, one entry per printed line
//! // Degrade it by hand ...
//! let turned = degrade::rotate_quarter(&page.image, 90);
//! // ... or draw a whole random case (skew, rotation, dark border, noise, blur, JPEG, tint, punch holes,
//! // blank back with bleed-through) together with the answers a clean-up must give.
//! let case = cases::case(42, &cases::CaseMix::default())?;
//! println!("{} -> orientation {} skew {}", case.truth.label, case.truth.orientation, case.truth.skew_degrees);
//! # Ok(()) }
//! ```
//!
//! Conventions match `sohoa clean --json` (design.md): skew is the content's angle *as scanned*, positive =
//! counter-clockwise; `Truth::orientation` is the clockwise turn that makes the page upright.
//!
//! Fonts: `SOHOA_TESTKIT_FONT` if set, else Liberation Serif when it has the Vietnamese letters, else DejaVu Serif
//! (Debian's `fonts-dejavu-core`); with none of them the generator fails with [`TestkitError::NoFont`] rather than
//! drawing pages with missing diacritics.

pub mod card;
pub mod cases;
pub mod degrade;
mod font;
pub mod form;
mod layout;
mod seal;

use std::path::PathBuf;

use image::RgbImage;

pub use font::{PageFont, lay_out};
pub use layout::seed_paragraphs;

/// What the generator could not do.
#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    #[error(
        "no usable font with Vietnamese glyphs; tried: {0} (install fonts-dejavu-core or set SOHOA_TESTKIT_FONT)"
    )]
    NoFont(String),
    #[error("font: {0}")]
    Font(String),
    #[error("image codec: {0}")]
    Codec(String),
}

/// What page to draw.
#[derive(Debug, Clone)]
pub struct PageSpec {
    /// Chooses the text excerpt, font size and numbers.
    pub seed: u64,
    pub dpi: u32,
    /// Body size in points; `None` picks 12-14 pt from the seed.
    pub font_pt: Option<f32>,
    /// Fraction of the body area filled with text (0.05-1).
    pub fill: f32,
    /// Draw the signer's title and a red round seal at the bottom right.
    pub seal: bool,
}

impl Default for PageSpec {
    fn default() -> Self {
        Self {
            seed: 1,
            dpi: 300,
            font_pt: None,
            fill: 1.0,
            seal: true,
        }
    }
}

/// One printed line and its pixel box `[x, y, w, h]` on the clean page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    pub text: String,
    pub bbox: [u32; 4],
}

/// One printed character and its ink box on the clean page (zero-size for spaces).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub ch: char,
    /// Index into [`Page::lines`].
    pub line: usize,
    pub bbox: [u32; 4],
}

/// A clean rendered page and its ground truth. Boxes refer to this image, before any degradation.
#[derive(Debug, Clone)]
pub struct Page {
    pub image: RgbImage,
    pub dpi: u32,
    pub lines: Vec<TextLine>,
    pub glyphs: Vec<Glyph>,
    /// The font file used.
    pub font: PathBuf,
}

impl Page {
    /// The page text, lines joined by `\n` (NFC).
    pub fn text(&self) -> String {
        join_lines(&self.lines)
    }
}

fn join_lines(lines: &[TextLine]) -> String {
    lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Renders a clean page (see [`PageSpec`]).
pub fn render_page(spec: &PageSpec) -> Result<Page, TestkitError> {
    layout::render(spec)
}
