//! What each command does, as plain functions over an open engine, so integration tests exercise exactly the
//! code the window calls without a webview. Each maps 1:1 onto one engine call; rules belong in the engine,
//! which checks the signed-in caller's role on every [`Acting`] call.

use serde::Serialize;
use sohoa_engine::{Acting, AuditReport, RecordDetail, RecordQuery, RecordSummary, UserView};

use crate::error::ShellError;

/// The header bar's facts about this installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub record_count: u64,
    pub training_mode: bool,
}

/// Environment variable that points the uploader at the ministry vault (design.md, `sohoa sync`).
pub const VAULT_URL_ENV: &str = "SOHOA_VAULT_URL";

/// Training mode is "no ministry vault configured": the desk then runs on its embedded defaults (local SQLite,
/// local vault) and nothing it stores reaches the national system, which the officer must be able to see.
/// The engine has no vault settings yet; when the vault crate lands this reads the engine's setting instead.
pub fn training_mode() -> bool {
    training_mode_for(std::env::var(VAULT_URL_ENV).ok().as_deref())
}

/// The rule behind [`training_mode`], apart from the process environment so it can be tested.
pub fn training_mode_for(vault_url: Option<&str>) -> bool {
    vault_url.is_none_or(|url| url.trim().is_empty())
}

pub fn app_info(engine: &Acting<'_>) -> Result<AppInfo, ShellError> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: engine.data_dir().display().to_string(),
        record_count: engine.record_count()?,
        training_mode: training_mode(),
    })
}

pub fn list_records(engine: &Acting<'_>, query: &RecordQuery) -> Result<Vec<RecordSummary>, ShellError> {
    Ok(engine.list_records(query)?)
}

pub fn record_detail(engine: &Acting<'_>, id: &str) -> Result<RecordDetail, ShellError> {
    Ok(engine.record_detail(id)?)
}

/// Supervisor and administrator only: the hash chain of every recorded action.
pub fn audit_verify(engine: &Acting<'_>) -> Result<AuditReport, ShellError> {
    Ok(engine.audit_verify()?)
}

/// Administrator only.
pub fn list_users(engine: &Acting<'_>) -> Result<Vec<UserView>, ShellError> {
    Ok(engine.list_users()?)
}
