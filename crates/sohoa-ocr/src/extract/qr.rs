//! The chip CCCD front QR code: decoding (rqrr, rxing as fallback) and the payload.
//!
//! Payload (TT 06/2021/TT-BCA; research/ocr-archival.md §2.2), UTF-8, `|`-separated:
//! `CCCD(12)|CMND(9, may be empty)|Họ và tên|DDMMYYYY birth|Nam/Nữ|Nơi thường trú|DDMMYYYY issue`.
//! Parsing is tolerant (6 or more fields) but every value is validated.

use chrono::NaiveDate;
use image::GrayImage;
use sohoa_core::Catalogs;
use sohoa_core::identity::{Cmnd, PersonalId, Sex};
use sohoa_core::localized::Localized;

use super::checks::{check_nfc, parse_ddmmyyyy};
use super::field::{DocKind, Extraction, Field, Issue, Source, Status};

/// Which decoder read the code (for diagnostics: rxing is the fallback for hard scans).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrDecoder {
    Rqrr,
    Rxing,
}

/// Finds and decodes a QR code in a greyscale image: rqrr first (fast, pure Rust), then
/// rxing, which copes better with blur and low contrast.
pub fn decode_qr(img: &GrayImage) -> Option<(String, QrDecoder)> {
    decode_rqrr(img)
        .map(|t| (t, QrDecoder::Rqrr))
        .or_else(|| decode_rxing(img).map(|t| (t, QrDecoder::Rxing)))
}

pub fn decode_rqrr(img: &GrayImage) -> Option<String> {
    let (w, h) = img.dimensions();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        img.get_pixel(x as u32, y as u32)[0]
    });
    prepared
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

pub fn decode_rxing(img: &GrayImage) -> Option<String> {
    let (w, h) = img.dimensions();
    rxing::helpers::detect_in_luma(img.as_raw().clone(), w, h, Some(rxing::BarcodeFormat::QR_CODE))
        .ok()
        .map(|r| r.getText().to_owned())
}

const QR_CONFIDENCE: f32 = 1.0;

fn qr_field(key: &str, label: &str, raw: &str) -> Field {
    let mut f = Field::new(key, label, raw.trim(), Source::Qr)
        .with_confidence(QR_CONFIDENCE)
        .with_status(Status::Valid);
    check_nfc(&mut f, raw);
    f
}

/// Parses a CCCD QR payload into fields, validating each and cross-checking the ID number
/// against the date of birth and sex. `today` bounds dates (no births or issues in the future).
pub fn parse_cccd_qr(payload: &str, cat: &Catalogs, today: NaiveDate) -> Extraction {
    let mut ex = Extraction::new(DocKind::Cccd);
    let parts: Vec<&str> = payload.trim_end_matches(['\r', '\n']).split('|').collect();
    if parts.len() < 6 {
        ex.issues.push(Issue::new(
            "cccd.qr_format",
            format!(
                "Mã QR có {} trường, không đúng định dạng CCCD (cần ít nhất 6 trường phân cách bởi «|»).",
                parts.len()
            ),
        ));
        return ex;
    }
    let mut id = qr_field("owner_id", "Số định danh cá nhân (CCCD)", parts[0]);
    let pid = match PersonalId::parse_at(&id.value, cat, today) {
        Ok(p) => Some(p),
        Err(e) => {
            id.flag(Issue::new(e.code(), e.message_vi()));
            None
        }
    };
    ex.fields.push(id);
    if !parts[1].trim().is_empty() {
        let mut cmnd = qr_field("cmnd_number", "Số CMND cũ", parts[1]);
        if let Err(e) = Cmnd::parse(&cmnd.value) {
            cmnd.flag(Issue::new(e.code(), e.message_vi()));
        }
        ex.fields.push(cmnd);
    }
    let mut name = qr_field("full_name", "Họ, chữ đệm và tên", parts[2]);
    super::checks::check_name(&mut name);
    ex.fields.push(name);

    let mut birth = qr_field("birth_date", "Ngày, tháng, năm sinh", parts[3]);
    let birth_date = parse_ddmmyyyy(&mut birth, parts[3], today);
    ex.fields.push(birth);

    let mut sex_f = qr_field("sex", "Giới tính", parts[4]);
    let sex = match Sex::parse(parts[4]) {
        Ok(s) => {
            sex_f.value = s.label_vi().to_owned();
            Some(s)
        }
        Err(e) => {
            sex_f.flag(Issue::new(e.code(), e.message_vi()));
            None
        }
    };
    ex.fields.push(sex_f);

    ex.fields
        .push(qr_field("permanent_address", "Nơi thường trú", parts[5]).with_status(Status::Valid));
    if let Some(raw) = parts.get(6).filter(|s| !s.trim().is_empty()) {
        let mut issue = qr_field("id_issue_date", "Ngày cấp", raw);
        let issued = parse_ddmmyyyy(&mut issue, raw, today);
        if let (Some(i), Some(b)) = (issued, birth_date)
            && i < b
        {
            issue.flag(Issue::new(
                "cccd.issued_before_birth",
                "Ngày cấp thẻ trước ngày sinh.",
            ));
        }
        ex.fields.push(issue);
    }
    if let Some(pid) = pid {
        cross_check_id(&mut ex, &pid, birth_date, sex);
    }
    ex
}

/// The ID number encodes century, sex and birth year; a disagreement flags both fields.
pub(crate) fn cross_check_id(
    ex: &mut Extraction,
    pid: &PersonalId,
    birth: Option<NaiveDate>,
    sex: Option<Sex>,
) {
    for err in pid.consistency_errors(birth, None, sex) {
        let target = match err {
            sohoa_core::IdError::SexMismatch { .. } => "sex",
            _ => "birth_date",
        };
        let issue = Issue::new(err.code(), err.message_vi());
        if let Some(f) = ex.get_mut(target) {
            f.flag(issue.clone());
        }
        if let Some(f) = ex.get_mut("owner_id") {
            f.flag(issue);
        }
    }
}
