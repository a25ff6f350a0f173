//! Receiving a procedure dossier at the counter: the catalogue's checklists and the intake that makes one
//! record per paper handed in. The rules live in the engine (`sohoa_engine::intake`); this maps them.

use sohoa_engine::{DossierChecklist, DossierIntake, ReceivedDossier};
use tauri::State;

use crate::commands::{Shell, guarded};
use crate::error::ShellError;

#[tauri::command]
pub async fn dossier_checklists(state: State<'_, Shell>) -> Result<Vec<DossierChecklist>, ShellError> {
    guarded("dossier_checklists", &state, |e| Ok(e.dossier_checklists()?)).await
}

#[tauri::command]
pub async fn receive_dossier(
    state: State<'_, Shell>,
    intake: DossierIntake,
) -> Result<ReceivedDossier, ShellError> {
    guarded(
        "receive_dossier",
        &state,
        move |e| Ok(e.receive_dossier(&intake)?),
    )
    .await
}

/// The dossier `record` was received in, to go on with it at the counter; `null` for a record received alone.
#[tauri::command]
pub async fn dossier_of(
    state: State<'_, Shell>,
    record: String,
) -> Result<Option<ReceivedDossier>, ShellError> {
    guarded("dossier_of", &state, move |e| Ok(e.dossier_of(&record)?)).await
}
