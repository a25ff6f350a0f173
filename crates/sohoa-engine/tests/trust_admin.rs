#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)]
//! The administrator's trust anchors: real certificates from the test PKI (and rcgen for the kinds it does
//! not make), installed into a desk's `<data>/trust` and used by the signing check of a SoftHSM2 token.

mod support;

use std::path::{Path, PathBuf};

use sohoa_engine::{EngineError, Role, TrustError, TrustSource};
use sohoa_vpcd_fixture::{TestKey, TestPki, Usage, Validity};

/// Points the installed trust directory at `dir` for this test process.
fn installed_trust_dir(dir: &Path) {
    // SAFETY: nextest runs each test in its own process; this runs first, before any other thread exists.
    unsafe { std::env::set_var("SOHOA_TRUST_DIR", dir) };
}

fn trust_err(e: EngineError) -> TrustError {
    match e {
        EngineError::Trust(t) => t,
        other => panic!("expected a trust error, got {other:?}"),
    }
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

fn audit_actions(engine: &sohoa_engine::Engine) -> Vec<String> {
    engine
        .audit_log(None)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("trust."))
        .collect()
}

#[test]
fn an_administrator_inspects_installs_lists_and_removes_a_root() {
    let shipped = tempfile::tempdir().unwrap();
    installed_trust_dir(shipped.path());
    let (_dir, engine, admin) = support::engine_with(Role::Administrator);
    let acting = engine.acting(&admin);
    let pki = TestPki::new();
    assert!(acting.trust_anchors().unwrap().is_empty());

    let seen = acting.inspect_certificate(&pki.root_pem_path()).unwrap();
    assert_eq!(seen.len(), 1);
    let root = &seen[0];
    assert_eq!(root.subject_cn.as_deref(), Some("SOHOA TEST Root CA"));
    assert_eq!(root.subject_o.as_deref(), Some("SoHoa Desk test PKI"));
    assert!(root.anchor && root.ca && !root.expired && !root.expiring);
    assert_eq!(root.source, TrustSource::File);
    assert_eq!(root.fingerprint.len(), 32 * 3 - 1);
    assert!(root.fingerprint.split(':').all(|b| b.len() == 2));

    // A fingerprint that is not this file's (the admin compared the wrong line): nothing installed.
    let other = TestPki::new();
    let wrong = acting.inspect_certificate(&other.root_pem_path()).unwrap()[0]
        .fingerprint
        .clone();
    let e = trust_err(
        acting
            .install_trust_anchor(&pki.root_pem_path(), &wrong)
            .unwrap_err(),
    );
    assert_eq!(e.code(), "trust.fingerprint_mismatch");
    assert!(acting.trust_anchors().unwrap().is_empty());

    // Pasted in lower case without colons, as some publications print it.
    let pasted = root.fingerprint.replace(':', "").to_lowercase();
    let installed = acting
        .install_trust_anchor(&pki.root_pem_path(), &pasted)
        .unwrap();
    assert_eq!(installed.source, TrustSource::Desk);
    assert!(installed.removable);
    let file = engine.data_dir().join("trust").join(&installed.file);
    assert!(file.is_file(), "{}", file.display());
    assert!(installed.file.ends_with(".pem"));

    let inter = acting.inspect_certificate(&pki.intermediate_pem_path()).unwrap()[0].clone();
    assert!(!inter.anchor && inter.ca);
    assert_eq!(inter.issuer_cn.as_deref(), Some("SOHOA TEST Root CA"));
    acting
        .install_trust_anchor(&pki.intermediate_pem_path(), &inter.fingerprint)
        .unwrap();

    let list = acting.trust_anchors().unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|c| c.source == TrustSource::Desk && c.removable));
    assert_eq!(list.iter().filter(|c| c.anchor).count(), 1);

    let again = trust_err(
        acting
            .install_trust_anchor(&pki.root_pem_path(), &root.fingerprint)
            .unwrap_err(),
    );
    assert_eq!(again.code(), "trust.already_installed");

    acting.remove_trust_anchor(&root.fingerprint).unwrap();
    assert!(!file.exists());
    let left = acting.trust_anchors().unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].fingerprint, inter.fingerprint);
    let gone = trust_err(acting.remove_trust_anchor(&root.fingerprint).unwrap_err());
    assert_eq!(gone.code(), "trust.not_installed");

    assert_eq!(
        audit_actions(&engine),
        ["trust.install", "trust.install", "trust.remove"]
    );
    let log = engine.audit_log(None).unwrap();
    let first = log.iter().find(|e| e.action == "trust.install").unwrap();
    assert_eq!(first.user, "huong");
}

