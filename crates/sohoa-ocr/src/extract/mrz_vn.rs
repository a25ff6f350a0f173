//! The chip CCCD back: ICAO 9303 TD1 MRZ with Vietnam's optional data.
//!
//! Line 1 holds `IDVNM` + the last 9 digits of the personal ID + check digit, then in the
//! optional data the full 12-digit number, `<<` and its own 7-3-1 check digit
//! (research/ocr-archival.md §2.3). The `mrz` crate parses the ICAO part and repairs OCR
//! misreads only where a check digit proves the repair; the Vietnamese optional data is
//! checked here with the same arithmetic and repaired under the same rule.

use chrono::NaiveDate;
use sohoa_core::Catalogs;
use sohoa_core::identity::{PersonalId, Sex};
use sohoa_core::localized::Localized;

use super::field::{DocKind, Extraction, Field, Issue, Source, Status};
use super::qr::cross_check_id;

/// Evidence weights: a field covered by a verifying check digit is as good as OCR gets;
/// a check-digit-proven repair slightly less (a second misread could still collide).
pub const CONF_VERIFIED: f32 = 0.99;
pub const CONF_REPAIRED: f32 = 0.9;
/// Name and sex carry no check digit in TD1.
pub const CONF_UNCHECKED: f32 = 0.8;
pub const CONF_REFUTED: f32 = 0.3;

/// Characters OCR confuses with digits; only ever applied where a digit must stand.
fn digitize(c: char) -> char {
    match c {
        'O' | 'Q' | 'D' | 'U' => '0',
        'I' | 'L' | 'T' => '1',
        'Z' => '2',
        'B' => '8',
        'S' => '5',
        'G' => '6',
        'A' => '4',
        other => other,
    }
}

fn verify(field: &str, check: char) -> bool {
    mrz::check_digit(field).ok().and_then(|d| char::from_digit(d, 10)) == Some(check)
}

/// The 12-digit number from TD1 line 1 positions 16–30: `NNNNNNNNNNNN<<C`. Returns the
/// number, whether the check digit holds, and whether a digit repair was needed.
fn optional_personal_id(line1: &str) -> Option<(String, bool, bool)> {
    let opt: Vec<char> = line1.chars().skip(15).take(15).collect();
    if opt.len() < 15 {
        return None;
    }
    let raw: String = opt[..12].iter().collect();
    let check = digitize(opt[14]);
    if raw.chars().all(|c| c.is_ascii_digit()) {
        return Some((raw.clone(), verify(&raw, check), false));
    }
    let repaired: String = raw.chars().map(digitize).collect();
    if repaired.chars().all(|c| c.is_ascii_digit()) && verify(&repaired, check) {
        return Some((repaired, true, true));
    }
    Some((raw, false, false))
}

fn yymmdd(s: &str, century: i32) -> Option<NaiveDate> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let yy: i32 = s[0..2].parse().ok()?;
    NaiveDate::from_ymd_opt(century + yy, s[2..4].parse().ok()?, s[4..6].parse().ok()?)
}

fn evidence(f: Field, check: Option<bool>, repaired: bool) -> Field {
    match check {
        Some(true) if repaired => f.with_confidence(CONF_REPAIRED).with_status(Status::Repaired),
        Some(true) => f.with_confidence(CONF_VERIFIED).with_status(Status::Valid),
        Some(false) => {
            let mut f = f.with_confidence(CONF_REFUTED);
            f.flag(Issue::new(
                "mrz.check_digit",
                "Chữ số kiểm tra của MRZ không khớp: giá trị đọc được có thể sai.",
            ));
            f
        }
        None => f.with_confidence(CONF_UNCHECKED),
    }
}

