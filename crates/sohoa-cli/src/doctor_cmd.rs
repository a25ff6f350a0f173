//! `sohoa doctor`: the first-run check (the desktop app shows the same report on its first-run screen).
//!
//! Exit codes: 0 when no check fails (warnings allowed), 7 ("integrity": a check ran and found the desk not
//! ready, as `audit verify` does for the store) when at least one fails.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use sohoa_engine::{CheckStatus, DoctorOptions, DoctorReport, EngineConfig, run_doctor};
use sohoa_scan::worker::WorkerCommand;

use crate::output::{EXIT_INTEGRITY, print_json};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Trust-anchor directory to check (default: SOHOA_TRUST_DIR, else assets/trust).
    #[arg(long, value_name = "DIR")]
    pub trust: Option<PathBuf>,
    /// Deadline of the vault probe, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3)]
    pub vault_timeout: u64,
}

pub fn run(data_dir: Option<&Path>, args: &DoctorArgs, json: bool) -> anyhow::Result<ExitCode> {
    // Tesseract reads OMP_THREAD_LIMIT when it is loaded; restart with it set, as `sohoa ocr` does.
    sohoa_ocr::omp::reexec_with_thread_limit();
    let data_dir = match data_dir {
        Some(d) => d.to_path_buf(),
        None => EngineConfig::from_env()?.data_dir,
    };
    let mut options = DoctorOptions::new(data_dir);
    if let Some(t) = &args.trust {
        options.trust_dir = t.clone();
    }
    options.vault_timeout = Duration::from_secs(args.vault_timeout.clamp(1, 60));
    options.scan_worker = std::env::current_exe()
        .ok()
        .map(|exe| WorkerCommand::new(exe).arg("scan-worker"));
    let report = run_doctor(&options);
    if json {
        print_json(&report)?;
    } else {
        print_table(&report);
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INTEGRITY)
    })
}

fn mark(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Ok => "ĐẠT / OK",
        CheckStatus::Warn => "LƯU Ý / WARN",
        CheckStatus::Fail => "LỖI / FAIL",
    }
}

fn print_table(r: &DoctorReport) {
    println!(
        "SoHoa Desk {} — kiểm tra máy / desk check — {}{}",
        r.app_version,
        r.data_dir.display(),
        if r.training_mode {
            "  (chế độ đào tạo / training mode)"
        } else {
            ""
        }
    );
    let width = r
        .checks
        .iter()
        .map(|c| c.title_vi.chars().count())
        .max()
        .unwrap_or(0);
    for c in &r.checks {
        let pad = width - c.title_vi.chars().count();
        println!(
            "{:<13} {}{}  {}",
            mark(c.status),
            c.title_vi,
            " ".repeat(pad),
            c.detail
        );
        if let Some(fix) = &c.fix_vi {
            println!("{:<13}   → {fix}", "");
        }
        if let Some(fix) = &c.fix_en {
            println!("{:<13}   → {fix}", "");
        }
    }
    println!(
        "Kết quả / result: {} đạt, {} lưu ý, {} lỗi",
        r.counts.ok, r.counts.warn, r.counts.fail
    );
}
