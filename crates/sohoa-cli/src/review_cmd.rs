//! `sohoa review list|sample|approve|reject|returned|history`: the supervisor's review from a terminal.
//!
//! Without `--as`, the command acts as the local system actor (like `sohoa user`); with `--as LOGIN
//! --as-password-env VAR` it signs in first and the account's role is checked exactly as in the app, so a
//! script run by an officer cannot approve records either.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use sohoa_engine::{Engine, ReviewFilter, ReviewQueueItem, ReviewRow};

use crate::output::print_json;

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub sign_in: crate::sign_in::SignIn,
    #[command(subcommand)]
    pub cmd: ReviewCmd,
}

#[derive(Debug, Subcommand)]
pub enum ReviewCmd {
    /// Records awaiting review, with a quality verdict per page.
    List {
        /// Only records of this feeder batch.
        #[arg(long, value_name = "BATCH")]
        batch: Option<String>,
        /// Only records drawn in a batch sample.
        #[arg(long)]
        samples: bool,
        /// At most this many records (0: all).
        #[arg(long, default_value_t = 0)]
        limit: u32,
    },
    /// Draw (once) the sample of a batch to check closely.
    Sample {
        #[arg(long, value_name = "BATCH")]
        batch: String,
        /// Share of the batch, more than 0 and at most 1 (default: setting review.sample_share, else 0.1).
        #[arg(long)]
        share: Option<f64>,
    },
    /// Approve a record's current version.
    Approve {
        id: String,
        /// The version looked at (default: the current one); refused if the record changed since.
        #[arg(long)]
        version: Option<u32>,
    },
    /// Return a record to its officer for rescanning.
    Reject {
        id: String,
        #[arg(long)]
        reason: String,
        /// Page position (ordinal, as `review list` shows it) to rescan; repeatable; none: the whole record.
        #[arg(long = "page", value_name = "N")]
        pages: Vec<u32>,
        /// The version looked at (default: the current one); refused if the record changed since.
        #[arg(long)]
        version: Option<u32>,
    },
    /// Records returned to the signed-in officer (every officer's for the system actor).
    Returned,
    /// Every review of a record.
    History { id: String },
}

fn print_queue(items: &[ReviewQueueItem]) {
    if items.is_empty() {
        println!("(không có hồ sơ chờ kiểm duyệt — nothing awaiting review)");
        return;
    }
    for item in items {
        let pages: Vec<String> = item
            .pages
            .iter()
            .map(|p| {
                let mut s = format!("#{}:{}", p.ordinal, verdict(p.quality.verdict));
                if !p.quality.reasons.is_empty() {
                    s.push_str(&format!("({})", p.quality.reasons.join(",")));
                }
                s
            })
            .collect();
        println!(
            "{}  v{}  {}  {}{}  {}  [{}]  {}",
            item.summary.id,
            item.version,
            verdict(item.verdict),
            item.batch_id.as_deref().unwrap_or("-"),
            if item.sampled { " (mẫu)" } else { "" },
            item.created_by,
            pages.join(" "),
            item.summary.title
        );
    }
}

fn verdict(v: sohoa_engine::QualityVerdict) -> &'static str {
    match v {
        sohoa_engine::QualityVerdict::Ok => "đạt/ok",
        sohoa_engine::QualityVerdict::Warn => "xem lại/warn",
        sohoa_engine::QualityVerdict::Fail => "không đạt/fail",
    }
}

fn print_review(r: &ReviewRow) {
    println!(
        "{}  v{}  {}  {}  {}{}",
        r.at,
        r.version,
        r.verdict.as_str(),
        r.reviewer,
        r.reason.as_deref().unwrap_or(""),
        if r.pages.is_empty() {
            String::new()
        } else {
            format!(
                "  [trang/pages {}]",
                r.pages.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
            )
        }
    );
}

pub fn run(engine: &Engine, args: &ReviewArgs, json: bool) -> anyhow::Result<ExitCode> {
    let caller = args.sign_in.caller(engine)?;
    let acting = engine.acting(&caller);
    let current = |id: &str, given: Option<u32>| -> anyhow::Result<u32> {
        match given {
            Some(v) => Ok(v),
            None => Ok(acting
                .review_status(id)?
                .version
                .ok_or(sohoa_engine::ReviewError::NoPages)
                .map_err(sohoa_engine::EngineError::from)?),
        }
    };
    match &args.cmd {
        ReviewCmd::List {
            batch,
            samples,
            limit,
        } => {
            let filter = ReviewFilter {
                batch: batch.clone(),
                samples_only: *samples,
                limit: *limit,
            };
            let items = acting.review_queue(&filter)?;
            if json {
                print_json(&items)?;
            } else {
                print_queue(&items);
            }
        }
        ReviewCmd::Sample { batch, share } => {
            let draw = acting.draw_sample(batch, *share)?;
            if json {
                print_json(&draw)?;
            } else {
                println!(
                    "Lô {}: {} / {} hồ sơ được chọn (tỷ lệ {}, hạt giống {}{})",
                    draw.sample.batch_id,
                    draw.sample.records.len(),
                    draw.sample.population,
                    draw.sample.share,
                    draw.sample.seed,
                    if draw.fresh {
                        ""
                    } else {
                        ", đã chọn từ trước / drawn before"
                    }
                );
                draw.sample.records.iter().for_each(|r| println!("{r}"));
            }
        }
        ReviewCmd::Approve { id, version } => {
            let row = acting.approve(id, current(id, *version)?)?;
            decided(json, &row, "Đã duyệt / approved")?;
        }
        ReviewCmd::Reject {
            id,
            reason,
            pages,
            version,
        } => {
            let row = acting.reject(id, current(id, *version)?, reason, pages)?;
            decided(json, &row, "Đã trả lại cho cán bộ / returned to the officer")?;
        }
        ReviewCmd::Returned => {
            let returned = acting.returned_records()?;
            if json {
                print_json(&returned)?;
            } else if returned.is_empty() {
                println!("(không có hồ sơ bị trả lại — no returned records)");
            } else {
                for r in &returned {
                    let pages: Vec<String> = r.pages.iter().map(|p| p.number.to_string()).collect();
                    println!(
                        "{}  v{}  {}  trang/pages: {}  {}",
                        r.summary.id,
                        r.version,
                        r.review.reason.as_deref().unwrap_or(""),
                        if pages.is_empty() {
                            "tất cả/all".to_owned()
                        } else {
                            pages.join(",")
                        },
                        r.summary.title
                    );
                }
            }
        }
        ReviewCmd::History { id } => {
            let history = acting.review_history(id)?;
            if json {
                print_json(&history)?;
            } else if history.is_empty() {
                println!("(chưa được kiểm duyệt — not reviewed yet)");
            } else {
                history.iter().for_each(print_review);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn decided(json: bool, row: &ReviewRow, text: &str) -> anyhow::Result<()> {
    if json {
        print_json(row)
    } else {
        println!("{text}: {} v{}", row.record_id, row.version);
        Ok(())
    }
}
