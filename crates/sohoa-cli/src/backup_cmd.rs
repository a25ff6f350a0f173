//! `sohoa backup --out DIR` and `sohoa restore --from DIR` (into `--data-dir`, which must be empty unless
//! `--force`, which moves the old directory aside).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use sohoa_engine::{Engine, EngineConfig, restore_backup};

use crate::output::print_json;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup directory to create (must not exist); written under a temporary name, renamed when complete.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup directory made by `sohoa backup`.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// Restore over a non-empty data directory: the old one is renamed to `<dir>.before-restore-<time>`.
    #[arg(long)]
    pub force: bool,
}

pub fn backup(engine: &Engine, args: &BackupArgs, json: bool) -> anyhow::Result<ExitCode> {
    let report = engine.backup(&args.out)?;
    if json {
        let mut value = serde_json::to_value(&report)?;
        if let Some(obj) = value.as_object_mut() {
            obj.insert("ok".to_owned(), true.into());
            // The per-blob list is in the manifest file; stdout carries the summary.
            if let Some(m) = obj.get_mut("manifest").and_then(|m| m.as_object_mut()) {
                m.remove("blobs");
            }
        }
        print_json(&value)?;
    } else {
        let c = &report.manifest.counts;
        println!(
            "Đã sao lưu vào {}: {} hồ sơ, {} phiên bản, {} tệp ({} B), {} mục nhật ký, trong {} ms",
            report.path.display(),
            c.records,
            c.versions,
            c.blobs,
            c.blob_bytes,
            c.audit_entries,
            report.elapsed_ms
        );
        println!("  sha256 cơ sở dữ liệu: {}", report.manifest.database.sha256);
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs before any engine is opened: the target data directory must not be created or locked by this process.
pub fn restore(data_dir: Option<&Path>, args: &RestoreArgs, json: bool) -> anyhow::Result<ExitCode> {
    let target = match data_dir {
        Some(dir) => dir.to_path_buf(),
        None => EngineConfig::from_env()?.data_dir,
    };
    let report = restore_backup(&args.from, &target, args.force)?;
    if json {
        let mut value = serde_json::to_value(&report)?;
        if let Some(m) = value.get_mut("manifest").and_then(|m| m.as_object_mut()) {
            m.remove("blobs");
        }
        print_json(&value)?;
    } else {
        let c = &report.manifest.counts;
        println!(
            "Đã khôi phục {} hồ sơ, {} phiên bản, {} tệp vào {}",
            c.records,
            c.versions,
            c.blobs,
            report.data_dir.display()
        );
        if let Some(aside) = &report.moved_aside {
            println!("  Dữ liệu cũ được chuyển sang {}", aside.display());
        }
        println!(
            "  Chuỗi nhật ký hợp lệ: {} mục, đầu chuỗi {}",
            report.audit.entries, report.audit.head_hash
        );
        println!(
            "  Kiểm tra kho (integrity_check, {} tệp kiểm băm): tốt",
            report.integrity.blobs_checked
        );
    }
    Ok(ExitCode::SUCCESS)
}
