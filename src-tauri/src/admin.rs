//! The administrator's settings screen: read by every signed-in role (the counter needs the agency name),
//! written only by administrators (checked in the engine).

use sohoa_engine::DeskSettings;
use tauri::State;

use crate::commands::{Shell, guarded};
use crate::error::ShellError;

#[tauri::command]
pub async fn desk_settings(state: State<'_, Shell>) -> Result<DeskSettings, ShellError> {
    guarded("desk_settings", &state, |e| Ok(e.desk_settings()?)).await
}

#[tauri::command]
pub async fn save_settings(
    state: State<'_, Shell>,
    settings: DeskSettings,
) -> Result<DeskSettings, ShellError> {
    guarded("save_settings", &state, move |e| {
        e.save_settings(&settings)?;
        Ok(e.desk_settings()?)
    })
    .await
}

/// Every certificate of the installed and the desk's trust directories.
#[tauri::command]
pub async fn trust_anchors(
    state: State<'_, Shell>,
) -> Result<Vec<sohoa_engine::TrustCertificate>, ShellError> {
    guarded("trust_anchors", &state, |e| Ok(e.trust_anchors()?)).await
}

/// What a certificate file holds, shown with its fingerprint before the administrator confirms it.
#[tauri::command]
pub async fn inspect_certificate(
    state: State<'_, Shell>,
    path: String,
) -> Result<Vec<sohoa_engine::TrustCertificate>, ShellError> {
    guarded("inspect_certificate", &state, move |e| {
        Ok(e.inspect_certificate(std::path::Path::new(&path))?)
    })
    .await
}

/// Installs the file's CA certificate into the desk's trust directory, only if its fingerprint is the one
/// the administrator confirmed.
#[tauri::command]
pub async fn install_trust_anchor(
    state: State<'_, Shell>,
    path: String,
    fingerprint: String,
) -> Result<sohoa_engine::TrustCertificate, ShellError> {
    guarded("install_trust_anchor", &state, move |e| {
        Ok(e.install_trust_anchor(std::path::Path::new(&path), &fingerprint)?)
    })
    .await
}

#[tauri::command]
pub async fn remove_trust_anchor(state: State<'_, Shell>, fingerprint: String) -> Result<(), ShellError> {
    guarded("remove_trust_anchor", &state, move |e| {
        Ok(e.remove_trust_anchor(&fingerprint)?)
    })
    .await
}

/// The tokens and cards the desk could sign with now (vendor middleware may take seconds: blocking pool).
#[tauri::command]
pub async fn signing_tokens(state: State<'_, Shell>) -> Result<sohoa_engine::SigningTokens, ShellError> {
    guarded("signing_tokens", &state, |e| Ok(e.signing_tokens()?)).await
}

#[tauri::command]
pub async fn scan_presets(state: State<'_, Shell>) -> Result<sohoa_engine::ScanPresets, ShellError> {
    guarded("scan_presets", &state, |e| Ok(e.scan_presets()?)).await
}

/// Replaces the desk's scan presets (each legal-copy preset checked against Decree 30 by the engine).
#[tauri::command]
pub async fn save_scan_presets(
    state: State<'_, Shell>,
    presets: Vec<sohoa_engine::Preset>,
) -> Result<sohoa_engine::ScanPresets, ShellError> {
    guarded("save_scan_presets", &state, move |e| {
        Ok(e.save_scan_presets(&presets)?)
    })
    .await
}
