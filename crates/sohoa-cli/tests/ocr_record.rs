//! `sohoa ocr --record ID` as scripts see it: the real binary on a throw-away data directory, a record
//! with an imported page generated from real Vietnamese text (sohoa-testkit), real Tesseract `vie`,
//! the real PDF writer and poppler's `pdftotext`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sohoa_testkit::cases::{CaseMix, case};

fn run(data: &Path, args: &[&str]) -> Output {
    support::sohoa(data, args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The stored file of that content: blobs are kept under their SHA-256 as file name.
fn blob(data: &Path, sha256: &str) -> PathBuf {
    fn walk(dir: &Path, name: &str) -> Option<PathBuf> {
        for e in std::fs::read_dir(dir).ok()?.flatten() {
            let p = e.path();
            if p.is_dir() {
                if let Some(found) = walk(&p, name) {
                    return Some(found);
                }
            } else if p.file_name().is_some_and(|n| n == name) {
                return Some(p);
            }
        }
        None
    }
    walk(data, sha256).unwrap_or_else(|| panic!("blob {sha256} not under {}", data.display()))
}

fn words_of(page: &Value) -> Vec<String> {
    page["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["paragraphs"].as_array().unwrap())
        .flat_map(|p| p["lines"].as_array().unwrap())
        .flat_map(|l| l["words"].as_array().unwrap())
        .map(|w| w["text"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn ocr_record_stores_nfc_words_in_a_new_version_and_the_pdf_gets_a_text_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let rec = support::json(support::NEW_RESULT_RECORD, |a| run(&data, a));
    let id = rec["id"].as_str().unwrap().to_owned();

    // A page as the scanner's clean-up stores it (upright; noise, blur, JPEG, tint as drawn by the seed).
    let c = case(
        4242,
        &CaseMix {
            p_blank: 0.0,
            ..CaseMix::after_cleanup()
        },
    )
    .unwrap();
    let png = tmp.path().join("trang-1.png");
    c.image.save(&png).unwrap();
    let imported = support::json(&["import", png.to_str().unwrap(), "--record", &id], |a| {
        run(&data, a)
    });
    assert_eq!(imported["version"], 1);

    let report = support::json(&["ocr", "--record", &id], |a| run(&data, a));
    assert_eq!(report["record_id"], id.as_str());
    assert_eq!(report["source_version"], 1);
    assert_eq!(report["version"], 2);
    assert_eq!(
        (report["pages"].as_u64(), report["blank"].as_u64()),
        (Some(1), Some(0))
    );
    assert!(report["words"].as_u64().unwrap() > 50, "{report}");

    let detail = support::json(&["record", "show", &id], |a| run(&data, a));
    let versions = detail["versions"].as_array().unwrap();
    let v2 = versions
        .iter()
        .find(|v| v["number"] == 2)
        .unwrap_or_else(|| panic!("{detail:#}"));
    let files = v2["files"].as_array().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["trang-1.png", "trang-1.png.ocr.json"]);
    let ocr_file = &files[1];
    assert_eq!(ocr_file["media_type"], "application/json");
    let stored: Value =
        serde_json::from_slice(&std::fs::read(blob(&data, ocr_file["sha256"].as_str().unwrap())).unwrap())
            .unwrap();
    assert_eq!(stored["input"], "trang-1.png");
    assert_eq!(stored["cleaned"], false);
    let words = words_of(&stored);
    assert!(words.len() > 50);
    for w in &words {
        assert_eq!(*w, sohoa_core::text::nfc(w), "word {w:?} is not NFC");
    }
    let text = stored["text"].as_str().unwrap();
    assert_eq!(text, sohoa_core::text::nfc(text));
    let rate = sohoa_ocr::cer::cer(&c.truth.text(), text);
    assert!(rate <= 0.01, "stored text CER {:.3}%", 100.0 * rate);
    // Vietnamese letters with stacked marks came through as printed.
    for expected in ["CỘNG", "HÒA", "NGHĨA", "Độc"] {
        assert!(
            words.iter().any(|w| w == expected),
            "{expected} not among the words"
        );
    }

    // A second run finds every page read and makes no version.
    let again = support::json(&["ocr", "--record", &id], |a| run(&data, a));
    assert_eq!(again["version"], Value::Null);
    assert_eq!(again["already"], 1);

    let pdf = tmp.path().join("hoso.pdf");
    let o = run(
        &data,
        &[
            "pdf",
            "--record",
            &id,
            "--out",
            pdf.to_str().unwrap(),
            "--dpi",
            "300",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let layer = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    assert!(layer.status.success());
    let layer = String::from_utf8(layer.stdout).unwrap();
    let found: std::collections::HashSet<&str> = layer.split_whitespace().collect();
    let truth = c.truth.text();
    let truth_words: Vec<&str> = truth.split_whitespace().collect();
    let hits = truth_words.iter().filter(|w| found.contains(*w)).count();
    assert!(
        hits * 100 >= truth_words.len() * 97,
        "{hits}/{} words in the PDF text layer:\n{layer}",
        truth_words.len()
    );
}

#[test]
fn ocr_of_an_unknown_record_is_not_found_with_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // The store exists (one record), the asked one does not.
    support::json(support::NEW_RESULT_RECORD, |a| run(&data, a));
    let o = run(
        &data,
        &["ocr", "--record", "0190aaaa-0000-7000-8000-000000000000"],
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.starts_with("sohoa: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let o = run(
        &data,
        &[
            "ocr",
            "--record",
            "0190aaaa-0000-7000-8000-000000000000",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(4));
    let body: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(body["ok"], false);
    assert!(
        body["error"]["code"].as_str().unwrap().contains("not_found"),
        "{body}"
    );
}
