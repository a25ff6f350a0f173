#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The PKCS#11 backend against SoftHSM2 (a private token directory per test process), and the trust
//! checks made before signing.

mod common;

use std::path::PathBuf;

use common::{
    PIN, TOKEN_CTX, TOKEN_EC, TOKEN_EXPIRED, TOKEN_RSA, TOKEN_USAGE, sign_and_verify, softhsm, trust,
};
use sohoa_sign::{
    DigestAlgorithm, KeyKind, KeySpec, ModuleChoice, Pin, Pkcs11Signer, Retry, SignError, Signer, open_signer,
};

fn softhsm_module() -> ModuleChoice {
    ModuleChoice::Path(PathBuf::from(sohoa_sign::pkcs11::SOFTHSM_MODULE))
}

fn open(label: &str, pin: &str) -> Result<Pkcs11Signer, SignError> {
    softhsm();
    Pkcs11Signer::open(&softhsm_module(), Some(label), Pin::new(pin.to_owned()))
}

#[test]
fn rsa_token_signs_a_batch_with_one_login() {
    let mut s = open(TOKEN_RSA, PIN).unwrap();
    assert_eq!(s.key_kind(), KeyKind::Rsa { bits: 2048 });
    assert!(!s.always_authenticate());
    for i in 0..5 {
        sign_and_verify(&mut s, format!("record {i}").as_bytes());
    }
}

#[test]
fn ec_token_returns_der_signatures() {
    let mut s = open(TOKEN_EC, PIN).unwrap();
    assert!(matches!(s.key_kind(), KeyKind::Ec { .. }));
    sign_and_verify(&mut s, b"ecdsa via CKM_ECDSA");
}

#[test]
fn always_authenticate_key_gets_context_specific_login_every_time() {
    let mut s = open(TOKEN_CTX, PIN).unwrap();
    assert!(s.always_authenticate());
    // SoftHSM enforces CKA_ALWAYS_AUTHENTICATE: a plain C_SignInit + C_Sign after the user login fails.
    {
        use cryptoki::mechanism::Mechanism;
        use cryptoki::object::{Attribute, ObjectClass};
        let ctx = sohoa_sign::pkcs11::shared_module(std::path::Path::new(sohoa_sign::pkcs11::SOFTHSM_MODULE))
            .unwrap();
        let slot = ctx
            .get_slots_with_token()
            .unwrap()
            .into_iter()
            .find(|s| ctx.get_token_info(*s).unwrap().label() == TOKEN_CTX)
            .unwrap();
        let session = ctx.open_ro_session(slot).unwrap();
        let key = session
            .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
            .unwrap()[0];
        let e = session.sign(&Mechanism::RsaPkcs, key, &[0u8; 51]).unwrap_err();
        assert!(
            matches!(
                e,
                cryptoki::error::Error::Pkcs11(cryptoki::error::RvError::UserNotLoggedIn, _)
            ),
            "{e}"
        );
    }
    for i in 0..3 {
        sign_and_verify(&mut s, format!("ctx {i}").as_bytes());
    }
}

#[test]
fn wrong_pin_then_retry() {
    let e = open(TOKEN_RSA, "000000").unwrap_err();
    assert!(matches!(e, SignError::WrongPin { .. }), "{e:?}");
    assert_eq!(e.code(), "sign.wrong_pin");
    assert_eq!(e.retry(), Retry::EnterPin);
    let mut s = open(TOKEN_RSA, PIN).unwrap();
    sign_and_verify(&mut s, b"retry");
}

#[test]
fn unknown_label_and_missing_module() {
    let e = open("NO SUCH TOKEN", PIN).unwrap_err();
    assert!(matches!(e, SignError::NoToken(Some(_))), "{e:?}");
    let e = Pkcs11Signer::open(
        &ModuleChoice::Path(PathBuf::from("/usr/lib/vnpt-ca/libvnptca_p11.so")),
        None,
        Pin::new(PIN.to_owned()),
    )
    .unwrap_err();
    assert!(matches!(e, SignError::ModuleMissing { .. }), "{e:?}");
    assert_eq!(e.code(), "sign.module_missing");
    assert_eq!(e.retry(), Retry::InstallDriver);
    assert!(e.message_vi().contains("trình điều khiển"));
    // Not a PKCS#11 module at all.
    let e = Pkcs11Signer::open(
        &ModuleChoice::Path(PathBuf::from("/usr/lib/x86_64-linux-gnu/libc.so.6")),
        None,
        Pin::new(PIN.to_owned()),
    )
    .unwrap_err();
    assert!(matches!(e, SignError::ModuleLoad { .. }), "{e:?}");
}

