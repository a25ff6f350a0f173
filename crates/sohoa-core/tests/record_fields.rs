#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Flat fields: set_field/fields round trip (property-tested), NFC everywhere, storage
//! key, title, search text, JSON.

mod common;

use common::*;
use proptest::prelude::*;
use sohoa_core::record::{FieldError, InputKind, Owner, RecordKind, RecordMeta, field_keys};
use sohoa_core::text::fold_accents;
use unicode_normalization::{UnicodeNormalization, is_nfc};

#[test]
fn nfd_and_control_characters_are_cleaned_in_every_text_field() {
    let nfd = "  Nguye\u{0302}\u{0007}\u{0303}n \t\u{200B}Văn\r\n ";
    let expected = "Nguyễn Văn";
    let mut checked = 0;
    for kind in RecordKind::ALL {
        let mut m = RecordMeta::new(kind, owner(PERSON));
        if kind == RecordKind::InfoOnly {
            m.set_field("condition", "torn", &cat()).unwrap();
        }
        for def in field_keys().iter().filter(|d| d.kinds.contains(&kind)) {
            let key = match (def.input, def.key) {
                // Digits only, one character, or only for owners without an ID number.
                (_, "cmnd_number" | "archival.priority" | "id_issuer") => continue,
                (InputKind::Text | InputKind::LongText, k) => k.to_owned(),
                (InputKind::Extra, _) => "x.ghi_chu".to_owned(),
                _ => continue,
            };
            m.set_field(&key, nfd, &cat()).unwrap();
            let got = m.fields().into_iter().find(|(k, _)| *k == key).unwrap().1;
            assert_eq!(got, expected, "{key} on {kind}");
            checked += 1;
        }
    }
    assert!(checked > 60, "{checked}");
    // A one-character field counts characters after composition: E + two marks is one letter.
    let mut m = result();
    m.set_field("archival.priority", "E\u{0302}\u{0309}", &cat())
        .unwrap();
    assert_eq!(m.archival.priority.as_deref(), Some("Ể"));
    // Member names, relation, and the owner fields of an owner without an ID.
    let mut r = residence();
    r.set_field(
        "member",
        "Le\u{0302} Thi\u{0323} Hoa;;vo\u{031B}\u{0300};;",
        &cat(),
    )
    .unwrap();
    let last = r.residence.as_ref().unwrap().members.last().unwrap().clone();
    assert_eq!(
        (last.full_name.as_str(), last.relation.as_deref()),
        ("Lê Thị Hoa", Some("vờ"))
    );
    let o = Owner::unidentified_from_fields(Some(nfd), Some("1950"), Some("01/01/1980"), Some(nfd)).unwrap();
    assert_eq!(o.name(), Some(expected));
}

#[test]
fn unknown_keys_suggest_close_matches() {
    let mut m = result();
    match m.set_field("doc_nmae", "x", &cat()) {
        Err(FieldError::UnknownKey { key, suggestions }) => {
            assert_eq!(key, "doc_nmae");
            assert_eq!(suggestions.first().map(String::as_str), Some("doc_name"));
        }
        other => panic!("{other:?}"),
    }
    let err = m.set_field("code_number", "1", &cat()).unwrap_err();
    assert!(err.to_string().contains("archival.code_number"), "{err}");
}

#[test]
fn empty_clears_member_appends_and_sections_collapse() {
    let mut m = id_card();
    for k in [
        "full_name",
        "birth_date",
        "sex",
        "cmnd_number",
        "father_name",
        "mother_name",
    ] {
        m.set_field(k, "", &cat()).unwrap();
    }
    assert_eq!(m.id_card, None, "a section with nothing left is dropped");
    let mut r = residence();
    assert_eq!(r.residence.as_ref().unwrap().members.len(), 2);
    r.set_field("member", "", &cat()).unwrap();
    assert!(r.residence.as_ref().unwrap().members.is_empty());
    assert!(matches!(
        r.set_field("member", "A;1;2;3;4;5", &cat()),
        Err(FieldError::BadMember { parts: 6 })
    ));
    assert!(matches!(
        r.set_field("member", " ;012345678", &cat()),
        Err(FieldError::Required { .. })
    ));
    assert!(matches!(
        r.set_field("member", "A;12345", &cat()),
        Err(FieldError::Id { .. })
    ));
    assert!(matches!(
        r.set_field("member", "A;;;32/01/2000", &cat()),
        Err(FieldError::BadDate { .. })
    ));
}

