//! The status bar's token and vault cells: the summary rules on certificates from the test PKI, then the
//! real path through pcscd with a virtual PIV card inserted and pulled.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use sohoa_engine::{TokenState, summarize_tokens, token_status};
use sohoa_sign::piv::ReaderInfo;
use sohoa_sign::{CertInfo, SignError};
use sohoa_vpcd_fixture::{PivCard, TestKey, TestPki, Usage, Validity, VirtualCard};

const HOLDER: &str = "Công an xã An Thạnh 3";

fn cert(pki: &TestPki, cn: &str, validity: Validity, usage: Usage) -> CertInfo {
    CertInfo::parse(&pki.issue(cn, &TestKey::p256(), validity, usage)).unwrap()
}

fn reader(name: &str, present: bool, certificates: Vec<CertInfo>, pin_retries: Option<u32>) -> ReaderInfo {
    ReaderInfo {
        reader: name.to_owned(),
        card_present: present,
        atr: None,
        piv: present,
        pin_retries,
        certificates,
    }
}

#[test]
fn summary_names_the_signing_certificate_and_says_what_is_missing() {
    let pki = TestPki::new();
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap();

    let none = summarize_tokens(&Err(SignError::PcscUnavailable("no pcscd".into())), &[], now);
    assert_eq!(none.state, TokenState::Unavailable);
    assert_eq!(
        summarize_tokens(&Ok(vec![]), &[], now).state,
        TokenState::NoReader
    );
    let empty = summarize_tokens(&Ok(vec![reader("R0", false, vec![], None)]), &[], now);
    assert_eq!((empty.state, empty.holder), (TokenState::Absent, None));

    // An expired and an encipherment-only certificate sit beside the valid signing one: the valid one is named.
    let certs = vec![
        cert(&pki, "Cũ", Validity::Expired, Usage::Signing),
        cert(&pki, "Mã hóa", Validity::Current, Usage::EnciphermentOnly),
        cert(&pki, HOLDER, Validity::Current, Usage::Signing),
    ];
    let s = summarize_tokens(&Ok(vec![reader("R1", true, certs, Some(3))]), &[], now);
    assert_eq!(s.state, TokenState::Present);
    assert_eq!(s.holder.as_deref(), Some(HOLDER));
    assert_eq!(s.label.as_deref(), Some("R1"));
    let end = Utc.with_ymd_and_hms(2049, 12, 31, 0, 0, 0).unwrap();
    assert!(s.not_after.unwrap() >= end, "{:?}", s.not_after);
    assert_eq!(s.days_left, Some((s.not_after.unwrap() - now).num_days()));
    assert!(!s.pin_locked);

    // Only an expired certificate: still named, with negative days left; a blocked PIN is reported.
    let old = vec![cert(&pki, HOLDER, Validity::Expired, Usage::Signing)];
    let s = summarize_tokens(&Ok(vec![reader("R2", true, old, Some(0))]), &[], now);
    assert!(s.days_left.unwrap() < 0, "{:?}", s.days_left);
    assert!(s.pin_locked);

    // A card whose certificates cannot sign documents is present but names nobody.
    let enc = vec![cert(&pki, "Mã hóa", Validity::Current, Usage::EnciphermentOnly)];
    let s = summarize_tokens(&Ok(vec![reader("R3", true, enc, None)]), &[], now);
    assert_eq!((s.state, s.holder), (TokenState::Present, None));
}

#[test]
fn a_virtual_piv_card_is_seen_inserted_then_pulled() {
    let pki = TestPki::new();
    let key = TestKey::p256();
    // No PKCS#11 module: this test is about the PC/SC path (and OpenSC must not race other tests' cards).
    let modules = [PathBuf::from("/nonexistent/pkcs11.so")];
    let mut vc = VirtualCard::insert_exclusive(PivCard::signing(&pki, HOLDER, &key, "123456", false));
    let s = token_status(&modules);
    assert_eq!(s.state, TokenState::Present, "{s:?}");
    assert_eq!(s.holder.as_deref(), Some(HOLDER));
    assert_eq!(s.label.as_deref(), Some(vc.reader()));
    assert!(s.days_left.unwrap() > 365);

    vc.remove();
    let s = token_status(&modules);
    assert_eq!(s.state, TokenState::Absent, "{s:?}");
    assert_eq!(s.holder, None);
}
