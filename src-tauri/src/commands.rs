//! The Tauri commands. Engine calls touch SQLite and the disk, so they run on the blocking pool: a sync
//! command would run on the main thread and freeze the window for the duration of a slow query.
//!
//! Every command except the sign-in ones runs through [`guarded`]: no session or a locked session is refused
//! here, and the engine checks the caller's role inside each call, so hiding a button is never the only guard.

use std::sync::Arc;

use sohoa_engine::{Acting, AuditReport, Engine, RecordDetail, RecordQuery, RecordSummary, UserView};
use tauri::State;

use crate::api::{self, AppInfo};
use crate::error::ShellError;
use crate::session::{SessionStatus, Sessions, idle_lock_from_env};

/// The engine, or why it could not be opened. Keeping the failure (instead of exiting) lets the window open
/// and tell the officer what is wrong — a data folder held by another program, a full disk — in Vietnamese.
pub struct Shell {
    engine: Result<Arc<Engine>, ShellError>,
    sessions: Sessions,
}

impl Shell {
    /// Also creates the training sandbox's demo accounts on a first start in training mode.
    pub fn new(engine: Result<Engine, ShellError>) -> Self {
        if let Ok(engine) = &engine {
            match engine.ensure_training_accounts(api::training_mode()) {
                Ok(0) => {}
                Ok(n) => tracing::info!(accounts = n, "training accounts created"),
                Err(err) => tracing::error!(code = err.code(), "training accounts not created"),
            }
        }
        Shell {
            engine: engine.map(Arc::new),
            sessions: Sessions::new(idle_lock_from_env(), api::training_mode()),
        }
    }

    fn engine(&self) -> Result<Arc<Engine>, ShellError> {
        self.engine.clone()
    }

    /// The data folder even when the engine did not open there (the first-run check must still run).
    fn data_dir(&self) -> Result<std::path::PathBuf, ShellError> {
        match &self.engine {
            Ok(engine) => Ok(engine.data_dir().to_path_buf()),
            Err(_) => Ok(sohoa_engine::EngineConfig::from_env()?.data_dir),
        }
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

impl Shell {
    /// [`guarded`] for callers already off the main thread (the `page:` protocol's worker).
    pub(crate) fn as_caller<T>(
        &self,
        what: &'static str,
        call: impl FnOnce(&Acting<'_>) -> Result<T, ShellError>,
    ) -> Result<T, ShellError> {
        let caller = self.sessions.caller().inspect_err(|err| {
            tracing::warn!(what, code = %err.code, "request refused");
        })?;
        let engine = self.engine()?;
        call(&engine.acting(&caller))
    }
}

/// A command on behalf of the signed-in caller.
pub(crate) async fn guarded<T, F>(command: &'static str, state: &Shell, call: F) -> Result<T, ShellError>
where
    T: Send + 'static,
    F: FnOnce(&Acting<'_>) -> Result<T, ShellError> + Send + 'static,
{
    let caller = match state.sessions.caller() {
        Ok(c) => c,
        Err(err) => {
            tracing::warn!(command, code = %err.code, "command refused");
            return Err(err);
        }
    };
    blocking(command, state, move |engine| call(&engine.acting(&caller))).await
}

#[tauri::command]
pub async fn whoami(state: State<'_, Shell>) -> Result<SessionStatus, ShellError> {
    Ok(state.sessions.status())
}

#[tauri::command]
pub async fn login(
    state: State<'_, Shell>,
    login: String,
    password: String,
) -> Result<SessionStatus, ShellError> {
    let caller = blocking("login", &state, move |engine| {
        Ok(engine.authenticate(&login, &password)?)
    })
    .await?;
    state.sessions.begin(caller);
    Ok(state.sessions.status())
}

#[tauri::command]
pub async fn logout(state: State<'_, Shell>) -> Result<SessionStatus, ShellError> {
    if let Some(caller) = state.sessions.end() {
        blocking("logout", &state, move |engine| {
            Ok(engine.record_session_event(&caller, "auth.logout")?)
        })
        .await?;
    }
    Ok(state.sessions.status())
}

#[tauri::command]
pub async fn lock(state: State<'_, Shell>) -> Result<SessionStatus, ShellError> {
    if let Some(caller) = state.sessions.lock() {
        blocking("lock", &state, move |engine| {
            Ok(engine.record_session_event(&caller, "auth.lock")?)
        })
        .await?;
    }
    Ok(state.sessions.status())
}

/// Re-enters the password of the account holding the session (another person signs out first).
#[tauri::command]
pub async fn unlock(state: State<'_, Shell>, password: String) -> Result<SessionStatus, ShellError> {
    let holder = state
        .sessions
        .holder()
        .ok_or(sohoa_engine::EngineError::NotSignedIn)?;
    let caller = blocking("unlock", &state, move |engine| {
        Ok(engine.authenticate(holder.login(), &password)?)
    })
    .await?;
    state.sessions.unlock(&caller)?;
    Ok(state.sessions.status())
}

#[tauri::command]
pub async fn app_info(state: State<'_, Shell>) -> Result<AppInfo, ShellError> {
    guarded("app_info", &state, api::app_info).await
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
    guarded("list_records", &state, move |engine| {
        api::list_records(engine, &query)
    })
    .await
}

#[tauri::command]
pub async fn record_detail(state: State<'_, Shell>, id: String) -> Result<RecordDetail, ShellError> {
    guarded("record_detail", &state, move |engine| {
        api::record_detail(engine, &id)
    })
    .await
}

#[tauri::command]
pub async fn audit_verify(state: State<'_, Shell>) -> Result<AuditReport, ShellError> {
    guarded("audit_verify", &state, api::audit_verify).await
}

#[tauri::command]
pub async fn list_users(state: State<'_, Shell>) -> Result<Vec<UserView>, ShellError> {
    guarded("list_users", &state, api::list_users).await
}

/// The status bar's first paint; later changes arrive as `desk-status` events. `None` until the feed's
/// first pass (a second or so after start).
#[tauri::command]
pub fn desk_status(feed: State<'_, Arc<crate::status::StatusFeed>>) -> Option<crate::status::DeskStatus> {
    feed.latest()
}

/// Not guarded: the first-run screen comes before sign-in (on a new desk no account may exist yet), and it
/// reveals nothing personal.
#[tauri::command]
pub fn first_run(state: State<'_, Shell>) -> Result<bool, ShellError> {
    Ok(crate::first_run::is_first_run(&state.data_dir()?))
}

#[tauri::command]
pub fn finish_first_run(state: State<'_, Shell>) -> Result<(), ShellError> {
    crate::first_run::mark_done(&state.data_dir()?)
}

/// Not guarded, like [`first_run`]. Seconds long (scanner discovery, OCR model load), so on the blocking pool.
#[tauri::command]
pub async fn run_doctor(state: State<'_, Shell>) -> Result<sohoa_engine::DoctorReport, ShellError> {
    let data_dir = state.data_dir()?;
    tauri::async_runtime::spawn_blocking(move || crate::first_run::doctor(data_dir))
        .await
        .map_err(|join| ShellError::worker_lost(&join.to_string()))
}
