#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `RecordMeta::validate`: each rule is broken once on an otherwise valid record and must
//! be reported, by name.

mod common;

use chrono::NaiveDate;
use common::*;
use sohoa_core::record::{FieldError, Owner, RecordKind, RecordMeta, field_keys};
use sohoa_core::{IdError, Localized, Sex};

fn set(m: &mut RecordMeta, key: &str, value: &str) {
    m.set_field(key, value, &cat()).unwrap();
}

#[test]
fn the_fixtures_are_valid() {
    for m in [id_card(), result(), residence(), info_only()] {
        assert_eq!(errors(&m), vec![], "{:?}", m.kind);
    }
}

#[test]
fn every_required_field_is_enforced_per_kind() {
    let fixtures = [id_card(), result(), residence(), info_only()];
    let mut checked = 0;
    for valid in fixtures {
        for def in field_keys()
            .iter()
            .filter(|d| d.required_for.contains(&valid.kind))
        {
            let mut m = valid.clone();
            set(&mut m, def.key, "");
            let errs = errors(&m);
            assert!(
                errs.contains(&FieldError::Required {
                    key: def.key.to_owned()
                }),
                "{} on {}: {errs:?}",
                def.key,
                valid.kind
            );
            checked += 1;
        }
    }
    // doc_type ×4, id-card six, residence two, result doc_name+summary, info-only doc_name+condition.
    assert_eq!(checked, 4 + 6 + 2 + 2 + 2);
}

#[test]
fn catalogue_codes_must_exist_and_fit_the_kind() {
    let mut m = id_card();
    assert_eq!(
        m.set_field("doc_type", "KQ-CONDAU", &cat()),
        Err(FieldError::DocTypeNotForKind {
            code: "KQ-CONDAU".into(),
            kind: RecordKind::IdCard
        })
    );
    assert_eq!(
        m.set_field("doc_type", "NOPE", &cat()),
        Err(FieldError::UnknownDocType { code: "NOPE".into() })
    );
    // Data that bypassed set_field (an old JSON, an edited catalogue) is caught too.
    m.doc_type_code = Some("KQ-CONDAU".into());
    assert!(errors(&m).contains(&FieldError::DocTypeNotForKind {
        code: "KQ-CONDAU".into(),
        kind: RecordKind::IdCard
    }));
    m.doc_type_code = Some("GONE".into());
    assert!(errors(&m).contains(&FieldError::UnknownDocType { code: "GONE".into() }));

    let mut r = result();
    r.procedure_code = Some("BCA-NOPE".into());
    assert!(errors(&r).contains(&FieldError::UnknownProcedure {
        code: "BCA-NOPE".into()
    }));
    assert!(matches!(
        r.set_field("procedure", "bca-nope", &cat()),
        Err(FieldError::UnknownProcedure { .. })
    ));
}

#[test]
fn results_only_procedures_reject_input_papers() {
    // Seed 001: seals are digitized as results only.
    let mut r = result();
    set(&mut r, "doc_type", "KHAC");
    assert_eq!(
        errors(&r),
        vec![FieldError::ResultsOnly {
            procedure: "BCA-CD-DKMOI".into(),
            result_doc_type: "KQ-CONDAU".into()
        }]
    );
    // A residence procedure digitizes its input papers too.
    set(&mut r, "procedure", "BCA-CT-DKTT");
    set(&mut r, "doc_type", "CT01");
    assert_eq!(errors(&r), vec![]);
}

#[test]
fn validity_rules() {
    let mut r = result();
    set(&mut r, "valid_indefinite", "không");
    assert_eq!(errors(&r), vec![FieldError::ValidityMissing]);
    set(&mut r, "valid_to", "2020-01-01");
    assert_eq!(
        errors(&r),
        vec![FieldError::DateOrder {
            earlier: "valid_from".into(),
            later: "valid_to".into()
        }]
    );
    set(&mut r, "valid_to", "2030-01-01");
    assert_eq!(errors(&r), vec![]);
    set(&mut r, "valid_indefinite", "true");
    assert_eq!(errors(&r), vec![FieldError::IndefiniteWithEnd]);
    // An input paper (a declaration form) has no validity period to state.
    let mut form = result();
    set(&mut form, "procedure", "");
    set(&mut form, "doc_type", "CT01");
    set(&mut form, "valid_indefinite", "");
    assert_eq!(errors(&form), vec![]);
}

