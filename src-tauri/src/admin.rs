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
