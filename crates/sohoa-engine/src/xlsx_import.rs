//! Importing corrected record metadata from the "Hồ sơ" sheet of an exported workbook.
//!
//! Seed 001: where no specialised database exists, record information is kept in Excel files; supervisors
//! correct storage locations and names in bulk there. Each row is matched by record id and applied on its
//! own: all its changed fields are validated together by the domain rules and stored as one new revision
//! (audited under the importing account), or none is. A bad row is reported and the next row goes on. The
//! revision column of the export makes a row whose record was changed since the export a conflict instead
//! of silently undoing that change (a sheet without that column is applied without the check). Columns are
//! found by their header text, so a supervisor may reorder or delete columns; read-only columns (pages,
//! delivery state, ...) are ignored.
//!
//! Permission: [`crate::Action::Export`] (the supervisor's data exchange duty), not `EditRecord`: officers
//! edit one record on screen; a bulk import of corrections is the supervisor's, who does not process
//! records. Owner data in the rows is never logged.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, XlsxError};
use serde::Serialize;
use sohoa_core::text::clean_text;
use sohoa_store::{Actor, StoreError};

use crate::records::decode_meta;
use crate::report_error::ReportError;
use crate::xlsx_layout::{Col, RECORD_COLUMNS, SHEET_RECORDS, current_value};
use crate::{Engine, EngineError};

/// What happened to each data row of the sheet.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ImportMetadataReport {
    pub path: PathBuf,
    pub updated: u64,
    pub unchanged: u64,
    pub refused: u64,
    pub rows: Vec<RowOutcome>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowOutcome {
    /// The row number as Excel shows it (the header is row 1).
    pub row: u32,
    pub record_id: Option<String>,
    #[serde(flatten)]
    pub result: RowResult,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum RowResult {
    /// Stored as the record's new metadata revision; `fields` are the keys that changed.
    Updated {
        revision: u32,
        fields: Vec<String>,
    },
    Unchanged,
    /// Nothing of this row was applied; `code` is the engine error code (`store.conflict`, `doc_type.unknown`...).
    Refused {
        code: String,
        message_vi: String,
    },
}

/// The cell as text the way a person typed it: whole numbers without ".0" (a box number typed as 12).
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => clean_text(s),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt.as_datetime().map_or_else(
            || dt.as_f64().to_string(),
            |t| t.date().format("%Y-%m-%d").to_string(),
        ),
    }
}

fn open(path: &Path) -> Result<Xlsx<std::io::BufReader<std::fs::File>>, EngineError> {
    std::fs::metadata(path).map_err(|e| ReportError::io(path, &e))?;
    calamine::open_workbook::<Xlsx<_>, _>(path).map_err(|e| match e {
        XlsxError::Io(io) => ReportError::io(path, &io).into(),
        other => ReportError::NotXlsx {
            path: path.to_owned(),
            reason: other.to_string(),
        }
        .into(),
    })
}

impl Engine {
    /// Applies the corrections of `path`'s "Hồ sơ" sheet, attributed to the configured user (CLI).
    pub fn import_metadata_xlsx(&self, path: &Path) -> Result<ImportMetadataReport, EngineError> {
        self.import_metadata_xlsx_by(&self.config.actor, path)
    }