#[test]
fn id_card_consistency_with_the_personal_id() {
    let mut m = id_card();
    set(&mut m, "sex", "Nữ");
    assert_eq!(
        errors(&m),
        vec![FieldError::Id {
            key: "sex".into(),
            source: IdError::SexMismatch {
                id_sex: Sex::Male,
                given: Sex::Female
            }
        }]
    );
    set(&mut m, "birth_date", "15/04/1991");
    let errs = errors(&m);
    assert!(errs.contains(&FieldError::Id {
        key: "birth_date".into(),
        source: IdError::BirthYearMismatch {
            id_year: 1990,
            given: 1991
        }
    }));
    assert_eq!(errs.len(), 2, "year and sex reported separately: {errs:?}");
    assert_eq!(errs[0].code(), "id.birth_year_mismatch");
}

#[test]
fn id_card_birth_date_cmnd_owner_and_name() {
    let mut m = id_card();
    m.id_card.as_mut().unwrap().birth_date = NaiveDate::from_ymd_opt(2027, 1, 1);
    assert!(errors(&m).contains(&FieldError::InFuture {
        key: "birth_date".into()
    }));

    let mut m = id_card();
    assert!(matches!(
        m.set_field("cmnd_number", "12345678", &cat()),
        Err(FieldError::Id { ref key, source: IdError::BadLength { len: 8, .. } }) if key == "cmnd_number"
    ));
    m.id_card.as_mut().unwrap().cmnd_number = Some("12345678".into());
    assert!(
        errors(&m)
            .iter()
            .any(|e| matches!(e, FieldError::Id { key, .. } if key == "cmnd_number"))
    );

    let mut m = id_card();
    m.owner = owner("0100109106");
    assert!(errors(&m).contains(&FieldError::OwnerNotPerson));

    let mut m = id_card();
    m.owner = owner("023456780");
    assert_eq!(errors(&m), vec![FieldError::CmndMismatch]);
    m.owner = owner("023456789");
    assert_eq!(errors(&m), vec![]);

    let mut m = id_card();
    set(&mut m, "owner_name", "nguyễn văn an");
    assert_eq!(errors(&m), vec![], "case differences are not a mismatch");
    set(&mut m, "owner_name", "Nguyễn Văn Ân");
    assert_eq!(errors(&m), vec![FieldError::NameMismatch]);
}

#[test]
fn household_member_dates() {
    let mut m = residence();
    set(&mut m, "member", "Trần Văn Dũng;;con;2020-01-01;2019-01-01");
    assert_eq!(
        errors(&m),
        vec![FieldError::DateOrder {
            earlier: "member[3].registered".into(),
            later: "member[3].left".into()
        }]
    );
    let mut m = residence();
    set(&mut m, "member", "Trần Văn Dũng;;con;2027-01-01;");
    assert_eq!(
        errors(&m),
        vec![FieldError::InFuture {
            key: "member[3].registered".into()
        }]
    );
    let msg = errors(&m)[0].message_vi();
    assert!(
        msg.contains("Nhân khẩu") && msg.contains("member[3].registered"),
        "{msg}"
    );
}

#[test]
fn fields_of_another_kind_are_refused() {
    let mut r = result();
    assert_eq!(
        r.set_field("full_name", "X", &cat()),
        Err(FieldError::NotForKind {
            key: "full_name".into(),
            kind: RecordKind::Result
        })
    );
    assert!(matches!(
        r.set_field("condition", "torn", &cat()),
        Err(FieldError::NotForKind { .. })
    ));
    // Injected directly, the validator still names it.
    let card = id_card().id_card;
    r.id_card = card;
    assert!(errors(&r).contains(&FieldError::NotForKind {
        key: "full_name".into(),
        kind: RecordKind::Result
    }));
}

