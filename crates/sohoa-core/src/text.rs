//! Text hygiene shared by every domain type.
//!
//! Old Vietnamese tools (TCVN 6909:2001 era, some OCR engines, Windows IMEs) emit
//! decomposed (NFD) text, invisible format characters and stray control bytes. Two
//! spellings of one name must compare equal and index once, so every string that enters a
//! domain type goes through [`clean_text`].

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Unicode NFC, the one form we store (domain.md: "Always store text in Unicode NFC").
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Invisible characters that copy-paste and OCR leave inside words; they break search and
/// equality without being visible, so they are dropped like control characters.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{200B}'
            ..='\u{200D}' // zero-width space / non-joiner / joiner
            | '\u{2060}' // word joiner
            | '\u{FEFF}' // byte-order mark / zero-width no-break space
    )
}

/// NFC, trimmed, internal whitespace runs collapsed to one space, control and invisible
/// format characters removed.
///
/// Whitespace controls (tab, newline) count as whitespace, so a multi-line OCR value becomes
/// one line; other controls are dropped before normalisation so they cannot block the
/// composition of a base letter with its tone mark.
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_invisible_format(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    nfc(&out)
}

/// Masks an identifier for logs: the first 3 and last 2 characters stay, the rest become `*`
/// (`079203001234` → `079*******34`), so support staff can tell records apart without the
/// log holding a usable personal number. Identifiers of 5 characters or fewer are fully
/// masked because keeping 5 would reveal all of them.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let n = chars.len();
    if n <= 5 {
        return "*".repeat(n);
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 3 || i >= n - 2 { *c } else { '*' })
        .collect()
}

/// Vietnamese without diacritics (`Nguyễn Văn Đức` → `Nguyen Van Duc`), so officers can
/// search with a keyboard that has no Vietnamese input method. `đ`/`Đ` are separate letters,
/// not a base letter with a mark, so they are mapped explicitly. Case is kept.
pub fn fold_accents(s: &str) -> String {
    let folded: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            other => other,
        })
        .collect();
    nfc(&folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_name_becomes_nfc() {
        let nfd = "Nguye\u{0302}\u{0303}n";
        assert_eq!(nfc(nfd), "Nguyễn");
        assert_eq!(clean_text(nfd), "Nguyễn");
        assert_ne!(nfd, "Nguyễn");
    }

    #[test]
    fn clean_text_collapses_and_drops_controls() {
        assert_eq!(clean_text("  Nguyễn \t\n Văn\u{0007}  A \r\n"), "Nguyễn Văn A");
        assert_eq!(clean_text("Ng\u{200B}uyễn"), "Nguyễn");
        // A control byte between base letter and tone mark must not block composition.
        assert_eq!(clean_text("Nguye\u{0001}\u{0302}\u{0303}n"), "Nguyễn");
        assert_eq!(clean_text(" \t "), "");
    }

    #[test]
    fn mask_keeps_three_and_two() {
        assert_eq!(mask_id("079203001234"), "079*******34");
        assert_eq!(mask_id("C1234567"), "C12***67");
        assert_eq!(mask_id("12345"), "*****");
        assert_eq!(mask_id(""), "");
    }

    #[test]
    fn folding_handles_d_and_tones() {
        assert_eq!(
            fold_accents("Nguyễn Văn Đức, đường Lê Lợi"),
            "Nguyen Van Duc, duong Le Loi"
        );
        assert_eq!(fold_accents("Hòa Bình"), "Hoa Binh");
        assert_eq!(fold_accents("Thừa Thiên Huế"), "Thua Thien Hue");
    }
}