#[test]
fn set_fields_is_order_independent_and_atomic() {
    let mut m = RecordMeta::new(RecordKind::InfoOnly, owner(PERSON));
    assert_eq!(
        m.clone().set_field("note", "cũ", &cat()),
        Err(FieldError::Requires {
            key: "note".into(),
            needs: "condition"
        })
    );
    m.set_fields(
        &[("note", "cũ"), ("condition", "torn"), ("doc_type", "hk01")],
        &cat(),
    )
    .unwrap();
    assert_eq!(m.info_only.as_ref().unwrap().note.as_deref(), Some("cũ"));
    assert_eq!(
        m.doc_type_code.as_deref(),
        Some("HK01"),
        "codes are stored upper-case"
    );

    let before = m.clone();
    let errs = m
        .set_fields(
            &[("doc_name", "Mới"), ("valid_to", "31/02/2020"), ("nope", "1")],
            &cat(),
        )
        .unwrap_err();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(m, before, "nothing applied when one field is bad");
}

#[test]
fn storage_key_title_and_search_text() {
    assert_eq!(id_card().storage_key().as_deref(), Some("079090123456.CMND-TK"));
    assert_eq!(result().storage_key().as_deref(), Some("0100109106.KQ-CONDAU"));
    let mut branch = result();
    branch.set_field("owner_id", "0100109106 001", &cat()).unwrap();
    assert_eq!(branch.storage_key().as_deref(), Some("0100109106-001.KQ-CONDAU"));
    assert_eq!(
        branch.owner_name().as_deref(),
        Some("Tổng công ty Viễn thông Quân đội"),
        "name kept"
    );
    let mut no_type = id_card();
    no_type.set_field("doc_type", "", &cat()).unwrap();
    assert_eq!(no_type.storage_key(), None);

    assert_eq!(id_card().title(), "Hồ sơ CMND/CCCD – Nguyễn Văn An");
    assert_eq!(
        result().title(),
        "Giấy chứng nhận đăng ký mẫu con dấu – Tổng công ty Viễn thông Quân đội"
    );
    assert_eq!(residence().title(), "Hồ sơ cư trú – Nguyễn Văn An");

    let text = id_card().search_text();
    assert!(is_nfc(&text));
    assert!(
        text.contains("Nguyễn Văn An") && text.contains("Nguyen Van An"),
        "{text}"
    );
    assert!(
        text.contains("Tran Thi Cuc") && text.contains("079090123456"),
        "{text}"
    );
    let info = info_only().search_text();
    assert!(info.contains("Rách nát") && info.contains("Rach nat"), "{info}");
    assert_eq!(fold_accents("Đắk Lắk"), "Dak Lak");
}

#[test]
fn json_round_trip_keeps_every_fixture() {
    for m in [id_card(), result(), residence(), info_only()] {
        let json = serde_json::to_string(&m).unwrap();
        let back: RecordMeta = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert_eq!(
            json.contains("\"id_card\""),
            m.kind == RecordKind::IdCard,
            "{json}"
        );
    }
    let json = serde_json::to_value(id_card()).unwrap();
    assert_eq!(json["kind"], "id-card");
    assert_eq!(json["id_card"]["sex"], "nam");
    assert_eq!(json["owner"]["id"]["kind"], "personal-id");
}

// ---- property test: any valid sequence of field edits round-trips through fields() ----

const WORDS: &[&str] = &[
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Văn",
    "Thị",
    "Hữu",
    "Đức",
    "An",
    "Bình",
    "Cúc",
    "Dũng",
    "Hòa",
    "Khánh",
    "Sóc Trăng",
    "Cù Lao Dung",
    "ấp",
    "số",
];

fn words(max_chars: usize) -> BoxedStrategy<String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..4)
        .prop_map(move |w| w.join(" ").chars().take(max_chars).collect::<String>())
        .prop_filter("non-empty", |s| !s.trim().is_empty())
        .boxed()
}

/// A date in one of the accepted input formats, within 1950..2025.
fn date() -> BoxedStrategy<String> {
    (1950i32..2026, 1u32..13, 1u32..29, 0usize..4)
        .prop_map(|(y, m, d, f)| match f {
            0 => format!("{y:04}-{m:02}-{d:02}"),
            1 => format!("{d:02}/{m:02}/{y:04}"),
            2 => format!("{d}/{m}/{y}"),
            _ => format!("{d:02}{m:02}{y:04}"),
        })
        .boxed()
}

