//! Shared by the engine's integration tests: a data directory with a signed-in account of a given role.
#![allow(dead_code)]

use sohoa_engine::{Caller, Engine, EngineConfig, NewRecordRequest, NewUserRequest, Role};

/// A fresh engine with an administrator and one account `huong` of `role`, signed in.
pub fn engine_with(role: Role) -> (tempfile::TempDir, Engine, Caller) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(EngineConfig::with_data_dir(dir.path())).unwrap();
    let req = |login: &str, role| NewUserRequest {
        login: login.to_owned(),
        display_name: "Lê Thị Hương".to_owned(),
        role,
        password: "mat-khau-dai".to_owned(),
    };
    engine
        .create_user(None, &req("admin", Role::Administrator))
        .unwrap();
    let admin = engine.authenticate("admin", "mat-khau-dai").unwrap();
    engine.create_user(Some(&admin), &req("huong", role)).unwrap();
    let caller = engine.authenticate("huong", "mat-khau-dai").unwrap();
    (dir, engine, caller)
}

/// Another account of `role` in the same engine, signed in.
pub fn add_account(engine: &Engine, login: &str, role: Role) -> Caller {
    let admin = engine.authenticate("admin", "mat-khau-dai").unwrap();
    let req = NewUserRequest {
        login: login.to_owned(),
        display_name: format!("Cán bộ {login}"),
        role,
        password: "mat-khau-dai".to_owned(),
    };
    engine.create_user(Some(&admin), &req).unwrap();
    engine.authenticate(login, "mat-khau-dai").unwrap()
}

/// A residence record as the counter creates it (the kind's required fields, CT01).
pub fn residence() -> NewRecordRequest {
    NewRecordRequest {
        kind: "residence".to_owned(),
        owner_id: Some("036090004567".to_owned()),
        doc_type_code: Some("CT01".to_owned()),
        fields: vec![
            ("household_head".to_owned(), "Phạm Đức Thắng".to_owned()),
            (
                "address".to_owned(),
                "Số 12 đường Lê Lợi, phường Bến Thành".to_owned(),
            ),
        ],
    }
}
