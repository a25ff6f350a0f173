//! `sohoa ocr PAGE... --out DIR [--lang vie] [--no-clean]`: Vietnamese OCR of page images,
//! without a record store. Writes `<stem>.txt` (NFC text) and `<stem>.json` (words with
//! boxes and confidences, line/block structure) per page.
//!
//! Each page is cleaned first (sohoa-imaging: orientation, deskew, crop, despeckle) unless `--no-clean`;
//! the OCR worker that reads a page also cleans it (`PageInput::CleanFile`), so clean-up runs in parallel
//! and only paths wait in the queue.
//! The JSON says `"cleaned"` so nobody mistakes which image the boxes refer to: with clean-up they are
//! in the cleaned page's pixels.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;
use sohoa_ocr::{ErrorClass, OcrConfig, OcrError, OcrEvent, OcrPool, PageInput, PageText, Priority};

use crate::output::{EXIT_INTERNAL, EXIT_INVALID, EXIT_IO, EXIT_NOT_FOUND, print_json};

#[derive(Debug, Args)]
pub struct OcrArgs {
    #[arg(required_unless_present = "record", value_name = "PAGE")]
    pub pages: Vec<PathBuf>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR", required_unless_present = "record")]
    pub out: Option<PathBuf>,
    /// Read the pages of a record's current version and store the words with the record (a new version
    /// with one `<page>.ocr.json` per image), so `sohoa pdf/sign --record` get the text layer.
    #[arg(long, value_name = "ID", conflicts_with_all = ["pages", "out", "no_clean"])]
    pub record: Option<String>,
    /// Tesseract language(s), e.g. `vie` or `vie+eng`.
    #[arg(long, default_value = "vie")]
    pub lang: String,
    /// Skip image clean-up (deskew, orientation, crop) before OCR.
    #[arg(long)]
    pub no_clean: bool,
    /// OCR worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
}

#[derive(Serialize)]
struct PageFile<'a> {
    input: String,
    cleaned: bool,
    #[serde(flatten)]
    page: &'a PageText,
}

#[derive(Serialize)]
struct Summary {
    input: String,
    text: String,
    json: String,
    words: usize,
    mean_confidence: f32,
    blank: bool,
}

/// Prints one line (and a JSON error object with `--json`) and picks the exit code, the same
/// shape as the engine's errors in output.rs.
pub fn report(err: &OcrError, json: bool) -> ExitCode {
    if json {
        let body = serde_json::json!({"ok": false, "error": {"code": err.code(), "message": err.message_vi(), "message_en": err.to_string()}});
        println!("{body}");
    }
    let line = format!("sohoa: {} — {} [{}]", err.message_vi(), err, err.code()).replace('\n', " ");
    eprintln!("{line}");
    ExitCode::from(match err.class() {
        ErrorClass::Invalid => EXIT_INVALID,
        ErrorClass::NotFound => EXIT_NOT_FOUND,
        ErrorClass::Io => EXIT_IO,
        ErrorClass::Internal => EXIT_INTERNAL,
    })
}

