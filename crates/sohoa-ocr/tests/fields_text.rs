//! Field extraction from text: CCCD QR payloads, MRZ text, document headers. Every value and
//! confidence is asserted, and corrupted inputs must come back flagged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::NaiveDate;
use sohoa_core::Catalogs;
use sohoa_ocr::extract::cccd::merge_cccd;
use sohoa_ocr::extract::mrz_vn::{CONF_REPAIRED, CONF_UNCHECKED, CONF_VERIFIED, parse_cccd_mrz};
use sohoa_ocr::extract::qr::parse_cccd_qr;
use sohoa_ocr::{Extraction, Extractor, Profiles, Source, Status};

const ADDRESS: &str = "Số 12 đường Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

fn cat() -> Catalogs {
    Catalogs::embedded()
}

fn payload() -> String {
    format!("079203001234|025123456|Nguyễn Văn An|05042003|Nam|{ADDRESS}|15042021")
}

fn assert_field(ex: &Extraction, key: &str, value: &str, conf: f32, status: Status) {
    let f = ex.get(key).unwrap_or_else(|| panic!("no field {key} in {ex:#?}"));
    assert_eq!(f.value, value, "{key}");
    assert!(
        (f.confidence - conf).abs() < 1e-6,
        "{key}: confidence {}",
        f.confidence
    );
    assert_eq!(f.status, status, "{key}: {:?}", f.issues);
}

fn codes(ex: &Extraction, key: &str) -> Vec<String> {
    ex.get(key)
        .unwrap()
        .issues
        .iter()
        .map(|i| i.code.clone())
        .collect()
}

#[test]
fn qr_payload_gives_seven_valid_fields() {
    let ex = parse_cccd_qr(&payload(), &cat(), today());
    assert!(!ex.has_problems(), "{ex:#?}");
    assert_field(&ex, "owner_id", "079203001234", 1.0, Status::Valid);
    assert_field(&ex, "cmnd_number", "025123456", 1.0, Status::Valid);
    assert_field(&ex, "full_name", "Nguyễn Văn An", 1.0, Status::Valid);
    assert_field(&ex, "birth_date", "2003-04-05", 1.0, Status::Valid);
    assert_field(&ex, "sex", "Nam", 1.0, Status::Valid);
    assert_field(&ex, "permanent_address", ADDRESS, 1.0, Status::Valid);
    assert_field(&ex, "id_issue_date", "2021-04-15", 1.0, Status::Valid);
    assert!(
        ex.fields
            .iter()
            .all(|f| f.source == Source::Qr && f.bbox.is_none())
    );
    assert_eq!(ex.fields.len(), 7);
}

#[test]
fn qr_without_old_cmnd_is_accepted() {
    let p = format!("079203001234||Nguyễn Văn An|05042003|Nam|{ADDRESS}|15042021");
    let ex = parse_cccd_qr(&p, &cat(), today());
    assert!(!ex.has_problems());
    assert!(ex.get("cmnd_number").is_none());
}

#[test]
fn corrupted_qr_payloads_are_flagged() {
    // NFD name: normalised for storage, but flagged.
    let nfd = payload().replace("Nguyễn", "Nguye\u{0302}\u{0303}n");
    let ex = parse_cccd_qr(&nfd, &cat(), today());
    assert_field(&ex, "full_name", "Nguyễn Văn An", 1.0, Status::Invalid);
    assert_eq!(codes(&ex, "full_name"), ["text.not_nfc"]);

    // 31 February does not exist.
    let ex = parse_cccd_qr(&payload().replace("05042003", "31022003"), &cat(), today());
    assert_eq!(ex.get("birth_date").unwrap().status, Status::Invalid);
    assert_eq!(codes(&ex, "birth_date"), ["date.invalid"]);

    // The ID says male born 2003; the payload says female born 1990.
    let ex = parse_cccd_qr(&payload().replace("05042003|Nam", "05041990|Nữ"), &cat(), today());
    assert_eq!(ex.get("sex").unwrap().status, Status::Invalid);
    assert_eq!(ex.get("birth_date").unwrap().status, Status::Invalid);
    assert_eq!(
        codes(&ex, "owner_id"),
        ["id.birth_year_mismatch", "id.sex_mismatch"]
    );

    // Province 999 does not exist; issue before birth; too few fields.
    let ex = parse_cccd_qr(&payload().replace("079203", "999203"), &cat(), today());
    assert_eq!(codes(&ex, "owner_id"), ["id.province_unknown"]);
    let ex = parse_cccd_qr(&payload().replace("15042021", "15042001"), &cat(), today());
    assert_eq!(codes(&ex, "id_issue_date"), ["cccd.issued_before_birth"]);
    let ex = parse_cccd_qr("079203001234|Nguyễn Văn An", &cat(), today());
    assert!(ex.fields.is_empty());
    assert_eq!(ex.issues[0].code, "cccd.qr_format");
    // A 10-digit old CMND.
    let ex = parse_cccd_qr(&payload().replace("025123456", "0251234567"), &cat(), today());
    assert_eq!(codes(&ex, "cmnd_number"), ["id.bad_length"]);
}

