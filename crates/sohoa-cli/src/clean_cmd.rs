//! `sohoa clean PAGE... --out DIR`: image clean-up without the record store (design.md, "Command-line contract").
//!
//! Pages are cleaned by a small pool of worker threads (one page each at a time, so memory stays at a few full
//! pages per worker); results are printed in input order. A damaged page does not stop the batch: it gets an
//! error object (or line) and the exit code says which class of failure happened.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use sohoa_core::Localized;
use sohoa_imaging::{
    CleanOptions, CleanedPage, DecodeLimits, ImagingError, QualityProfile, THUMB_SIDE, clean, decode_file,
    thumbnail,
};

/// Parsed `clean` arguments.
pub struct CleanArgs {
    pub pages: Vec<PathBuf>,
    pub out: PathBuf,
    pub profile: String,
    pub dpi: Option<f64>,
    pub binarize: bool,
    pub thumbs: bool,
    pub jobs: Option<usize>,
}

const EXIT_USAGE: u8 = 2;
const EXIT_INVALID: u8 = 3;
const EXIT_IO: u8 = 6;

fn round(v: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (v * k).round() / k
}

fn page_json(input: &Path, output: &Path, p: &CleanedPage) -> Value {
    let q = &p.quality;
    json!({
        "input": input.display().to_string(),
        "output": output.display().to_string(),
        "orientation": p.orientation,
        "skew_degrees": round(p.skew_degrees, 3),
        "blank": p.blank,
        "blank_confidence": round(p.blank_confidence, 3),
        "crop": p.crop,
        "quality": {
            "dpi": q.dpi.map(|d| round(d, 1)),
            "sharpness": round(q.sharpness, 3),
            "contrast": round(q.contrast, 3),
            "verdict": q.verdict,
            "reasons": q.reasons,
            "residual_skew": round(q.residual_skew, 3),
            "clipped": q.clipped,
        },
        "orientation_confidence": round(p.orientation_confidence, 3),
        "orientation_uncertain": p.orientation_uncertain,
        "skew_confidence": round(p.skew_confidence, 3),
        "rotated": p.rotated,
        "width": p.image.width(),
        "height": p.image.height(),
        "specks_removed": p.specks_removed,
        "holes_removed": p.holes_removed,
    })
}

fn error_line(input: &Path, code: &str, vi: &str, en: &str) -> String {
    format!("sohoa: {}: {vi} — {en} [{code}]", input.display()).replace('\n', " ")
}

/// Output name for an input: its stem plus `.png` (lossless; the PDF stage chooses the archive encoding).
fn out_path(out: &Path, input: &Path, index: usize, suffix: &str) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("page-{:03}", index + 1));
    out.join(format!("{stem}{suffix}.png"))
}

type PageResult = Result<(PathBuf, CleanedPage), ImagingError>;

fn one(input: &Path, index: usize, a: &CleanArgs, opts: &CleanOptions) -> PageResult {
    let img = decode_file(input, &DecodeLimits::default())?;
    let page = clean(&img, opts)?;
    let output = out_path(&a.out, input, index, "");
    let encode_err =
        |path: &Path, e: image::ImageError| ImagingError::Encode(format!("{}: {e}", path.display()));
    page.image.save(&output).map_err(|e| encode_err(&output, e))?;
    if let Some(bw) = &page.binary {
        // Saved from the buffer itself: wrapping it in a DynamicImage would copy a full page.
        let path = out_path(&a.out, input, index, ".bw");
        bw.save(&path).map_err(|e| encode_err(&path, e))?;
    }
    if a.thumbs {
        let path = out_path(&a.out, input, index, ".thumb");
        thumbnail(&page.image, THUMB_SIDE)
            .save(&path)
            .map_err(|e| encode_err(&path, e))?;
    }
    Ok((output, page))
}

pub fn run(a: CleanArgs, json_out: bool) -> anyhow::Result<ExitCode> {
    let profile = match QualityProfile::named(&a.profile) {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "{}",
                error_line(Path::new("--profile"), e.code(), &e.message_vi(), &e.to_string())
            );
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    if let Err(e) = std::fs::create_dir_all(&a.out) {
        eprintln!(
            "{}",
            error_line(
                &a.out,
                "io.out_dir",
                "Không tạo được thư mục kết quả",
                &e.to_string()
            )
        );
        return Ok(ExitCode::from(EXIT_IO));
    }
    let opts = CleanOptions {
        dpi: a.dpi,
        binarize: a.binarize,
        profile,
        ..CleanOptions::default()
    };
    let n = a.pages.len();
    let workers = a
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |v| v.get()))
        .clamp(1, n.max(1));
    let results: Vec<Mutex<Option<PageResult>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let r = one(&a.pages[i], i, &a, &opts);
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(r);
                    }
                }
            });
        }
    });
    let mut exit = 0u8;
    for (i, slot) in results.into_iter().enumerate() {
        let input = &a.pages[i];
        let r = slot.into_inner().ok().flatten();
        match r {
            Some(Ok((output, page))) => {
                if json_out {
                    println!("{}", page_json(input, &output, &page));
                } else {
                    let q = &page.quality;
                    println!(
                        "{} -> {}: xoay {}°, nghiêng {:+.2}°, cắt {:?}, {}{} — chất lượng {:?}{}",
                        input.display(),
                        output.display(),
                        page.orientation,
                        page.skew_degrees,
                        page.crop,
                        if page.blank {
                            "TRANG TRẮNG"
                        } else {
                            "có nội dung"
                        },
                        if page.orientation_uncertain {
                            " (hướng chưa chắc chắn)"
                        } else {
                            ""
                        },
                        q.verdict,
                        if q.reasons.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", q.reasons.join(", "))
                        }
                    );
                }
            }
            Some(Err(e)) => {
                let code = if e.is_invalid_input() {
                    EXIT_INVALID
                } else {
                    EXIT_IO
                };
                exit = exit.max(code);
                if json_out {
                    println!(
                        "{}",
                        json!({"input": input.display().to_string(), "ok": false,
                               "error": {"code": e.code(), "message": e.message_vi(), "message_en": e.to_string()}})
                    );
                }
                eprintln!("{}", error_line(input, e.code(), &e.message_vi(), &e.to_string()));
            }
            None => {
                exit = exit.max(1);
                eprintln!(
                    "{}",
                    error_line(input, "internal", "Lỗi nội bộ khi xử lý trang", "worker failed")
                );
            }
        }
    }
    Ok(if exit == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(exit)
    })
}
