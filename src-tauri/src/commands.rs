//! The Tauri commands. Engine calls touch SQLite and the disk, so they run on the blocking pool: a sync
//! command would run on the main thread and freeze the window for the duration of a slow query.

use std::sync::Arc;

use sohoa_engine::{Engine, RecordDetail, RecordQuery, RecordSummary};
use tauri::State;

use crate::api::{self, AppInfo};
use crate::error::ShellError;

/// The engine, or why it could not be opened. Keeping the failure (instead of exiting) lets the window open
/// and tell the officer what is wrong — a data folder held by another program, a full disk — in Vietnamese.
pub struct Shell {
    engine: Result<Arc<Engine>, ShellError>,
}

impl Shell {
    pub fn new(engine: Result<Engine, ShellError>) -> Self {
        Shell {
            engine: engine.map(Arc::new),
        }
    }

    fn engine(&self) -> Result<Arc<Engine>, ShellError> {
        self.engine.clone()
    }

    /// The engine for background feeds; `None` when it did not open (the window shows why).
    pub fn engine_handle(&self) -> Option<Arc<Engine>> {
        self.engine.as_ref().ok().cloned()
    }
}

async fn blocking<T, F>(command: &'static str, state: &Shell, call: F) -> Result<T, ShellError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> Result<T, ShellError> + Send + 'static,
{
    let engine = state.engine()?;
    let result = tauri::async_runtime::spawn_blocking(move || call(&engine))
        .await
        .unwrap_or_else(|join| Err(ShellError::worker_lost(&join.to_string())));
    if let Err(err) = &result {
        // The code only: messages can quote owner IDs or names, which never go to the log in clear.
        tracing::warn!(command, code = %err.code, "command failed");
    }
    result
}

#[tauri::command]
pub async fn app_info(state: State<'_, Shell>) -> Result<AppInfo, ShellError> {
    blocking("app_info", &state, api::app_info).await
}

#[tauri::command]
pub async fn list_records(
    state: State<'_, Shell>,
    query: RecordQuery,
) -> Result<Vec<RecordSummary>, ShellError> {
    tracing::debug!(
        text_chars = query.text.as_deref().map_or(0, |t| t.chars().count()),
        kind = query.kind.as_deref().unwrap_or(""),
        trash = query.trash,
        limit = query.limit,
        offset = query.offset,
        "list_records"
    );
    blocking("list_records", &state, move |engine| {
        api::list_records(engine, &query)
    })
    .await
}

#[tauri::command]
pub async fn record_detail(state: State<'_, Shell>, id: String) -> Result<RecordDetail, ShellError> {
    blocking("record_detail", &state, move |engine| {
        api::record_detail(engine, &id)
    })
    .await
}

/// The status bar's first paint; later changes arrive as `desk-status` events. `None` until the feed's
/// first pass (a second or so after start).
#[tauri::command]
pub fn desk_status(feed: State<'_, Arc<crate::status::StatusFeed>>) -> Option<crate::status::DeskStatus> {
    feed.latest()
}
