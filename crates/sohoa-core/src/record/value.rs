//! Parsing of field values as officers type them, and their canonical rendering.

use chrono::NaiveDate;

use super::FieldError;
use crate::text::{clean_text, fold_accents};

/// Cleaned text (NFC, collapsed whitespace), `None` when empty, rejected above `max`
/// characters (the Decree 30 Appendix VI field lengths, or a generous bound elsewhere).
pub(crate) fn text(key: &str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let t = clean_text(raw);
    let len = t.chars().count();
    if len > max {
        return Err(FieldError::TooLong {
            key: key.to_owned(),
            len,
            max,
        });
    }
    Ok(Some(t).filter(|t| !t.is_empty()))
}

/// Accepts `YYYY-MM-DD`, `DD/MM/YYYY`, `D/M/YYYY` (also with `-` or `.` between day, month
/// and year, as on older forms) and the `DDMMYYYY` of the CCCD QR code.
pub(crate) fn parse_date(key: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    let s = raw.trim();
    let bad = || FieldError::BadDate { key: key.to_owned() };
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let (d, m, y) = (&s[0..2], &s[2..4], &s[4..8]);
        return ymd(y, m, d).ok_or_else(bad);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(bad());
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(a) && all_digits(b) && all_digits(c)) {
        return Err(bad());
    }
    let date = if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        ymd(a, b, c)
    } else if a.len() <= 2 && b.len() <= 2 && c.len() == 4 {
        ymd(c, b, a)
    } else {
        None
    };
    date.ok_or_else(bad)
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The one rendering of dates in field values and exports.
pub(crate) fn render_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A four-digit year.
pub(crate) fn parse_year(key: &str, raw: &str) -> Result<i32, FieldError> {
    let s = raw.trim();
    if s.len() == 4
        && let Ok(y) = s.parse::<i32>()
        && y >= 1000
    {
        return Ok(y);
    }
    Err(FieldError::BadYear { key: key.to_owned() })
}

pub(crate) fn parse_number(key: &str, raw: &str, min: u32, max: u32) -> Result<u32, FieldError> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| FieldError::BadNumber {
            key: key.to_owned(),
            min,
            max,
        })
}

/// `true/false`, `yes/no`, `1/0`, `có/không` (any case, diacritics optional).
pub(crate) fn parse_bool(key: &str, raw: &str) -> Result<bool, FieldError> {
    match fold_accents(raw.trim()).to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "co" => Ok(true),
        "false" | "no" | "n" | "0" | "khong" => Ok(false),
        _ => Err(FieldError::BadBool { key: key.to_owned() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_documented_date_format_parses() {
        for s in [
            "2021-04-15",
            "15/04/2021",
            "15/4/2021",
            "15042021",
            " 15-04-2021 ",
            "15.4.2021",
        ] {
            assert_eq!(parse_date("k", s).unwrap(), d(2021, 4, 15), "{s}");
        }
        assert_eq!(parse_date("k", "1/2/2003").unwrap(), d(2003, 2, 1));
    }

    #[test]
    fn impossible_or_ambiguous_dates_fail() {
        for s in [
            "31/02/2021",
            "2021/15/04x",
            "",
            "15/04/21",
            "1504202",
            "2021-4",
            "abc",
            "32012021",
        ] {
            assert!(
                matches!(parse_date("birth_date", s), Err(FieldError::BadDate { .. })),
                "{s}"
            );
        }
    }

    #[test]
    fn years_numbers_bools() {
        assert_eq!(parse_year("y", "1975").unwrap(), 1975);
        assert!(parse_year("y", "75").is_err());
        assert!(parse_year("y", "0999").is_err());
        assert_eq!(parse_number("n", " 12 ", 1, 999).unwrap(), 12);
        assert!(parse_number("n", "0", 1, 999).is_err());
        assert!(parse_number("n", "1000", 1, 999).is_err());
        assert!(parse_bool("b", "Có").unwrap());
        assert!(!parse_bool("b", "không").unwrap());
        assert!(parse_bool("b", "maybe").is_err());
    }

    #[test]
    fn text_is_cleaned_and_bounded() {
        assert_eq!(text("k", " a \n b ", 10).unwrap().as_deref(), Some("a b"));
        assert_eq!(text("k", "   ", 10).unwrap(), None);
        assert!(matches!(
            text("k", "Nguyễn", 5),
            Err(FieldError::TooLong { len: 6, max: 5, .. })
        ));
    }
}
