#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)]
//! The administrator's signing-token list against a real SoftHSM2 token (private token directory per test
//! process): the chosen entry is a `sign_key` the settings accept and the signer opens.

mod support;

use sohoa_engine::{DeskSettings, Role, TokenKind};
use sohoa_vpcd_fixture::TestPki;
use sohoa_vpcd_fixture::softhsm::{MODULE, signing_token};

#[test]
fn a_softhsm_token_is_listed_with_its_holder_and_its_key_signs() {
    let pki = TestPki::new();
    // SAFETY: nextest runs each test in its own process; this runs first, before any other thread exists.
    unsafe { std::env::set_var("SOHOA_TRUST_DIR", pki.trust_dir()) };
    let _hsm = signing_token(&pki, "CA-XA", "123456", "Công an xã Thử", false);
    let (_dir, engine, admin) = support::engine_with(Role::Administrator);
    let acting = engine.acting(&admin);

    let list = acting.signing_tokens().unwrap();
    assert!(!list.timed_out);
    assert!(
        list.modules.iter().any(|m| m.path == MODULE && m.error.is_none()),
        "{list:?}"
    );
    let token = list
        .tokens
        .iter()
        .find(|t| t.kind == TokenKind::Pkcs11 && t.label == "CA-XA")
        .unwrap_or_else(|| panic!("{list:?}"));
    assert_eq!(token.sign_key, format!("pkcs11:{MODULE}#CA-XA"));
    assert!(token.serial.as_deref().is_some_and(|s| !s.is_empty()));
    assert!(token.card_present && !token.pin_locked);
    assert_eq!(token.certificates.len(), 1);
    let cert = &token.certificates[0];
    assert_eq!(cert.holder.as_deref(), Some("Công an xã Thử"));
    assert_eq!(cert.not_after.format("%Y-%m-%d").to_string(), "2049-12-31");
    assert!(!cert.expired && cert.days_left > 365);

    // Choosing it fills sign_key: the settings take it and the signer opens it.
    let settings = DeskSettings {
        sign_key: Some(token.sign_key.clone()),
        ..DeskSettings::default()
    };
    acting.save_settings(&settings).unwrap();
    sohoa_engine::open_trusted_signer(engine.data_dir(), &token.sign_key, "123456".to_owned()).unwrap();

    let (_d2, other, officer) = support::engine_with(Role::Officer);
    assert_eq!(
        other.acting(&officer).signing_tokens().unwrap_err().code(),
        "auth.forbidden"
    );
}

#[test]
fn a_module_that_does_not_load_is_reported_not_hidden() {
    let not_a_library = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(not_a_library.path(), b"not an ELF file").unwrap();
    let list = sohoa_engine::list_signing_tokens(&[not_a_library.path().to_owned()]);
    assert_eq!(list.modules.len(), 1);
    let m = &list.modules[0];
    assert!(m.error.is_some() && m.error_code.is_some(), "{m:?}");
    assert!(list.tokens.iter().all(|t| t.kind == TokenKind::Piv));
}

#[test]
fn a_mistyped_module_path_is_refused_when_saved() {
    let (_dir, engine, admin) = support::engine_with(Role::Administrator);
    let settings = DeskSettings {
        sign_key: Some("pkcs11:/usr/lib/softhsm/libsofthsm.so#CA-XA".to_owned()),
        ..DeskSettings::default()
    };
    let e = engine.acting(&admin).save_settings(&settings).unwrap_err();
    assert_eq!(e.code(), "settings.invalid");
    assert!(
        e.message_vi().contains("không có tệp trình điều khiển PKCS#11"),
        "{}",
        e.message_vi()
    );
    assert_eq!(engine.desk_settings().unwrap().sign_key, None);
}