    pub(crate) fn import_metadata_xlsx_by(
        &self,
        actor: &Actor,
        path: &Path,
    ) -> Result<ImportMetadataReport, EngineError> {
        let mut wb = open(path)?;
        if !wb.sheet_names().iter().any(|n| n == SHEET_RECORDS) {
            return Err(ReportError::MissingSheet {
                sheet: SHEET_RECORDS.to_owned(),
            }
            .into());
        }
        let range = wb
            .worksheet_range(SHEET_RECORDS)
            .map_err(|e| ReportError::NotXlsx {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        let mut rows = range.rows();
        let header: Vec<String> = rows
            .next()
            .map(|r| r.iter().map(cell_text).collect())
            .unwrap_or_default();
        let find = |h: &str| header.iter().position(|c| c == h);
        let id_header = RECORD_COLUMNS[0].header;
        let id_col = find(id_header).ok_or_else(|| ReportError::MissingColumn {
            sheet: SHEET_RECORDS.to_owned(),
            column: id_header.to_owned(),
        })?;
        let mut rev_col = None;
        let mut field_cols: Vec<(&'static str, usize)> = Vec::new();
        for c in &RECORD_COLUMNS {
            match (c.col, find(c.header)) {
                (Col::Revision, Some(i)) => rev_col = Some(i),
                (Col::Field(key), Some(i)) => field_cols.push((key, i)),
                _ => {}
            }
        }

        let mut report = ImportMetadataReport {
            path: path.to_owned(),
            updated: 0,
            unchanged: 0,
            refused: 0,
            rows: Vec::new(),
        };
        // Excel rows are 1-based and the header is the range's first row.
        let first_row = range.start().map_or(1, |(r, _)| r + 1);
        for (i, cells) in rows.enumerate() {
            let row = first_row + 1 + i as u32;
            let get = |col: usize| cells.get(col).map(cell_text).unwrap_or_default();
            if cells.iter().all(|c| cell_text(c).is_empty()) {
                continue;
            }
            let id = get(id_col);
            let result = if id.is_empty() {
                RowResult::Refused {
                    code: "report.row_without_id".to_owned(),
                    message_vi: "Dòng không có mã hồ sơ".to_owned(),
                }
            } else {
                let expected = rev_col.and_then(|c| get(c).parse::<u32>().ok());
                let values: Vec<(&str, String)> = field_cols.iter().map(|(k, c)| (*k, get(*c))).collect();
                match self.apply_row(actor, &id, expected, &values) {
                    Ok(r) => r,
                    Err(e) => RowResult::Refused {
                        code: e.code().to_owned(),
                        message_vi: e.message_vi(),
                    },
                }
            };
            match &result {
                RowResult::Updated { .. } => report.updated += 1,
                RowResult::Unchanged => report.unchanged += 1,
                RowResult::Refused { code, .. } => {
                    tracing::info!(row, code = %code, "import row refused");
                    report.refused += 1;
                }
            }
            report.rows.push(RowOutcome {
                row,
                record_id: (!id.is_empty()).then_some(id),
                result,
            });
        }
        tracing::info!(
            updated = report.updated,
            unchanged = report.unchanged,
            refused = report.refused,
            "metadata workbook imported"
        );
        Ok(report)
    }

    /// One row: only the cells that differ from the record are edits (an unchanged export re-imported
    /// writes nothing), set together so every bad cell is reported, then stored the way every metadata
    /// edit is ([`Engine::store_meta`]).
    fn apply_row(
        &self,
        actor: &Actor,
        id: &str,
        expected_revision: Option<u32>,
        values: &[(&str, String)],
    ) -> Result<RowResult, EngineError> {
        let row = self.store.get_record(id)?;
        if row.trashed_at.is_some() {
            return Err(StoreError::InTrash { id: id.to_owned() }.into());
        }
        let mut meta = decode_meta(&row)?;
        let changed: Vec<(&str, &str)> = values
            .iter()
            .filter(|(k, v)| current_value(&meta, k) != *v)
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        if changed.is_empty() {
            return Ok(RowResult::Unchanged);
        }
        meta.set_fields(&changed, &self.catalogs)
            .map_err(EngineError::Validation)?;
        let stored = self.store_meta(actor, id, &meta, expected_revision)?;
        if stored.revision == row.revision {
            return Ok(RowResult::Unchanged);
        }
        Ok(RowResult::Updated {
            revision: stored.revision,
            fields: changed.iter().map(|(k, _)| (*k).to_owned()).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_typed() {
        assert_eq!(cell_text(&Data::Float(12.0)), "12");
        assert_eq!(cell_text(&Data::Float(1.5)), "1.5");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::String(" Kho  A ".into())), "Kho A");
        assert_eq!(cell_text(&Data::String("Nguye\u{302}\u{303}n".into())), "Nguyễn");
        assert_eq!(cell_text(&Data::Empty), "");
    }
}
