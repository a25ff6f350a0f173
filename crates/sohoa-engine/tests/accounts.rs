//! Local accounts and role checks through the public engine API, on a real data directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sohoa_engine::{
    Action, Engine, EngineConfig, LOCKOUT_MINUTES, MAX_FAILED_ATTEMPTS, NewRecordRequest, NewUserRequest,
    RecordQuery, Role, TRAINING_ACCOUNTS,
};

fn engine() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(EngineConfig::with_data_dir(dir.path())).unwrap();
    (dir, engine)
}

fn req(login: &str, role: Role, password: &str) -> NewUserRequest {
    NewUserRequest {
        login: login.to_owned(),
        display_name: "Nguyễn Thị Hoa".to_owned(),
        role,
        password: password.to_owned(),
    }
}

/// An engine with a bootstrapped administrator `admin` and an officer `hoa`.
fn with_accounts() -> (tempfile::TempDir, Engine) {
    let (dir, engine) = engine();
    engine
        .create_user(None, &req("admin", Role::Administrator, "admin-password"))
        .unwrap();
    let admin = engine.authenticate("admin", "admin-password").unwrap();
    engine
        .create_user(Some(&admin), &req("hoa", Role::Officer, "mat-khau-hoa"))
        .unwrap();
    (dir, engine)
}

fn actions(engine: &Engine) -> Vec<(String, String)> {
    engine
        .audit_log(None)
        .unwrap()
        .into_iter()
        .map(|e| (e.user, e.action))
        .collect()
}

#[test]
fn the_first_administrator_bootstraps_and_then_only_administrators_create_accounts() {
    let (_dir, engine) = engine();
    let err = engine
        .create_user(None, &req("hoa", Role::Officer, "12345678"))
        .unwrap_err();
    assert_eq!(
        err.code(),
        "auth.not_signed_in",
        "the bootstrap creates an administrator only"
    );
    engine
        .create_user(None, &req("admin", Role::Administrator, "admin-password"))
        .unwrap();
    let err = engine
        .create_user(None, &req("admin2", Role::Administrator, "admin-password"))
        .unwrap_err();
    assert_eq!(err.code(), "auth.not_signed_in", "no second bootstrap");
    let admin = engine.authenticate("admin", "admin-password").unwrap();
    engine
        .create_user(Some(&admin), &req("hoa", Role::Officer, "mat-khau-hoa"))
        .unwrap();
    let hoa = engine.authenticate("hoa", "mat-khau-hoa").unwrap();
    let err = engine
        .create_user(Some(&hoa), &req("x", Role::Officer, "12345678"))
        .unwrap_err();
    assert_eq!(err.code(), "auth.forbidden");
    assert!(
        err.message_vi().starts_with("Không có quyền"),
        "{}",
        err.message_vi()
    );
    let users = engine.list_users(&admin).unwrap();
    assert_eq!(
        users.iter().map(|u| u.login.as_str()).collect::<Vec<_>>(),
        ["admin", "hoa"]
    );
    assert_eq!(engine.list_users(&hoa).unwrap_err().code(), "auth.forbidden");
}

#[test]
fn logins_are_nfc_and_case_folded_and_unique_that_way() {
    let (_dir, engine) = engine();
    // "Đức" typed with combining marks (NFD) and in capitals.
    let nfd = "D\u{0323}U\u{031b}\u{0301}C".replace("D\u{0323}", "Đ");
    engine
        .create_user(None, &req(&nfd, Role::Administrator, "admin-password"))
        .unwrap();
    let admin = engine.authenticate("đức", "admin-password").unwrap();
    assert_eq!(admin.login(), "đức");
    assert_eq!(admin.role(), Role::Administrator);
    engine.authenticate("  ĐỨC ", "admin-password").unwrap();
    let err = engine
        .create_user(Some(&admin), &req("Đức", Role::Officer, "12345678"))
        .unwrap_err();
    assert_eq!(err.code(), "store.duplicate");
    let err = engine
        .create_user(Some(&admin), &req("a b", Role::Officer, "12345678"))
        .unwrap_err();
    assert_eq!(err.code(), "auth.invalid_login");
    let err = engine
        .create_user(Some(&admin), &req("ngan", Role::Officer, "short"))
        .unwrap_err();
    assert_eq!(err.code(), "auth.weak_password");
}

#[test]
fn every_sign_in_failure_looks_the_same_and_the_audit_says_which_without_the_password() {
    let (_dir, engine) = with_accounts();
    let unknown = engine.authenticate("nguyenvanbinh", "mat-khau-hoa").unwrap_err();
    let wrong = engine.authenticate("hoa", "mat-khau-sai").unwrap_err();
    assert_eq!(unknown.code(), "auth.failed");
    assert_eq!(wrong.code(), unknown.code());
    assert_eq!(wrong.message_vi(), unknown.message_vi());
    let log = engine.audit_log(None).unwrap();
    let text = serde_json::to_string(&log).unwrap();
    assert!(!text.contains("mat-khau"), "no password in the audit log");
    assert!(!text.contains("nguyenvanbinh"), "an unknown login is masked");
    assert!(text.contains("ngu********nh"), "{text}");
    let failures: Vec<_> = log.iter().filter(|e| e.action == "auth.failure").collect();
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0].user, "anonymous");
    assert_eq!(failures[1].user, "hoa");
    assert!(engine.audit_verify().unwrap().is_valid());
}

