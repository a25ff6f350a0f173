//! Footnote marks: raised digits (`tin¹`, `sẻ²`, a footnote starting with `¹`).
//!
//! Debian's `vie` model has no superscript digits in its character set, so Tesseract reads `¹` as
//! `1`, `!` or `?` on the baseline — on generated pages of real Vietnamese documents these were up
//! to all of a page's errors (bench/ocr). The correction is geometric, not a guess from the text:
//! a digit (or `!`/`?`, the shapes Tesseract confuses `¹`/`²` with) whose own box ends clearly
//! above the line's baseline cannot be a baseline character, so it is the superscript. Correct
//! text is never touched: a digit sitting on the baseline never moves, and a raised mark was
//! already a wrong character.

use std::collections::HashMap;

use crate::page::{BBox, PageText};

/// One recognised character and its box, grouped by the box of the word it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Symbol {
    pub text: String,
    pub bbox: BBox,
}

/// Letters whose ink sits on the baseline (no descender, no mark below): the baseline estimate.
const ON_BASELINE: &str = "abcdefhiklmnorstuvwxzABCDEFGHIJKLMNOPRSTUVWXYZ0123456789";
/// Plain x-height letters: the x-height estimate (Vietnamese marks would make them taller).
const X_HEIGHT: &str = "acemnorsuvwxz";
/// How far above the baseline (in x-heights) a mark's bottom must end to count as raised. Superscripts
/// measured 0.45–0.6 x-height up; baseline digits within 0.1 (JPEG, blur, skew residue).
const RAISED: f64 = 0.3;

fn superscript(c: &str) -> Option<char> {
    Some(match c {
        "1" | "!" => '¹',
        "2" | "?" => '²',
        "3" => '³',
        "0" => '⁰',
        "4" => '⁴',
        "5" => '⁵',
        "6" => '⁶',
        "7" => '⁷',
        "8" => '⁸',
        "9" => '⁹',
        _ => return None,
    })
}

fn median(mut v: Vec<u32>) -> Option<u32> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(v[v.len() / 2])
}

type WordKey = (u32, u32, u32, u32);

fn key(b: &BBox) -> WordKey {
    (b.x, b.y, b.w, b.h)
}

/// Rewrites raised digits as superscripts; returns how many. `words` maps a word's box to its symbols.
pub(crate) fn fix(page: &mut PageText, words: &HashMap<WordKey, Vec<Symbol>>) -> usize {
    let mut fixed = 0;
    for block in &mut page.blocks {
        for para in &mut block.paragraphs {
            for line in &mut para.lines {
                let syms: Vec<&Symbol> = line
                    .words
                    .iter()
                    .filter_map(|w| words.get(&key(&w.bbox)))
                    .flatten()
                    .collect();
                let in_set =
                    |s: &&Symbol, set: &str| s.text.chars().count() == 1 && set.contains(s.text.as_str());
                let Some(baseline) = median(
                    syms.iter()
                        .filter(|s| in_set(s, ON_BASELINE))
                        .map(|s| s.bbox.bottom())
                        .collect(),
                ) else {
                    continue;
                };
                let xs: Vec<u32> = syms
                    .iter()
                    .filter(|s| in_set(s, X_HEIGHT))
                    .map(|s| s.bbox.h)
                    .collect();
                if xs.len() < 3 {
                    continue;
                }
                let Some(xh) = median(xs) else { continue };
                let limit = f64::from(baseline) - RAISED * f64::from(xh);
                for w in &mut line.words {
                    let Some(ss) = words.get(&key(&w.bbox)) else {
                        continue;
                    };
                    if ss.iter().map(|s| s.text.as_str()).collect::<String>() != w.text {
                        continue;
                    }
                    let mut changed = false;
                    let text: String = ss
                        .iter()
                        .map(|s| match superscript(&s.text) {
                            Some(sup) if f64::from(s.bbox.bottom()) < limit => {
                                changed = true;
                                sup.to_string()
                            }
                            _ => s.text.clone(),
                        })
                        .collect();
                    if changed {
                        fixed += 1;
                        w.text = text;
                    }
                }
            }
        }
    }
    if fixed > 0 {
        page.refresh_text();
    }
    fixed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::{Block, Line, Paragraph, Word};

    fn b(x: u32, y: u32, w: u32, h: u32) -> BBox {
        BBox { x, y, w, h }
    }

    /// "tin1." with the 1 raised by half an x-height, and "PC06" with every digit on the baseline.
    #[test]
    fn only_raised_digits_change() {
        let s = |t: &str, bb| Symbol {
            text: t.into(),
            bbox: bb,
        };
        let tin = vec![
            s("t", b(0, 92, 10, 28)),
            s("i", b(10, 92, 6, 28)),
            s("n", b(16, 100, 14, 20)),
            s("1", b(31, 86, 7, 12)),
            s(".", b(39, 116, 4, 4)),
        ];
        let pc = vec![
            s("P", b(60, 92, 14, 28)),
            s("C", b(74, 92, 14, 28)),
            s("0", b(88, 92, 14, 28)),
            s("6", b(102, 92, 14, 28)),
        ];
        let on = vec![s("o", b(130, 100, 14, 20)), s("n", b(144, 100, 14, 20))];
        let word = |t: &str, bb| Word {
            text: t.into(),
            bbox: bb,
            confidence: 90.0,
        };
        let words = vec![
            word("tin1.", b(0, 86, 43, 34)),
            word("PC06", b(60, 92, 56, 28)),
            word("on", b(130, 100, 28, 20)),
        ];
        let mut map = HashMap::new();
        map.insert(key(&words[0].bbox), tin);
        map.insert(key(&words[1].bbox), pc);
        map.insert(key(&words[2].bbox), on);
        let mut page = PageText::empty(400, 200, 300);
        page.blocks.push(Block {
            bbox: b(0, 86, 200, 34),
            paragraphs: vec![Paragraph {
                bbox: b(0, 86, 200, 34),
                lines: vec![Line {
                    bbox: b(0, 86, 200, 34),
                    words,
                }],
            }],
        });
        assert_eq!(fix(&mut page, &map), 1);
        assert_eq!(page.text, "tin¹. PC06 on");
    }
}
