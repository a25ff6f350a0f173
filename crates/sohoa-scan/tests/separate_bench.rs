//! Separator timing on full-size pages. Not a test (ignored); run it in release:
//! `cargo test --release -p sohoa-scan --test separate_bench -- --ignored --nocapture`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod separate_support;

use std::time::Instant;

use rxing::BarcodeFormat;
use separate_support::pages::*;
use sohoa_scan::separate::{
    BarcodeSearch, BlankConfig, detect_blank, detect_patch, read_barcodes, read_barcodes_with,
};

fn time<T>(label: &str, n: u32, mut f: impl FnMut() -> T) {
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(f());
    }
    println!(
        "{label:<40} {:>8.1} ms/page",
        t.elapsed().as_secs_f64() * 1000.0 / f64::from(n)
    );
}

#[test]
#[ignore = "benchmark: run explicitly in release"]
fn separator_costs_per_page() {
    for dpi in [200u32, 300] {
        let text = text_page(dpi, 1);
        let patch = rotate(&patch_t_sheet(dpi), 3.0);
        let mut code = blank_page(dpi);
        draw_barcode(
            &mut code,
            "HS-000123",
            BarcodeFormat::CODE_128,
            dpi,
            dpi,
            dpi / 50,
            dpi,
        );
        let blank = blank_page(dpi);
        let cfg = BlankConfig::default();
        println!(
            "A4 at {dpi} dpi ({}x{} px); ink ratio: text page {:.3}, Code 128 sheet {:.3}",
            text.width(),
            text.height(),
            detect_blank(&text, &BlankConfig::default()).ink_ratio,
            detect_blank(&code, &BlankConfig::default()).ink_ratio
        );
        time("blank check, text page", 5, || detect_blank(&text, &cfg));
        time("patch search, text page", 5, || {
            detect_patch(&text, Some(f64::from(dpi)))
        });
        time("patch search, Patch T sheet (3° skew)", 5, || {
            detect_patch(&patch, Some(f64::from(dpi)))
        });
        time("barcode search, text page", 3, || read_barcodes(&text));
        time("barcode search, Code 128 sheet", 3, || read_barcodes(&code));
        time("barcode search, blank page", 3, || read_barcodes(&blank));
        time("quick barcode search, text page", 3, || {
            read_barcodes_with(&text, BarcodeSearch::Quick, false)
        });
        assert!(read_barcodes(&code).iter().any(|c| c.text == "HS-000123"));
    }
}
