//! Why an archive batch or one of its dossiers could not go on.

use sohoa_scan::sheets::CountMismatch;
use sohoa_scan::spool::SpoolError;
use sohoa_scan::{ScanError, profile::ProfileError};

use crate::{EngineError, ErrorClass, ScanRecordError};

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Everything a scan into a record can fail at (engine, spool, scanner, profiles), mapped as there.
    #[error(transparent)]
    Scan(#[from] ScanRecordError),
    #[error("no batch profile {0:?}")]
    UnknownProfile(String),
    /// The dossier was saved or discarded meanwhile (another window, a restart).
    #[error("no pending dossier {0:?}")]
    NoSuchDossier(String),
    /// The declared sheet count does not match the images received; saving needs the archivist's confirmation.
    #[error(transparent)]
    SheetCount(#[from] CountMismatch),
    /// A storage location or dossier file the batch could not write.
    #[error("invalid storage location: {0}")]
    Storage(String),
}

macro_rules! via_scan_error {
    ($($t:ty),+) => {$(
        impl From<$t> for BatchError {
            fn from(e: $t) -> Self {
                BatchError::Scan(e.into())
            }
        }
    )+};
}

via_scan_error!(EngineError, SpoolError, ScanError, ProfileError);

impl BatchError {
    pub fn code(&self) -> &'static str {
        match self {
            BatchError::Scan(e) => e.code(),
            BatchError::UnknownProfile(_) => "batch.unknown_profile",
            BatchError::NoSuchDossier(_) => "batch.no_such_dossier",
            BatchError::SheetCount(m) => m.code(),
            BatchError::Storage(_) => "batch.storage",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            BatchError::Scan(e) => e.message_vi(),
            BatchError::UnknownProfile(p) => format!("Không có cấu hình lô số hóa «{p}»"),
            BatchError::NoSuchDossier(_) => {
                "Hồ sơ chờ lưu này không còn (đã được lưu hoặc bỏ ở cửa sổ khác)".to_owned()
            }
            BatchError::SheetCount(m) => format!(
                "{} — kiểm tra lại số tờ đã khai hoặc quét bổ sung, rồi xác nhận để lưu",
                m.message_vi()
            ),
            BatchError::Storage(why) => format!("Vị trí lưu trữ không hợp lệ: {why}"),
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            BatchError::Scan(e) => e.class(),
            BatchError::NoSuchDossier(_) => ErrorClass::NotFound,
            BatchError::UnknownProfile(_) | BatchError::Storage(_) => ErrorClass::Invalid,
            BatchError::SheetCount(_) => ErrorClass::Conflict,
        }
    }
}
