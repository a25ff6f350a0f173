//! Text runs with boxes and confidences: the common input of the text-based extractors,
//! built from an OCR page or from plain text (a digital PDF's text layer, a test).

use crate::page::{BBox, PageText, Word};

/// A run of words on one line with no large gap inside. Tesseract sometimes puts the
/// agency name (left) and the national title (right) on one line; splitting at wide gaps
/// keeps the two header columns apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// NFC text.
    pub text: String,
    /// False when the source text was not NFC (plain-text input only).
    pub was_nfc: bool,
    pub bbox: Option<BBox>,
    /// 0–1.
    pub confidence: f32,
}

impl Segment {
    fn from_words(words: &[&Word]) -> Segment {
        let text = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let bbox = words.iter().fold(BBox::default(), |b, w| b.union(&w.bbox));
        let conf = words.iter().map(|w| w.confidence).sum::<f32>() / words.len().max(1) as f32;
        Segment {
            text,
            was_nfc: true,
            bbox: Some(bbox),
            confidence: conf / 100.0,
        }
    }

    /// Horizontal centre as a fraction of the page width (`None` for plain text).
    pub fn x_centre(&self, page_width: u32) -> Option<f32> {
        match self.bbox {
            Some(b) if page_width > 0 => Some((b.x + b.w / 2) as f32 / page_width as f32),
            _ => None,
        }
    }

    /// In the left half of the page, or position unknown.
    pub fn maybe_left(&self, page_width: u32) -> bool {
        self.x_centre(page_width).is_none_or(|c| c < 0.5)
    }

    /// In the right half of the page, or position unknown.
    pub fn maybe_right(&self, page_width: u32) -> bool {
        self.x_centre(page_width).is_none_or(|c| c >= 0.5)
    }
}

/// Segments of an OCR page in reading order (top to bottom, then left to right).
pub fn from_page(page: &PageText) -> Vec<Segment> {
    let mut out = Vec::new();
    for line in page.lines() {
        let gap_limit = (line.bbox.h.max(10) * 3) as i64;
        let mut run: Vec<&Word> = Vec::new();
        for w in &line.words {
            if let Some(prev) = run.last()
                && i64::from(w.bbox.x) - i64::from(prev.bbox.right()) > gap_limit
            {
                out.push(Segment::from_words(&run));
                run.clear();
            }
            run.push(w);
        }
        if !run.is_empty() {
            out.push(Segment::from_words(&run));
        }
    }
    out.sort_by_key(|s| s.bbox.map_or((0, 0), |b| (b.y + b.h / 2, b.x)));
    // Rows: segments whose vertical centres are close count as one row, ordered by x.
    let mut rows: Vec<Vec<Segment>> = Vec::new();
    for s in out {
        let cy = s.bbox.map_or(0, |b| b.y + b.h / 2);
        let h = s.bbox.map_or(0, |b| b.h);
        match rows.last_mut() {
            Some(row)
                if row.first().and_then(|f| f.bbox).is_some_and(|f| {
                    (i64::from(f.y + f.h / 2) - i64::from(cy)).unsigned_abs() < u64::from(h.max(f.h) / 2)
                }) =>
            {
                row.push(s)
            }
            _ => rows.push(vec![s]),
        }
    }
    rows.into_iter()
        .flat_map(|mut r| {
            r.sort_by_key(|s| s.bbox.map_or(0, |b| b.x));
            r
        })
        .collect()
}

/// Segments of plain text, one per non-empty line (no boxes; confidence 1 because no OCR
/// guessed anything). Non-NFC lines are remembered so extractors can flag them.
pub fn from_text(text: &str) -> Vec<Segment> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let nfc = sohoa_core::text::nfc(l);
            Segment {
                was_nfc: nfc == l,
                text: nfc,
                bbox: None,
                confidence: 1.0,
            }
        })
        .collect()
}

/// Lower-case, no diacritics, `đ`→`d`: what label patterns are matched against, because
/// OCR gets tone marks wrong far more often than base letters. Vietnamese NFC letters
/// fold one-to-one, so a char index in the folded text is a char index in the original.
pub fn fold(s: &str) -> String {
    sohoa_core::text::fold_accents(s).to_lowercase()
}

/// The original text from char index `start` on (see [`fold`]).
pub fn tail_chars(s: &str, start: usize) -> String {
    s.chars().skip(start).collect()
}

/// Byte offset in `folded` → char index (for [`tail_chars`]).
pub fn char_index(folded: &str, byte: usize) -> usize {
    folded.get(..byte).map_or(0, |p| p.chars().count())
}
