//! Character error rate, the accuracy measure of the tests and the benchmark.
//!
//! CER = Levenshtein distance over Unicode scalar values (after NFC) / reference length.
//! Whitespace runs are collapsed to one space first: line breaks and Tesseract's paragraph
//! gaps are layout, not characters the officer would have to retype.

use unicode_normalization::UnicodeNormalization;

/// NFC with every whitespace run turned into one space, trimmed.
pub fn normalize(s: &str) -> Vec<char> {
    let nfc: String = s.nfc().collect();
    let mut out = Vec::with_capacity(nfc.len());
    for word in nfc.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars());
    }
    out
}

/// Edit distance (insertions, deletions, substitutions all cost 1), O(n·m) time, O(m) memory.
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Errors and reference length, so callers can pool pages into an overall CER.
pub fn errors(reference: &str, hypothesis: &str) -> (usize, usize) {
    let r = normalize(reference);
    let h = normalize(hypothesis);
    (edit_distance(&r, &h), r.len())
}

/// CER of one text; an empty reference gives 0 for an empty hypothesis and 1 otherwise
/// (any text on a blank page is wrong).
pub fn cer(reference: &str, hypothesis: &str) -> f64 {
    let (e, n) = errors(reference, hypothesis);
    if n == 0 {
        return if e == 0 { 0.0 } else { 1.0 };
    }
    e as f64 / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_and_rate() {
        assert_eq!(edit_distance(&normalize("kitten"), &normalize("sitting")), 3);
        assert_eq!(cer("abcd", "abcd"), 0.0);
        assert!((cer("abcd", "abed") - 0.25).abs() < 1e-12);
        // Layout whitespace does not count; NFD equals NFC.
        assert_eq!(cer("Công an\nhuyện", "Công  an huye\u{0323}\u{0302}n"), 0.0);
        // A wrong tone mark is one error, not two.
        assert!((cer("Dũng", "Dụng") - 0.25).abs() < 1e-12);
        assert_eq!(cer("", ""), 0.0);
        assert_eq!(cer("", "x"), 1.0);
        assert_eq!(errors("ab", ""), (2, 2));
    }
}
