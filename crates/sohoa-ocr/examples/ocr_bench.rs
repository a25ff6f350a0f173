//! OCR benchmark (a command, not a test): the same generated pages through bare `tesseract`
//! (OMP_THREAD_LIMIT=1), `ocrmypdf --rotate-pages --deskew --clean --output-type pdfa`, and
//! our full path — sohoa-imaging clean-up → the sohoa-ocr pool → the sohoa-pdf PDF/A writer
//! with the invisible text layer — with per-page times, ratios and CER against the
//! generator's ground truth. Pages are timed one after the other (one pool worker), like the
//! one-process-per-page tools beside it.
//!
//! `cargo run --release -p sohoa-ocr --example ocr_bench -- [--pages N] [--seed S] [--mix clean|scan]
//!  [--no-ocrmypdf] [--keep DIR]` — see bench/ocr/README.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use std::sync::Arc;
use std::sync::mpsc::Receiver;

use sohoa_ocr::cer;
use sohoa_ocr::{OcrConfig, OcrEvent, OcrPool, PageInput, PageText, Priority, clean_file, ocr_gray};
use sohoa_pdf::{DocumentMeta, OcrWord, WriteOptions};
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
        pages: 20,
        seed: 9100,
        mix: "scan".into(),
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

/// "scan" (default): the generator's full mix — quarter turns, skew up to 15°, dark borders,
/// punch holes, noise, blur, JPEG, tint, blank backs — the mix of the imaging tests and the
/// held-out set; "clean": what a page looks like after clean-up (upright, deskewed, no border).
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