/// Reads a TD1 MRZ from OCR text (extra lines and noise allowed) into CCCD fields.
pub fn parse_cccd_mrz(text: &str, cat: &Catalogs, today: NaiveDate) -> Extraction {
    let mut ex = Extraction::new(DocKind::Cccd);
    let cleaned: String = text.to_uppercase().replace([' ', '«'], "");
    let data = match mrz::find_and_parse(&cleaned) {
        Ok(d) if d.format == mrz::Format::Td1 => d,
        Ok(_) | Err(_) => {
            ex.issues.push(Issue::new(
                "mrz.not_found",
                "Không tìm thấy vùng MRZ 3 dòng (TD1) của thẻ CCCD.",
            ));
            return ex;
        }
    };
    let lines: Vec<&str> = data.mrz_lines.lines().collect();
    let (Some(l1), Some(l2)) = (lines.first(), lines.get(1)) else {
        return ex;
    };
    // Any change between what OCR gave and what validated is a proven repair.
    let repaired_zone = !lines.iter().all(|l| cleaned.contains(l));
    if data.issuing_country != "VNM" {
        ex.issues.push(Issue::new(
            "mrz.not_vietnamese",
            format!(
                "MRZ do quốc gia «{}» cấp, không phải thẻ Việt Nam.",
                data.issuing_country
            ),
        ));
    }

    let (pid_value, pid_status) = match optional_personal_id(l1) {
        Some((num, ok, fixed)) => (num, Some(ok).map(|ok| (ok, fixed))),
        None => (String::new(), None),
    };
    let mut id = Field::new("owner_id", "Số định danh cá nhân (CCCD)", &pid_value, Source::Mrz);
    id = match pid_status {
        Some((ok, fixed)) => evidence(id, Some(ok), fixed || repaired_zone),
        None => evidence(id, Some(false), false),
    };
    // The document number is the last 9 digits of the personal ID.
    if data.checks.document_number == Some(false) {
        id.flag(Issue::new(
            "mrz.check_digit",
            "Chữ số kiểm tra số thẻ (dòng 1) không khớp.",
        ));
    } else if pid_value.len() == 12 && !pid_value.ends_with(data.document_number.as_str()) {
        id.flag(Issue::new(
            "mrz.number_mismatch",
            "Số thẻ ở dòng 1 MRZ không trùng 9 chữ số cuối của số định danh.",
        ));
    }
    let pid = match PersonalId::parse_at(&pid_value, cat, today) {
        Ok(p) => Some(p),
        Err(e) => {
            id.flag(Issue::new(e.code(), e.message_vi()));
            None
        }
    };
    ex.fields.push(id);

    // Century from the ID's G digit when it parsed; otherwise the crate's pivot.
    let century = pid
        .as_ref()
        .map(PersonalId::birth_century_start)
        .or_else(|| data.date_of_birth.calendar().map(|d| d.year / 100 * 100))
        .unwrap_or(1900);
    let dob_raw = l2.get(0..6).unwrap_or("");
    let birth = yymmdd(dob_raw, century);
    let mut dob = Field::new("birth_date", "Ngày, tháng, năm sinh", dob_raw, Source::Mrz);
    if let Some(d) = birth {
        dob.value = d.format("%Y-%m-%d").to_string();
    }
    dob = evidence(dob, data.checks.date_of_birth, repaired_zone);
    if birth.is_none() {
        dob.flag(Issue::new(
            "date.invalid",
            "Ngày sinh trong MRZ không có trong lịch.",
        ));
    }
    ex.fields.push(dob);

    let sex = match data.sex {
        mrz::Sex::Male => Some(Sex::Male),
        mrz::Sex::Female => Some(Sex::Female),
        _ => None,
    };
    let mut sex_f = Field::new("sex", "Giới tính", sex.map_or("", |s| s.label_vi()), Source::Mrz)
        .with_confidence(CONF_UNCHECKED);
    if sex.is_none() {
        sex_f.flag(Issue::new(
            "id.sex_unknown",
            "Giới tính trong MRZ không phải M/F.",
        ));
    }
    ex.fields.push(sex_f);

    let exp_raw = l2.get(8..14).unwrap_or("");
    let expiry = yymmdd(exp_raw, 2000);
    let mut exp = Field::new(
        "id_expiry_date",
        "Có giá trị đến",
        expiry.map_or_else(|| exp_raw.to_owned(), |d| d.format("%Y-%m-%d").to_string()),
        Source::Mrz,
    );
    exp = evidence(exp, data.checks.date_of_expiry, repaired_zone);
    ex.fields.push(exp);

    let name = format!("{} {}", data.surname, data.given_names);
    ex.fields.push(
        Field::new("mrz_name", "Họ tên (không dấu, MRZ)", name.trim(), Source::Mrz)
            .with_confidence(CONF_UNCHECKED),
    );
    if data.checks.composite == Some(false) {
        ex.issues.push(Issue::new(
            "mrz.composite",
            "Chữ số kiểm tra tổng hợp của MRZ không khớp.",
        ));
    }
    if let Some(pid) = pid {
        cross_check_id(&mut ex, &pid, birth, sex);
    }
    ex
}
