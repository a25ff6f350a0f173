//! `sohoa ocr` and `sohoa extract` as scripts see them: the real binary on generated pages
//! (sohoa-testkit), real Tesseract `vie`, no record store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sohoa_testkit::cases::{CaseMix, case};

fn sohoa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .args(args)
        .env_remove("SOHOA_LOG")
        .env_remove("SOHOA_EXTRACTION_DIR")
        .output()
        .unwrap()
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// An upright page as clean-up leaves it (or a blank back), written as PNG; returns its text.
fn page(dir: &Path, name: &str, seed: u64, blank: bool) -> (PathBuf, String) {
    let mix = CaseMix {
        p_blank: if blank { 1.0 } else { 0.0 },
        ..CaseMix::after_cleanup()
    };
    let c = case(seed, &mix).unwrap();
    let path = dir.join(name);
    c.image.save(&path).unwrap();
    (path, c.truth.text())
}

#[test]
fn ocr_writes_nfc_text_and_word_boxes_and_nothing_for_blank_backs() {
    let tmp = tempfile::tempdir().unwrap();
    let (front, truth) = page(tmp.path(), "scan-001.png", 4242, false);
    let (back, _) = page(tmp.path(), "scan-002.png", 4243, true);
    let out = tmp.path().join("out");
    let o = sohoa(&[
        "ocr",
        arg(&front),
        arg(&back),
        "--out",
        arg(&out),
        "--no-clean",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary.as_array().unwrap().len(), 2);
    assert_eq!(summary[1]["blank"], true);

    let text = std::fs::read_to_string(out.join("scan-001.txt")).unwrap();
    let rate = sohoa_ocr_cer(&truth, &text);
    assert!(rate <= 0.01, "CER {:.3}%", rate * 100.0);
    let nfc: String = unicode_nfc(&text);
    assert_eq!(text, nfc, "text is not NFC");
    assert_eq!(std::fs::read_to_string(out.join("scan-002.txt")).unwrap(), "");

    let json: Value = serde_json::from_slice(&std::fs::read(out.join("scan-001.json")).unwrap()).unwrap();
    assert_eq!(json["cleaned"], false);
    assert_eq!(
        (json["width"].as_u64(), json["height"].as_u64()),
        (Some(2480), Some(3508))
    );
    let words: Vec<&Value> = json["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["paragraphs"].as_array().unwrap())
        .flat_map(|p| p["lines"].as_array().unwrap())
        .flat_map(|l| l["words"].as_array().unwrap())
        .collect();
    assert!(words.len() > 50);
    for w in &words {
        let b = &w["bbox"];
        assert!(b["w"].as_u64().unwrap() > 0 && b["x"].as_u64().unwrap() + b["w"].as_u64().unwrap() <= 2480);
        let c = w["confidence"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&c));
    }
    let blank: Value = serde_json::from_slice(&std::fs::read(out.join("scan-002.json")).unwrap()).unwrap();
    assert_eq!(blank["blocks"].as_array().unwrap().len(), 0);
}

#[test]
fn extract_reads_the_document_header_of_a_page() {
    let tmp = tempfile::tempdir().unwrap();
    let (p, truth) = page(tmp.path(), "doc.png", 77, false);
    let o = sohoa(&["extract", arg(&p), "--kind", "admin-doc", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let docs: Value = serde_json::from_slice(&o.stdout).unwrap();
    let fields = docs[0]["fields"].as_array().unwrap();
    let get = |k: &str| {
        fields
            .iter()
            .find(|f| f["key"] == k)
            .unwrap_or_else(|| panic!("{k}: {docs:#}"))
    };
    let number_line = truth.lines().find(|l| l.starts_with("Số: ")).unwrap();
    let (n, notation) = number_line["Số: ".len()..].split_once('/').unwrap();
    assert_eq!(get("archival.code_number")["value"], n);
    assert_eq!(get("archival.code_notation")["value"], notation);
    assert_eq!(get("archival.code_notation")["status"], "valid");
    assert_eq!(get("place")["value"], "Cù Lao Dung");
    assert_eq!(get("archival.issued_date")["status"], "valid");
    assert!(get("archival.issued_date")["confidence"].as_f64().unwrap() > 0.8);
    assert!(get("archival.issued_date")["bbox"]["w"].as_u64().unwrap() > 0);
    assert_eq!(get("archival.organ_name")["value"], "CÔNG AN HUYỆN CÙ LAO DUNG");
}

#[test]
fn errors_are_one_line_with_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.png");
    let o = sohoa(&["ocr", arg(&missing), "--out", arg(tmp.path())]);
    assert_eq!(o.status.code(), Some(4));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("[ocr.not_found]"));

    let (p, _) = page(tmp.path(), "p.png", 5, true);
    let o = sohoa(&["ocr", arg(&p), "--out", arg(tmp.path()), "--lang", "zzz"]);
    assert_eq!(o.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&o.stderr).contains("[ocr.tessdata_missing]"));

    let o = sohoa(&["extract", arg(&p), "--kind", "passport", "--json"]);
    assert_eq!(o.status.code(), Some(3));
    let body: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(body["error"]["code"], "ocr.bad_option");

    let not_image = tmp.path().join("x.png");
    std::fs::write(&not_image, b"not an image").unwrap();
    let o = sohoa(&["extract", arg(&not_image)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("[ocr.image]"));
}

fn unicode_nfc(s: &str) -> String {
    sohoa_core::text::nfc(s)
}

/// CER as the benchmark computes it (whitespace runs collapsed).
fn sohoa_ocr_cer(reference: &str, hypothesis: &str) -> f64 {
    sohoa_ocr::cer::cer(reference, hypothesis)
}
