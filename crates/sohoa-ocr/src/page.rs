//! What one OCR'd page is: NFC text plus the block → paragraph → line → word tree with pixel
//! boxes and confidences. The PDF text layer places each word by its box, and the UI
//! highlights low-confidence words, so both need more than the plain text.

use serde::{Deserialize, Serialize};

/// Pixel rectangle in the coordinates of the image given to the engine (origin top-left).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BBox {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl BBox {
    pub fn right(&self) -> u32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> u32 {
        self.y + self.h
    }

    /// The smallest box holding both; extraction reports one source box per field even when
    /// the value spans several words.
    pub fn union(&self, other: &BBox) -> BBox {
        if self.w == 0 && self.h == 0 {
            return *other;
        }
        if other.w == 0 && other.h == 0 {
            return *self;
        }
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        BBox {
            x,
            y,
            w: self.right().max(other.right()) - x,
            h: self.bottom().max(other.bottom()) - y,
        }
    }

    /// Centre inside `other`: how zone profiles decide a word belongs to a zone, robust to
    /// words that stick out of a zone by a few pixels.
    pub fn centre_in(&self, other: &BBox) -> bool {
        let cx = self.x + self.w / 2;
        let cy = self.y + self.h / 2;
        cx >= other.x && cx < other.right() && cy >= other.y && cy < other.bottom()
    }
}

/// One recognised word. `confidence` is Tesseract's 0–100 word confidence; values below ~60
/// were the misread words in our measurements (research/ocr-archival.md §3.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub bbox: BBox,
    pub confidence: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub bbox: BBox,
    pub words: Vec<Word>,
}

impl Line {
    /// Words joined by single spaces (NFC, as every word already is).
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.words.iter().map(|w| w.text.as_str()).collect();
        parts.join(" ")
    }

    /// Mean word confidence, 0 for an empty line.
    pub fn confidence(&self) -> f32 {
        mean(self.words.iter().map(|w| w.confidence))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    pub bbox: BBox,
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub bbox: BBox,
    pub paragraphs: Vec<Paragraph>,
}

/// Pages whose mean word confidence (0–100) is below this are treated as holding no text.
pub const BLANK_MAX_MEAN_CONFIDENCE: f32 = 60.0;

/// The OCR result of one page image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageText {
    pub width: u32,
    pub height: u32,
    /// Resolution Tesseract was told (the image's own, or the fallback).
    pub dpi: u32,
    /// Plain text in NFC, one printed line per `\n` line. Paragraphs are not separated by an
    /// empty line (as Tesseract's own text output does): the structure is in `blocks`, and
    /// the text stays line-for-line comparable with what was printed.
    pub text: String,
    /// Mean word confidence 0–100 (0 when there are no words).
    pub mean_confidence: f32,
    pub blocks: Vec<Block>,
}

impl PageText {
    pub fn empty(width: u32, height: u32, dpi: u32) -> PageText {
        PageText {
            width,
            height,
            dpi,
            text: String::new(),
            mean_confidence: 0.0,
            blocks: Vec::new(),
        }
    }

    pub fn lines(&self) -> impl Iterator<Item = &Line> {
        self.blocks
            .iter()
            .flat_map(|b| b.paragraphs.iter())
            .flat_map(|p| p.lines.iter())
    }

    pub fn words(&self) -> impl Iterator<Item = &Word> {
        self.lines().flat_map(|l| l.words.iter())
    }

    pub fn word_count(&self) -> usize {
        self.words().count()
    }

    /// Removes what Tesseract reads into the page that is not text: `|` "words" it emits for
    /// column gaps and ruling lines, and everything on a page whose mean word confidence is
    /// below [`BLANK_MAX_MEAN_CONFIDENCE`]. A blank back with bleed-through is mirrored text,
    /// which Tesseract happily "reads": measured on generated backs, mean confidence 40–47
    /// against 95 for real pages (noisy, blurred and JPEG'd included), so the rule separates
    /// them with a wide margin, and a blank back must give no text at all.
    pub fn drop_noise(&mut self) {
        for block in &mut self.blocks {
            for para in &mut block.paragraphs {
                for line in &mut para.lines {
                    line.words.retain(|w| !w.text.chars().all(|c| c == '|'));
                }
                para.lines.retain(|l| !l.words.is_empty());
            }
            block.paragraphs.retain(|p| !p.lines.is_empty());
        }
        self.blocks.retain(|b| !b.paragraphs.is_empty());
        self.refresh_text();
        if self.mean_confidence < BLANK_MAX_MEAN_CONFIDENCE {
            self.blocks.clear();
            self.refresh_text();
        }
    }

    /// Rebuilds `text` and `mean_confidence` from the tree, after filtering changed it.
    pub(crate) fn refresh_text(&mut self) {
        let mut out = String::new();
        for block in &self.blocks {
            for para in &block.paragraphs {
                if para.lines.iter().all(|l| l.words.is_empty()) {
                    continue;
                }
                for line in para.lines.iter().filter(|l| !l.words.is_empty()) {
                    out.push_str(&line.text());
                    out.push('\n');
                }
            }
        }
        while out.ends_with('\n') {
            out.pop();
        }
        self.text = sohoa_core::text::nfc(&out);
        self.mean_confidence = mean(self.words().map(|w| w.confidence));
    }
}

fn mean(values: impl Iterator<Item = f32>) -> f32 {
    let (sum, n) = values.fold((0.0f32, 0u32), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f32 }
}