#[test]
fn repeated_failures_lock_the_account_until_the_lockout_expires() {
    let (_dir, engine) = with_accounts();
    let t0 = 1_800_000_000_000_i64;
    for _ in 0..MAX_FAILED_ATTEMPTS {
        engine.authenticate_at("hoa", "sai-mat-khau", t0).unwrap_err();
    }
    assert_eq!(actions(&engine).last().unwrap().1, "auth.lockout");
    // Locked: even the right password is refused, with the same error.
    let err = engine
        .authenticate_at("hoa", "mat-khau-hoa", t0 + 60_000)
        .unwrap_err();
    assert_eq!(err.code(), "auth.failed");
    let expiry = t0 + LOCKOUT_MINUTES * 60_000;
    engine
        .authenticate_at("hoa", "mat-khau-hoa", expiry - 1)
        .unwrap_err();
    let hoa = engine.authenticate_at("hoa", "mat-khau-hoa", expiry + 1).unwrap();
    assert_eq!(hoa.role(), Role::Officer);
    // The count restarts after a success: one more failure does not lock again.
    engine.authenticate_at("hoa", "sai", expiry + 2).unwrap_err();
    engine.authenticate_at("hoa", "mat-khau-hoa", expiry + 3).unwrap();
}

#[test]
fn a_disabled_account_cannot_sign_in_and_a_new_password_replaces_the_old() {
    let (_dir, engine) = with_accounts();
    let admin = engine.authenticate("admin", "admin-password").unwrap();
    engine.set_user_disabled(&admin, "hoa", true).unwrap();
    assert_eq!(
        engine.authenticate("hoa", "mat-khau-hoa").unwrap_err().code(),
        "auth.failed"
    );
    assert_eq!(
        engine
            .set_user_disabled(&admin, "admin", true)
            .unwrap_err()
            .code(),
        "auth.disable_self"
    );
    engine.set_user_disabled(&admin, "hoa", false).unwrap();
    let hoa = engine.authenticate("hoa", "mat-khau-hoa").unwrap();
    engine.set_password(&hoa, "hoa", "mat-khau-moi").unwrap();
    assert!(engine.authenticate("hoa", "mat-khau-hoa").is_err());
    engine.authenticate("hoa", "mat-khau-moi").unwrap();
    assert_eq!(
        engine
            .set_password(&hoa, "admin", "chiem-quyen-1")
            .unwrap_err()
            .code(),
        "auth.forbidden",
        "an officer changes only their own password"
    );
    let log = actions(&engine);
    assert!(
        log.contains(&("admin".to_owned(), "user.disable".to_owned())),
        "{log:?}"
    );
    assert!(
        log.contains(&("hoa".to_owned(), "user.password".to_owned())),
        "{log:?}"
    );
}

#[test]
fn role_checks_happen_in_the_engine_and_audit_the_session_user() {
    let (_dir, engine) = with_accounts();
    let admin = engine.authenticate("admin", "admin-password").unwrap();
    engine
        .create_user(Some(&admin), &req("sat", Role::Supervisor, "giam-sat-123"))
        .unwrap();
    let hoa = engine.authenticate("hoa", "mat-khau-hoa").unwrap();
    let sat = engine.authenticate("sat", "giam-sat-123").unwrap();
    let record = NewRecordRequest {
        kind: "info-only".to_owned(),
        owner_id: Some("094187000321".to_owned()),
        doc_type_code: Some("CT01".to_owned()),
        fields: vec![
            ("doc_name".to_owned(), "Bản khai nhân khẩu năm 1995".to_owned()),
            ("condition".to_owned(), "torn".to_owned()),
        ],
    };
    let as_hoa = engine.acting(&hoa);
    let created = as_hoa.create_record(&record);
    let created = match created {
        Ok(d) => d,
        // The field set of info-only records is the engine's business; the attribution is what matters here.
        Err(e) => panic!("create_record as officer: {} {}", e.code(), e.message_vi()),
    };
    assert_eq!(as_hoa.list_records(&RecordQuery::default()).unwrap().len(), 1);
    assert_eq!(as_hoa.audit_verify().unwrap_err().code(), "auth.forbidden");
    assert_eq!(as_hoa.list_users().unwrap_err().code(), "auth.forbidden");
    let as_sat = engine.acting(&sat);
    assert!(as_sat.audit_verify().unwrap().is_valid());
    assert_eq!(
        as_sat.create_record(&record).unwrap_err().code(),
        "auth.forbidden"
    );
    let entry = engine.audit_log(Some(&created.summary.id)).unwrap();
    assert_eq!(
        entry[0].user, "hoa",
        "the record was created by the signed-in officer"
    );
    assert!(
        engine.system_caller().may(Action::ManageUsers),
        "the CLI's system actor"
    );
}

#[test]
fn training_accounts_exist_only_in_training_mode_on_a_fresh_directory() {
    let (_dir, engine) = engine();
    assert_eq!(engine.ensure_training_accounts(false).unwrap(), 0);
    assert_eq!(engine.count_users().unwrap(), 0, "never in production mode");
    assert_eq!(
        engine.ensure_training_accounts(true).unwrap(),
        TRAINING_ACCOUNTS.len()
    );
    assert_eq!(
        engine.ensure_training_accounts(true).unwrap(),
        0,
        "only on the first start"
    );
    for (login, _, role, password) in TRAINING_ACCOUNTS {
        assert_eq!(engine.authenticate(login, password).unwrap().role(), *role);
    }
    let roles: Vec<Role> = TRAINING_ACCOUNTS.iter().map(|a| a.2).collect();
    assert_eq!(roles, Role::ALL);
}
