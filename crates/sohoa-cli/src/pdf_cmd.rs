//! `sohoa pdf`, `sohoa sign`, `sohoa verify`: the legal copy (PDF/A-2b), its PAdES signature with the
//! Decree 30 stamp, and verification. Standalone files need no record store; `--record` goes through
//! the engine.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use serde_json::json;
use sohoa_pdf::{CopyForm, DocumentMeta, ImageMode, PdfError, SignOptions, WriteOptions};

use crate::output::{EXIT_INVALID, print_json};

#[derive(Debug, Args)]
pub struct PdfArgs {
    /// Page images (PNG/JPEG/TIFF) in order; OCR words are read from `<stem>.json` beside them.
    #[arg(value_name = "PAGE")]
    pub pages: Vec<PathBuf>,
    /// Build the PDF of a record's current version instead (through the engine).
    #[arg(long, value_name = "ID", conflicts_with = "pages")]
    pub record: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Resolution for images that do not state theirs.
    #[arg(long)]
    pub dpi: Option<f32>,
    /// Directory holding the `<stem>.json` OCR files (default: next to each image).
    #[arg(long, value_name = "DIR")]
    pub ocr_dir: Option<PathBuf>,
    #[arg(long)]
    pub title: Option<String>,
    /// mrc (text mask + colour layers, small) | jpeg (whole page, for photographs)
    #[arg(long, default_value = "mrc")]
    pub compression: String,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The PDF to sign.
    #[arg(
        value_name = "IN.pdf",
        required_unless_present = "record",
        conflicts_with = "record"
    )]
    pub input: Option<PathBuf>,
    #[arg(long, value_name = "OUT.pdf", required_unless_present = "record")]
    pub out: Option<PathBuf>,
    /// Sign the record's legal copy: its PDF/A is built, signed and stored as the record's new version.
    #[arg(long, value_name = "ID", conflicts_with_all = ["upgrade_lt"])]
    pub record: Option<String>,
    /// With --record: resolution of pages whose files do not state it.
    #[arg(long, requires = "record")]
    pub dpi: Option<f32>,
    /// pkcs11:MODULE[#label] | piv[:READER] | p12:FILE
    #[arg(long, required_unless_present = "upgrade_lt")]
    pub key: Option<String>,
    /// Environment variable holding the PIN (never a command-line argument: it would show in `ps`).
    #[arg(long, value_name = "VAR")]
    pub pin_env: Option<String>,
    /// RFC 3161 timestamp authority (B-T); without it the signature is B-B and can be upgraded later.
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// The copying agency shown in the stamp.
    #[arg(long, env = "SOHOA_AGENCY")]
    pub agency: Option<String>,
    /// sao-y | sao-luc | trich-sao
    #[arg(long, default_value = "sao-y")]
    pub copy_form: String,
    /// Add the validation data (DSS) right after signing: B-LT.
    #[arg(long)]
    pub ltv: bool,
    /// Do not sign: add the validation data (DSS) to an already signed file (B-T → B-LT).
    #[arg(long, conflicts_with_all = ["key", "tsa"])]
    pub upgrade_lt: bool,
}

/// Exit-code carrying error for expected failures of these commands.
#[derive(Debug, thiserror::Error)]
#[error("{message_en}")]
pub struct CmdError {
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
    pub exit: u8,
}

impl From<PdfError> for CmdError {
    fn from(e: PdfError) -> Self {
        let exit = if e.is_invalid_input() {
            EXIT_INVALID
        } else if matches!(e, PdfError::Io(_)) {
            crate::output::EXIT_IO
        } else {
            crate::output::EXIT_INTERNAL
        };
        CmdError {
            code: e.code().to_owned(),
            message_vi: e.message_vi(),
            message_en: e.to_string(),
            exit,
        }
    }
}

impl From<sohoa_sign::SignError> for CmdError {
    fn from(e: sohoa_sign::SignError) -> Self {
        CmdError {
            code: e.code().to_owned(),
            message_vi: e.message_vi(),
            message_en: e.to_string(),
            exit: EXIT_INVALID,
        }
    }
}

fn usage(code: &str, vi: &str, en: &str) -> CmdError {
    CmdError {
        code: code.into(),
        message_vi: vi.into(),
        message_en: en.into(),
        exit: 2,
    }
}

