//! Shared by the engine's integration tests: a data directory with a signed-in account of a given role.
#![allow(dead_code)]

use sohoa_engine::{Caller, Engine, EngineConfig, NewUserRequest, Role};

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