fn value_for(key: &'static str, kind: RecordKind) -> BoxedStrategy<String> {
    let c = cat();
    let codes = |it: Vec<String>| prop::sample::select(it).boxed();
    match key {
        "doc_type" => codes(
            c.document_types_for(kind)
                .map(|d| d.code.to_lowercase())
                .collect(),
        ),
        "procedure" => codes(c.procedures().map(|p| p.code.clone()).collect()),
        "valid_indefinite" => prop::sample::select(vec!["true", "false", "có", "không"])
            .prop_map(String::from)
            .boxed(),
        "sex" => prop::sample::select(vec!["Nam", "Nữ", "nu", "M", "F"])
            .prop_map(String::from)
            .boxed(),
        "cmnd_number" => "[0-9]{9}".boxed(),
        "condition" => prop::sample::select(vec!["torn", "rách nát", "Mờ", "good", "hư hỏng", "missing"])
            .prop_map(String::from)
            .boxed(),
        "member" => (
            words(40),
            prop::option::of("[0-9]{9}"),
            prop::option::of(words(10)),
            prop::option::of(date()),
        )
            .prop_map(|(n, id, rel, reg)| {
                format!(
                    "{n};{};{};{};",
                    id.unwrap_or_default(),
                    rel.unwrap_or_default(),
                    reg.unwrap_or_default()
                )
            })
            .boxed(),
        "archival.file_catalog" => (1950i32..2026).prop_map(|y| y.to_string()).boxed(),
        "archival.doc_ordinal" | "archival.page_amount" | "archival.number_of_sheets" => {
            (1u32..1000).prop_map(|n| n.to_string()).boxed()
        }
        "archival.priority" => prop::sample::select(vec!["1", "2", "K"])
            .prop_map(String::from)
            .boxed(),
        "archival.organ_id" => "[A-Z0-9.]{1,13}".boxed(),
        "archival.code_number" => "[0-9]{1,5}".boxed(),
        "archival.file_notation" | "archival.code_notation" => "[A-Z0-9]{1,4}/[A-Z]{2,6}-[A-Z]{2}".boxed(),
        "archival.language" => prop::sample::select(vec!["vi", "en", "fr"])
            .prop_map(String::from)
            .boxed(),
        k if k.starts_with("storage.") => "[A-Z0-9]{1,6}".boxed(),
        _ => match sohoa_core::record::field_def(key).map(|d| d.input) {
            Some(InputKind::Date) => date(),
            _ => words(50),
        },
    }
}

/// A kind and a list of field edits valid for it (owner fields excluded: the owner is
/// given to `RecordMeta::new`).
fn edits() -> impl Strategy<Value = (RecordKind, Vec<(String, String)>)> {
    prop::sample::select(RecordKind::ALL.to_vec()).prop_flat_map(|kind| {
        let keys: Vec<&'static str> = field_keys()
            .iter()
            .filter(|d| d.kinds.contains(&kind))
            .filter(|d| !matches!(d.key, "owner_id" | "birth_year" | "id_issue_date" | "id_issuer"))
            .map(|d| if d.key == "x.*" { "x.so_khung" } else { d.key })
            .collect();
        let per_key: Vec<_> = keys
            .into_iter()
            .map(|k| {
                prop::option::weighted(0.5, value_for(k, kind))
                    .prop_map(move |v| v.map(|v| (k.to_owned(), v)))
            })
            .collect();
        // A note describes a paper's condition, so it exists only with one.
        let pairs = per_key.prop_map(|v| {
            let mut v: Vec<(String, String)> = v.into_iter().flatten().collect();
            if !v.iter().any(|(k, _)| k == "condition") {
                v.retain(|(k, _)| k != "note");
            }
            v
        });
        (Just(kind), pairs)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn set_fields_then_fields_round_trips((kind, pairs) in edits(), nfd in any::<bool>()) {
        let c = cat();
        let pairs: Vec<(String, String)> = if nfd {
            pairs.into_iter().map(|(k, v)| (k, v.nfd().collect())).collect()
        } else {
            pairs
        };
        let mut original = RecordMeta::new(kind, owner(PERSON));
        original.set_fields(&pairs, &c).unwrap();

        let rendered = original.fields();
        let mut rebuilt = RecordMeta::new(kind, owner(PERSON));
        for (k, v) in &rendered {
            rebuilt.set_field(k, v, &c).unwrap();
        }
        prop_assert_eq!(&rebuilt, &original);
        prop_assert_eq!(rebuilt.fields(), rendered.clone());

        for (k, v) in &rendered {
            prop_assert!(is_nfc(v), "{} = {:?}", k, v);
            let is_date = sohoa_core::record::field_def(k).map(|d| d.input) == Some(InputKind::Date);
            if is_date {
                prop_assert!(chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(), "{} = {}", k, v);
                prop_assert_eq!(v.len(), 10);
            }
        }
        let json = serde_json::to_string(&original).unwrap();
        prop_assert_eq!(serde_json::from_str::<RecordMeta>(&json).unwrap(), original);
    }
}
