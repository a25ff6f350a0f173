//! `sohoa sync`: queues records for the vault and runs the uploader headless.
//!
//! Without a vault URL (`SOHOA_VAULT_URL` or `url` in `<data dir>/vault.toml`) the desk is in training mode:
//! records are still queued (so nothing is forgotten when the desk goes live) but nothing is sent.

use std::process::ExitCode;

use serde_json::json;
use sohoa_engine::{Delivery, Engine, OutboxState};

use crate::args::SyncArgs;
use crate::output::print_json;

pub fn run(engine: &Engine, args: SyncArgs, json: bool) -> anyhow::Result<ExitCode> {
    let config = engine.vault_config()?;
    let mut queued = Vec::new();
    for id in &args.enqueue {
        queued.push(engine.vault_enqueue(id, &config)?.message_id);
    }
    for id in &args.requeue {
        engine.vault_requeue(id)?;
        if !json {
            println!("Đã đưa thông điệp {id} trở lại hàng đợi");
        }
    }
    let mut skipped = Vec::new();
    if args.all {
        let report = engine.vault_enqueue_ready(&config)?;
        queued.extend(report.queued);
        skipped = report.skipped;
    }
    if !json {
        if !queued.is_empty() {
            println!("Đã xếp {} hồ sơ vào hàng đợi gửi kho", queued.len());
        }
        for s in &skipped {
            println!("Bỏ qua hồ sơ {}: {} [{}]", s.record_id, s.reason, s.code);
        }
    }
    if args.status {
        let rows = engine.vault_queue()?;
        if json {
            print_json(&json!({"counts": engine.vault_counts()?, "queue": rows}))?;
        } else {
            for r in &rows {
                println!(
                    "{}  {:<16}  hồ sơ {}  {}",
                    r.message_id,
                    r.state.as_str(),
                    r.record_id,
                    r.transaction_id
                        .as_deref()
                        .or(r.last_error.as_deref())
                        .unwrap_or("")
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if config.url.is_none() {
        let counts = engine.vault_counts()?;
        if json {
            print_json(&json!({"mode": "training", "queued": queued, "skipped": skipped, "counts": counts}))?;
        } else {
            println!(
                "Chế độ luyện tập: chưa cấu hình kho dữ liệu (SOHOA_VAULT_URL). {} thông điệp đang chờ, không gửi gì. \
                 — Training mode: no vault URL; messages stay queued and nothing leaves the desk.",
                counts.pending + counts.retry_wait + counts.uploading + counts.uploaded
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.once {
        let pass = engine.vault_sync_once(&config)?;
        if json {
            print_json(&json!({
                "mode": "online",
                "queued": queued,
                "skipped": skipped,
                "deliveries": pass.deliveries,
                "outside_window_secs": pass.outside_window_secs,
                "counts": engine.vault_counts()?,
            }))?;
        } else {
            if let Some(s) = pass.outside_window_secs {
                println!(
                    "Ngoài khung giờ tải lên: còn {} phút nữa — outside the upload window",
                    s / 60
                );
            }
            pass.deliveries.iter().for_each(print_delivery);
            let c = engine.vault_counts()?;
            println!(
                "Đã nhận biên nhận: {} · chờ thử lại: {} · bị từ chối: {} · đang chờ: {}",
                c.acknowledged,
                c.retry_wait,
                c.failed_permanent,
                c.pending + c.uploading + c.uploaded
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    engine.vault_run(
        &config,
        |d| {
            if json {
                println!("{}", serde_json::to_string(d).unwrap_or_default());
            } else {
                print_delivery(d);
            }
        },
        stop,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn print_delivery(d: &Delivery) {
    match d.state {
        OutboxState::Acknowledged => println!(
            "✓ hồ sơ {}: kho đã tiếp nhận, mã giao dịch {}",
            d.record_id,
            d.receipt.as_ref().map_or("", |r| r.transaction_id.as_str())
        ),
        OutboxState::FailedPermanent => println!(
            "✗ hồ sơ {}: kho từ chối — cần cán bộ xử lý: {}",
            d.record_id,
            d.error.as_deref().unwrap_or("")
        ),
        _ => println!(
            "… hồ sơ {}: chưa gửi được, sẽ thử lại ({})",
            d.record_id,
            d.error.as_deref().unwrap_or("")
        ),
    }
}
