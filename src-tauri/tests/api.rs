//! The shell's commands against a real engine on a real data directory (SQLite file, blob store on disk):
//! the same functions the window calls, fed the JSON the UI sends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sohoa_desk_lib::api;
use sohoa_engine::{Engine, EngineConfig, NewRecordRequest, RecordQuery};

fn id_card(owner_id: &str, name: &str, birth: &str, sex: &str, cmnd: &str) -> NewRecordRequest {
    NewRecordRequest {
        kind: "id-card".to_owned(),
        owner_id: Some(owner_id.to_owned()),
        doc_type_code: None,
        fields: [
            ("full_name", name),
            ("birth_date", birth),
            ("sex", sex),
            ("cmnd_number", cmnd),
            ("father_name", "Nguyễn Văn Bình"),
            ("mother_name", "Trần Thị Cúc"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    engine: Engine,
    an: String,
    bich: String,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(EngineConfig::with_data_dir(dir.path().join("data"))).unwrap();
    let an = engine
        .create_record(&id_card(
            "079203001234",
            "Nguyễn Văn An",
            "2003-04-05",
            "nam",
            "025123456",
        ))
        .unwrap();
    let bich = engine
        .create_record(&id_card(
            "001185012345",
            "Trần Thị Bích Ngọc",
            "1985-09-12",
            "nữ",
            "012345678",
        ))
        .unwrap();
    Fixture {
        _dir: dir,
        engine,
        an: an.summary.id,
        bich: bich.summary.id,
    }
}

/// What `invoke("list_records", { query })` delivers to the command: serde over the UI's JSON.
fn query(json: &str) -> RecordQuery {
    serde_json::from_str(json).unwrap()
}

#[test]
fn app_info_reports_the_open_data_directory() {
    let f = fixture();
    let info = api::app_info(&f.engine).unwrap();
    assert_eq!(info.record_count, 2);
    assert_eq!(info.data_dir, f.engine.data_dir().display().to_string());
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    let json = serde_json::to_value(&info).unwrap();
    for key in ["version", "data_dir", "record_count", "training_mode"] {
        assert!(json.get(key).is_some(), "app_info lacks {key}: {json}");
    }
}

#[test]
fn list_records_takes_the_query_the_ui_sends() {
    let f = fixture();
    let all = api::list_records(&f.engine, &query(r#"{"trash":false,"limit":200,"offset":0}"#)).unwrap();
    let mut ids: Vec<&str> = all.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    let mut expected = [f.an.as_str(), f.bich.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected);

    let found = api::list_records(
        &f.engine,
        &query(r#"{"text":"Bích","trash":false,"limit":200,"offset":0}"#),
    )
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, f.bich);
    assert_eq!(found[0].owner_name.as_deref(), Some("Trần Thị Bích Ngọc"));

    // Every member is optional: `{}` is the whole first page.
    assert_eq!(api::list_records(&f.engine, &query("{}")).unwrap().len(), 2);
    assert!(
        api::list_records(&f.engine, &query(r#"{"kind":"residence"}"#))
            .unwrap()
            .is_empty()
    );
    assert!(
        api::list_records(&f.engine, &query(r#"{"trash":true}"#))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn record_detail_returns_fields_and_history() {
    let f = fixture();
    let detail = api::record_detail(&f.engine, &f.an).unwrap();
    assert_eq!(detail.summary.id, f.an);
    let name = detail.fields.iter().find(|fv| fv.key == "full_name").unwrap();
    assert_eq!(name.value, "Nguyễn Văn An");
    assert!(!detail.history.is_empty());
    let json = serde_json::to_value(&detail).unwrap();
    for key in ["summary", "fields", "versions", "history"] {
        assert!(json.get(key).is_some(), "record_detail lacks {key}");
    }
}

#[test]
fn errors_reach_the_ui_with_code_and_both_languages() {
    let f = fixture();
    let err = api::record_detail(&f.engine, "00000000-0000-7000-8000-000000000000").unwrap_err();
    assert_eq!(err.code, "store.not_found", "{err:?}");
    assert_eq!(err.message, "Không tìm thấy hồ sơ");
    assert_ne!(
        err.message, err.message_en,
        "the Vietnamese message is not the English one: {err:?}"
    );
    assert_eq!(
        api::record_detail(&f.engine, "not-an-id").unwrap_err().code,
        "store.invalid_id"
    );
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], err.code);
}

#[test]
fn training_mode_means_no_ministry_vault_configured() {
    assert!(api::training_mode_for(None));
    assert!(api::training_mode_for(Some("  ")));
    assert!(!api::training_mode_for(Some("https://vault.example.invalid")));
}
