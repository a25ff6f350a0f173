//! Accuracy on generated pages of real Vietnamese text (sohoa-testkit): CER per page and
//! overall through the real `vie` model, and no text at all on blank backs.
//!
//! The pages use the scanner degradations that remain after clean-up (noise, blur, JPEG,
//! paper tint) but are upright and unskewed, i.e. what sohoa-imaging hands to OCR; three
//! scan-mix pages go through the clean-up first. The benchmark (bench/ocr) and
//! `examples/ocr_cer.rs` measure more pages of the full scan mix.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sohoa_ocr::{OcrConfig, OcrEngine, cer};
use sohoa_testkit::cases::{CaseMix, case};

fn after_cleanup(p_blank: f64) -> CaseMix {
    CaseMix {
        p_blank,
        ..CaseMix::after_cleanup()
    }
}

#[test]
fn cer_per_page_and_overall() {
    let mut engine = OcrEngine::new(&OcrConfig::default()).unwrap();
    let (mut errors, mut chars) = (0, 0);
    for seed in [101u64, 202, 303] {
        let c = case(seed, &after_cleanup(0.0)).unwrap();
        let truth = c.truth.text();
        let img = sohoa_ocr::ocr_gray(image::DynamicImage::ImageRgb8(c.image));
        let page = engine.recognize(&img, c.truth.dpi).unwrap();
        let (e, n) = cer::errors(&truth, &page.text);
        let rate = e as f64 / n as f64;
        eprintln!("{}: CER {:.3}% ({e}/{n})", c.truth.label, 100.0 * rate);
        // Measured 0.225 % (3/1336), 0.207 % (3/1448), 0.000 % (0/1568) (2026-11-22, with the
        // footnote-mark correction); one more misread character on a page stays under the bound.
        assert!(rate <= 0.003, "{}: CER {:.3}%", c.truth.label, 100.0 * rate);
        assert!(page.word_count() > 50);
        assert!(
            page.words()
                .all(|w| w.bbox.right() <= img.width() && w.bbox.bottom() <= img.height())
        );
        errors += e;
        chars += n;
    }
    let overall = errors as f64 / chars as f64;
    eprintln!("overall CER {:.3}% ({errors}/{chars})", 100.0 * overall);
    // Measured 0.138 % (6/4352); the held-out target is 0.14 %. One more error passes (0.161 %), two fail.
    assert!(overall <= 0.0017, "overall CER {:.3}%", 100.0 * overall);
}

/// Scan-mix pages (skew, dark borders, quarter turns, holes) through the real clean-up
/// (`clean_file`: sohoa-imaging) and then OCR, as `sohoa ocr` does. Seeds 7103 and 7113 are
/// sheets whose corners the scan cut: the bed wedges left inside the crop were read as a line
/// of letters (`anagạàặnngẠẶnsxc`, 1.00 % on 7113, 0.43 % on 7103) until clean-up painted them.
#[test]
fn cer_of_scan_mix_pages_after_clean_up() {
    let tmp = tempfile::tempdir().unwrap();
    let mut engine = OcrEngine::new(&OcrConfig::default()).unwrap();
    let (mut errors, mut chars) = (0, 0);
    // Measured (2026-11-22): 7103 1/1646, 7113 0/1704, 7112 0/1726 (0.020 %); two errors of margin.
    for (seed, max_errors) in [(7103u64, 3), (7113, 2), (7112, 2)] {
        let c = case(seed, &CaseMix::default()).unwrap();
        assert!(!c.truth.blank);
        let png = tmp.path().join(format!("{seed}.png"));
        c.image.save(&png).unwrap();
        let (cleaned, dpi) = sohoa_ocr::clean_file(&png).unwrap();
        let page = engine.recognize(&sohoa_ocr::ocr_gray(cleaned), dpi).unwrap();
        let (e, n) = cer::errors(&c.truth.text(), &page.text);
        eprintln!(
            "{}: CER {:.3}% ({e}/{n})",
            c.truth.label,
            100.0 * e as f64 / n as f64
        );
        assert!(
            e <= max_errors,
            "{}: {e}/{n} errors\n{}",
            c.truth.label,
            page.text
        );
        errors += e;
        chars += n;
    }
    eprintln!(
        "overall CER {:.3}% ({errors}/{chars})",
        100.0 * errors as f64 / chars as f64
    );
    assert!(errors <= 3, "overall {errors}/{chars}");
}

#[test]
fn blank_backs_give_no_text() {
    let mut engine = OcrEngine::new(&OcrConfig::default()).unwrap();
    for seed in [11u64, 12] {
        let c = case(seed, &after_cleanup(1.0)).unwrap();
        assert!(c.truth.blank);
        let img = sohoa_ocr::ocr_gray(image::DynamicImage::ImageRgb8(c.image));
        let page = engine.recognize(&img, 300).unwrap();
        assert_eq!(page.text, "", "{}", c.truth.label);
        assert_eq!(page.word_count(), 0);
    }
}
