//! Value rules shared by every extractor: NFC, dates, names.

use chrono::{Datelike, NaiveDate};

use super::field::{Field, Issue};

/// Flags text that did not arrive in NFC. The stored value is normalised anyway, but
/// decomposed input means an old tool (TCVN 6909 era) or a forged code produced it, so the
/// officer is told instead of the value being accepted silently.
pub fn check_nfc(field: &mut Field, raw: &str) {
    if sohoa_core::text::nfc(raw) != raw {
        flag_not_nfc(field);
    }
}

/// See [`check_nfc`]; for callers that already know the source was not NFC.
pub fn flag_not_nfc(field: &mut Field) {
    field.flag(Issue::new(
        "text.not_nfc",
        "Văn bản ở dạng Unicode tổ hợp (NFD), không phải dạng dựng sẵn (NFC); \
         đã chuẩn hóa, cần kiểm tra lại.",
    ));
}

fn date_issue(field: &mut Field, why: &str) {
    field.flag(Issue::new(
        "date.invalid",
        format!("Ngày «{}» không hợp lệ: {why}.", field.value),
    ));
}

/// Validates a date against calendar and `today`; on success the field value becomes ISO.
fn accept_date(field: &mut Field, d: Option<NaiveDate>, today: NaiveDate) -> Option<NaiveDate> {
    match d {
        None => {
            date_issue(field, "không có ngày này trong lịch");
            None
        }
        Some(d) if d > today => {
            field.value = d.format("%Y-%m-%d").to_string();
            date_issue(field, "ngày trong tương lai");
            None
        }
        Some(d) if d.year() < 1900 => {
            field.value = d.format("%Y-%m-%d").to_string();
            date_issue(field, "năm trước 1900");
            None
        }
        Some(d) => {
            field.value = d.format("%Y-%m-%d").to_string();
            Some(d)
        }
    }
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `DDMMYYYY` as in the CCCD QR code.
pub fn parse_ddmmyyyy(field: &mut Field, raw: &str, today: NaiveDate) -> Option<NaiveDate> {
    let s = raw.trim();
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        date_issue(field, "cần 8 chữ số NNTTNNNN");
        return None;
    }
    accept_date(field, ymd(&s[4..8], &s[2..4], &s[0..2]), today)
}

/// What forms print: `05/04/2003`, `5-4-2003`, `05.04.2003`, `ngày 05 tháng 4 năm 2003`.
pub fn parse_form_date(field: &mut Field, raw: &str, today: NaiveDate) -> Option<NaiveDate> {
    let digits: Vec<&str> = raw
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    match digits.as_slice() {
        [d, m, y] if y.len() == 4 && d.len() <= 2 && m.len() <= 2 => accept_date(field, ymd(y, m, d), today),
        [s] if s.len() == 8 => parse_ddmmyyyy(field, s, today),
        _ => {
            date_issue(field, "không đọc được ngày/tháng/năm");
            None
        }
    }
}

/// A person's name: letters, spaces and a few marks only. OCR that produced digits or
/// symbols inside a name is flagged for the officer.
pub fn check_name(field: &mut Field) {
    let v = field.value.trim();
    if v.is_empty() {
        field.flag(Issue::new("name.empty", "Chưa đọc được họ tên."));
        return;
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_alphabetic() || *c == ' ' || *c == '-' || *c == '\''))
    {
        field.flag(Issue::new(
            "name.bad_character",
            format!("Họ tên chứa ký tự «{c}» không hợp lệ."),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::field::{Source, Status};
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    fn field(v: &str) -> Field {
        Field::new("birth_date", "Ngày sinh", v, Source::Ocr).with_status(Status::Unverified)
    }

    #[test]
    fn dates_are_checked_and_rendered_iso() {
        let mut f = field("05/04/2003");
        assert_eq!(
            parse_form_date(&mut f, "05/04/2003", today()),
            NaiveDate::from_ymd_opt(2003, 4, 5)
        );
        assert_eq!(f.value, "2003-04-05");
        assert_eq!(f.status, Status::Unverified);

        let mut f = field("31022000");
        assert_eq!(parse_ddmmyyyy(&mut f, "31022000", today()), None);
        assert_eq!(f.status, Status::Invalid);
        assert_eq!(f.issues[0].code, "date.invalid");

        let mut f = field("01012099");
        assert_eq!(parse_ddmmyyyy(&mut f, "01012099", today()), None);
        assert_eq!(f.value, "2099-01-01");
        assert_eq!(f.status, Status::Invalid);

        let mut f = field("ngày 5 tháng 4 năm 2003");
        assert!(parse_form_date(&mut f, "ngày 5 tháng 4 năm 2003", today()).is_some());
        let mut f = field("5/4");
        assert!(parse_form_date(&mut f, "5/4", today()).is_none());
    }

    #[test]
    fn nfd_and_bad_names_flagged() {
        let raw = "Nguye\u{0302}\u{0303}n Va\u{0306}n An";
        let mut f = Field::new("full_name", "Họ tên", raw, Source::Qr);
        assert_eq!(f.value, "Nguyễn Văn An");
        check_nfc(&mut f, raw);
        assert_eq!(f.status, Status::Invalid);
        assert_eq!(f.issues[0].code, "text.not_nfc");

        let mut f = Field::new("full_name", "Họ tên", "Nguyễn V4n An", Source::Ocr);
        check_name(&mut f);
        assert_eq!(f.issues[0].code, "name.bad_character");
        let mut ok = Field::new("full_name", "Họ tên", "Trần Thị Cúc", Source::Ocr);
        check_name(&mut ok);
        assert!(ok.issues.is_empty());
    }
}
