//! Why an archive batch or one of its dossiers could not go on.

use sohoa_scan::sheets::CountMismatch;
use sohoa_scan::spool::SpoolError;
use sohoa_scan::{ScanError, profile::ProfileError};

use crate::{EngineError, ErrorClass, scan_class};

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Spool(#[from] SpoolError),
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error("no batch profile {0:?}")]
    UnknownProfile(String),
    /// The dossier was saved or discarded meanwhile (another window, a restart).
    #[error("no pending dossier {0:?}")]
    NoSuchDossier(String),
    /// The declared sheet count does not match the images received; saving needs the archivist's confirmation.
    #[error(transparent)]
    SheetCount(#[from] CountMismatch),
    /// A storage location the archivist typed cannot number files (box or file number not a number).
    #[error("invalid storage location: {0}")]
    Storage(String),
}

impl BatchError {
    pub fn code(&self) -> &'static str {
        match self {
            BatchError::Engine(e) => e.code(),
            BatchError::Spool(e) => e.code(),
            BatchError::Scan(e) => e.code(),
            BatchError::Profile(e) => e.code(),
            BatchError::UnknownProfile(_) => "batch.unknown_profile",
            BatchError::NoSuchDossier(_) => "batch.no_such_dossier",
            BatchError::SheetCount(m) => m.code(),
            BatchError::Storage(_) => "batch.storage",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            BatchError::Engine(e) => e.message_vi(),
            BatchError::Spool(e) => e.message_vi(),
            BatchError::Scan(e) => e.message_vi(),
            BatchError::Profile(e) => e.message_vi(),
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
            BatchError::Engine(e) => e.class(),
            BatchError::Spool(SpoolError::NotFound(_)) | BatchError::NoSuchDossier(_) => ErrorClass::NotFound,
            BatchError::Spool(SpoolError::Corrupt { .. }) => ErrorClass::Integrity,
            BatchError::Spool(_) => ErrorClass::Io,
            BatchError::Scan(e) => scan_class(e),
            BatchError::Profile(_) | BatchError::UnknownProfile(_) | BatchError::Storage(_) => {
                ErrorClass::Invalid
            }
            BatchError::SheetCount(_) => ErrorClass::Conflict,
        }
    }
}
