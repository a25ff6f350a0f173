//! Errors of the supervisor's statistics, Excel export and Excel import.

use std::path::PathBuf;

use crate::ErrorClass;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the period ends ({to}) before it starts ({from})")]
    PeriodReversed {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    #[error("the period is longer than {max_days} days")]
    PeriodTooLong { max_days: i64 },
    #[error("{}: the disk is full; nothing was written under this name", path.display())]
    DiskFull { path: PathBuf },
    #[error("{}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    #[error("the workbook could not be built: {0}")]
    Write(String),
    #[error("{}: not an Excel workbook (.xlsx) or damaged: {reason}", path.display())]
    NotXlsx { path: PathBuf, reason: String },
    #[error("the workbook has no sheet \"{sheet}\"")]
    MissingSheet { sheet: String },
    #[error("the sheet \"{sheet}\" has no column \"{column}\" in its first row")]
    MissingColumn { sheet: String, column: String },
}

impl ReportError {
    pub fn class(&self) -> ErrorClass {
        match self {
            ReportError::PeriodReversed { .. }
            | ReportError::PeriodTooLong { .. }
            | ReportError::NotXlsx { .. }
            | ReportError::MissingSheet { .. }
            | ReportError::MissingColumn { .. } => ErrorClass::Invalid,
            ReportError::DiskFull { .. } | ReportError::Io { .. } => ErrorClass::Io,
            ReportError::Write(_) => ErrorClass::Integrity,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ReportError::PeriodReversed { .. } => "report.period_reversed",
            ReportError::PeriodTooLong { .. } => "report.period_too_long",
            ReportError::DiskFull { .. } => "report.disk_full",
            ReportError::Io { .. } => "report.io",
            ReportError::Write(_) => "report.write",
            ReportError::NotXlsx { .. } => "report.not_xlsx",
            ReportError::MissingSheet { .. } => "report.missing_sheet",
            ReportError::MissingColumn { .. } => "report.missing_column",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            ReportError::PeriodReversed { from, to } => format!(
                "Khoảng thời gian không hợp lệ: ngày kết thúc {} trước ngày bắt đầu {}",
                to.format("%d/%m/%Y"),
                from.format("%d/%m/%Y")
            ),
            ReportError::PeriodTooLong { max_days } => {
                format!("Khoảng thời gian dài quá {max_days} ngày: hãy chọn khoảng ngắn hơn")
            }
            ReportError::DiskFull { path } => format!(
                "Ổ đĩa đã đầy: chưa ghi được tệp {}, hãy giải phóng dung lượng rồi xuất lại",
                path.display()
            ),
            ReportError::Io { path, reason } => format!("Lỗi đọc/ghi tệp {}: {reason}", path.display()),
            ReportError::Write(why) => format!("Không tạo được tệp Excel: {why}"),
            ReportError::NotXlsx { path, .. } => format!(
                "Tệp {} không phải tệp Excel (.xlsx) hoặc đã bị hỏng",
                path.display()
            ),
            ReportError::MissingSheet { sheet } => {
                format!("Tệp Excel không có trang tính \"{sheet}\" (hãy dùng tệp do chương trình xuất ra)")
            }
            ReportError::MissingColumn { sheet, column } => {
                format!("Trang tính \"{sheet}\" thiếu cột \"{column}\" ở dòng đầu")
            }
        }
    }

    /// Classifies a file-system failure: a full disk (or quota) is its own error, the officer's remedy differs.
    pub(crate) fn io(path: &std::path::Path, e: &std::io::Error) -> ReportError {
        let full = matches!(
            e.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        ) || e.raw_os_error() == Some(libc::ENOSPC);
        if full {
            ReportError::DiskFull {
                path: path.to_owned(),
            }
        } else {
            ReportError::Io {
                path: path.to_owned(),
                reason: e.to_string(),
            }
        }
    }
}
