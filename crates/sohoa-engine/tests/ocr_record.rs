//! OCR words stored with a record version become its PDF's invisible text layer: pdftotext finds the
//! page text, and a word's box lands where the word is printed (pdftotext -bbox against the generator's
//! line boxes). Real Tesseract (`vie`), real PDF writer, real poppler.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

mod support;

use sohoa_engine::{Engine, EngineConfig};
use sohoa_ocr::{OcrConfig, cer};
use sohoa_testkit::cases::{CaseMix, case};

#[test]
fn ocr_words_become_the_record_pdf_text_layer() {
    if support::rerun_with_thread_limit("ocr_words_become_the_record_pdf_text_layer") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let e = Engine::open(EngineConfig::with_data_dir(dir.path().join("data"))).unwrap();
    let rec = e.create_record(&support::id_card()).unwrap();
    let id = rec.summary.id.clone();
    let mix = CaseMix {
        p_blank: 0.0,
        ..CaseMix::after_cleanup()
    };
    let c = case(4242, &mix).unwrap();
    let png = dir.path().join("trang-1.png");
    c.image.save(&png).unwrap();
    let imported = e.import_files(&id, &[png]).unwrap();

    let report = e.ocr_record(&id, &OcrConfig::default(), Some(1)).unwrap();
    assert_eq!(report.source_version, imported.version);
    assert_eq!(report.version, Some(imported.version + 1));
    assert_eq!((report.pages, report.already, report.blank), (1, 0, 0));
    assert!(report.words > 50, "{report:?}");
    let again = e.ocr_record(&id, &OcrConfig::default(), Some(1)).unwrap();
    assert_eq!((again.version, again.pages, again.already), (None, 0, 1));
    let detail = e.record_detail(&id).unwrap();
    let current = detail
        .versions
        .iter()
        .find(|v| v.number == imported.version + 1)
        .unwrap();
    let names: Vec<_> = current.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["trang-1.png", "trang-1.png.ocr.json"]);

    let (pdf, r) = e.record_pdf(&id, Some(300.0)).unwrap();
    assert_eq!((r.pages, r.text_pages), (1, 1));
    let path = dir.path().join("record.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let (errors, n) = cer::errors(&c.truth.text(), &text);
    // pdftotext orders the two-column header and the dashes of "Độc lập - Tự do - Hạnh phúc" its own
    // way (measured 41/1499 = 2.7 %, all reading order); the words themselves must all be there.
    assert!(errors * 100 <= n * 4, "text layer CER {errors}/{n}:\n{text}");
    let words: std::collections::HashSet<&str> = text.split_whitespace().collect();
    let found = c
        .truth
        .text()
        .split_whitespace()
        .filter(|w| words.contains(w))
        .count();
    let total = c.truth.text().split_whitespace().count();
    assert!(
        found * 100 >= total * 97,
        "{found}/{total} words in the text layer"
    );

    // Position: the first word of the first long line, in PDF points (300 dpi → 72 pt per inch).
    let line = c
        .truth
        .lines
        .iter()
        .find(|l| l.text.split_whitespace().count() >= 5)
        .unwrap();
    let first = line.text.split_whitespace().next().unwrap();
    let bbox = Command::new("pdftotext")
        .arg("-bbox")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let bbox = String::from_utf8(bbox.stdout).unwrap();
    let pt = |px: u32| f64::from(px) * 72.0 / 300.0;
    let (x, y) = (pt(line.bbox[0]), pt(line.bbox[1]));
    let found = bbox
        .lines()
        .filter(|l| l.contains(&format!(">{first}<")))
        .any(|l| {
            let attr = |k: &str| -> f64 {
                let s = &l[l.find(&format!("{k}=\"")).unwrap() + k.len() + 2..];
                s[..s.find('"').unwrap()].parse().unwrap()
            };
            (attr("xMin") - x).abs() < 3.0 && (attr("yMin") - y).abs() < 6.0
        });
    assert!(found, "'{first}' not found near ({x:.1}, {y:.1}) pt:\n{bbox}");
}