pub fn pdf(args: PdfArgs, json: bool) -> anyhow::Result<ExitCode> {
    if args.pages.is_empty() {
        return Err(usage(
            "usage.no_pages",
            "Cần ít nhất một ảnh trang hoặc --record",
            "give page images or --record",
        )
        .into());
    }
    let started = std::time::Instant::now();
    let mut pages = Vec::with_capacity(args.pages.len());
    for p in &args.pages {
        pages
            .push(sohoa_pdf::input::load_page(p, args.ocr_dir.as_deref(), args.dpi).map_err(CmdError::from)?);
    }
    let image_mode = match args.compression.as_str() {
        "mrc" => ImageMode::default(),
        "jpeg" => ImageMode::Jpeg { quality: 75 },
        other => {
            return Err(usage(
                "usage.compression",
                "Kiểu nén không hợp lệ",
                &format!("unknown compression {other}"),
            )
            .into());
        }
    };
    let meta = DocumentMeta {
        title: args.title.clone().unwrap_or_else(|| "Bản sao điện tử".to_owned()),
        lang: Some("vi-VN".into()),
        ..DocumentMeta::default()
    };
    let bytes = sohoa_pdf::write_pdfa(
        &pages,
        &meta,
        &WriteOptions {
            image_mode,
            created: None,
        },
    )
    .map_err(CmdError::from)?;
    write_atomic(&args.out, &bytes)?;
    let words: usize = pages.iter().map(|p| p.words.len()).sum();
    if json {
        print_json(
            &json!({"ok": true, "out": args.out, "pages": pages.len(), "words": words, "bytes": bytes.len(),
            "millis": started.elapsed().as_millis()}),
        )?;
    } else {
        println!(
            "Đã tạo {} ({} trang, {} từ OCR, {} byte)",
            args.out.display(),
            pages.len(),
            words,
            bytes.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes next to the target then renames: a crash never leaves half a legal copy under its name.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("pdf.part");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}

/// `--key` parsed by the signer crate; anything it refuses is a usage error here.
fn parse_key_spec(spec: &str) -> Result<sohoa_sign::KeySpec, CmdError> {
    spec.parse().map_err(|_| {
        usage(
            "usage.key",
            "Khóa ký không hợp lệ (pkcs11:… | piv[:đầu đọc] | p12:tệp)",
            &format!("unknown key spec '{spec}'"),
        )
    })
}

/// PKCS#12 files are opened here; tokens and cards through `tokens_cmd`, which also checks the
/// certificate against the trust anchors (`SOHOA_TRUST_DIR` and the desk's own) before the PIN is used.
fn open_signer(
    spec: &sohoa_sign::KeySpec,
    pin_env: Option<&str>,
    desk: &std::path::Path,
) -> Result<Box<dyn sohoa_sign::Signer>, CmdError> {
    match spec {
        sohoa_sign::KeySpec::P12 { path: file } => {
            let var = pin_env.ok_or_else(|| {
                usage(
                    "usage.pin",
                    "Cần --pin-env BIẾN chứa mã PIN",
                    "--pin-env VAR is required",
                )
            })?;
            let pin = std::env::var(var).map_err(|_| {
                usage(
                    "usage.pin",
                    "Biến môi trường chứa PIN chưa được đặt",
                    &format!("environment variable {var} is not set"),
                )
            })?;
            let data = std::fs::read(file).map_err(|e| CmdError::from(PdfError::Io(e)))?;
            tracing::info!("PKCS#12 file key: development/training only");
            Ok(Box::new(sohoa_sign::pkcs12::Pkcs12Signer::open(&data, &pin)?))
        }
        sohoa_sign::KeySpec::Pkcs11 { .. } | sohoa_sign::KeySpec::Piv { .. } => {
            Ok(crate::tokens_cmd::open_token_signer(spec, pin_env, desk)?)
        }
    }
}

fn copy_form(s: &str) -> Result<CopyForm, CmdError> {
    match s {
        "sao-y" => Ok(CopyForm::SaoY),
        "sao-luc" => Ok(CopyForm::SaoLuc),
        "trich-sao" => Ok(CopyForm::TrichSao),
        _ => Err(usage(
            "usage.copy_form",
            "Hình thức sao không hợp lệ",
            "copy form: sao-y | sao-luc | trich-sao",
        )),
    }
}

pub fn sign(args: SignArgs, desk: &std::path::Path, json: bool) -> anyhow::Result<ExitCode> {
    let (Some(in_path), Some(out_path)) = (args.input.clone(), args.out.clone()) else {
        return Err(usage(
            "usage.sign",
            "Cần IN.pdf và --out",
            "IN.pdf and --out are required",
        )
        .into());
    };
    let input = std::fs::read(&in_path).map_err(|e| CmdError::from(PdfError::Io(e)))?;
    if args.upgrade_lt {
        let out =
            sohoa_pdf::sign::ltv::add_validation_data(&input, &Default::default()).map_err(CmdError::from)?;
        write_atomic(&out_path, &out)?;
        if json {
            print_json(&json!({"ok": true, "out": out_path, "level": "B-LT", "bytes": out.len()}))?;
        } else {
            println!("Đã bổ sung dữ liệu kiểm tra (DSS) vào {}", out_path.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (v, line) = sign_bytes(&args, desk, &input, &out_path)?;
    if json {
        print_json(&v)?;
    } else {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The key and the stamp options `sohoa sign` was given.
fn signer_and_options(
    args: &SignArgs,
    desk: &std::path::Path,
) -> anyhow::Result<(Box<dyn sohoa_sign::Signer>, SignOptions)> {
    let spec = parse_key_spec(args.key.as_deref().unwrap_or_default())?;
    let agency = args
        .agency
        .clone()
        .filter(|a| !a.trim().is_empty())
        .ok_or_else(|| {
            usage(
                "usage.agency",
                "Cần tên cơ quan sao (--agency hoặc SOHOA_AGENCY)",
                "--agency (or SOHOA_AGENCY) is required",
            )
        })?;
    let signer = open_signer(&spec, args.pin_env.as_deref(), desk)?;
    let opts = SignOptions {
        agency,
        copy_form: copy_form(&args.copy_form)?,
        tsa_url: args.tsa.clone(),
        time: None,
    };
    Ok((signer, opts))
}

/// Signs `input` into `out_path`; returns the JSON summary and the officer's one-line report.
fn sign_bytes(
    args: &SignArgs,
    desk: &Path,
    input: &[u8],
    out_path: &Path,
) -> anyhow::Result<(serde_json::Value, String)> {
    let started = std::time::Instant::now();
    let (mut signer, opts) = signer_and_options(args, desk)?;
    let mut outcome = sohoa_pdf::sign_pdf(input, signer.as_mut(), &opts).map_err(CmdError::from)?;
    if args.ltv {
        outcome.bytes = sohoa_pdf::sign::ltv::add_validation_data(&outcome.bytes, &Default::default())
            .map_err(CmdError::from)?;
        if outcome.level == sohoa_pdf::Level::BT {
            outcome.level = sohoa_pdf::Level::BLT;
        }
    }
    write_atomic(out_path, &outcome.bytes)?;
    let mut v = serde_json::to_value(&outcome)?;
    v["ok"] = json!(true);
    v["out"] = json!(out_path);
    v["bytes"] = json!(outcome.bytes.len());
    v["millis"] = json!(started.elapsed().as_millis());
    v["backend"] = json!(signer.backend());
    let line = format!(
        "Đã ký {} — {} — {} — mức {}{}",
        out_path.display(),
        outcome.signer,
        outcome.signing_time,
        outcome.level.as_str(),
        if signer.backend() == sohoa_sign::Backend::Pkcs12Training {
            " — KHÓA TỆP PKCS#12, CHỈ DÙNG ĐÀO TẠO"
        } else {
            ""
        }
    );
    Ok((v, line))
}

/// `sohoa sign --record ID`: the record's current pages become a PDF/A, which is signed and attached to
/// the record as one new version (the pages stay; the signed copy is what the vault receives). Nothing is
/// attached when signing fails. The engine does the work, as for the desktop app.
pub fn sign_record(engine: &sohoa_engine::Engine, args: SignArgs, json: bool) -> anyhow::Result<ExitCode> {
    let id = args.record.clone().unwrap_or_default();
    let (mut signer, sign) = signer_and_options(&args, engine.data_dir())?;
    let opts = sohoa_engine::RecordSignOptions {
        sign,
        ltv: args.ltv,
        fallback_dpi: args.dpi,
    };
    let report = engine
        .sign_record(&id, signer.as_mut(), &opts)
        .map_err(record_pdf_err)?;
    if json {
        let mut v = serde_json::to_value(&report)?;
        v["ok"] = json!(true);
        v["record"] = json!(report.record_id);
        v["backend"] = json!(signer.backend());
        print_json(&v)?;
    } else {
        println!(
            "Đã ký — {} — {} — mức {} — đã lưu vào hồ sơ {}, phiên bản {}",
            report.signer, report.signing_time, report.level, report.record_id, report.version
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn record_pdf_err(e: sohoa_engine::RecordPdfError) -> CmdError {
    CmdError {
        code: e.code(),
        message_vi: e.message_vi(),
        message_en: e.to_string(),
        exit: match &e {
            sohoa_engine::RecordPdfError::Engine(e) => crate::output::exit_code(e.class()),
            _ => EXIT_INVALID,
        },
    }
}

/// Runs one of these commands and turns their expected failures into the one-line report and exit code.
pub fn dispatch(result: anyhow::Result<ExitCode>, json: bool) -> anyhow::Result<ExitCode> {
    match result {
        Err(e) => match e.downcast_ref::<CmdError>() {
            Some(c) => {
                if json {
                    println!(
                        "{}",
                        json!({"ok": false, "error": {"code": c.code, "message": c.message_vi, "message_en": c.message_en}})
                    );
                }
                eprintln!("sohoa: {} — {} [{}]", c.message_vi, c.message_en, c.code);
                Ok(ExitCode::from(c.exit))
            }
            None => Err(e),
        },
        ok => ok,
    }
}

pub fn pdf_record(engine: &sohoa_engine::Engine, args: PdfArgs, json: bool) -> anyhow::Result<ExitCode> {
    let id = args.record.clone().unwrap_or_default();
    let (bytes, report) = engine.record_pdf(&id, args.dpi).map_err(record_pdf_err)?;
    write_atomic(&args.out, &bytes)?;
    if json {
        print_json(&json!({"ok": true, "out": args.out, "report": report}))?;
    } else {
        println!(
            "Đã tạo {} cho hồ sơ {} ({} trang)",
            args.out.display(),
            report.record_id,
            report.pages
        );
    }
    Ok(ExitCode::SUCCESS)
}
