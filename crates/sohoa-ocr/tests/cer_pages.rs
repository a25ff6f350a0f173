//! Accuracy on generated pages of real Vietnamese text (sohoa-testkit): CER per page and
//! overall through the real `vie` model, and no text at all on blank backs.
//!
//! The pages use the scanner degradations that remain after clean-up (noise, blur, JPEG,
//! paper tint) but are upright and unskewed, i.e. what sohoa-imaging hands to OCR. The
//! benchmark (bench/ocr) measures more pages, including the full scan mix.
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
        // Measured 0.225 %, 0.207 %, 0.000 % (2026-11-22, with the footnote-mark correction); one or two
        // more misread characters on a page stay under the bound, a regression does not.
        assert!(rate <= 0.004, "{}: CER {:.3}%", c.truth.label, 100.0 * rate);
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
    // Measured 0.138 % (6/4352); the held-out target is 0.14 %.
    assert!(overall <= 0.002, "overall CER {:.3}%", 100.0 * overall);
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
