#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)]
//! The desk's own scanner presets: validated (Decree 30 for legal copies), written as TOML, audited, and
//! used by the scanner the toolbar, batches and rescans open.

mod support;

use sohoa_engine::{EngineError, PresetOrigin, Role};

fn preset_err(e: EngineError) -> sohoa_engine::PresetError {
    match e {
        EngineError::Preset(p) => p,
        other => panic!("expected a preset error, got {other:?}"),
    }
}

#[test]
fn an_administrator_edits_the_presets_and_the_scanner_uses_them() {
    let (_dir, engine, admin) = support::engine_with(Role::Administrator);
    let acting = engine.acting(&admin);
    let builtin = acting.scan_presets().unwrap();
    assert_eq!(builtin.origin, PresetOrigin::Builtin);
    assert!(builtin.required.contains(&"cmnd-form".to_owned()));
    let mut presets = builtin.presets.clone();
    let form = presets.iter_mut().find(|p| p.id == "cmnd-form").unwrap();
    form.dpi = 400;
    form.name_vi = "Tờ khai CMND (400 dpi)".to_owned();
    let mut extra = form.clone();
    extra.id = "giay-khai-sinh".to_owned();
    extra.name_vi = "  Giấy khai sinh  ".to_owned();
    extra.width_mm = None;
    extra.height_mm = None;
    presets.push(extra);

    let saved = acting.save_scan_presets(&presets).unwrap();
    assert_eq!(saved.origin, PresetOrigin::Desk);
    assert_eq!(saved.presets.len(), builtin.presets.len() + 1);
    let birth = saved.presets.iter().find(|p| p.id == "giay-khai-sinh").unwrap();
    assert_eq!(birth.name_vi, "Giấy khai sinh");
    assert_eq!(birth.width_mm, None);
    let file = engine.data_dir().join("scanner-profiles/presets.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("[[preset]]") && text.contains("dpi = 400"),
        "{text}"
    );

    // The same function every scan goes through sees the desk's table; devices stay built in.
    let profiles = sohoa_engine::scan_profiles(engine.data_dir()).unwrap();
    assert_eq!(profiles.preset("cmnd-form").unwrap().dpi, 400);
    assert!(profiles.preset("giay-khai-sinh").is_ok());
    assert!(!profiles.devices.is_empty());
    let sane = engine.data_dir().join("sane");
    std::fs::create_dir_all(&sane).unwrap();
    std::fs::write(sane.join("dll.conf"), "test\n").unwrap();
    // SAFETY: nextest runs each test in its own process; no other thread of this test exists yet and
    // libsane is not loaded before this line.
    unsafe { std::env::set_var("SANE_CONFIG_DIR", &sane) };
    let (_dev, settings) =
        sohoa_engine::open_scanner(engine.data_dir(), None, "test:0", "giay-khai-sinh", Some(1)).unwrap();
    assert_eq!(settings.dpi, 400);
    assert!(settings.area.is_none());

    let log = engine.audit_log(None).unwrap();
    let entry = log.iter().find(|e| e.action == "scan_presets.change").unwrap();
    assert_eq!(entry.user, "huong");

    // Another desk (no file) still scans with the built-in table.
    let (_d2, other, _) = support::engine_with(Role::Administrator);
    assert_eq!(
        sohoa_engine::scan_profiles(other.data_dir())
            .unwrap()
            .preset("cmnd-form")
            .unwrap()
            .dpi,
        300
    );
}

#[test]
fn a_bad_table_is_refused_with_its_row_and_nothing_is_written() {
    let (_dir, engine, admin) = support::engine_with(Role::Administrator);
    let acting = engine.acting(&admin);
    let good = acting.scan_presets().unwrap().presets;
    let row_of = |edit: &dyn Fn(&mut Vec<sohoa_engine::Preset>)| {
        let mut p = good.clone();
        edit(&mut p);
        let e = preset_err(acting.save_scan_presets(&p).unwrap_err());
        (e.code(), e.row(), e.message_vi())
    };
    let legal = good.iter().position(|p| p.legal_copy).unwrap();
    let (code, row, msg) = row_of(&|p| p[legal].mode = sohoa_scan::ColorMode::Gray);
    assert_eq!((code, row), ("profile.decree30_not_colour", Some(legal + 1)));
    assert!(msg.contains("quét màu"), "{msg}");
    let (code, row, _) = row_of(&|p| p[legal].dpi = 150);
    assert_eq!((code, row), ("profile.decree30_low_dpi", Some(legal + 1)));
    let (code, _, _) = row_of(&|p| p[legal].scale_percent = 90);
    assert_eq!(code, "profile.decree30_scale");
    let (code, row, _) = row_of(&|p| p[1].id = p[0].id.clone());
    assert_eq!((code, row), ("presets.duplicate_id", Some(2)));
    let (code, _, _) = row_of(&|p| p[0].id = "  ".to_owned());
    assert_eq!(code, "presets.no_id");
    let (code, _, _) = row_of(&|p| p[0].dpi = 2400);
    assert_eq!(code, "presets.dpi");
    let (code, _, _) = row_of(&|p| p[0].width_mm = None);
    assert_eq!(code, "presets.size");
    let (code, row, _) = row_of(&|p| p.retain(|x| x.id != "residence-dossier"));
    assert_eq!((code, row), ("presets.required", None));
    let (code, _, _) = row_of(&|p| p.clear());
    assert_eq!(code, "presets.empty");

    // A draft (not a legal copy) may be grey and low resolution.
    let mut drafts = good.clone();
    let draft = drafts.iter_mut().find(|p| !p.legal_copy).unwrap();
    draft.dpi = 100;
    acting.save_scan_presets(&drafts).unwrap();
    assert!(
        engine
            .audit_log(None)
            .unwrap()
            .iter()
            .filter(|e| e.action == "scan_presets.change")
            .count()
            == 1
    );
}

#[test]
fn only_an_administrator_saves_presets_but_scanning_roles_read_them() {
    let (_dir, engine, officer) = support::engine_with(Role::Officer);
    let acting = engine.acting(&officer);
    let presets = acting.scan_presets().unwrap().presets;
    assert_eq!(
        acting.save_scan_presets(&presets).unwrap_err().code(),
        "auth.forbidden"
    );
    assert!(!engine.data_dir().join("scanner-profiles").exists());
}
