//! The supervisor's review commands (queue, sample draw, approve, reject) and the officer's side of a reject
//! (records returned to them, rescanning a page). Roles are checked in the engine, not here.

use sohoa_engine::{RescanReport, ReturnedRecord, ReviewFilter, ReviewQueueItem, ReviewRow, SampleDraw};
use tauri::State;

use crate::commands::{Shell, guarded};
use crate::error::ShellError;
use crate::reception::ScanStop;
use crate::status::worker_command;

#[tauri::command]
pub async fn review_queue(
    state: State<'_, Shell>,
    filter: ReviewFilter,
) -> Result<Vec<ReviewQueueItem>, ShellError> {
    guarded("review_queue", &state, move |e| Ok(e.review_queue(&filter)?)).await
}

#[tauri::command]
pub async fn draw_sample(
    state: State<'_, Shell>,
    batch: String,
    share: Option<f64>,
) -> Result<SampleDraw, ShellError> {
    guarded("draw_sample", &state, move |e| Ok(e.draw_sample(&batch, share)?)).await
}

#[tauri::command]
pub async fn approve_record(
    state: State<'_, Shell>,
    record: String,
    version: u32,
) -> Result<ReviewRow, ShellError> {
    guarded(
        "approve_record",
        &state,
        move |e| Ok(e.approve(&record, version)?),
    )
    .await
}

#[tauri::command]
pub async fn reject_record(
    state: State<'_, Shell>,
    record: String,
    version: u32,
    reason: String,
    pages: Vec<u32>,
) -> Result<ReviewRow, ShellError> {
    guarded("reject_record", &state, move |e| {
        Ok(e.reject(&record, version, &reason, &pages)?)
    })
    .await
}

#[tauri::command]
pub async fn returned_records(state: State<'_, Shell>) -> Result<Vec<ReturnedRecord>, ShellError> {
    guarded("returned_records", &state, |e| Ok(e.returned_records()?)).await
}

#[tauri::command]
pub async fn review_history(state: State<'_, Shell>, record: String) -> Result<Vec<ReviewRow>, ShellError> {
    guarded("review_history", &state, move |e| Ok(e.review_history(&record)?)).await
}

/// Scans one sheet in place of page `ordinal`; `cancel_scan` stops it like any scan.
#[tauri::command]
pub async fn rescan_page(
    state: State<'_, Shell>,
    stop: State<'_, ScanStop>,
    record: String,
    ordinal: u32,
    version: Option<u32>,
    device: String,
    preset: String,
) -> Result<RescanReport, ShellError> {
    let stop = stop.flag();
    guarded("rescan_page", &state, move |e| {
        let (mut scanner, settings) =
            sohoa_engine::open_scanner(e.data_dir(), worker_command(), &device, &preset, Some(1))?;
        let page = sohoa_engine::PageToRescan {
            record: &record,
            ordinal,
            seen: version,
        };
        Ok(e.rescan_page(page, scanner.as_mut(), &settings, Some(&preset), &stop)?)
    })
    .await
}
