#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use common::*;
use sohoa_pdf::testpki::{Leaf, TestPki, start_tsa};
use sohoa_pdf::verify::ChainStatus;
use sohoa_pdf::{DocumentMeta, Level, PdfError, SignOptions, WriteOptions, sign_pdf, verify_pdf, write_pdfa};

const AGENCY: &str = "Công an phường Hòa Bình";

fn unsigned_pdf() -> Vec<u8> {
    let meta = DocumentMeta {
        title: "Bản sao".into(),
        ..Default::default()
    };
    write_pdfa(&[page(1240, 1754)], &meta, &WriteOptions::default()).unwrap()
}

fn opts(tsa: Option<String>) -> SignOptions {
    SignOptions {
        agency: AGENCY.into(),
        copy_form: Default::default(),
        tsa_url: tsa,
        time: None,
    }
}

fn anchors(pki: &TestPki) -> Vec<x509_cert::Certificate> {
    vec![der::Decode::from_der(&pki.ca_der).unwrap()]
}

/// pyHanko (trust root = the test CA) and poppler's pdfsig must both accept the file; qpdf and our lint too.
fn external_validators(dir: &Path, path: &Path, pki: &TestPki) -> String {
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, pki.ca_pem()).unwrap();
    let (ok, out) = run(
        "/opt/sohoa-pytools/bin/pyhanko",
        &[
            "sign",
            "validate",
            "--pretty-print",
            "--no-revocation-check",
            "--trust",
            ca.to_str().unwrap(),
            "--trust-replace",
            path.to_str().unwrap(),
        ],
    );
    assert!(
        ok && out.contains("judged VALID") && !out.contains("INVALID"),
        "pyhanko:\n{out}"
    );
    let (_, sig) = run("pdfsig", &["-nocert", path.to_str().unwrap()]);
    assert!(
        sig.contains("Signature Validation: Signature is Valid."),
        "pdfsig:\n{sig}"
    );
    assert!(sig.contains("ETSI.CAdES.detached"), "pdfsig:\n{sig}");
    qpdf_check(path);
    let bytes = std::fs::read(path).unwrap();
    let lint = sohoa_pdf::lint::lint(&bytes);
    assert!(lint.ok(), "lint: {:?}", lint.violations);
    out
}

#[test]
fn bb_ecdsa_signature_validates_and_stamp_is_top_right() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = TestPki::new();
    let mut signer = pki.signer(Leaf::Signer, "Van thu Cong an phuong");
    let signed = sign_pdf(&unsigned_pdf(), &mut signer, &opts(None)).unwrap();
    assert_eq!(signed.level, Level::BB);
    assert!(signed.signing_time.ends_with("+07:00"), "{}", signed.signing_time);
    let path = dir.path().join("signed.pdf");
    std::fs::write(&path, &signed.bytes).unwrap();
    let py = external_validators(dir.path(), &path, &pki);
    assert!(py.contains("The signature covers the entire file"), "{py}");

    let report = verify_pdf(&signed.bytes, &anchors(&pki)).unwrap();
    let s = &report.signatures[0];
    assert!(s.integrity_ok, "{}", s.integrity_detail);
    assert_eq!(s.chain, ChainStatus::Trusted, "{}", s.chain_detail);
    assert_eq!(s.level, Level::BB);
    assert_eq!(s.changes_after, "none");
    assert_eq!(s.claimed_time.as_deref(), Some(signed.signing_time.as_str()));

    // No signing-time attribute in the CMS (PAdES): dump it with pdfsig and look with openssl.
    let (_, dump) = run("pdfsig", &["-nocert", "-dump", path.to_str().unwrap()]);
    let _ = dump;
    let (ok, cms) = run(
        "openssl",
        &[
            "cms",
            "-cmsout",
            "-print",
            "-inform",
            "DER",
            "-in",
            &format!("{}.sig0", path.display()),
        ],
    );
    if ok {
        assert!(!cms.contains("signingTime"), "signing-time attribute present");
        assert!(cms.contains("id-smime-aa-signingCertificateV2"), "{cms}");
    }

    // Stamp: text and place (top right of page 1), time equal to /M.
    let (ok, bbox) = run(
        "pdftotext",
        &["-f", "1", "-l", "1", "-bbox", path.to_str().unwrap(), "-"],
    );
    assert!(ok);
    let find = |w: &str| -> (f64, f64, f64) {
        let line = bbox
            .lines()
            .find(|l| l.ends_with(&format!(">{w}</word>")))
            .unwrap_or_else(|| panic!("{w} not on page 1:\n{bbox}"));
        let num = |key: &str| -> f64 {
            let s = line.split(&format!("{key}=\"")).nth(1).unwrap();
            s[..s.find('"').unwrap()].parse().unwrap()
        };
        (num("xMin"), num("yMin"), num("xMax"))
    };
    let page_w = 1240.0 * 72.0 / 300.0;
    let (sx, sy, _) = find("SAO");
    let (_, ty, tx1) = find(&signed.signing_time);
    assert!(
        sx > 20.0 && sy < 25.0 && ty < 60.0 && tx1 > page_w - 30.0,
        "stamp at {sx},{sy} .. {tx1},{ty}"
    );
    find("Hòa");
    // And it is drawn: dark pixels in the top-right corner of the rendering.
    let prefix = dir.path().join("p1");
    let (ok, _) = run(
        "pdftoppm",
        &[
            "-f",
            "1",
            "-l",
            "1",
            "-r",
            "72",
            "-png",
            "-singlefile",
            path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(ok);
    let img = image::open(dir.path().join("p1.png")).unwrap().to_rgb8();
    let dark = (img.width() / 2..img.width())
        .flat_map(|x| (0..40).map(move |y| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 80))
        .count();
    assert!(dark > 50, "no stamp ink in the top-right corner ({dark} dark px)");
}

#[test]
fn bt_rsa_with_timestamp_then_lt_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = TestPki::new();
    let tsa = start_tsa(&mut pki);
    let (key, cert) = pki.issue_rsa(Leaf::Signer, "Van thu RSA");
    let mut signer =
        sohoa_sign::pkcs12::Pkcs12Signer::from_pkcs8(&key, cert, vec![pki.ca_der.clone()]).unwrap();
    let signed = sign_pdf(&unsigned_pdf(), &mut signer, &opts(Some(tsa.url.clone()))).unwrap();
    assert_eq!(signed.level, Level::BT);
    let path = dir.path().join("bt.pdf");
    std::fs::write(&path, &signed.bytes).unwrap();
    let py = external_validators(dir.path(), &path, &pki);
    assert!(py.to_lowercase().contains("timestamp"), "{py}");
    let report = verify_pdf(&signed.bytes, &anchors(&pki)).unwrap();
    assert_eq!(report.signatures[0].level, Level::BT);
    assert!(report.signatures[0].timestamp_time.is_some());

    let lt = sohoa_pdf::sign::ltv::add_validation_data(&signed.bytes, &Default::default()).unwrap();
    let path = dir.path().join("lt.pdf");
    std::fs::write(&path, &lt).unwrap();
    external_validators(dir.path(), &path, &pki);
    let report = verify_pdf(&lt, &anchors(&pki)).unwrap();
    let s = &report.signatures[0];
    assert_eq!(s.level, Level::BLT);
    assert_eq!(s.changes_after, "validation-data", "{:?}", s.changed_objects);
    assert!(report.all_valid());
}

