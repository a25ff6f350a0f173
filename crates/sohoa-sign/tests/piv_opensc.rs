#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The PKCS#11 backend through OpenSC's module driving the virtual PIV card: cryptoki → opensc-pkcs11.so →
//! pcscd → vpcd → fixture, the path a desk with a PIV-compatible token takes.

mod common;

use std::path::PathBuf;

use common::{PIN, piv_card, sign_and_verify, trust, unique};
use sohoa_sign::{
    DigestAlgorithm, KeySpec, ModuleChoice, Pin, Pkcs11Signer, Retry, SignError, Signer, open_signer,
};
use sohoa_vpcd_fixture::{Reaction, TestKey, VirtualCard};

fn opensc() -> ModuleChoice {
    ModuleChoice::Path(PathBuf::from(sohoa_sign::pkcs11::OPENSC_MODULE))
}

/// OpenSC names a PIV token after the certificate's CN.
fn open(label: &str, pin: &str) -> Result<Pkcs11Signer, SignError> {
    Pkcs11Signer::open(&opensc(), Some(label), Pin::new(pin.to_owned()))
}

#[test]
fn rsa_piv_through_opensc_signs_and_chains_to_the_anchor() {
    let label = unique("OPENSC RSA");
    let key = TestKey::rsa2048();
    let _vc = VirtualCard::insert_exclusive(piv_card(&label, &key, false));
    let spec: KeySpec = format!("pkcs11:opensc#{label}").parse().unwrap();
    let mut s = open_signer(&spec, Pin::new(PIN.to_owned()), &trust()).unwrap();
    for i in 0..3 {
        sign_and_verify(s.as_mut(), format!("batch {i}").as_bytes());
    }
}

#[test]
fn ec_piv_through_opensc_signs() {
    let label = unique("OPENSC EC");
    let key = TestKey::p256();
    let _vc = VirtualCard::insert_exclusive(piv_card(&label, &key, true));
    let mut s = open(&label, PIN).unwrap();
    sign_and_verify(&mut s, b"ecdsa through opensc");
}

#[test]
fn wrong_pin_and_lock_through_opensc() {
    let label = unique("OPENSC PIN");
    let key = TestKey::p256();
    let vc = VirtualCard::insert_exclusive(piv_card(&label, &key, false));
    let e = open(&label, "000000").unwrap_err();
    assert!(matches!(e, SignError::WrongPin { .. }), "{e:?}");
    assert_eq!(vc.card().pin_tries_left(), 2);
    let e = open(&label, "000000").unwrap_err();
    // OpenSC raises CKF_USER_PIN_FINAL_TRY from the card's 63C1: the officer is told one try is left.
    assert!(
        matches!(
            e,
            SignError::WrongPin {
                retries_left: Some(1)
            }
        ),
        "{e:?}"
    );
    assert!(e.message_vi().contains("còn 1 lần"));
    let e = open(&label, "000000").unwrap_err();
    assert!(
        matches!(e, SignError::PinLocked | SignError::WrongPin { .. }),
        "{e:?}"
    );
    assert_eq!(vc.card().pin_tries_left(), 0);
    let e = open(&label, PIN).unwrap_err();
    assert!(matches!(e, SignError::PinLocked), "{e:?}");
    assert_eq!(e.retry(), Retry::ContactIssuer);
}

#[test]
fn removal_mid_signing_through_opensc() {
    let label = unique("OPENSC REMOVE");
    let key = TestKey::rsa2048();
    let mut vc = VirtualCard::insert_exclusive(piv_card(&label, &key, false));
    let mut s = open(&label, PIN).unwrap();
    sign_and_verify(&mut s, b"before");
    vc.card().on_sign = Reaction::Vanish;
    let e = s.sign_digest(DigestAlgorithm::Sha256, &[3u8; 32]).unwrap_err();
    assert!(matches!(e, SignError::TokenRemoved), "{e:?}");
    assert_eq!(e.retry(), Retry::ReinsertToken);
    drop(s);
    vc.card().on_sign = Reaction::Answer;
    vc.reinsert();
    let mut s = open(&label, PIN).unwrap();
    sign_and_verify(&mut s, b"after reinsertion");
}