/// Our path for one page file: clean-up, OCR through the pool, PDF/A with the text layer.
/// Returns the OCR text, the PDF, and the seconds spent in (clean, OCR, PDF).
fn ours(png: &Path, pool: &OcrPool, events: &Receiver<OcrEvent>) -> (PageText, Vec<u8>, [f64; 3]) {
    let ((cleaned, dpi), t_clean) = timed(|| clean_file(png).unwrap());
    let (page, t_ocr) = timed(|| {
        let rgb = cleaned.to_rgb8();
        let gray = ocr_gray(cleaned);
        let id = pool.submit(PageInput::Image(Arc::new(gray), dpi), Priority::Normal);
        loop {
            if let OcrEvent::Done { id: done, result } = events.recv().unwrap()
                && done == id
            {
                break (rgb, result.unwrap());
            }
        }
    });
    let (rgb, page) = page;
    let (pdf, t_pdf) = timed(|| {
        let words = page
            .words()
            .map(|w| OcrWord {
                text: w.text.clone(),
                bbox: [w.bbox.x, w.bbox.y, w.bbox.right(), w.bbox.bottom()],
            })
            .collect();
        let input = sohoa_pdf::PageInput {
            image: rgb,
            dpi: dpi as f32,
            words,
        };
        let meta = DocumentMeta {
            title: "benchmark".into(),
            lang: Some("vi-VN".into()),
            ..DocumentMeta::default()
        };
        sohoa_pdf::write_pdfa(&[input], &meta, &WriteOptions::default()).unwrap()
    });
    (page, pdf, [t_clean, t_ocr, t_pdf])
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn main() {
    // libgomp reads OMP_THREAD_LIMIT when it is loaded (at start-up), so restart with it set.
    sohoa_ocr::omp::reexec_with_thread_limit();
    let a = args();
    let tmp = tempfile::tempdir().unwrap();
    let dir = a.keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let mix = mix(&a.mix);
    let tessdata = OcrConfig::default().resolve_tessdata().unwrap();
    let (pool, events) = OcrPool::new(&OcrConfig::default(), Some(1)).unwrap();
    println!(
        "tessdata: {} (best: {}), pages: {}, seeds {}..{}, mix: {}",
        tessdata.dir.display(),
        tessdata.best,
        a.pages,
        a.seed,
        a.seed + a.pages - 1,
        a.mix
    );
    println!(
        "{:<40} {:>6} {:>6} {:>16} {:>8} {:>8} {:>7} {:>8}",
        "page", "bare s", "ours s", "(clean/ocr/pdf)", "omp s", "CER bare", "ours", "ocrmypdf"
    );
    let (mut tb, mut to, mut tm) = (0.0, 0.0, 0.0);
    let mut parts = [0.0f64; 3];
    let (mut eb, mut eo, mut em, mut ep, mut n) = (0usize, 0usize, 0usize, 0usize, 0usize);
    // Characters each path printed on blank backs (must be 0), kept out of the CER sums.
    let mut blank = [0usize; 3];
    // Errors of (bare, ours, ocrmypdf) and length on text pages that are upright and without a dark border:
    // Tesseract's default segmentation (psm 3, also OCRmyPDF's) finds no text at all on a sheet framed by a
    // dark bed or turned a quarter, so the like-for-like comparison is printed apart.
    let (mut plain, mut plain_n) = ([0usize; 3], 0usize);
    for i in 0..a.pages {
        let c = case(a.seed + i, &mix).unwrap();
        let png = dir.join(format!("page-{i:03}.png"));
        c.image.save(&png).unwrap();
        let truth = c.truth.text();
        let (bare, t_bare) = timed(|| bare_tesseract(&png, &dir));
        let (page, pdf, t) = ours(&png, &pool, &events);
        let t_ours: f64 = t.iter().sum();
        let pdf_path = dir.join(format!("ours-{i:03}.pdf"));
        std::fs::write(&pdf_path, &pdf).unwrap();
        let layer = pdftotext(&pdf_path);
        let (omp, t_omp) = if a.ocrmypdf {
            timed(|| ocrmypdf(&png, &dir))
        } else {
            (None, 0.0)
        };
        let (e_b, len) = cer::errors(&truth, &bare);
        let (e_o, _) = cer::errors(&truth, &page.text);
        let (e_p, _) = cer::errors(&truth, &layer);
        let e_m = omp.as_deref().map(|t| cer::errors(&truth, t).0);
        if a.keep.is_some() {
            std::fs::write(dir.join(format!("truth-{i:03}.txt")), &truth).unwrap();
            std::fs::write(dir.join(format!("ours-{i:03}.txt")), &page.text).unwrap();
            std::fs::write(dir.join(format!("bare-{i:03}.txt")), &bare).unwrap();
            if let Some(t) = &omp {
                std::fs::write(dir.join(format!("ocrmypdf-{i:03}.txt")), t).unwrap();
            }
        }
        tb += t_bare;
        to += t_ours;
        tm += t_omp;
        for (p, v) in parts.iter_mut().zip(t) {
            *p += v;
        }
        if c.truth.blank {
            blank[0] += e_b;
            blank[1] += e_o;
            blank[2] += e_m.unwrap_or(0);
        } else {
            eb += e_b;
            eo += e_o;
            ep += e_p;
            em += e_m.unwrap_or(0);
            n += len;
            if c.truth.border == [0; 4] && c.truth.orientation == 0 {
                for (p, e) in plain.iter_mut().zip([e_b, e_o, e_m.unwrap_or(0)]) {
                    *p += e;
                }
                plain_n += len;
            }
        }
        let pct = |e: usize| {
            if len == 0 {
                if e == 0 { 0.0 } else { 100.0 }
            } else {
                100.0 * e as f64 / len as f64
            }
        };
        let label: String = c.truth.label.chars().take(40).collect();
        println!(
            "{label:<40} {t_bare:>6.2} {t_ours:>6.2} {:>16} {t_omp:>8.2} {:>7.2}% {:>6.2}% {:>8}",
            format!("{:.2}/{:.2}/{:.2}", t[0], t[1], t[2]),
            pct(e_b),
            pct(e_o),
            e_m.map_or("-".into(), |e| format!("{:.2}%", pct(e)))
        );
    }
    let rate = |e: usize| 100.0 * e as f64 / n.max(1) as f64;
    println!(
        "total: bare {tb:.2}s, ours {to:.2}s (clean {:.2}, ocr {:.2}, pdf {:.2}), ocrmypdf {tm:.2}s",
        parts[0], parts[1], parts[2]
    );
    println!("ours / bare = {:.2}x (goal <= 1.2x)", to / tb);
    if a.ocrmypdf {
        println!("ocrmypdf / ours = {:.2}x faster (goal >= 5x)", tm / to);
    }
    println!(
        "overall CER on text pages: bare {:.3}%, ours {:.3}% (its PDF text layer via pdftotext {:.3}%), ocrmypdf {}",
        rate(eb),
        rate(eo),
        rate(ep),
        if a.ocrmypdf {
            format!("{:.3}%", rate(em))
        } else {
            "-".into()
        }
    );
    let plain_rate = |e: usize| 100.0 * e as f64 / plain_n.max(1) as f64;
    println!(
        "CER on upright text pages without dark border ({plain_n} chars): bare {:.3}%, ours {:.3}%, ocrmypdf {}",
        plain_rate(plain[0]),
        plain_rate(plain[1]),
        if a.ocrmypdf {
            format!("{:.3}%", plain_rate(plain[2]))
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