fn io_err(path: &Path, e: std::io::Error) -> OcrError {
    OcrError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

pub fn run(a: &OcrArgs, json: bool) -> anyhow::Result<ExitCode> {
    // libgomp reads OMP_THREAD_LIMIT when loaded: restart once with it set (see sohoa_ocr::omp).
    sohoa_ocr::omp::reexec_with_thread_limit();
    match ocr(a, json) {
        Ok(code) => Ok(code),
        Err(e) => Ok(report(&e, json)),
    }
}

fn ocr(a: &OcrArgs, json: bool) -> Result<ExitCode, OcrError> {
    let out = a.out.clone().unwrap_or_default();
    for p in &a.pages {
        if !p.is_file() {
            return Err(OcrError::NotFound(p.clone()));
        }
    }
    std::fs::create_dir_all(&out).map_err(|e| io_err(&out, e))?;
    let config = OcrConfig {
        lang: a.lang.clone(),
        tessdata: None,
    };
    let (pool, events) = OcrPool::new(&config, a.workers)?;
    let mut ids = HashMap::new();
    for (i, p) in a.pages.iter().enumerate() {
        let input = if a.no_clean {
            PageInput::File(p.clone())
        } else {
            PageInput::CleanFile(p.clone())
        };
        ids.insert(pool.submit(input, Priority::Normal), i);
    }
    let mut results: Vec<Option<PageText>> = vec![None; a.pages.len()];
    let mut remaining = a.pages.len();
    while remaining > 0 {
        let Ok(ev) = events.recv() else {
            return Err(OcrError::PoolClosed);
        };
        match ev {
            OcrEvent::Done { id, result } => {
                let page = (*result)?;
                if let Some(&i) = ids.get(&id) {
                    results[i] = Some(page);
                    remaining -= 1;
                }
                if !json {
                    let done = a.pages.len() - remaining;
                    eprint!("\rĐã nhận dạng {done}/{} trang", a.pages.len());
                }
            }
            OcrEvent::Cancelled { .. } => return Err(OcrError::Cancelled),
            _ => {}
        }
    }
    if !json {
        eprintln!();
    }
    let mut summaries = Vec::new();
    for (input, page) in a.pages.iter().zip(results.into_iter().flatten()) {
        let stem = input
            .file_stem()
            .map_or_else(|| "page".into(), |s| s.to_string_lossy().into_owned());
        let txt = out.join(format!("{stem}.txt"));
        let js = out.join(format!("{stem}.json"));
        let mut text = page.text.clone();
        if !text.is_empty() {
            text.push('\n');
        }
        std::fs::write(&txt, text).map_err(|e| io_err(&txt, e))?;
        let body = PageFile {
            input: input.display().to_string(),
            cleaned: !a.no_clean,
            page: &page,
        };
        let encoded = serde_json::to_vec_pretty(&body).map_err(|e| io_err(&js, std::io::Error::other(e)))?;
        std::fs::write(&js, encoded).map_err(|e| io_err(&js, e))?;
        summaries.push(Summary {
            input: input.display().to_string(),
            text: txt.display().to_string(),
            json: js.display().to_string(),
            words: page.word_count(),
            mean_confidence: page.mean_confidence,
            blank: page.text.is_empty(),
        });
    }
    if json {
        print_json(&summaries).map_err(|e| io_err(&out, std::io::Error::other(e.to_string())))?;
    } else {
        for s in &summaries {
            if s.blank {
                println!("{} → {} (trang trắng, không có chữ)", s.input, s.text);
            } else {
                println!(
                    "{} → {} ({} từ, độ tin cậy trung bình {:.1})",
                    s.input, s.text, s.words, s.mean_confidence
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Call before the engine opens the store: the process restarts once with `OMP_THREAD_LIMIT=1`
/// (see sohoa_ocr::omp), which must not happen while the data directory is locked.
pub fn prepare_record() {
    sohoa_ocr::omp::reexec_with_thread_limit();
}

/// `sohoa ocr --record ID`. Chosen over OCR inside `sohoa pdf/sign --record`: OCR is the slow stage
/// (seconds per page) that the app runs in the background right after scanning, and it commits a
/// version; building or signing a PDF must neither take that long nor change the record behind the
/// officer's back — the officer signs what was checked.
pub fn run_record(engine: &sohoa_engine::Engine, a: &OcrArgs, json: bool) -> anyhow::Result<ExitCode> {
    let id = a.record.clone().unwrap_or_default();
    let config = OcrConfig {
        lang: a.lang.clone(),
        tessdata: None,
    };
    match engine.ocr_record(&id, &config, a.workers) {
        Ok(r) => {
            if json {
                print_json(&r)?;
            } else if let Some(v) = r.version {
                println!(
                    "Đã nhận dạng chữ {} trang của hồ sơ {} ({} từ, {} trang trắng) — phiên bản {v}",
                    r.pages, r.record_id, r.words, r.blank
                );
            } else {
                println!("Hồ sơ {} đã có chữ nhận dạng cho mọi trang", r.record_id);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let exit = match &e {
                sohoa_engine::RecordOcrError::Engine(e) => crate::output::exit_code(e.class()),
                sohoa_engine::RecordOcrError::Ocr(e) => return Ok(report(e, json)),
                sohoa_engine::RecordOcrError::NoImages => EXIT_INVALID,
                sohoa_engine::RecordOcrError::Encode(_) => EXIT_INTERNAL,
            };
            if json {
                let body = serde_json::json!({"ok": false, "error": {"code": e.code(), "message": e.message_vi(), "message_en": e.to_string()}});
                println!("{body}");
            }
            eprintln!("sohoa: {} — {} [{}]", e.message_vi(), e, e.code());
            Ok(ExitCode::from(exit))
        }
    }
}
