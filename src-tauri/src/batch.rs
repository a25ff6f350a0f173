//! The archive batch screen's commands: profiles, the feeder run (progress pushed as `batch-progress`
//! events, stopped by `cancel_scan`), pending dossiers, the sheet-count check, saving and discarding.

use sohoa_engine::{
    BatchEvent, BatchProfile, BatchReport, NewRecordRequest, PendingDossier, SaveDossier, SavedDossier,
    SheetCheck, StorageStart,
};
use tauri::{AppHandle, Emitter, State};

use crate::commands::{Shell, guarded};
use crate::error::ShellError;
use crate::reception::ScanStop;
use crate::status::worker_command;

#[tauri::command]
pub fn batch_profiles() -> Vec<BatchProfile> {
    sohoa_engine::batch_profiles().to_vec()
}

#[derive(Debug, serde::Deserialize)]
pub struct BatchRequest {
    pub profile: String,
    pub device: String,
    pub storage: StorageStart,
}

/// Runs the feeder for one box. Uses the scan stop flag: a window runs one scan or one batch at a time.
#[tauri::command]
pub async fn run_batch(
    app: AppHandle,
    state: State<'_, Shell>,
    stop: State<'_, ScanStop>,
    request: BatchRequest,
) -> Result<BatchReport, ShellError> {
    let stop = stop.flag();
    guarded("run_batch", &state, move |e| {
        let profile = sohoa_engine::batch_profile(&request.profile)?;
        let (mut device, settings) = sohoa_engine::open_scanner(
            e.data_dir(),
            worker_command(),
            &request.device,
            profile.preset,
            None,
        )?;
        let report = e.run_batch(
            &request.profile,
            device.as_mut(),
            &settings,
            &request.storage,
            &stop,
            |event: &BatchEvent| {
                if let Err(err) = app.emit("batch-progress", event) {
                    tracing::warn!(error = %err, "batch progress not delivered to the window");
                }
            },
        )?;
        Ok(report)
    })
    .await
}

#[tauri::command]
pub async fn pending_dossiers(
    state: State<'_, Shell>,
    batch: Option<String>,
) -> Result<Vec<PendingDossier>, ShellError> {
    guarded("pending_dossiers", &state, move |e| {
        Ok(e.pending_dossiers(batch.as_deref())?)
    })
    .await
}

#[tauri::command]
pub async fn dossier_sheet_check(
    state: State<'_, Shell>,
    dossier: String,
    declared: u32,
) -> Result<SheetCheck, ShellError> {
    guarded("dossier_sheet_check", &state, move |e| {
        Ok(e.dossier_sheet_check(&dossier, declared)?)
    })
    .await
}

#[tauri::command]
pub async fn save_dossier(
    state: State<'_, Shell>,
    dossier: String,
    mut request: SaveDossier,
) -> Result<SavedDossier, ShellError> {
    request.owner_id = request.owner_id.filter(|s| !s.trim().is_empty());
    request.doc_type_code = request.doc_type_code.filter(|s| !s.trim().is_empty());
    guarded("save_dossier", &state, move |e| {
        Ok(e.save_dossier(&dossier, &request)?)
    })
    .await
}

#[tauri::command]
pub async fn discard_dossier(state: State<'_, Shell>, dossier: String) -> Result<(), ShellError> {
    guarded("discard_dossier", &state, move |e| {
        Ok(e.discard_dossier(&dossier)?)
    })
    .await
}

#[tauri::command]
pub async fn add_info_only(
    state: State<'_, Shell>,
    batch: String,
    mut request: NewRecordRequest,
) -> Result<SavedDossier, ShellError> {
    request.owner_id = request.owner_id.filter(|s| !s.trim().is_empty());
    guarded("add_info_only", &state, move |e| {
        Ok(e.add_info_only(&batch, &request)?)
    })
    .await
}

/// Recent batch runs, newest first (the supervisor picks one to draw a sample from).
#[tauri::command]
pub async fn list_batches(state: State<'_, Shell>) -> Result<Vec<sohoa_engine::BatchStats>, ShellError> {
    guarded("list_batches", &state, |e| Ok(e.list_batches(50)?)).await
}
