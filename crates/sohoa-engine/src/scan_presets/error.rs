//! Why the administrator's preset table was refused; `row` (from 1) points at the line of the table.

use sohoa_scan::profile::ProfileError;

use crate::ErrorClass;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PresetError {
    #[error("the preset table is empty")]
    Empty,
    #[error("row {row}: the preset id is empty")]
    NoId { row: usize },
    /// Ids go into records' history and batch profiles: plain ASCII keeps them portable.
    #[error("row {row}: preset id '{id}' may hold only a-z, 0-9 and '-'")]
    BadId { row: usize, id: String },
    #[error("row {row}: preset id '{id}' is used twice")]
    DuplicateId { row: usize, id: String },
    #[error("row {row}: the preset name is empty")]
    NoName { row: usize },
    #[error("row {row}: {dpi} dpi is outside 75–1200")]
    Dpi { row: usize, dpi: u32 },
    #[error("row {row}: the scan area needs both width and height, each 10–500 mm")]
    Size { row: usize },
    #[error("row {row}: the scale must be 1–100 %")]
    Scale { row: usize },
    #[error("row {row}: {problem}")]
    Decree30 { row: usize, problem: ProfileError },
    /// A batch profile scans with this preset; removing it would stop the archive's feeder runs.
    #[error("preset '{id}' is used by batch profile '{profile}' and cannot be removed")]
    Required { id: String, profile: String },
    /// The presets in use do not load (a hand-edited desk file, a broken `SOHOA_SCANNER_PROFILES`).
    #[error(transparent)]
    Unreadable(ProfileError),
    #[error("the desk's scanner presets cannot be written: {0}")]
    Write(String),
}

impl PresetError {
    pub fn code(&self) -> &'static str {
        match self {
            PresetError::Empty => "presets.empty",
            PresetError::NoId { .. } => "presets.no_id",
            PresetError::BadId { .. } => "presets.bad_id",
            PresetError::DuplicateId { .. } => "presets.duplicate_id",
            PresetError::NoName { .. } => "presets.no_name",
            PresetError::Dpi { .. } => "presets.dpi",
            PresetError::Size { .. } => "presets.size",
            PresetError::Scale { .. } => "presets.scale",
            PresetError::Decree30 { problem, .. } => problem.code(),
            PresetError::Required { .. } => "presets.required",
            PresetError::Unreadable(e) => e.code(),
            PresetError::Write(_) => "presets.write",
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            PresetError::Write(_) | PresetError::Unreadable(_) => ErrorClass::Io,
            PresetError::Required { .. } => ErrorClass::Conflict,
            _ => ErrorClass::Invalid,
        }
    }

    /// The table row (from 1) the problem is on, if it is on one.
    pub fn row(&self) -> Option<usize> {
        match self {
            PresetError::NoId { row }
            | PresetError::BadId { row, .. }
            | PresetError::DuplicateId { row, .. }
            | PresetError::NoName { row }
            | PresetError::Dpi { row, .. }
            | PresetError::Size { row }
            | PresetError::Scale { row }
            | PresetError::Decree30 { row, .. } => Some(*row),
            _ => None,
        }
    }

    pub fn message_vi(&self) -> String {
        let at = |row: &usize| format!("Dòng {row}: ");
        match self {
            PresetError::Empty => "Phải có ít nhất một mẫu quét".to_owned(),
            PresetError::NoId { row } => format!("{}chưa có mã mẫu quét", at(row)),
            PresetError::BadId { row, id } => format!(
                "{}mã «{id}» chỉ được gồm chữ thường không dấu, chữ số và dấu -",
                at(row)
            ),
            PresetError::DuplicateId { row, id } => format!("{}mã «{id}» bị trùng", at(row)),
            PresetError::NoName { row } => format!("{}chưa có tên mẫu quét", at(row)),
            PresetError::Dpi { row, dpi } => {
                format!("{}độ phân giải {dpi} dpi nằm ngoài khoảng 75–1200", at(row))
            }
            PresetError::Size { row } => format!(
                "{}vùng quét cần cả chiều rộng và chiều cao, mỗi chiều 10–500 mm (hoặc để trống cả hai)",
                at(row)
            ),
            PresetError::Scale { row } => format!("{}tỷ lệ phải từ 1 đến 100 %", at(row)),
            PresetError::Decree30 { row, problem } => format!("{}{}", at(row), problem.message_vi()),
            PresetError::Required { id, profile } => {
                format!("Mẫu quét «{id}» đang được lô quét «{profile}» sử dụng, không xóa được")
            }
            PresetError::Unreadable(e) => e.message_vi(),
            PresetError::Write(why) => format!("Không ghi được tệp mẫu quét của máy ({why})"),
        }
    }
}