#[test]
fn end_entity_expired_and_non_certificate_files_are_refused() {
    let shipped = tempfile::tempdir().unwrap();
    installed_trust_dir(shipped.path());
    let (_dir, engine, admin) = support::engine_with(Role::Administrator);
    let acting = engine.acting(&admin);
    let pki = TestPki::new();
    let files = tempfile::tempdir().unwrap();

    let leaf = pki.issue(
        "Nguyễn Văn An",
        &TestKey::p256(),
        Validity::Current,
        Usage::Signing,
    );
    let leaf_path = write(files.path(), "leaf.der", &leaf);
    let e = trust_err(acting.inspect_certificate(&leaf_path).unwrap_err());
    assert_eq!(e.code(), "trust.end_entity");
    assert!(e.message_vi().contains("không phải của tổ chức cấp chứng thư"));
    let fp: String = {
        use sha2::Digest;
        hex::encode_upper(sha2::Sha256::digest(&leaf))
    };
    let e = trust_err(acting.install_trust_anchor(&leaf_path, &fp).unwrap_err());
    assert_eq!(e.code(), "trust.end_entity");

    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name
        .push(rcgen::DnType::CommonName, "CA cũ đã hết hạn");
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.not_before = rcgen::date_time_ymd(2010, 1, 1);
    p.not_after = rcgen::date_time_ymd(2020, 1, 1);
    let key = rcgen::KeyPair::generate().unwrap();
    let expired = p.self_signed(&key).unwrap();
    let expired_path = write(files.path(), "old.pem", expired.pem().as_bytes());
    let e = trust_err(acting.inspect_certificate(&expired_path).unwrap_err());
    assert_eq!(e.code(), "trust.expired");
    assert!(e.message_vi().contains("01/01/2020"), "{}", e.message_vi());

    let junk = write(
        files.path(),
        "key.pem",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    );
    assert_eq!(
        trust_err(acting.inspect_certificate(&junk).unwrap_err()).code(),
        "trust.not_a_certificate"
    );
    let text = write(files.path(), "page.crt", b"<html>404</html>");
    assert_eq!(
        trust_err(acting.inspect_certificate(&text).unwrap_err()).code(),
        "trust.not_a_certificate"
    );
    assert!(acting.trust_anchors().unwrap().is_empty());
    assert!(audit_actions(&engine).is_empty());
}

#[test]
fn a_shipped_certificate_is_listed_but_not_removable() {
    let pki = TestPki::new();
    installed_trust_dir(pki.trust_dir());
    let (_dir, engine, admin) = support::engine_with(Role::Administrator);
    let acting = engine.acting(&admin);
    let list = acting.trust_anchors().unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        list.iter()
            .all(|c| c.source == TrustSource::Installed && !c.removable)
    );
    let root = list.iter().find(|c| c.anchor).unwrap();
    assert_eq!(root.file, "root.pem");
    let e = trust_err(acting.remove_trust_anchor(&root.fingerprint).unwrap_err());
    assert_eq!(e.code(), "trust.shipped");
    let e = trust_err(
        acting
            .install_trust_anchor(&pki.root_pem_path(), &root.fingerprint)
            .unwrap_err(),
    );
    assert_eq!(e.code(), "trust.already_installed");
    assert!(pki.root_pem_path().is_file());
}

