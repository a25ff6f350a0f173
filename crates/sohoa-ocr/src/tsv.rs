//! Tesseract's TSV output → [`PageText`].
//!
//! leptess has no safe result iterator, and TSV carries exactly what we need (level, the
//! block/paragraph/line/word numbering, box, confidence, text) in one call, so parsing it
//! is simpler and safer than walking the C iterator through raw FFI.

use crate::error::OcrError;
use crate::page::{BBox, Block, Line, PageText, Paragraph, Word};

const LEVEL_BLOCK: u8 = 2;
const LEVEL_PARAGRAPH: u8 = 3;
const LEVEL_LINE: u8 = 4;
const LEVEL_WORD: u8 = 5;

/// Parses the TSV of one page. The command-line renderer's header row is skipped when
/// present; rows of other levels (page) carry nothing we keep. Words are NFC-normalised
/// here so nothing downstream sees decomposed text.
pub fn parse_tsv(tsv: &str, width: u32, height: u32, dpi: u32) -> Result<PageText, OcrError> {
    let mut page = PageText::empty(width, height, dpi);
    for (n, row) in tsv.lines().enumerate() {
        if row.is_empty() || row.starts_with("level\t") {
            continue;
        }
        let cols: Vec<&str> = row.splitn(12, '\t').collect();
        if cols.len() < 11 {
            return Err(OcrError::Tsv {
                line: n + 1,
                reason: format!("{} columns", cols.len()),
            });
        }
        let num = |i: usize| -> Result<u32, OcrError> {
            cols[i].trim().parse::<u32>().map_err(|_| OcrError::Tsv {
                line: n + 1,
                reason: format!("column {} is not a number", i + 1),
            })
        };
        let level = num(0)?;
        let bbox = BBox {
            x: num(6)?,
            y: num(7)?,
            w: num(8)?,
            h: num(9)?,
        };
        match u8::try_from(level).unwrap_or(0) {
            LEVEL_BLOCK => page.blocks.push(Block {
                bbox,
                paragraphs: Vec::new(),
            }),
            LEVEL_PARAGRAPH => {
                if let Some(b) = page.blocks.last_mut() {
                    b.paragraphs.push(Paragraph {
                        bbox,
                        lines: Vec::new(),
                    });
                }
            }
            LEVEL_LINE => {
                if let Some(p) = page.blocks.last_mut().and_then(|b| b.paragraphs.last_mut()) {
                    p.lines.push(Line {
                        bbox,
                        words: Vec::new(),
                    });
                }
            }
            LEVEL_WORD => {
                let text = sohoa_core::text::nfc(cols.get(11).copied().unwrap_or("").trim());
                if text.is_empty() {
                    continue;
                }
                let confidence = cols[10].trim().parse::<f32>().unwrap_or(0.0).max(0.0);
                let line = page
                    .blocks
                    .last_mut()
                    .and_then(|b| b.paragraphs.last_mut())
                    .and_then(|p| p.lines.last_mut());
                if let Some(line) = line {
                    line.words.push(Word {
                        text,
                        bbox,
                        confidence,
                    });
                }
            }
            _ => {}
        }
    }
    for block in &mut page.blocks {
        for para in &mut block.paragraphs {
            para.lines.retain(|l| !l.words.is_empty());
        }
        block.paragraphs.retain(|p| !p.lines.is_empty());
    }
    page.blocks.retain(|b| !b.paragraphs.is_empty());
    page.refresh_text();
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n\
2\t1\t1\t0\t0\t0\t200\t150\t900\t120\t-1\t\n\
3\t1\t1\t1\t0\t0\t200\t150\t900\t120\t-1\t\n\
4\t1\t1\t1\t1\t0\t200\t150\t900\t50\t-1\t\n\
5\t1\t1\t1\t1\t1\t200\t150\t300\t50\t95.5\tCÔNG\n\
5\t1\t1\t1\t1\t2\t520\t150\t150\t50\t91\tAN\n\
4\t1\t1\t1\t2\t0\t200\t220\t900\t50\t-1\t\n\
5\t1\t1\t1\t2\t1\t200\t220\t300\t50\t88.25\tSo\u{0302}\u{0301}:\n\
5\t1\t1\t1\t2\t2\t520\t220\t300\t50\t-1\t \n\
2\t1\t2\t0\t0\t0\t200\t600\t900\t60\t-1\t\n\
3\t1\t2\t1\t0\t0\t200\t600\t900\t60\t-1\t\n\
4\t1\t2\t1\t1\t0\t200\t600\t900\t60\t-1\t\n\
5\t1\t2\t1\t1\t1\t200\t600\t900\t60\t42\tViệt\n";

    #[test]
    fn builds_tree_text_and_confidence() {
        let page = parse_tsv(SAMPLE, 2480, 3508, 300).unwrap();
        assert_eq!(page.blocks.len(), 2);
        assert_eq!(page.blocks[0].paragraphs[0].lines.len(), 2);
        // NFD input becomes NFC; the blank word is dropped.
        assert_eq!(page.text, "CÔNG AN\nSố:\nViệt");
        let words: Vec<_> = page.words().collect();
        assert_eq!(words.len(), 4);
        assert_eq!(
            words[0].bbox,
            BBox {
                x: 200,
                y: 150,
                w: 300,
                h: 50
            }
        );
        assert!((words[0].confidence - 95.5).abs() < 1e-6);
        let mean = (95.5 + 91.0 + 88.25 + 42.0) / 4.0;
        assert!((page.mean_confidence - mean).abs() < 1e-4);
    }

    #[test]
    fn header_row_skipped_and_garbage_rejected() {
        let with_header = format!(
            "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n{SAMPLE}"
        );
        assert_eq!(parse_tsv(&with_header, 1, 1, 300).unwrap().word_count(), 4);
        let err = parse_tsv("5\t1\tx\n", 1, 1, 300).unwrap_err();
        assert_eq!(err.code(), "ocr.tsv");
        let err = parse_tsv("5\t1\t1\t1\t1\t1\tA\t0\t0\t0\t90\tx\n", 1, 1, 300).unwrap_err();
        assert_eq!(err.code(), "ocr.tsv");
    }

    #[test]
    fn empty_page_has_no_text() {
        let page = parse_tsv("1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n", 100, 100, 300).unwrap();
        assert!(page.blocks.is_empty());
        assert_eq!(page.text, "");
        assert_eq!(page.mean_confidence, 0.0);
    }
}
