//! The rules of a suggestion without OCR: which fields a record kind takes, the canonical value, the
//! weakest word, household-member rows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sohoa_core::record::{Owner, RecordMeta};
use sohoa_core::{Catalogs, RecordKind};
use sohoa_ocr::{BBox, Block, DocKind, Extraction, Field, Line, PageText, Paragraph, Source, Status, Word};

use super::{Attention, record_fields, suggestions_of};

fn b(x: u32, y: u32, w: u32, h: u32) -> BBox {
    BBox { x, y, w, h }
}

fn word(text: &str, x: u32, confidence: f32) -> Word {
    Word {
        text: text.to_owned(),
        bbox: b(x, 100, 80, 40),
        confidence,
    }
}

/// One line of words at y 100–140.
fn page(words: Vec<Word>) -> PageText {
    let line = Line {
        bbox: b(0, 100, 2000, 40),
        words,
    };
    PageText {
        width: 2480,
        height: 3508,
        dpi: 300,
        text: line.text(),
        mean_confidence: line.confidence(),
        blocks: vec![Block {
            bbox: line.bbox,
            paragraphs: vec![Paragraph {
                bbox: line.bbox,
                lines: vec![line],
            }],
        }],
    }
}

fn field(key: &str, value: &str, confidence: f32, bbox: BBox) -> Field {
    Field::new(key, key, value, Source::Ocr)
        .with_confidence(confidence)
        .with_bbox(Some(bbox))
        .with_status(Status::Unverified)
}

fn id_card() -> RecordMeta {
    let cat = Catalogs::embedded();
    let owner = Owner::Identified {
        id: sohoa_core::OwnerId::parse("079203001234", &cat).unwrap(),
        name: None,
    };
    let mut meta = RecordMeta::new(RecordKind::IdCard, owner);
    meta.set_field("mother_name", "Trần Thị Cục", &cat).unwrap();
    meta
}

#[test]
fn a_weak_word_flags_a_field_whose_mean_looks_sure() {
    // Mean confidence 0.87, but "Cúc" was read at 59: the field is shown for checking, that word's box given.
    let p = page(vec![
        word("Trần", 100, 96.0),
        word("Thị", 200, 96.0),
        word("Cúc", 300, 59.0),
    ]);
    let mut ex = Extraction::new(DocKind::CmndForm);
    ex.fields
        .push(field("mother_name", "Trần Thị Cúc", 0.87, b(90, 90, 400, 60)));
    let s = suggestions_of(&ex, &p, &id_card(), &Catalogs::embedded());
    assert_eq!(s.len(), 1);
    let (s, bbox) = &s[0];
    assert_eq!(s.attention, Attention::Low);
    assert_eq!(s.current.as_deref(), Some("Trần Thị Cục"));
    let weak = s.weakest.as_ref().unwrap();
    assert_eq!(
        (weak.text.as_str(), weak.confidence, weak.bbox.x),
        ("Cúc", 59.0, 300)
    );
    assert_eq!(*bbox, Some(b(90, 90, 400, 60)));

    let sure = page(vec![
        word("Trần", 100, 96.0),
        word("Thị", 200, 96.0),
        word("Cúc", 300, 91.0),
    ]);
    let s = suggestions_of(&ex, &sure, &id_card(), &Catalogs::embedded());
    assert_eq!(s[0].0.attention, Attention::Ok);
}

#[test]
fn values_are_checked_and_stored_the_way_the_record_stores_them() {
    let p = page(vec![word("x", 100, 95.0)]);
    let mut ex = Extraction::new(DocKind::CmndForm);
    ex.fields.push(field("sex", "Nam", 0.95, b(0, 0, 10, 10)));
    ex.fields
        .push(field("birth_date", "31/02/2003", 0.95, b(0, 0, 10, 10)));
    // Not an ID-card record's field: left out.
    ex.fields
        .push(field("household_head", "Phạm Đức Thắng", 0.95, b(0, 0, 10, 10)));
    let s = suggestions_of(&ex, &p, &id_card(), &Catalogs::embedded());
    let keys: Vec<_> = s.iter().map(|(s, _)| s.key.as_str()).collect();
    assert_eq!(keys, ["sex", "birth_date"]);
    assert_eq!((s[0].0.value.as_str(), s[0].0.attention), ("nam", Attention::Ok));
    assert_eq!(s[1].0.attention, Attention::Invalid);
    assert!(!s[1].0.issues.is_empty(), "{:?}", s[1].0);
}

#[test]
fn household_member_rows_become_member_values() {
    let mut ex = Extraction::new(DocKind::ResidenceForm);
    ex.fields
        .push(field("household_head", "Phạm Đức Thắng", 0.9, b(0, 0, 10, 10)));
    for (n, name, rel) in [(1, "Phạm Đức Thắng", "Chủ hộ"), (2, "Lê Thị Mai", "Vợ")] {
        ex.fields.push(field(
            &format!("member.{n}.full_name"),
            name,
            0.9,
            b(0, 100 * n, 10, 10),
        ));
        ex.fields.push(field(
            &format!("member.{n}.relation"),
            rel,
            0.7,
            b(500, 100 * n, 10, 10),
        ));
        ex.fields.push(field(
            &format!("member.{n}.registered"),
            "2019-03-01",
            0.9,
            b(800, 100 * n, 10, 10),
        ));
    }
    let f = record_fields(&ex);
    let members: Vec<_> = f.iter().filter(|(k, _, _)| k == "member").collect();
    assert_eq!(members.len(), 2);
    assert_eq!(members[1].1.value, "Lê Thị Mai;;Vợ;2019-03-01;");
    assert_eq!(members[1].1.confidence, 0.7);
    assert_eq!(members[1].2, Some(b(0, 200, 810, 10)));
}
