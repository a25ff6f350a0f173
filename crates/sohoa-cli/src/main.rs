//! The `sohoa` command: archive staff run unattended batches with it, support staff diagnose with it, and the
//! tests and benchmarks drive the engine through it. Contract: `shared/design.md`, "Command-line contract".
//!
//! Every failure is one line on stderr (Vietnamese, then English, then the machine code) and a distinct exit
//! code per error class, so scripts can tell "fix your input" from "the disk is full".

mod args;
mod backup_cmd;
mod clean_cmd;
mod doctor_cmd;
mod extract_cmd;
mod ocr_cmd;
mod output;
mod pdf_cmd;
mod report_cmd;
mod review_cmd;
mod run;
mod scan_cmd;
mod separator_cmd;
mod sign_in;
mod sync_cmd;
mod tokens_cmd;
mod user_cmd;
mod verify_cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    init_logging(cli.verbose);
    let json = cli.json;
    match run::run(cli) {
        Ok(code) => code,
        Err(err) => output::report_error(&err, json),
    }
}

/// Logs go to stderr so `--json` output on stdout stays parseable; `SOHOA_LOG` overrides the level.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SOHOA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
