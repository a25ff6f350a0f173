//! OCR benchmark (a command, not a test): the same generated pages through bare `tesseract`
//! (OMP_THREAD_LIMIT=1), `ocrmypdf --rotate-pages --deskew --clean --output-type pdfa`, and
//! our path (clean-up when available + one resident engine), with per-page times, ratios and
//! CER against the generator's ground truth.
//!
//! `cargo run --release -p sohoa-ocr --example ocr_bench -- [--pages N] [--seed S] [--mix clean|scan]
//!  [--no-ocrmypdf] [--keep DIR]` — see bench/ocr/README.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use sohoa_ocr::cer;
use sohoa_ocr::{OcrConfig, OcrEngine, load_gray};
use sohoa_testkit::cases::{CaseMix, case};

struct Args {
    pages: u64,
    seed: u64,
    mix: String,
    ocrmypdf: bool,
    keep: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        pages: 8,
        seed: 9000,
        mix: "clean".into(),
        ocrmypdf: true,
        keep: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        match k.as_str() {
            "--pages" => a.pages = it.next().unwrap().parse().unwrap(),
            "--seed" => a.seed = it.next().unwrap().parse().unwrap(),
            "--mix" => a.mix = it.next().unwrap(),
            "--no-ocrmypdf" => a.ocrmypdf = false,
            "--keep" => a.keep = Some(PathBuf::from(it.next().unwrap())),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// "clean": what a page looks like after clean-up (upright, deskewed, no border) but with
/// the scanner's noise, blur, JPEG and tint; "scan": the generator's full default mix.
fn mix(name: &str) -> CaseMix {
    match name {
        "scan" => CaseMix::default(),
        _ => CaseMix::after_cleanup(),
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed().as_secs_f64())
}

fn bare_tesseract(png: &Path, dir: &Path) -> String {
    let base = dir.join("bare");
    let st = Command::new("tesseract")
        .arg(png)
        .arg(&base)
        .args(["-l", "vie", "--dpi", "300"])
        .env("OMP_THREAD_LIMIT", "1")
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    std::fs::read_to_string(base.with_extension("txt")).unwrap_or_default()
}

fn ocrmypdf(png: &Path, dir: &Path) -> Option<String> {
    let pdf = dir.join("ocrmypdf.pdf");
    // Its own text (the sidecar) rather than pdftotext, so text-layer extraction quirks do
    // not count against it.
    let sidecar = dir.join("ocrmypdf.txt");
    let st = Command::new("ocrmypdf")
        .args([
            "-l",
            "vie",
            "--rotate-pages",
            "--deskew",
            "--clean",
            "--output-type",
            "pdfa",
            "--image-dpi",
            "300",
            "-q",
            "--sidecar",
        ])
        .arg(&sidecar)
        .arg(png)
        .arg(&pdf)
        .status()
        .ok()?;
    if !st.success() {
        return None;
    }
    std::fs::read_to_string(&sidecar).ok()
}

fn main() {
    // libgomp reads OMP_THREAD_LIMIT when it is loaded (at start-up), so restart with it set.
    sohoa_ocr::omp::reexec_with_thread_limit();
    let a = args();
    let tmp = tempfile::tempdir().unwrap();
    let dir = a.keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let mix = mix(&a.mix);
    let mut engine = OcrEngine::new(&OcrConfig::default()).unwrap();
    println!(
        "tessdata: {} (best: {}), pages: {}, mix: {}",
        engine.tessdata().dir.display(),
        engine.tessdata().best,
        a.pages,
        a.mix
    );
    println!(
        "{:<44} {:>8} {:>8} {:>9} {:>7} {:>7} {:>7}",
        "page", "bare s", "ours s", "ocrmypdf s", "CER bare", "ours", "ocrmypdf"
    );
    let (mut tb, mut to, mut tm) = (0.0, 0.0, 0.0);
    let (mut eb, mut eo, mut em, mut n) = (0usize, 0usize, 0usize, 0usize);
    // Characters each path printed on blank backs (must be 0), kept out of the CER sums.
    let mut blank = [0usize; 3];
    for i in 0..a.pages {
        let c = case(a.seed + i, &mix).unwrap();
        let png = dir.join(format!("page-{i:03}.png"));
        c.image.save(&png).unwrap();
        let truth = c.truth.text();
        let (bare, t_bare) = timed(|| bare_tesseract(&png, &dir));
        let (ours, t_ours) = timed(|| {
            let (img, dpi) = load_gray(&png).unwrap();
            engine.recognize(&img, dpi).unwrap().text
        });
        let (omp, t_omp) = if a.ocrmypdf {
            timed(|| ocrmypdf(&png, &dir))
        } else {
            (None, 0.0)
        };
        let (e_b, len) = cer::errors(&truth, &bare);
        let (e_o, _) = cer::errors(&truth, &ours);
        let e_m = omp.as_deref().map(|t| cer::errors(&truth, t).0);
        if a.keep.is_some() {
            std::fs::write(dir.join(format!("truth-{i:03}.txt")), &truth).unwrap();
            std::fs::write(dir.join(format!("ours-{i:03}.txt")), &ours).unwrap();
            std::fs::write(dir.join(format!("bare-{i:03}.txt")), &bare).unwrap();
        }
        tb += t_bare;
        to += t_ours;
        tm += t_omp;
        if c.truth.blank {
            blank[0] += e_b;
            blank[1] += e_o;
            blank[2] += e_m.unwrap_or(0);
        } else {
            eb += e_b;
            eo += e_o;
            em += e_m.unwrap_or(0);
            n += len;
        }
        let pct = |e: usize| {
            if len == 0 {
                if e == 0 { 0.0 } else { 100.0 }
            } else {
                100.0 * e as f64 / len as f64
            }
        };
        let label: String = c.truth.label.chars().take(44).collect();
        println!(
            "{label:<44} {t_bare:>8.2} {t_ours:>8.2} {t_omp:>9.2} {:>6.2}% {:>6.2}% {:>7}",
            pct(e_b),
            pct(e_o),
            e_m.map_or("-".into(), |e| format!("{:.2}%", pct(e)))
        );
    }
    let rate = |e: usize| 100.0 * e as f64 / n.max(1) as f64;
    println!("total: bare {tb:.2}s, ours {to:.2}s, ocrmypdf {tm:.2}s");
    println!("ours / bare = {:.2}x (goal <= 1.2x)", to / tb);
    if a.ocrmypdf {
        println!("ocrmypdf / ours = {:.2}x faster (goal >= 5x)", tm / to);
    }
    println!(
        "overall CER on text pages: bare {:.3}%, ours {:.3}%, ocrmypdf {}",
        rate(eb),
        rate(eo),
        if a.ocrmypdf {
            format!("{:.3}%", rate(em))
        } else {
            "-".into()
        }
    );
    println!(
        "characters output on blank backs: bare {}, ours {}, ocrmypdf {}",
        blank[0],
        blank[1],
        if a.ocrmypdf {
            blank[2].to_string()
        } else {
            "-".into()
        }
    );
}
