//! `sohoa report --from D --to D [--out FILE.xlsx]` and `sohoa report --import FILE.xlsx`: the supervisor's
//! statistics of a period (the yearly report to the province), the Excel workbook of records and
//! statistics, and corrections applied back from that workbook.
//!
//! Without `--as`, the command acts as the local system actor (like `sohoa user`); with `--as LOGIN
//! --as-password-env VAR` it signs in and the account's role is checked as in the app (supervisor only).
//! `--import` exits 0 when every row was applied or unchanged, and 3 (invalid input) when any row was
//! refused, after printing the per-row report.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use sohoa_engine::{Engine, ImportMetadataReport, RowResult, Statistics};

use crate::output::{EXIT_INVALID, print_json};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day of the period (YYYY-MM-DD or DD/MM/YYYY, Vietnam time).
    #[arg(long, value_name = "D", value_parser = parse_day, required_unless_present = "import")]
    pub from: Option<NaiveDate>,
    /// Last day of the period, included.
    #[arg(long, value_name = "D", value_parser = parse_day, required_unless_present = "import")]
    pub to: Option<NaiveDate>,
    /// Write the workbook (records of the period and statistics) here; replaced only once complete.
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: Option<PathBuf>,
    /// Apply corrected record metadata from an exported workbook's "Hồ sơ" sheet instead.
    #[arg(long, value_name = "FILE.xlsx", conflicts_with_all = ["from", "to", "out"])]
    pub import: Option<PathBuf>,
    #[command(flatten)]
    pub sign_in: crate::sign_in::SignIn,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s.trim(), "%d/%m/%Y"))
        .map_err(|_| format!("'{s}' is not a date (YYYY-MM-DD or DD/MM/YYYY)"))
}

pub fn run(engine: &Engine, args: &ReportArgs, json: bool) -> anyhow::Result<ExitCode> {
    let caller = args.sign_in.caller(engine)?;
    let acting = engine.acting(&caller);
    if let Some(path) = &args.import {
        let report = acting.import_metadata_xlsx(path)?;
        if json {
            print_json(&report)?;
        } else {
            print_import(&report);
        }
        return Ok(if report.refused > 0 {
            ExitCode::from(EXIT_INVALID)
        } else {
            ExitCode::SUCCESS
        });
    }
    let (Some(from), Some(to)) = (args.from, args.to) else {
        anyhow::bail!("--from and --to are required");
    };
    let (statistics, export) = match &args.out {
        Some(path) => {
            let r = acting.export_xlsx(from, to, path)?;
            let export = serde_json::json!({"path": r.path, "records": r.records, "bytes": r.bytes});
            (r.statistics, Some(export))
        }
        None => (acting.statistics(from, to)?, None),
    };
    if json {
        let mut v = serde_json::to_value(&statistics)?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("export".to_owned(), export.unwrap_or(serde_json::Value::Null));
        }
        print_json(&v)?;
    } else {
        print_statistics(&statistics);
        if let Some(e) = export {
            println!(
                "Đã ghi tệp Excel / workbook written: {} ({} hồ sơ)",
                e["path"].as_str().unwrap_or_default(),
                e["records"]
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_statistics(s: &Statistics) {
    println!(
        "Thống kê từ {} đến {}",
        s.from.format("%d/%m/%Y"),
        s.to.format("%d/%m/%Y")
    );
    println!(
        "  Hồ sơ số hóa: {}  ·  Số trang: {}  ·  Hồ sơ chỉ có thông tin: {}",
        s.totals.records, s.totals.pages, s.totals.info_only
    );
    println!("Theo cán bộ:");
    for o in &s.per_officer {
        println!(
            "  {:<28} {:>6} hồ sơ {:>8} trang {:>5} chỉ thông tin",
            o.display_name, o.counts.records, o.counts.pages, o.counts.info_only
        );
    }
    println!("Theo loại giấy tờ:");
    for t in &s.per_doc_type {
        println!(
            "  {:<12} {:<40} {:>6} hồ sơ {:>8} trang {:>5} chỉ thông tin",
            t.doc_type_code.as_deref().unwrap_or("-"),
            t.doc_type_name_vi.as_deref().unwrap_or(&t.kind_label_vi),
            t.counts.records,
            t.counts.pages,
            t.counts.info_only
        );
    }
    let q = &s.queue;
    println!(
        "Gửi kho: {} đang chờ, {} lỗi, {} đã gửi (có biên nhận), {} trong kỳ",
        q.queued, q.failed, q.delivered, q.delivered_in_period
    );
    let y = &s.year;
    match (y.target, &y.target_invalid) {
        (Some(target), _) => println!(
            "Tiến độ năm {}: {}/{} hồ sơ ({:.1}%), còn {} — cần {:.1} hồ sơ/ngày làm việc trong {} ngày còn lại",
            y.year,
            y.digitized,
            target,
            y.share_percent.unwrap_or_default(),
            y.remaining.unwrap_or_default(),
            y.needed_per_working_day.unwrap_or_default(),
            y.remaining_working_days
        ),
        (None, Some(raw)) => println!(
            "Tiến độ năm {}: {} hồ sơ; chỉ tiêu cấu hình không hợp lệ ({raw})",
            y.year, y.digitized
        ),
        (None, None) => println!(
            "Tiến độ năm {}: {} hồ sơ; chưa đặt chỉ tiêu (stats.yearly_target)",
            y.year, y.digitized
        ),
    }
    if !s.batches.is_empty() {
        println!("Lô số hóa trong kỳ: {}", s.batches.len());
    }
}

fn print_import(r: &ImportMetadataReport) {
    println!(
        "Nhập từ Excel: {} hồ sơ cập nhật, {} không đổi, {} dòng bị từ chối",
        r.updated, r.unchanged, r.refused
    );
    for o in &r.rows {
        let id = o.record_id.as_deref().unwrap_or("-");
        match &o.result {
            RowResult::Updated { revision, fields } => {
                println!(
                    "  dòng {}: {id} → lần sửa {revision} ({})",
                    o.row,
                    fields.join(", ")
                );
            }
            RowResult::Unchanged => {}
            RowResult::Refused { code, message_vi } => {
                println!("  dòng {}: {id} — {message_vi} [{code}]", o.row);
            }
        }
    }
}