fn mrz_text() -> String {
    common::cccd_mrz("079203001234", "030405", 'M', "430405", "NGUYEN", "VAN AN").join("\n")
}

#[test]
fn mrz_fields_verified_by_check_digits() {
    let text = format!("noise line\n{}\n", mrz_text());
    let ex = parse_cccd_mrz(&text, &cat(), today());
    assert!(!ex.has_problems(), "{ex:#?}");
    assert_field(&ex, "owner_id", "079203001234", CONF_VERIFIED, Status::Valid);
    assert_field(&ex, "birth_date", "2003-04-05", CONF_VERIFIED, Status::Valid);
    assert_field(&ex, "sex", "Nam", CONF_UNCHECKED, Status::Unverified);
    assert_field(&ex, "id_expiry_date", "2043-04-05", CONF_VERIFIED, Status::Valid);
    assert_field(
        &ex,
        "mrz_name",
        "NGUYEN VAN AN",
        CONF_UNCHECKED,
        Status::Unverified,
    );
}

#[test]
fn mrz_wrong_check_digit_is_flagged_not_accepted() {
    let [l1, l2, l3] = common::cccd_mrz("079203001234", "030405", 'M', "430405", "NGUYEN", "VAN AN");
    // Change the birth date's check digit (position 7 of line 2).
    let mut bad = l2.clone().into_bytes();
    bad[6] = if bad[6] == b'9' { b'0' } else { bad[6] + 1 };
    let l2_bad = String::from_utf8(bad).unwrap();
    let ex = parse_cccd_mrz(&format!("{l1}\n{l2_bad}\n{l3}"), &cat(), today());
    let dob = ex.get("birth_date").unwrap();
    assert_eq!(dob.status, Status::Invalid, "{ex:#?}");
    assert!(dob.issues.iter().any(|i| i.code == "mrz.check_digit"));
    assert!(ex.has_problems());

    // The 12-digit number's own check digit (last char of line 1) wrong.
    let mut l1_bad = l1.clone();
    let last = l1_bad.pop().unwrap();
    l1_bad.push(if last == '9' {
        '0'
    } else {
        char::from(last as u8 + 1)
    });
    let ex = parse_cccd_mrz(&format!("{l1_bad}\n{l2}\n{l3}"), &cat(), today());
    assert_eq!(ex.get("owner_id").unwrap().status, Status::Invalid);
}

#[test]
fn mrz_letter_for_digit_repaired_only_when_check_digit_proves_it() {
    let [l1, l2, l3] = common::cccd_mrz("079203001234", "030405", 'M', "430405", "NGUYEN", "VAN AN");
    // OCR read the 0 of the 12-digit number (position 16) as O.
    let l1_ocr = format!("{}O{}", &l1[..15], &l1[16..]);
    let ex = parse_cccd_mrz(&format!("{l1_ocr}\n{l2}\n{l3}"), &cat(), today());
    assert_field(&ex, "owner_id", "079203001234", CONF_REPAIRED, Status::Repaired);
    // Substituting a digit for another digit is not a repair the check digit allows here.
    let l1_wrong = format!("{}8{}", &l1[..15], &l1[16..]);
    let ex = parse_cccd_mrz(&format!("{l1_wrong}\n{l2}\n{l3}"), &cat(), today());
    assert_eq!(ex.get("owner_id").unwrap().status, Status::Invalid);
}

#[test]
fn qr_and_mrz_cross_checked() {
    let qr = parse_cccd_qr(&payload(), &cat(), today());
    let mrz = parse_cccd_mrz(&mrz_text(), &cat(), today());
    let ex = merge_cccd(Some(qr.clone()), Some(mrz));
    assert!(!ex.has_problems(), "{ex:#?}");
    assert_field(&ex, "owner_id", "079203001234", 1.0, Status::Valid);
    assert_field(&ex, "id_expiry_date", "2043-04-05", CONF_VERIFIED, Status::Valid);

    // A back from another person's card: same shape, other number.
    let other = common::cccd_mrz("079203001235", "030405", 'M', "430405", "NGUYEN", "VAN AN").join("\n");
    let ex = merge_cccd(Some(qr.clone()), Some(parse_cccd_mrz(&other, &cat(), today())));
    assert_eq!(ex.get("owner_id").unwrap().status, Status::Invalid);
    assert!(ex.issues.iter().any(|i| i.code == "cccd.qr_mrz_mismatch"));

    let renamed = common::cccd_mrz("079203001234", "030405", 'M', "430405", "TRAN", "VAN AN").join("\n");
    let ex = merge_cccd(Some(qr), Some(parse_cccd_mrz(&renamed, &cat(), today())));
    assert_eq!(ex.get("full_name").unwrap().status, Status::Invalid);
}

