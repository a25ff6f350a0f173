#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The PC/SC PIV backend against the virtual PIV card served to the system pcscd over vpcd.

mod common;

use std::time::Duration;

use common::{PIN, piv_card, sign_and_verify, unique};
use sohoa_sign::{DigestAlgorithm, Pin, PivSigner, Retry, SignError, Signer, TokenEventKind, TokenMonitor};
use sohoa_vpcd_fixture::{Reaction, TestKey, VirtualCard};

fn pin(p: &str) -> Pin {
    Pin::new(p.to_owned())
}

#[test]
fn rsa_card_signs_many_with_one_pin_entry() {
    let key = TestKey::rsa2048();
    let vc = VirtualCard::insert(piv_card(&unique("PIV RSA"), &key, false));
    let mut s = PivSigner::open(Some(vc.reader()), pin(PIN)).unwrap();
    assert!(matches!(s.key_kind(), sohoa_sign::KeyKind::Rsa { bits: 2048 }));
    for i in 0..3 {
        sign_and_verify(&mut s, format!("record {i}").as_bytes());
    }
    // 9C is "PIN always": the card saw one VERIFY at open and one per signature, all from the one entry.
    assert_eq!(vc.card().seen.get(&0x20).copied(), Some(4));
    // 256-byte input needs chaining; 256-byte answer needs GET RESPONSE.
    assert!(vc.card().seen.get(&0xC0).copied().unwrap_or(0) >= 3);
}

#[test]
fn ec_card_with_gzip_certificate_signs() {
    let key = TestKey::p256();
    let vc = VirtualCard::insert(piv_card(&unique("PIV EC"), &key, true));
    let mut s = PivSigner::open(Some(vc.reader()), pin(PIN)).unwrap();
    sign_and_verify(&mut s, b"ecdsa");
    let e = s.sign_digest(DigestAlgorithm::Sha256, &[0u8; 20]).unwrap_err();
    assert_eq!(e.code(), "sign.bad_digest");
}

#[test]
fn wrong_pin_reports_tries_then_locks() {
    let key = TestKey::p256();
    let vc = VirtualCard::insert(piv_card(&unique("PIV PIN"), &key, false));
    let e = PivSigner::open(Some(vc.reader()), pin("000000")).unwrap_err();
    assert!(
        matches!(
            e,
            SignError::WrongPin {
                retries_left: Some(2)
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.retry(), Retry::EnterPin);
    assert!(e.message_vi().contains("còn 2 lần"));
    // Retry path: the right PIN resets the counter.
    let mut s = PivSigner::open(Some(vc.reader()), pin(PIN)).unwrap();
    sign_and_verify(&mut s, b"after retry");
    assert_eq!(vc.card().pin_tries_left(), 3);
    drop(s);
    for left in [2, 1] {
        let e = PivSigner::open(Some(vc.reader()), pin("999999")).unwrap_err();
        assert!(
            matches!(e, SignError::WrongPin { retries_left: Some(n) } if n == left),
            "{e:?}"
        );
    }
    let e = PivSigner::open(Some(vc.reader()), pin("999999")).unwrap_err();
    assert!(matches!(e, SignError::PinLocked), "{e:?}");
    let e = PivSigner::open(Some(vc.reader()), pin(PIN)).unwrap_err();
    assert!(matches!(e, SignError::PinLocked), "{e:?}");
    assert_eq!(e.code(), "sign.pin_locked");
    assert_eq!(e.retry(), Retry::ContactIssuer);
}

#[test]
fn removal_mid_signing_is_reported_and_reinsertion_recovers() {
    let key = TestKey::rsa2048();
    let mut vc = VirtualCard::insert(piv_card(&unique("PIV REMOVE"), &key, false));
    let monitor = TokenMonitor::start().unwrap();
    let mut s = PivSigner::open(Some(vc.reader()), pin(PIN)).unwrap();
    vc.card().on_sign = Reaction::Vanish;
    let e = s.sign_digest(DigestAlgorithm::Sha256, &[1u8; 32]).unwrap_err();
    assert!(matches!(e, SignError::TokenRemoved), "{e:?}");
    assert_eq!(e.retry(), Retry::ReinsertToken);
    // The monitor saw the card go.
    let reader = vc.reader().to_owned();
    wait_event(&monitor, &reader, TokenEventKind::Removed);
    vc.card().on_sign = Reaction::Answer;
    vc.reinsert();
    wait_event(&monitor, &reader, TokenEventKind::Inserted);
    let mut s = PivSigner::open(Some(&reader), pin(PIN)).unwrap();
    sign_and_verify(&mut s, b"after reinsertion");
}

#[test]
fn unknown_reader_is_a_clear_error() {
    sohoa_vpcd_fixture::pcscd::ensure_running();
    let e = PivSigner::open(Some("No Such Reader 99"), pin(PIN)).unwrap_err();
    assert!(matches!(e, SignError::NoReader(Some(_))), "{e:?}");
}

fn wait_event(m: &TokenMonitor, reader: &str, kind: TokenEventKind) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        if let Some(ev) = m.next_timeout(Duration::from_millis(500)) {
            let ev = ev.unwrap();
            if ev.reader == reader && ev.kind == kind && !ev.initial {
                return;
            }
        }
    }
    panic!("no {kind:?} event for {reader}");
}

#[test]
fn batch_session_resumes_after_reinsertion_without_a_new_pin() {
    use sohoa_sign::{KeySpec, SigningSession};
    let key = TestKey::p256();
    let card = piv_card(&unique("PIV BATCH"), &key, false);
    let mut vc = VirtualCard::insert(card);
    let reader = vc.reader().to_owned();
    let spec: KeySpec = format!("piv:{reader}").parse().unwrap();
    let mut session = SigningSession::open(spec, pin(PIN), common::trust()).unwrap();
    // The trusted session hands the intermediate of the test PKI to the CMS.
    assert_eq!(session.chain().len(), 1);
    sign_and_verify(&mut session, b"record 1");
    vc.card().on_sign = Reaction::Vanish;
    let e = session
        .sign_digest(DigestAlgorithm::Sha256, &[9u8; 32])
        .unwrap_err();
    assert!(matches!(e, SignError::TokenRemoved), "{e:?}");
    assert!(!session.is_open());
    // Still out: a clear "no token" style error, the session waits.
    let e = session
        .sign_digest(DigestAlgorithm::Sha256, &[9u8; 32])
        .unwrap_err();
    assert_eq!(e.retry(), Retry::ReinsertToken, "{e:?}");
    vc.card().on_sign = Reaction::Answer;
    vc.reinsert();
    sign_and_verify(&mut session, b"record 2");
    sign_and_verify(&mut session, b"record 3");
    assert_eq!(session.signatures(), 3);
    // Another card in the reader is refused: one batch, one certificate.
    drop(vc);
    let other = TestKey::p256();
    let vc2 = VirtualCard::insert(piv_card(&unique("PIV OTHER"), &other, false));
    if vc2.reader() == reader {
        vc2.card().on_sign = Reaction::Answer;
        let mut s2 = session;
        // Force a reopen: the old handle is gone with the old card.
        let _ = s2.sign_digest(DigestAlgorithm::Sha256, &[1u8; 32]);
        let e = s2.sign_digest(DigestAlgorithm::Sha256, &[1u8; 32]).unwrap_err();
        assert!(matches!(e, SignError::TokenChanged), "{e:?}");
    }
}
