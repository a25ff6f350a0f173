//! `sohoa extract PAGE... --kind auto|cccd|cmnd-form|admin-doc|residence-form`: fields the
//! officer would otherwise retype, each with confidence, source box and validation status.
//! No record store is needed. A CCCD's front and back given together are cross-checked as
//! one card; other pages are read one by one. Invalid fields are printed flagged (and carry
//! `"status": "invalid"` in JSON); the command still succeeds, since flagging is its job.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;
use sohoa_core::Catalogs;
use sohoa_ocr::extract::cccd::merge_cccd;
use sohoa_ocr::{
    DocKind, Extraction, Extractor, KindHint, OcrConfig, OcrEngine, OcrError, Profiles, Source, Status,
    load_gray,
};

use crate::ocr_cmd::report;
use crate::output::print_json;

#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[arg(required = true, value_name = "PAGE")]
    pub pages: Vec<PathBuf>,
    /// auto | cccd | cmnd-form | admin-doc | residence-form
    #[arg(long, default_value = "auto")]
    pub kind: String,
    /// Extra extraction profiles (*.toml), added to or replacing the built-in ones by kind.
    #[arg(long, env = "SOHOA_EXTRACTION_DIR", value_name = "DIR")]
    pub profiles: Option<PathBuf>,
}

#[derive(Serialize)]
struct Document {
    pages: Vec<String>,
    #[serde(flatten)]
    extraction: Extraction,
}

pub fn run(a: &ExtractArgs, json: bool) -> anyhow::Result<ExitCode> {
    sohoa_ocr::omp::reexec_with_thread_limit();
    match extract(a) {
        Ok(docs) => {
            if json {
                print_json(&docs)?;
            } else {
                print_human(&docs);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(report(&e, json)),
    }
}

fn extract(a: &ExtractArgs) -> Result<Vec<Document>, OcrError> {
    let hint: KindHint = a.kind.parse()?;
    let profiles = match &a.profiles {
        Some(dir) => Profiles::with_dir(dir)?,
        None => Profiles::embedded()?,
    };
    let extractor = Extractor::new(profiles, Catalogs::embedded());
    let mut engine = OcrEngine::new(&OcrConfig::default())?;
    let mut pages = Vec::new();
    for p in &a.pages {
        pages.push(load_gray(p)?);
    }
    let names: Vec<String> = a.pages.iter().map(|p| p.display().to_string()).collect();
    if hint == KindHint::Cccd {
        let ex = extractor.extract(&mut engine, &pages, hint)?;
        return Ok(vec![Document {
            pages: names,
            extraction: ex,
        }]);
    }
    let mut docs: Vec<Document> = Vec::new();
    let mut card: Option<Document> = None;
    for (page, name) in pages.into_iter().zip(names) {
        let ex = extractor.extract(&mut engine, std::slice::from_ref(&page), hint)?;
        if ex.kind != DocKind::Cccd {
            docs.push(Document {
                pages: vec![name],
                extraction: ex,
            });
            continue;
        }
        // Front (QR) and back (MRZ) of one card, in either order.
        card = Some(match card.take() {
            None => Document {
                pages: vec![name],
                extraction: ex,
            },
            Some(mut prev) => {
                let from_qr = |e: &Extraction| e.fields.iter().any(|f| f.source == Source::Qr);
                let (qr, mrz) = if from_qr(&prev.extraction) {
                    (prev.extraction, ex)
                } else {
                    (ex, prev.extraction)
                };
                prev.pages.push(name);
                Document {
                    pages: prev.pages,
                    extraction: merge_cccd(Some(qr), Some(mrz)),
                }
            }
        });
    }
    docs.extend(card);
    Ok(docs)
}

fn status_vi(s: Status) -> &'static str {
    match s {
        Status::Valid => "hợp lệ",
        Status::Repaired => "đã sửa theo số kiểm tra",
        Status::Unverified => "cần xem lại",
        Status::Invalid => "SAI",
    }
}

fn print_human(docs: &[Document]) {
    for d in docs {
        println!("{} — loại: {}", d.pages.join(", "), d.extraction.kind.as_str());
        let width = d
            .extraction
            .fields
            .iter()
            .map(|f| f.label_vi.chars().count())
            .max()
            .unwrap_or(0);
        for f in &d.extraction.fields {
            let pad = width - f.label_vi.chars().count();
            println!(
                "  {}{}  {}  [{:.0}%, {}]",
                f.label_vi,
                " ".repeat(pad),
                f.value,
                f.confidence * 100.0,
                status_vi(f.status)
            );
            for i in &f.issues {
                println!("      ! {} [{}]", i.message_vi, i.code);
            }
        }
        for i in &d.extraction.issues {
            println!("  ! {} [{}]", i.message_vi, i.code);
        }
    }
}
