#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: a PDF/A copy made by sohoa-pdf, signed (PAdES B-B, Decree 30 stamp) through each token
//! backend — SoftHSM2 over PKCS#11, the virtual PIV card directly over PC/SC and through OpenSC — and
//! validated by pyHanko (test root as the only anchor), poppler's pdfsig and qpdf. The removal of the card
//! mid-signing leaves no signed output and a clear error.

mod common;

use std::path::PathBuf;

use common::{PIN, TOKEN_CTX, TOKEN_EC, TOKEN_RSA, piv_card, pki, softhsm, trust, unique};
use sohoa_pdf::{CopyForm, DocumentMeta, PageInput, SignOptions, WriteOptions};
use sohoa_sign::{KeySpec, Pin, SignError, Signer, SigningSession, open_signer};
use sohoa_vpcd_fixture::{Reaction, TestKey, VirtualCard};

const AGENCY: &str = "Công an xã Tân Lập";

fn copy_pdf() -> Vec<u8> {
    let image = image::RgbImage::from_fn(827, 1170, |x, y| {
        if (100..700).contains(&x) && (y / 40) % 2 == 1 && y < 600 && (x / 9) % 3 != 0 {
            image::Rgb([20, 20, 20])
        } else {
            image::Rgb([250, 248, 240])
        }
    });
    let page = PageInput {
        image,
        dpi: 100.0,
        words: Vec::new(),
    };
    let meta = DocumentMeta {
        title: "Giấy xác nhận cư trú".to_owned(),
        ..Default::default()
    };
    sohoa_pdf::write_pdfa(
        &[page],
        &meta,
        &WriteOptions {
            image_mode: Default::default(),
            created: None,
        },
    )
    .unwrap()
}

fn sign(signer: &mut dyn Signer) -> Result<Vec<u8>, sohoa_pdf::PdfError> {
    let opts = SignOptions {
        agency: AGENCY.to_owned(),
        copy_form: CopyForm::SaoY,
        tsa_url: None,
        time: None,
    };
    sohoa_pdf::sign_pdf(&copy_pdf(), signer, &opts).map(|o| o.bytes)
}

/// pyHanko with the test root as the only trust anchor, pdfsig and qpdf, on the signed file.
fn validate(bytes: &[u8], name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let pdfsig = sohoa_vpcd_fixture::validate_signed_pdf(&pki().root_pem_path(), &file);
    assert!(pdfsig.contains("Total document signed"), "pdfsig: {pdfsig}");
}

fn open(spec: &str) -> Result<Box<dyn Signer>, SignError> {
    open_signer(
        &spec.parse::<KeySpec>().unwrap(),
        Pin::new(PIN.to_owned()),
        &trust(),
    )
}

#[test]
fn softhsm_rsa_ec_and_always_authenticate_keys_sign_valid_copies() {
    softhsm();
    for token in [TOKEN_RSA, TOKEN_EC, TOKEN_CTX] {
        let mut s = open(&format!("pkcs11:softhsm#{token}")).unwrap();
        let signed = sign(s.as_mut()).unwrap();
        validate(&signed, &format!("{}.pdf", token.replace(' ', "_")));
    }
}

#[test]
fn piv_card_signs_valid_copies_directly_and_in_a_batch() {
    let key = TestKey::rsa2048();
    let vc = VirtualCard::insert(piv_card(&unique("PIV PDF"), &key, true));
    let spec: KeySpec = format!("piv:{}", vc.reader()).parse().unwrap();
    let mut session = SigningSession::open(spec, Pin::new(PIN.to_owned()), trust()).unwrap();
    for i in 0..2 {
        let signed = sign(&mut session).unwrap();
        validate(&signed, &format!("piv-{i}.pdf"));
    }
    assert_eq!(session.signatures(), 2);
}

#[test]
fn piv_card_through_opensc_signs_and_removal_leaves_nothing() {
    let label = unique("OPENSC PDF");
    let key = TestKey::p256();
    let mut vc = VirtualCard::insert_exclusive(piv_card(&label, &key, false));
    let spec = format!("pkcs11:opensc#{label}");
    let mut s = open(&spec).unwrap();
    let signed = sign(s.as_mut()).unwrap();
    validate(&signed, "opensc.pdf");
    vc.card().on_sign = Reaction::Vanish;
    let err = sign(s.as_mut()).unwrap_err();
    let text = format!("{err:?}");
    assert!(text.contains("TokenRemoved"), "{text}");
    drop(s);
    vc.card().on_sign = Reaction::Answer;
    vc.reinsert();
    let mut s = open(&spec).unwrap();
    validate(&sign(s.as_mut()).unwrap(), "opensc-retry.pdf");
}
