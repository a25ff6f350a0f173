//! CER experiments (a command, not a test): generated scan-mix pages go through sohoa-imaging's
//! clean-up once, then through OCR variants (image fed to Tesseract, resolution, segmentation,
//! Tesseract parameters), printing CER per page and overall for each, so a change is kept only
//! when it measurably helps.
//!
//! `cargo run -p sohoa-ocr --example ocr_cer -- --pages 24 --seed 7000 --variants base,luma,thr=2 [--keep DIR]`
//!
//! A variant is a `+`-joined list of: `base`, `luma` (luminance grey instead of the red channel),
//! `bin` (sohoa-imaging's binary derivative), `dpi=N` (resolution told to Tesseract), `up=F`
//! (upscale by F), `psm=N`, `raw` (no post-processing), `NAME=VALUE` (any other Tesseract parameter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use image::{DynamicImage, GrayImage};
use sohoa_ocr::{OcrConfig, OcrEngine, Psm, cer, clean_file, ocr_gray};
use sohoa_testkit::cases::{CaseMix, case};

fn main() {
    sohoa_ocr::omp::reexec_with_thread_limit();
    let mut pages = 24u64;
    let mut seed = 7000u64;
    let mut variants = vec!["base".to_owned()];
    let mut keep: Option<PathBuf> = None;
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        match k.as_str() {
            "--pages" => pages = it.next().unwrap().parse().unwrap(),
            "--seed" => seed = it.next().unwrap().parse().unwrap(),
            "--variants" => variants = it.next().unwrap().split(',').map(str::to_owned).collect(),
            "--keep" => keep = Some(PathBuf::from(it.next().unwrap())),
            other => panic!("unknown argument {other}"),
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let mut engine = OcrEngine::new(&OcrConfig::default()).unwrap();
    let mut errs = vec![0usize; variants.len()];
    let mut secs = vec![0f64; variants.len()];
    let mut chars = 0usize;
    let mut blank_chars = vec![0usize; variants.len()];
    for i in 0..pages {
        let c = case(seed + i, &CaseMix::default()).unwrap();
        let png = dir.join(format!("p{}.png", seed + i));
        c.image.save(&png).unwrap();
        let truth = c.truth.text();
        if keep.is_some() {
            std::fs::write(dir.join(format!("p{}.truth.txt", seed + i)), &truth).unwrap();
        }
        let (cleaned, dpi) = clean_file(&png).unwrap();
        let mut row = format!("{:<44}", c.truth.label.chars().take(44).collect::<String>());
        for (v, name) in variants.iter().enumerate() {
            let t = std::time::Instant::now();
            let text = run_variant(&mut engine, name, &png, &cleaned, dpi);
            secs[v] += t.elapsed().as_secs_f64();
            let (e, n) = cer::errors(&truth, &text);
            if keep.is_some() {
                std::fs::write(dir.join(format!("p{}.{name}.txt", seed + i)), &text).unwrap();
            }
            if c.truth.blank {
                blank_chars[v] += e;
                row += &format!(" {:>8}", format!("b{e}"));
            } else {
                errs[v] += e;
                if v == 0 {
                    chars += n;
                }
                row += &format!(" {:>7.2}%", 100.0 * e as f64 / n.max(1) as f64);
            }
        }
        println!("{row}");
    }
    println!(
        "overall on {pages} pages ({chars} chars of text), seeds {seed}..{}:",
        seed + pages - 1
    );
    for (v, name) in variants.iter().enumerate() {
        println!(
            "  {name:<40} CER {:.3}% ({} errors), blank-back chars {}, {:.1}s",
            100.0 * errs[v] as f64 / chars.max(1) as f64,
            errs[v],
            blank_chars[v],
            secs[v]
        );
    }
}

fn run_variant(
    engine: &mut OcrEngine,
    spec: &str,
    _png: &std::path::Path,
    cleaned: &DynamicImage,
    dpi: u32,
) -> String {
    let mut img: GrayImage = ocr_gray(cleaned.clone());
    let mut dpi = dpi;
    let mut psm = Psm::Auto;
    let mut raw = false;
    let mut vars: Vec<(String, String)> = Vec::new();
    for part in spec.split('+') {
        match part.split_once('=') {
            None if part == "base" => {}
            None if part == "luma" => img = cleaned.to_luma8(),
            None if part == "raw" => raw = true,
            None if part == "nosup" => engine.set_superscript_fix(false),
            None if part == "bin" => {
                let opts = sohoa_imaging::CleanOptions {
                    binarize: true,
                    orientation: false,
                    deskew: false,
                    crop: false,
                    ..Default::default()
                };
                img = sohoa_imaging::clean(cleaned, &opts).unwrap().binary.unwrap();
            }
            Some(("dpi", v)) => dpi = v.parse().unwrap(),
            Some(("up", v)) => {
                let f: f32 = v.parse().unwrap();
                let (w, h) = img.dimensions();
                img = image::imageops::resize(
                    &img,
                    (w as f32 * f) as u32,
                    (h as f32 * f) as u32,
                    image::imageops::FilterType::CatmullRom,
                );
                dpi = (dpi as f32 * f) as u32;
            }
            Some(("psm", v)) => {
                psm = match v {
                    "4" => Psm::Column,
                    "6" => Psm::Block,
                    _ => Psm::Auto,
                }
            }
            Some((k, v)) => vars.push((k.to_owned(), v.to_owned())),
            None => panic!("unknown variant part {part}"),
        }
    }
    for (k, v) in &vars {
        engine.set_var(k, v).unwrap();
    }
    let text = if raw || psm != Psm::Auto {
        engine.recognize_with(&img, dpi, psm, None).unwrap().text
    } else {
        engine.recognize(&img, dpi).unwrap().text
    };
    engine.set_superscript_fix(true);
    // Parameters stay set in the engine: put the defaults back for the next variant.
    for (k, _) in &vars {
        let default = match k.as_str() {
            "thresholding_method" => "0",
            "preserve_interword_spaces" => "0",
            "tessedit_do_invert" => "1",
            "load_system_dawg" | "load_freq_dawg" => "1",
            "lstm_choice_mode" => "0",
            "thresholding_window_size" => "0.33",
            "thresholding_kfactor" => "0.34",
            "textord_heavy_nr" => "0",
            _ => continue,
        };
        engine.set_var(k, default).unwrap();
    }
    text
}
