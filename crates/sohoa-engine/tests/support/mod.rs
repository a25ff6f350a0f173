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

/// The test citizen's ID-card record with the six declaration fields (the person of the testkit's CCCD card
/// and CMND form).
pub fn id_card() -> NewRecordRequest {
    let kv = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    NewRecordRequest {
        kind: "id-card".to_owned(),
        owner_id: Some("079203001234".to_owned()),
        doc_type_code: None,
        fields: vec![
            kv("full_name", "Nguyễn Văn An"),
            kv("birth_date", "2003-04-05"),
            kv("sex", "Nam"),
            kv("cmnd_number", "025123456"),
            kv("father_name", "Nguyễn Văn Bình"),
            kv("mother_name", "Trần Thị Cúc"),
        ],
    }
}

/// libgomp reads `OMP_THREAD_LIMIT` at load: without it Tesseract runs several times slower, so an OCR test
/// re-runs itself (`name`) in a child process started with it — the requirement the engine API documents.
/// True in the parent (the child ran and passed): the caller returns.
pub fn rerun_with_thread_limit(name: &str) -> bool {
    if sohoa_ocr::omp::thread_limit_in_effect() {
        return false;
    }
    let st = std::process::Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture"])
        .env(sohoa_ocr::omp::VAR, "1")
        .status()
        .unwrap();
    assert!(st.success(), "child run failed");
    true
}

/// A private SANE configuration with only the colour A4 `test` backend (the demo scanner's pattern) at
/// `dpi`; returns the device name.
#[allow(unsafe_code)]
pub fn sane_test_scanner(dir: &std::path::Path, dpi: u32) -> &'static str {
    let conf = dir.join("sane");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(conf.join("dll.conf"), "test\n").unwrap();
    std::fs::write(
        conf.join("test.conf"),
        format!(
            "number_of_devices 1\nmode Color\ndepth 8\nresolution_min 1.0\nresolution_max 600.0\n\
             resolution_quant 1.0\nresolution {dpi}.0\ngeometry_min 0.0\ngeometry_max 300.0\n\
             geometry_quant 1.0\ntl_x 0.0\ntl_y 0.0\nbr_x 210.0\nbr_y 297.0\n"
        ),
    )
    .unwrap();
    // SAFETY: nextest runs each test in its own process, and this runs before libsane is loaded or any
    // other thread of this test exists.
    unsafe { std::env::set_var("SANE_CONFIG_DIR", &conf) };
    "test:0"
}
