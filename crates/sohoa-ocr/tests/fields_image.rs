//! Field extraction from rendered images through the real Tesseract `vie` model and real QR
//! decoders: CCCD front (QR) and back (MRZ), the CMND declaration form, a Decree 30 header
//! and a residence form. Values are asserted exactly; OCR confidences within a band.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::NaiveDate;
use common::{Canvas, MONO, SERIF, SERIF_BOLD, font};
use image::GrayImage;
use sohoa_core::Catalogs;
use sohoa_ocr::extract::mrz_vn::CONF_VERIFIED;
use sohoa_ocr::{DocKind, Extraction, Extractor, KindHint, OcrConfig, OcrEngine, Profiles, Source, Status};

fn extractor() -> Extractor {
    let mut x = Extractor::new(Profiles::embedded().unwrap(), Catalogs::embedded());
    x.today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    x
}

fn engine() -> OcrEngine {
    OcrEngine::new(&OcrConfig::default()).unwrap()
}

/// OCR-sourced value: exact text, a box, and a confidence that says "looks right".
fn assert_ocr(ex: &Extraction, key: &str, value: &str, status: Status) {
    let f = ex.get(key).unwrap_or_else(|| panic!("no {key}: {ex:#?}"));
    assert_eq!(f.value, value, "{key}: {ex:#?}");
    assert_eq!(f.status, status, "{key}: {:?}", f.issues);
    assert_eq!(f.source, Source::Ocr);
    assert!(f.bbox.is_some(), "{key} has no box");
    assert!(
        (0.70..=1.0).contains(&f.confidence),
        "{key}: confidence {}",
        f.confidence
    );
}

const PAYLOAD: &str = "079203001234|025123456|Nguyễn Văn An|05042003|Nam|Số 12 đường Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh|15042021";