#[test]
fn owner_without_id_number() {
    let owner = Owner::unidentified_from_fields(
        Some("Nguyễn Thị Lan"),
        Some("1950"),
        Some("12/03/1980"),
        Some("Công an tỉnh Sóc Trăng"),
    )
    .unwrap();
    let mut m = build(
        RecordKind::InfoOnly,
        owner,
        &[
            ("doc_type", "HK01"),
            ("doc_name", "Bản khai nhân khẩu"),
            ("condition", "mờ"),
        ],
    );
    assert_eq!(errors(&m), vec![]);
    assert_eq!(m.storage_key(), None, "no ID number, no storage key");
    set(&mut m, "birth_year", "1985");
    assert_eq!(
        errors(&m),
        vec![FieldError::DateOrder {
            earlier: "birth_year".into(),
            later: "id_issue_date".into()
        }]
    );
    set(&mut m, "birth_year", "2030");
    assert!(errors(&m).contains(&FieldError::InFuture {
        key: "birth_year".into()
    }));
    assert_eq!(
        m.set_field("id_issuer", " ", &cat()),
        Err(FieldError::Required {
            key: "id_issuer".into()
        })
    );
    assert_eq!(
        Owner::unidentified_from_fields(Some("A"), None, Some("2001-01-01"), Some("X")),
        Err(FieldError::Required {
            key: "birth_year".into()
        })
    );
    assert_eq!(
        Owner::unidentified_from_fields(Some("A"), Some("1950"), Some("31/02/2001"), Some("X")),
        Err(FieldError::BadDate {
            key: "id_issue_date".into()
        })
    );
    // Those keys make no sense for an owner with an ID number.
    assert_eq!(
        result().set_field("birth_year", "1950", &cat()),
        Err(FieldError::NotForOwner {
            key: "birth_year".into()
        })
    );
}

#[test]
fn a_future_personal_id_is_caught_at_validation_time() {
    // Accepted when parsed in 2030 (the year had come), checked against a desk in 2026.
    let later = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    let id = sohoa_core::OwnerId::parse_at("079229123456", &cat(), later).unwrap();
    let mut m = info_only();
    m.owner = Owner::Identified { id, name: None };
    assert!(errors(&m).contains(&FieldError::Id {
        key: "owner_id".into(),
        source: IdError::FutureBirthYear { year: 2029 }
    }));
}

#[test]
fn extra_keys_and_archival_dates() {
    let mut r = result();
    assert_eq!(
        r.set_field("x.Bad Key", "1", &cat()),
        Err(FieldError::BadExtraKey {
            key: "x.Bad Key".into()
        })
    );
    r.extra.insert("plate".into(), "51A-12345".into());
    assert!(errors(&r).contains(&FieldError::BadExtraKey { key: "plate".into() }));

    let mut r = result();
    set(&mut r, "archival.issued_date", "2027-01-01");
    set(&mut r, "archival.file_catalog", "2027");
    let errs = errors(&r);
    assert!(errs.contains(&FieldError::InFuture {
        key: "archival.issued_date".into()
    }));
    assert!(errs.contains(&FieldError::InFuture {
        key: "archival.file_catalog".into()
    }));
}

#[test]
fn all_problems_are_reported_at_once() {
    let mut m = RecordMeta::new(RecordKind::IdCard, owner(PERSON));
    set(&mut m, "sex", "nữ");
    let errs = errors(&m);
    // doc_type + 5 missing card fields + the sex mismatch.
    assert_eq!(errs.len(), 7, "{errs:?}");
    for e in &errs {
        let vi = e.message_vi();
        assert!(unicode_normalization::is_nfc(&vi) && !vi.is_empty());
        assert!(
            e.code().starts_with("field.") || e.code().starts_with("id."),
            "{}",
            e.code()
        );
    }
}
