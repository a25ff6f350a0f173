//! The shell's commands against a real engine on a real data directory (SQLite file, blob store on disk):
//! the same functions the window calls, fed the JSON the UI sends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use sohoa_desk_lib::api;
use sohoa_desk_lib::session::Sessions;
use sohoa_engine::{Action, Caller, Engine, EngineConfig, NewRecordRequest, RecordQuery, Role};

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
    /// The training sandbox's reception officer, signed in.
    officer: Caller,
    an: String,
    bich: String,
}

impl Fixture {
    fn sign_in(&self, login: &str) -> Caller {
        self.engine
            .authenticate(login, &format!("taphuan-{login}"))
            .unwrap()
    }
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
    assert_eq!(engine.ensure_training_accounts(true).unwrap(), 4);
    let officer = engine.authenticate("canbo", "taphuan-canbo").unwrap();
    Fixture {
        _dir: dir,
        engine,
        officer,
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
    let info = api::app_info(&f.engine.acting(&f.officer)).unwrap();
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
    let all = api::list_records(
        &f.engine.acting(&f.officer),
        &query(r#"{"trash":false,"limit":200,"offset":0}"#),
    )
    .unwrap();
    let mut ids: Vec<&str> = all.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    let mut expected = [f.an.as_str(), f.bich.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected);

    let found = api::list_records(
        &f.engine.acting(&f.officer),
        &query(r#"{"text":"Bích","trash":false,"limit":200,"offset":0}"#),
    )
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, f.bich);
    assert_eq!(found[0].owner_name.as_deref(), Some("Trần Thị Bích Ngọc"));

    // Every member is optional: `{}` is the whole first page.
    assert_eq!(
        api::list_records(&f.engine.acting(&f.officer), &query("{}"))
            .unwrap()
            .len(),
        2
    );
    assert!(
        api::list_records(&f.engine.acting(&f.officer), &query(r#"{"kind":"residence"}"#))
            .unwrap()
            .is_empty()
    );
    assert!(
        api::list_records(&f.engine.acting(&f.officer), &query(r#"{"trash":true}"#))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn record_detail_returns_fields_and_history() {
    let f = fixture();
    let detail = api::record_detail(&f.engine.acting(&f.officer), &f.an).unwrap();
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
    let err = api::record_detail(
        &f.engine.acting(&f.officer),
        "00000000-0000-7000-8000-000000000000",
    )
    .unwrap_err();
    assert_eq!(err.code, "store.not_found", "{err:?}");
    assert_eq!(err.message, "Không tìm thấy hồ sơ");
    assert_ne!(
        err.message, err.message_en,
        "the Vietnamese message is not the English one: {err:?}"
    );
    assert_eq!(
        api::record_detail(&f.engine.acting(&f.officer), "not-an-id")
            .unwrap_err()
            .code,
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

#[test]
fn supervisor_and_administrator_commands_are_refused_to_an_officer_by_the_engine() {
    let f = fixture();
    let as_officer = f.engine.acting(&f.officer);
    let err = api::audit_verify(&as_officer).unwrap_err();
    assert_eq!(err.code, "auth.forbidden");
    assert!(err.message.starts_with("Không có quyền"), "{}", err.message);
    assert_eq!(api::list_users(&as_officer).unwrap_err().code, "auth.forbidden");
    let supervisor = f.sign_in("giamsat");
    assert!(
        api::audit_verify(&f.engine.acting(&supervisor))
            .unwrap()
            .is_valid()
    );
    assert_eq!(
        api::list_users(&f.engine.acting(&supervisor)).unwrap_err().code,
        "auth.forbidden"
    );
    let admin = f.sign_in("quantri");
    assert_eq!(api::list_users(&f.engine.acting(&admin)).unwrap().len(), 4);
}

#[test]
fn the_session_refuses_commands_when_signed_out_locked_or_idle() {
    let f = fixture();
    let sessions = Sessions::new(Duration::from_secs(600), true);
    assert_eq!(sessions.caller().unwrap_err().code, "auth.not_signed_in");
    let t0 = Instant::now();
    sessions.begin_at(f.officer.clone(), t0);
    assert_eq!(
        sessions.caller_at(t0 + Duration::from_secs(599)).unwrap().role(),
        Role::Officer
    );
    // Activity at 599 s restarts the clock; 600 s of silence after it locks.
    assert!(sessions.caller_at(t0 + Duration::from_secs(1198)).is_ok());
    let err = sessions.caller_at(t0 + Duration::from_secs(1798)).unwrap_err();
    assert_eq!(err.code, "auth.session_locked");
    assert!(sessions.status().locked);
    // Only the holder's account unlocks it.
    let other = f.sign_in("giamsat");
    assert!(sessions.unlock(&other).is_err());
    assert!(sessions.caller().is_err());
    sessions.unlock(&f.officer).unwrap();
    let status = sessions.status();
    let user = status.user.unwrap();
    assert_eq!(user.login, "canbo");
    assert!(user.permissions.contains(&Action::Scan));
    assert!(!user.permissions.contains(&Action::Review));
    assert_eq!(status.idle_lock_secs, 600);
    sessions.lock();
    assert_eq!(sessions.caller().unwrap_err().code, "auth.session_locked");
    sessions.end();
    assert_eq!(sessions.caller().unwrap_err().code, "auth.not_signed_in");
}