#[test]
fn tsa_down_is_a_clear_error_and_bb_still_signs() {
    let mut pki = TestPki::new();
    let mut signer = pki.signer(Leaf::Signer, "Van thu");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = sign_pdf(
        &unsigned_pdf(),
        &mut signer,
        &opts(Some(format!("http://127.0.0.1:{port}/tsa"))),
    )
    .unwrap_err();
    assert!(matches!(err, PdfError::Tsa(_)), "{err}");
    assert_eq!(err.code(), "sign.tsa_unavailable");
    assert!(err.message_vi().contains("B-B"));
    assert_eq!(
        sign_pdf(&unsigned_pdf(), &mut signer, &opts(None)).unwrap().level,
        Level::BB
    );
}

/// Counts calls so the test proves the token was never asked to sign.
struct Counting(sohoa_sign::pkcs12::Pkcs12Signer, u32);

impl sohoa_sign::Signer for Counting {
    fn certificate(&self) -> &[u8] {
        self.0.certificate()
    }
    fn chain(&self) -> &[Vec<u8>] {
        self.0.chain()
    }
    fn key_kind(&self) -> sohoa_sign::KeyKind {
        self.0.key_kind()
    }
    fn backend(&self) -> sohoa_sign::Backend {
        self.0.backend()
    }
    fn sign_digest(
        &mut self,
        alg: sohoa_sign::DigestAlgorithm,
        d: &[u8],
    ) -> Result<Vec<u8>, sohoa_sign::SignError> {
        self.1 += 1;
        self.0.sign_digest(alg, d)
    }
}

#[test]
fn expired_and_wrong_usage_certificates_are_refused_before_signing() {
    let mut pki = TestPki::new();
    for (leaf, needle) in [(Leaf::Expired, "expired"), (Leaf::EncryptionOnly, "key usage")] {
        let mut signer = Counting(pki.signer(leaf, "Bad"), 0);
        let err = sign_pdf(&unsigned_pdf(), &mut signer, &opts(None)).unwrap_err();
        assert_eq!(err.code(), "sign.certificate", "{err}");
        assert!(err.to_string().contains(needle), "{err}");
        assert_eq!(signer.1, 0, "token was asked to sign");
    }
}

#[test]
fn tampering_and_later_changes_are_detected() {
    let mut pki = TestPki::new();
    let mut signer = pki.signer(Leaf::Signer, "Van thu");
    let signed = sign_pdf(&unsigned_pdf(), &mut signer, &opts(None)).unwrap();
    let s = &verify_pdf(&signed.bytes, &[]).unwrap().signatures[0];
    assert!(s.integrity_ok);
    assert_eq!(s.chain, ChainStatus::Untrusted, "no anchors configured");

    // One byte of the signed page content changed.
    let mut bad = signed.bytes.clone();
    let at = bad.len() / 3; // inside the page images of the original revision
    bad[at] ^= 0x01;
    let s = &verify_pdf(&bad, &anchors(&pki)).unwrap().signatures[0];
    assert!(!s.integrity_ok, "tampering not detected");

    // A later revision that rewrites the catalog.
    let base = sohoa_pdf::sign::open_base(&signed.bytes).unwrap();
    let mut upd = sohoa_pdf::sign::objwrite::Update::new(&signed.bytes);
    let mut cat = base.doc.get_dictionary(base.root).unwrap().clone();
    cat.set("Lang", lopdf::Object::string_literal("en"));
    upd.object_value(base.root.0, &lopdf::Object::Dictionary(cat));
    let later = upd.finish(sohoa_pdf::sign::update_trailer(&base, base.next_id), base.prev);
    let r = verify_pdf(&later, &anchors(&pki)).unwrap();
    assert!(r.signatures[0].integrity_ok);
    assert_eq!(r.signatures[0].changes_after, "modified");
    assert!(!r.all_valid());
}
