//! `sohoa verify`: signatures (integrity, signer, time, level, chain, later changes) or, with `--pdfa`,
//! the PDF/A-2b lint.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;
use sohoa_pdf::PdfError;

use crate::output::{EXIT_INTEGRITY, print_json};
use crate::pdf_cmd::CmdError;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    pub file: PathBuf,
    /// Directory of trusted root certificates (PEM/DER).
    #[arg(long, value_name = "DIR")]
    pub trust: Option<PathBuf>,
    /// Run the PDF/A-2b lint instead of (with signatures: as well as) signature verification.
    #[arg(long)]
    pub pdfa: bool,
}

pub fn verify(args: VerifyArgs, json: bool) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file).map_err(|e| CmdError::from(PdfError::Io(e)))?;
    if args.pdfa {
        let report = sohoa_pdf::lint::lint(&bytes);
        if json {
            print_json(&json!({"ok": report.ok(), "pdfa": report}))?;
        } else {
            println!(
                "PDF/A-2b: {}",
                if report.ok() {
                    "ĐẠT (các quy tắc đã kiểm tra)"
                } else {
                    "KHÔNG ĐẠT"
                }
            );
            for v in &report.violations {
                println!("  [{}] {}", v.rule, v.message);
            }
        }
        return Ok(if report.ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_INTEGRITY)
        });
    }
    let anchors = match &args.trust {
        Some(dir) => sohoa_pdf::verify::load_trust_dir(dir).map_err(CmdError::from)?,
        None => Vec::new(),
    };
    let report = sohoa_pdf::verify_pdf(&bytes, &anchors).map_err(CmdError::from)?;
    let ok = report.all_valid();
    if json {
        print_json(&json!({"ok": ok, "report": report}))?;
    } else {
        if report.signatures.is_empty() {
            println!("Tệp không có chữ ký số");
        }
        for s in &report.signatures {
            println!("Chữ ký {}:", s.field.as_deref().unwrap_or("?"));
            println!("  Người ký:      {}", s.signer);
            println!("  Thời gian ký:  {}", s.claimed_time.as_deref().unwrap_or("-"));
            println!("  Dấu thời gian: {}", s.timestamp_time.as_deref().unwrap_or("-"));
            println!("  Mức PAdES:     {}", s.level.as_str());
            println!(
                "  Toàn vẹn:      {} ({})",
                if s.integrity_ok { "ĐÚNG" } else { "SAI" },
                s.integrity_detail
            );
            println!("  Chuỗi tin cậy: {:?} ({})", s.chain, s.chain_detail);
            println!("  Sau khi ký:    {} ({} byte)", s.changes_after, s.bytes_after);
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INTEGRITY)
    })
}
