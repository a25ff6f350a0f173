//! Field suggestions from a scanned CMND application form: real rendering, real Tesseract (`vie`) through
//! the record's OCR, the extraction profile, the record's rules; the officer's accepted suggestion becomes a
//! revision in the signed-in officer's name.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use sohoa_engine::{Attention, FieldSuggestions, NewRecordRequest, Role};
use sohoa_ocr::OcrConfig;
use sohoa_testkit::form::{CmndForm, cmnd_form};

fn id_card(mother: &str) -> NewRecordRequest {
    let mut req = support::id_card();
    req.fields.retain(|(k, _)| k != "mother_name");
    req.fields.push(("mother_name".to_owned(), mother.to_owned()));
    req
}

fn value<'a>(s: &'a FieldSuggestions, key: &str) -> &'a sohoa_engine::FieldSuggestion {
    s.fields
        .iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("no suggestion for {key}: {s:#?}"))
}

#[test]
fn a_scanned_cmnd_form_suggests_its_six_fields_with_where_they_were_read() {
    if support::rerun_with_thread_limit(
        "a_scanned_cmnd_form_suggests_its_six_fields_with_where_they_were_read",
    ) {
        return;
    }
    let (dir, engine, officer) = support::engine_with(Role::Officer);
    let desk = engine.acting(&officer);
    // The officer mistyped the mother's name at the counter.
    let rec = desk.create_record(&id_card("Trần Thị Cục")).unwrap();
    let id = rec.summary.id.clone();
    let png = dir.path().join("to-khai.png");
    cmnd_form(&CmndForm::test_citizen(), 300)
        .unwrap()
        .save(&png)
        .unwrap();
    engine.import_files(&id, &[png]).unwrap();

    let before = desk.suggest_fields(&id).unwrap();
    assert_eq!(
        (before.pages_read, before.pages_unread, before.fields.len()),
        (0, 1, 0)
    );

    engine.ocr_record(&id, &OcrConfig::default(), Some(1)).unwrap();
    let s = desk.suggest_fields(&id).unwrap();
    assert_eq!(s.document.as_deref(), Some("cmnd-form"), "{s:#?}");
    assert_eq!((s.pages_read, s.pages_unread), (1, 0));
    for (key, expected, printed) in [
        ("full_name", "Nguyễn Văn An", "Nguyễn Văn An"),
        ("birth_date", "2003-04-05", "05/04/2003"),
        ("sex", "nam", "Nam"),
        ("cmnd_number", "025123456", "025123456"),
        ("father_name", "Nguyễn Văn Bình", "Nguyễn Văn Bình"),
        ("mother_name", "Trần Thị Cúc", "Trần Thị Cúc"),
    ] {
        let f = value(&s, key);
        assert_eq!(f.value, expected, "{f:#?}");
        assert_ne!(f.attention, Attention::Invalid, "{f:#?}");
        let spot = f.spot.as_ref().unwrap();
        assert_eq!((spot.ordinal, spot.width, spot.height), (1, 2480, 3508), "{f:#?}");
        // The box is on the form's line for that field (the profile's zones, in page fractions).
        let y = f64::from(spot.bbox.y + spot.bbox.h / 2) / 3508.0;
        assert!(
            (0.24..0.54).contains(&y),
            "{key} read at {y:.3} of the page height"
        );
        let weak = f.weakest.as_ref().unwrap();
        assert!(weak.bbox.centre_in(&spot.bbox), "{f:#?}");
        // The box is the value's, not the printed label's: its weakest word is a word of the value.
        assert!(
            printed.split(' ').any(|w| w == weak.text),
            "{key}: weakest {weak:?}"
        );
    }
    assert_eq!(value(&s, "mother_name").current.as_deref(), Some("Trần Thị Cục"));
    assert_eq!(value(&s, "full_name").current.as_deref(), Some("Nguyễn Văn An"));

    // Accepting the suggestion is an ordinary edit by the officer, attributed to her.
    let edited = desk
        .edit_record(
            &id,
            &[("mother_name".to_owned(), "Trần Thị Cúc".to_owned())],
            None,
        )
        .unwrap();
    assert!(
        edited
            .fields
            .iter()
            .any(|f| f.key == "mother_name" && f.value == "Trần Thị Cúc")
    );
    let again = desk.suggest_fields(&id).unwrap();
    assert_eq!(
        value(&again, "mother_name").current.as_deref(),
        Some("Trần Thị Cúc")
    );
    let last = edited.history.last().unwrap();
    assert!(last.user.contains("huong"), "{last:#?}");
}

#[test]
fn an_impossible_date_on_the_form_is_flagged_not_suggested_as_read() {
    if support::rerun_with_thread_limit("an_impossible_date_on_the_form_is_flagged_not_suggested_as_read") {
        return;
    }
    let (dir, engine, officer) = support::engine_with(Role::Officer);
    let desk = engine.acting(&officer);
    let rec = desk.create_record(&id_card("Trần Thị Cúc")).unwrap();
    let png = dir.path().join("to-khai.png");
    let form = CmndForm {
        birth_date: "31/02/2003".to_owned(),
        ..CmndForm::test_citizen()
    };
    cmnd_form(&form, 300).unwrap().save(&png).unwrap();
    engine.import_files(&rec.summary.id, &[png]).unwrap();
    engine
        .ocr_record(&rec.summary.id, &OcrConfig::default(), Some(1))
        .unwrap();
    let s = desk.suggest_fields(&rec.summary.id).unwrap();
    let date = value(&s, "birth_date");
    assert_eq!(date.attention, Attention::Invalid, "{date:#?}");
    assert!(!date.issues.is_empty());
    assert_eq!(value(&s, "cmnd_number").attention, Attention::Ok);
}

#[test]
fn only_desk_roles_get_suggestions_and_edit() {
    let (_dir, engine, officer) = support::engine_with(Role::Officer);
    let rec = engine
        .acting(&officer)
        .create_record(&id_card("Trần Thị Cúc"))
        .unwrap();
    let supervisor = support::add_account(&engine, "giamsat", Role::Supervisor);
    let as_supervisor = engine.acting(&supervisor);
    let refused = as_supervisor.suggest_fields(&rec.summary.id).unwrap_err();
    assert_eq!(refused.code(), "auth.forbidden");
    let refused = as_supervisor
        .edit_record(
            &rec.summary.id,
            &[("mother_name".to_owned(), "X".to_owned())],
            None,
        )
        .unwrap_err();
    assert_eq!(refused.code(), "auth.forbidden");
    // A record without pages has nothing to suggest, and says so rather than failing.
    let s = engine.acting(&officer).suggest_fields(&rec.summary.id).unwrap();
    assert_eq!((s.version, s.pages_read, s.fields.len()), (None, 0, 0));
}
