//! The supervisor's dashboard commands: statistics of a period, the Excel report written into the data
//! directory's `exports/` folder, and the import of that same workbook after corrections in Excel.
//!
//! Imports are limited to workbooks in `exports/`: the window cannot name an arbitrary file on the desk.

use std::path::PathBuf;

use chrono::NaiveDate;
use sohoa_engine::{ExportReport, ImportMetadataReport, Statistics};
use tauri::State;

use crate::commands::{Shell, guarded};
use crate::error::ShellError;

const EXPORTS: &str = "exports";

#[tauri::command]
pub async fn statistics(
    state: State<'_, Shell>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Statistics, ShellError> {
    guarded("statistics", &state, move |e| Ok(e.statistics(from, to)?)).await
}

#[tauri::command]
pub async fn export_report(
    state: State<'_, Shell>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ExportReport, ShellError> {
    guarded("export_report", &state, move |e| {
        let dir = e.data_dir().join(EXPORTS);
        std::fs::create_dir_all(&dir).map_err(|err| ShellError::io("report.io", &err))?;
        let name = format!("bao-cao-{}-{}.xlsx", from.format("%Y%m%d"), to.format("%Y%m%d"));
        Ok(e.export_xlsx(from, to, &dir.join(name))?)
    })
    .await
}

#[tauri::command]
pub async fn import_report(
    state: State<'_, Shell>,
    name: String,
) -> Result<ImportMetadataReport, ShellError> {
    guarded("import_report", &state, move |e| {
        let file = PathBuf::from(&name);
        let plain = file.file_name().is_some_and(|f| f == file.as_os_str()) && name.ends_with(".xlsx");
        if !plain {
            return Err(ShellError::invalid(
                "report.not_in_exports",
                "Chỉ nhập được tệp Excel trong thư mục exports",
                "only workbooks in the exports folder can be imported",
            ));
        }
        Ok(e.import_metadata_xlsx(&e.data_dir().join(EXPORTS).join(file))?)
    })
    .await
}