const HEADER: &str = "CÔNG AN TỈNH SÓC TRĂNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
CÔNG AN HUYỆN CÙ LAO DUNG
Độc lập - Tự do - Hạnh phúc
Số: 194/CAH-TH
Cù Lao Dung, ngày 05 tháng 6 năm 2022
KẾ HOẠCH
Triển khai số hóa hồ sơ cư trú năm 2022
Căn cứ Luật Cư trú năm 2020;
Nội dung kế hoạch.
KT. TRƯỞNG CÔNG AN HUYỆN
PHÓ TRƯỞNG CÔNG AN HUYỆN
Nguyễn Văn Bình";

fn extractor() -> Extractor {
    let mut x = Extractor::new(Profiles::embedded().unwrap(), cat());
    x.today = today();
    x
}

#[test]
fn decree30_header_from_text() {
    let ex = extractor().admin_from_text(HEADER);
    assert!(!ex.has_problems(), "{ex:#?}");
    assert_field(&ex, "archival.code_number", "194", 1.0, Status::Valid);
    assert_field(&ex, "archival.code_notation", "CAH-TH", 1.0, Status::Valid);
    assert_field(&ex, "place", "Cù Lao Dung", 1.0, Status::Unverified);
    assert_field(&ex, "archival.issued_date", "2022-06-05", 1.0, Status::Valid);
    assert_field(
        &ex,
        "parent_organ",
        "CÔNG AN TỈNH SÓC TRĂNG",
        1.0,
        Status::Unverified,
    );
    assert_field(
        &ex,
        "archival.organ_name",
        "CÔNG AN HUYỆN CÙ LAO DUNG",
        1.0,
        Status::Unverified,
    );
    assert_field(&ex, "archival.type_name", "KẾ HOẠCH", 1.0, Status::Unverified);
    assert_field(&ex, "doc_name", "Kế hoạch", 1.0, Status::Unverified);
    assert_field(
        &ex,
        "summary",
        "Triển khai số hóa hồ sơ cư trú năm 2022",
        1.0,
        Status::Unverified,
    );
    assert_field(
        &ex,
        "archival.signer_position",
        "KT. TRƯỞNG CÔNG AN HUYỆN PHÓ TRƯỞNG CÔNG AN HUYỆN",
        1.0,
        Status::Unverified,
    );
    assert_field(
        &ex,
        "archival.signer_name",
        "Nguyễn Văn Bình",
        1.0,
        Status::Unverified,
    );
}

#[test]
fn letter_summary_from_vv_line() {
    let text = "BỘ CÔNG AN\nCỤC CẢNH SÁT QLHC VỀ TTXH\nSố: 05/C06-P4\nV/v số hóa hồ sơ, tài liệu\nHà Nội, ngày 29 tháng 6 năm 2019\nKính gửi: Công an các tỉnh";
    let ex = extractor().admin_from_text(text);
    assert_field(&ex, "archival.code_notation", "C06-P4", 1.0, Status::Valid);
    assert_field(&ex, "doc_name", "Công văn", 1.0, Status::Unverified);
    assert_field(
        &ex,
        "summary",
        "V/v số hóa hồ sơ, tài liệu",
        1.0,
        Status::Unverified,
    );
    assert_field(&ex, "archival.issued_date", "2019-06-29", 1.0, Status::Valid);
    assert_field(&ex, "place", "Hà Nội", 1.0, Status::Unverified);
}

#[test]
fn corrupted_headers_are_flagged() {
    // Impossible date.
    let ex = extractor().admin_from_text(&HEADER.replace("ngày 05 tháng 6", "ngày 31 tháng 6"));
    assert_eq!(ex.get("archival.issued_date").unwrap().status, Status::Invalid);
    // A date in the future.
    let ex = extractor().admin_from_text(&HEADER.replace("năm 2022", "năm 2031"));
    assert_eq!(ex.get("archival.issued_date").unwrap().status, Status::Invalid);
    // NFD text (an old tool's export): normalised, flagged.
    let nfd = HEADER.replace("KẾ HOẠCH", "KE\u{0302}\u{0301} HOẠCH");
    let ex = extractor().admin_from_text(&nfd);
    let f = ex.get("archival.type_name").unwrap();
    assert_eq!(f.value, "KẾ HOẠCH");
    assert_eq!(f.status, Status::Invalid);
    assert_eq!(f.issues[0].code, "text.not_nfc");
    // No number: reported.
    let ex = extractor().admin_from_text(&HEADER.replace("Số: 194/CAH-TH", ""));
    assert!(ex.issues.iter().any(|i| i.code == "admin.field_missing"));
}