/// Card at 300 dpi (85.6 × 54 mm).
fn cccd_front() -> GrayImage {
    let mut c = Canvas::new(1012, 638);
    let f = font(SERIF_BOLD);
    c.text(&f, 34.0, 60.0, 80.0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    c.text(&f, 40.0, 60.0, 150.0, "CĂN CƯỚC CÔNG DÂN");
    c.qr(PAYLOAD, 700, 20, 4);
    c.img
}

fn cccd_back() -> GrayImage {
    let mut c = Canvas::new(1012, 638);
    let f = font(SERIF);
    c.text(
        &f,
        30.0,
        60.0,
        90.0,
        "Đặc điểm nhân dạng: Sẹo chấm C.1cm trên đuôi mắt trái",
    );
    let mono = font(MONO);
    let lines = common::cccd_mrz("079203001234", "030405", 'M', "430405", "NGUYEN", "VAN AN");
    for (i, l) in lines.iter().enumerate() {
        c.text(&mono, 44.0, 40.0, 470.0 + 56.0 * i as f32, l);
    }
    c.img
}

#[test]
fn cccd_front_qr_and_back_mrz_cross_checked() {
    let x = extractor();
    let mut e = engine();
    common::dump(&cccd_front(), "front");
    common::dump(&cccd_back(), "back");
    let front = x.extract(&mut e, &[(cccd_front(), 300)], KindHint::Auto).unwrap();
    assert_eq!(front.kind, DocKind::Cccd);
    assert!(!front.has_problems(), "{front:#?}");
    for (key, value) in [
        ("owner_id", "079203001234"),
        ("cmnd_number", "025123456"),
        ("full_name", "Nguyễn Văn An"),
        ("birth_date", "2003-04-05"),
        ("sex", "Nam"),
        ("id_issue_date", "2021-04-15"),
    ] {
        let f = front.get(key).unwrap();
        assert_eq!(
            (f.value.as_str(), f.confidence, f.status),
            (value, 1.0, Status::Valid),
            "{key}"
        );
    }

    let back = x.extract(&mut e, &[(cccd_back(), 300)], KindHint::Cccd).unwrap();
    assert!(!back.has_problems(), "{back:#?}");
    for (key, value) in [
        ("owner_id", "079203001234"),
        ("birth_date", "2003-04-05"),
        ("id_expiry_date", "2043-04-05"),
    ] {
        let f = back.get(key).unwrap();
        assert_eq!(f.value, value, "{key}");
        assert_eq!(f.source, Source::Mrz);
        assert!(
            f.confidence >= 0.9 && matches!(f.status, Status::Valid | Status::Repaired),
            "{key}: {f:?}"
        );
    }
    assert_eq!(back.value("mrz_name"), Some("NGUYEN VAN AN"));

    let both = x
        .extract(&mut e, &[(cccd_front(), 300), (cccd_back(), 300)], KindHint::Cccd)
        .unwrap();
    assert!(!both.has_problems(), "{both:#?}");
    assert_eq!(both.value("full_name"), Some("Nguyễn Văn An"));
    assert_eq!(both.get("id_expiry_date").unwrap().confidence, CONF_VERIFIED);
}

#[test]
fn cmnd_form_six_fields_by_zone() {
    let mut c = Canvas::a4();
    let (f, b) = (font(SERIF), font(SERIF_BOLD));
    let h = 3508.0;
    c.centred(&b, 50.0, 1240.0, 0.08 * h, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    c.centred(&b, 60.0, 1240.0, 0.16 * h, "TỜ KHAI CHỨNG MINH NHÂN DÂN");
    c.text(&f, 46.0, 160.0, 0.275 * h, "1. Họ và tên: Nguyễn Văn An");
    c.text(&f, 46.0, 160.0, 0.335 * h, "2. Sinh ngày: 05/04/2003");
    c.text(&f, 46.0, 1550.0, 0.335 * h, "Giới tính: Nam");
    c.text(&f, 46.0, 160.0, 0.395 * h, "3. Số CMND: 025123456");
    c.text(&f, 46.0, 160.0, 0.455 * h, "4. Họ và tên cha: Nguyễn Văn Bình");
    c.text(&f, 46.0, 160.0, 0.515 * h, "5. Họ và tên mẹ: Trần Thị Cúc");
    common::dump(&c.img, "cmnd");
    let x = extractor();
    let ex = x.extract(&mut engine(), &[(c.img, 300)], KindHint::Auto).unwrap();
    assert_eq!(ex.kind, DocKind::CmndForm);
    assert_ocr(&ex, "full_name", "Nguyễn Văn An", Status::Unverified);
    assert_ocr(&ex, "birth_date", "2003-04-05", Status::Valid);
    assert_ocr(&ex, "sex", "Nam", Status::Valid);
    assert_ocr(&ex, "cmnd_number", "025123456", Status::Valid);
    assert_ocr(&ex, "father_name", "Nguyễn Văn Bình", Status::Unverified);
    assert_ocr(&ex, "mother_name", "Trần Thị Cúc", Status::Unverified);
}

#[test]
fn cmnd_form_with_impossible_date_and_short_number_is_flagged() {
    let mut c = Canvas::a4();
    let f = font(SERIF);
    let h = 3508.0;
    c.text(&f, 46.0, 160.0, 0.275 * h, "1. Họ và tên: Lê Thị Hoa");
    c.text(&f, 46.0, 160.0, 0.335 * h, "2. Sinh ngày: 30/02/1985");
    c.text(&f, 46.0, 1550.0, 0.335 * h, "Giới tính: Nữ");
    c.text(&f, 46.0, 160.0, 0.395 * h, "3. Số CMND: 02512345");
    let x = extractor();
    let ex = x
        .extract(&mut engine(), &[(c.img, 300)], KindHint::CmndForm)
        .unwrap();
    assert_eq!(ex.get("birth_date").unwrap().status, Status::Invalid);
    assert_eq!(ex.get("cmnd_number").unwrap().status, Status::Invalid);
    assert_eq!(ex.get("cmnd_number").unwrap().issues[0].code, "id.bad_length");
    assert_eq!(ex.value("sex"), Some("Nữ"));
    assert_eq!(ex.get("father_name").unwrap().issues[0].code, "form.field_empty");
}

#[test]
fn decree30_header_from_rendered_page() {
    let mut c = Canvas::a4();
    let (f, b) = (font(SERIF), font(SERIF_BOLD));
    let (left, right) = (620.0, 1700.0);
    c.centred(&f, 42.0, left, 260.0, "CÔNG AN TỈNH SÓC TRĂNG");
    c.centred(&b, 42.0, left, 330.0, "CÔNG AN HUYỆN CÙ LAO DUNG");
    c.centred(&b, 42.0, right, 260.0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    c.centred(&b, 42.0, right, 330.0, "Độc lập - Tự do - Hạnh phúc");
    c.centred(&f, 42.0, left, 470.0, "Số: 194/CAH-TH");
    c.centred(&f, 42.0, right, 470.0, "Cù Lao Dung, ngày 05 tháng 6 năm 2022");
    c.centred(&b, 58.0, 1240.0, 680.0, "KẾ HOẠCH");
    c.centred(&b, 42.0, 1240.0, 760.0, "Triển khai số hóa hồ sơ cư trú năm 2022");
    c.text(
        &f,
        42.0,
        342.0,
        920.0,
        "Căn cứ Luật Cư trú năm 2020; Công an huyện xây dựng kế hoạch như sau.",
    );
    c.centred(&b, 42.0, right, 1400.0, "KT. TRƯỞNG CÔNG AN HUYỆN");
    c.centred(&b, 42.0, right, 1470.0, "PHÓ TRƯỞNG CÔNG AN HUYỆN");
    c.centred(&b, 42.0, right, 1742.0, "Nguyễn Văn Bình");
    common::dump(&c.img, "admin");
    let x = extractor();
    let ex = x.extract(&mut engine(), &[(c.img, 300)], KindHint::Auto).unwrap();
    assert_eq!(ex.kind, DocKind::AdminDoc);
    assert_ocr(&ex, "archival.code_number", "194", Status::Valid);
    assert_ocr(&ex, "archival.code_notation", "CAH-TH", Status::Valid);
    assert_ocr(&ex, "archival.issued_date", "2022-06-05", Status::Valid);
    assert_ocr(&ex, "place", "Cù Lao Dung", Status::Unverified);
    assert_ocr(&ex, "parent_organ", "CÔNG AN TỈNH SÓC TRĂNG", Status::Unverified);
    assert_ocr(
        &ex,
        "archival.organ_name",
        "CÔNG AN HUYỆN CÙ LAO DUNG",
        Status::Unverified,
    );
    assert_ocr(&ex, "doc_name", "Kế hoạch", Status::Unverified);
    assert_ocr(
        &ex,
        "summary",
        "Triển khai số hóa hồ sơ cư trú năm 2022",
        Status::Unverified,
    );
    assert_ocr(
        &ex,
        "archival.signer_position",
        "KT. TRƯỞNG CÔNG AN HUYỆN PHÓ TRƯỞNG CÔNG AN HUYỆN",
        Status::Unverified,
    );
    assert_ocr(&ex, "archival.signer_name", "Nguyễn Văn Bình", Status::Unverified);
}

#[test]
fn residence_form_head_address_members() {
    let mut c = Canvas::a4();
    let (f, b) = (font(SERIF), font(SERIF_BOLD));
    let (w, h) = (2480.0, 3508.0);
    c.centred(&b, 56.0, 1240.0, 0.14 * h, "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ");
    c.text(&f, 44.0, 160.0, 0.235 * h, "Họ và tên chủ hộ: Lê Văn Tám");
    c.text(
        &f,
        44.0,
        160.0,
        0.295 * h,
        "Địa chỉ thường trú: Ấp An Thạnh, xã An Thạnh 1, huyện Cù Lao Dung",
    );
    let cols = [0.06, 0.35, 0.51, 0.64, 0.80];
    let header = ["Họ và tên", "Ngày sinh", "Quan hệ", "Ngày ĐK", "Ngày đi"];
    let members = [
        ["Lê Văn Tám", "12/03/1970", "Chủ hộ", "01/07/2021", ""],
        ["Trần Thị Mai", "08/09/1975", "Vợ", "01/07/2021", ""],
        ["Lê Văn Hùng", "20/11/1998", "Con", "01/07/2021", "15/03/2024"],
    ];
    for (i, t) in header.iter().enumerate() {
        c.text(&b, 40.0, cols[i] * w, 0.39 * h, t);
    }
    for (r, m) in members.iter().enumerate() {
        for (i, t) in m.iter().enumerate() {
            c.text(&f, 40.0, cols[i] * w, (0.43 + 0.04 * r as f32) * h, t);
        }
    }
    common::dump(&c.img, "residence");
    let x = extractor();
    let ex = x.extract(&mut engine(), &[(c.img, 300)], KindHint::Auto).unwrap();
    assert_eq!(ex.kind, DocKind::ResidenceForm, "{ex:#?}");
    assert_ocr(&ex, "household_head", "Lê Văn Tám", Status::Unverified);
    assert_ocr(
        &ex,
        "address",
        "Ấp An Thạnh, xã An Thạnh 1, huyện Cù Lao Dung",
        Status::Unverified,
    );
    assert_ocr(&ex, "member.1.full_name", "Lê Văn Tám", Status::Unverified);
    assert_ocr(&ex, "member.1.birth_date", "1970-03-12", Status::Valid);
    assert_ocr(&ex, "member.1.relation", "Chủ hộ", Status::Unverified);
    assert_ocr(&ex, "member.2.full_name", "Trần Thị Mai", Status::Unverified);
    assert_ocr(&ex, "member.2.registered", "2021-07-01", Status::Valid);
    assert_ocr(&ex, "member.3.full_name", "Lê Văn Hùng", Status::Unverified);
    assert_ocr(&ex, "member.3.left", "2024-03-15", Status::Valid);
    assert_eq!(ex.value("member.2.left"), Some(""));
    assert!(ex.get("member.4.full_name").is_none());
}
