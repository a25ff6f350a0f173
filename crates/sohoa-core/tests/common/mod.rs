//! Fixtures shared by the record tests: one valid record of each kind.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use sohoa_core::record::{FieldError, Owner, RecordKind, RecordMeta};
use sohoa_core::{Catalogs, OwnerId};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

/// The cached embedded catalogues (`tests/catalog.rs` checks that they parse).
pub fn cat() -> Catalogs {
    Catalogs::embedded()
}

/// 079 (Hồ Chí Minh), digit 0 (male, 1900s), year 90: a man born in 1990.
pub const PERSON: &str = "079090123456";

pub fn owner(id: &str) -> Owner {
    Owner::Identified {
        id: OwnerId::parse_at(id, &cat(), today()).unwrap(),
        name: None,
    }
}

pub fn build(kind: RecordKind, owner: Owner, fields: &[(&str, &str)]) -> RecordMeta {
    let mut m = RecordMeta::new(kind, owner);
    m.set_fields(fields, &cat()).unwrap();
    m
}

pub fn id_card() -> RecordMeta {
    build(
        RecordKind::IdCard,
        owner(PERSON),
        &[
            ("doc_type", "CMND-TK"),
            ("full_name", "Nguyễn Văn An"),
            ("birth_date", "15/04/1990"),
            ("sex", "Nam"),
            ("cmnd_number", "023456789"),
            ("father_name", "Nguyễn Văn Bình"),
            ("mother_name", "Trần Thị Cúc"),
            ("storage.warehouse", "Kho PC06"),
            ("storage.box", "12"),
        ],
    )
}

pub fn result() -> RecordMeta {
    build(
        RecordKind::Result,
        owner("0100109106"),
        &[
            ("owner_name", "Tổng công ty Viễn thông Quân đội"),
            ("doc_type", "KQ-CONDAU"),
            ("procedure", "BCA-CD-DKMOI"),
            ("doc_name", "Giấy chứng nhận đăng ký mẫu con dấu"),
            ("summary", "Đăng ký mẫu con dấu mới của doanh nghiệp"),
            ("valid_from", "2022-06-05"),
            ("valid_indefinite", "có"),
            ("archival.code_number", "194"),
            ("archival.code_notation", "CAH-TH"),
            ("archival.issued_date", "05/06/2022"),
            ("x.certificate", "CD-2022-0194"),
        ],
    )
}

pub fn residence() -> RecordMeta {
    build(
        RecordKind::Residence,
        owner(PERSON),
        &[
            ("doc_type", "HK01"),
            ("household_head", "Nguyễn Văn An"),
            ("address", "12 Lê Lợi, phường Bến Nghé, quận 1"),
            ("member", "Nguyễn Văn An;079090123456;chủ hộ;01/02/2005;"),
            ("member", "Lê Thị Hoa;;vợ;2010-03-04;2019-05-06"),
            ("storage.shelf", "A3"),
        ],
    )
}

pub fn info_only() -> RecordMeta {
    build(
        RecordKind::InfoOnly,
        owner(PERSON),
        &[
            ("doc_type", "HK02"),
            ("doc_name", "Phiếu báo thay đổi hộ khẩu, nhân khẩu năm 1998"),
            ("condition", "rách nát"),
            ("note", "Giấy mục, mất góc phải"),
        ],
    )
}

pub fn errors(m: &RecordMeta) -> Vec<FieldError> {
    match m.validate(&cat(), today()) {
        Ok(()) => Vec::new(),
        Err(e) => e,
    }
}