#[test]
fn probing_finds_the_token_by_label() {
    softhsm();
    // Probing loads OpenSC, which must not look at other tests' virtual cards (see insert_exclusive).
    let _readers = sohoa_vpcd_fixture::vpcd::lock_all_readers();
    let spec: KeySpec = format!("pkcs11:auto#{TOKEN_EC}").parse().unwrap();
    let mut s = open_signer(&spec, Pin::new(PIN.to_owned()), &trust()).unwrap();
    sign_and_verify(s.as_mut(), b"probed");
    // The trusted signer hands the CMS the verified path: the intermediate, not the root.
    assert_eq!(s.chain(), &[common::pki().intermediate_der().to_vec()]);
}

#[test]
fn expired_certificate_is_refused_before_signing() {
    softhsm();
    let spec: KeySpec = format!("pkcs11:softhsm#{TOKEN_EXPIRED}").parse().unwrap();
    let e = open_signer(&spec, Pin::new(PIN.to_owned()), &trust())
        .err()
        .unwrap();
    assert!(
        matches!(e, SignError::CertExpired { ref not_after } if not_after == "2021-01-01"),
        "{e:?}"
    );
    assert_eq!(e.retry(), Retry::OtherCertificate);
    assert!(e.message_vi().contains("hết hạn"));
}

#[test]
fn wrong_usage_certificate_is_refused() {
    softhsm();
    let spec: KeySpec = format!("pkcs11:softhsm#{TOKEN_USAGE}").parse().unwrap();
    let e = open_signer(&spec, Pin::new(PIN.to_owned()), &trust())
        .err()
        .unwrap();
    assert!(matches!(e, SignError::CertKeyUsage { .. }), "{e:?}");
    assert_eq!(e.code(), "sign.cert_key_usage");
}

#[test]
fn certificate_outside_the_anchors_is_refused() {
    softhsm();
    let other = sohoa_vpcd_fixture::TestPki::new();
    let store = sohoa_sign::TrustStore::load_dir(other.trust_dir()).unwrap();
    let spec: KeySpec = format!("pkcs11:softhsm#{TOKEN_RSA}").parse().unwrap();
    let e = open_signer(&spec, Pin::new(PIN.to_owned()), &store)
        .err()
        .unwrap();
    assert!(matches!(e, SignError::CertUntrusted(_)), "{e:?}");
    // An empty anchor directory is a configuration error, not "everything trusted".
    let empty = tempfile::tempdir().unwrap();
    let e = sohoa_sign::TrustStore::load_dir(empty.path()).unwrap_err();
    assert_eq!(e.code(), "sign.trust_store");
}

#[test]
fn bad_digest_length_is_refused() {
    let mut s = open(TOKEN_RSA, PIN).unwrap();
    let e = s.sign_digest(DigestAlgorithm::Sha384, &[0u8; 32]).unwrap_err();
    assert_eq!(e.code(), "sign.bad_digest");
}

#[test]
fn token_inventory_lists_certificates_without_pin() {
    softhsm();
    let tokens =
        sohoa_sign::pkcs11::list_tokens(std::path::Path::new(sohoa_sign::pkcs11::SOFTHSM_MODULE)).unwrap();
    let t = tokens.iter().find(|t| t.label == TOKEN_RSA).unwrap();
    assert_eq!(t.certificates.len(), 1);
    let c = &t.certificates[0];
    assert!(c.subject.contains("SOHOA RSA signer"), "{}", c.subject);
    assert!(c.issuer.contains("SOHOA TEST CA"), "{}", c.issuer);
    assert!(c.has_non_repudiation());
}