#[test]
fn only_an_administrator_manages_trust_anchors() {
    let pki = TestPki::new();
    installed_trust_dir(tempfile::tempdir().unwrap().path());
    for role in [Role::Officer, Role::Archivist, Role::Supervisor] {
        let (_dir, engine, caller) = support::engine_with(role);
        let acting = engine.acting(&caller);
        let forbidden = |e: EngineError| assert_eq!(e.code(), "auth.forbidden", "{role}");
        forbidden(acting.trust_anchors().unwrap_err());
        forbidden(acting.inspect_certificate(&pki.root_pem_path()).unwrap_err());
        forbidden(
            acting
                .install_trust_anchor(&pki.root_pem_path(), "00")
                .unwrap_err(),
        );
        forbidden(acting.remove_trust_anchor("00").unwrap_err());
        assert!(!engine.data_dir().join("trust").exists());
    }
}

#[test]
fn a_token_chained_to_a_desk_installed_root_signs_only_after_it_is_installed() {
    let pki = TestPki::new();
    // The installed directory trusts another hierarchy only.
    let foreign = TestPki::new();
    installed_trust_dir(foreign.trust_dir());
    let _hsm = sohoa_vpcd_fixture::softhsm::signing_token(&pki, "CA-XA", "123456", "Công an xã Thử", false);
    let (_dir, engine, admin) = support::engine_with(Role::Administrator);
    let key = format!("pkcs11:{}#CA-XA", sohoa_vpcd_fixture::softhsm::MODULE);
    let open = || sohoa_engine::open_trusted_signer(engine.data_dir(), &key, "123456".to_owned());

    let refused = open().err().expect("an untrusted chain must be refused");
    assert_eq!(refused.code(), "sign.cert_untrusted", "{refused:?}");

    let acting = engine.acting(&admin);
    for path in [pki.root_pem_path(), pki.intermediate_pem_path()] {
        let fp = acting.inspect_certificate(&path).unwrap()[0].fingerprint.clone();
        acting.install_trust_anchor(&path, &fp).unwrap();
    }
    let signer = open().unwrap();
    let holder = sohoa_sign::CertInfo::parse(signer.certificate()).unwrap().holder;
    assert_eq!(holder.as_deref(), Some("Công an xã Thử"));
}

#[test]
fn both_directories_empty_refuses_signing() {
    let shipped = tempfile::tempdir().unwrap();
    installed_trust_dir(shipped.path());
    let (_dir, engine, _admin) = support::engine_with(Role::Administrator);
    let e = sohoa_engine::desk_trust_store(engine.data_dir()).unwrap_err();
    assert_eq!(e.code(), "sign.trust_store");
    let e = sohoa_engine::open_trusted_signer(engine.data_dir(), "pkcs11:auto", "0000".to_owned())
        .err()
        .unwrap();
    assert_eq!(e.code(), "sign.trust_store");
}

#[test]
fn a_root_ending_within_ninety_days_is_flagged_expiring() {
    installed_trust_dir(tempfile::tempdir().unwrap().path());
    let (_dir, engine, admin) = support::engine_with(Role::Administrator);
    let ymd = |d: chrono::NaiveDate| {
        use chrono::Datelike;
        rcgen::date_time_ymd(d.year(), d.month() as u8, d.day() as u8)
    };
    let today = chrono::Utc::now().date_naive();
    let files = tempfile::tempdir().unwrap();
    let root = |cn: &str, days: i64| {
        let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(rcgen::DnType::CommonName, cn);
        p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        p.not_before = rcgen::date_time_ymd(2020, 1, 1);
        p.not_after = ymd(today + chrono::Days::new(days as u64));
        let cert = p.self_signed(&rcgen::KeyPair::generate().unwrap()).unwrap();
        write(files.path(), &format!("{days}.pem"), cert.pem().as_bytes())
    };
    let acting = engine.acting(&admin);
    let soon = &acting.inspect_certificate(&root("Sắp hết hạn", 30)).unwrap()[0];
    assert!(soon.expiring && !soon.expired && soon.anchor);
    let later = &acting.inspect_certificate(&root("Còn lâu", 400)).unwrap()[0];
    assert!(!later.expiring && !later.expired);
}
