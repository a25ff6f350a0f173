//! Why a backup or a restore was refused; each says what the operator can do about it.

use std::io;
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use crate::StoreError;
use crate::error::is_disk_full;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{} already exists: choose a new name for the backup", path.display())]
    Exists { path: PathBuf },
    #[error("{} is not empty: restore into an empty directory, or pass --force to move it aside", path.display())]
    TargetNotEmpty { path: PathBuf },
    #[error("{} is in use by another SoHoa Desk process: close it before restoring over it", path.display())]
    TargetBusy { path: PathBuf },
    #[error("{} is not a SoHoa Desk backup: {reason}", path.display())]
    NotABackup { path: PathBuf, reason: String },
    #[error("backup format {found} is newer than this program reads ({supported}): update SoHoa Desk")]
    UnsupportedFormat { found: String, supported: String },
    /// The backup's content does not match its manifest (flipped byte, truncated or missing file).
    #[error("the backup is damaged: {what}")]
    Corrupt { what: String },
    /// The restored copy failed the audit chain, `PRAGMA integrity_check` or the blob check.
    #[error("the restored data failed verification: {what}")]
    VerificationFailed { what: String },
    /// The live store itself is damaged: a blob the database references is missing or altered.
    #[error("the live store is damaged, no backup was written: {what}")]
    SourceDamaged { what: String },
    #[error("disk full while writing {}: nothing was kept", path.display())]
    DiskFull { path: PathBuf },
    #[error("cannot read or write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BackupError {
    /// Stable code; scripts and the UI match on it, so never rename one.
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::Exists { .. } => "backup.exists",
            BackupError::TargetNotEmpty { .. } => "restore.target_not_empty",
            BackupError::TargetBusy { .. } => "restore.target_busy",
            BackupError::NotABackup { .. } => "restore.not_a_backup",
            BackupError::UnsupportedFormat { .. } => "restore.unsupported_format",
            BackupError::Corrupt { .. } => "restore.backup_corrupt",
            BackupError::VerificationFailed { .. } => "restore.verification_failed",
            BackupError::SourceDamaged { .. } => "backup.source_damaged",
            BackupError::DiskFull { .. } => "backup.disk_full",
            BackupError::Io { .. } => "backup.io",
            BackupError::Store(e) => e.code(),
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            BackupError::Exists { path } => {
                format!("{} đã tồn tại: hãy chọn tên khác cho bản sao lưu", path.display())
            }
            BackupError::TargetNotEmpty { path } => format!(
                "Thư mục {} không trống: khôi phục vào thư mục trống, hoặc dùng --force để chuyển dữ liệu cũ sang chỗ khác",
                path.display()
            ),
            BackupError::TargetBusy { path } => format!(
                "Thư mục {} đang được SoHoa Desk sử dụng: đóng chương trình trước khi khôi phục",
                path.display()
            ),
            BackupError::NotABackup { path, reason } => {
                format!("{} không phải bản sao lưu SoHoa Desk ({reason})", path.display())
            }
            BackupError::UnsupportedFormat { found, .. } => {
                format!(
                    "Bản sao lưu định dạng {found} mới hơn phiên bản chương trình: hãy cập nhật SoHoa Desk"
                )
            }
            BackupError::Corrupt { what } => {
                format!("Bản sao lưu bị hỏng, không khôi phục: {what}")
            }
            BackupError::VerificationFailed { what } => {
                format!("Dữ liệu khôi phục không qua được kiểm tra, không khôi phục: {what}")
            }
            BackupError::SourceDamaged { what } => {
                format!("Kho dữ liệu đang dùng bị hỏng, chưa sao lưu được: {what}")
            }
            BackupError::DiskFull { path } => format!(
                "Ổ đĩa đầy khi ghi {}: không giữ lại gì, dữ liệu đang dùng không bị ảnh hưởng",
                path.display()
            ),
            BackupError::Io { path, source } => {
                format!("Lỗi đọc/ghi {}: {source}", path.display())
            }
            BackupError::Store(e) => format!("Lỗi kho dữ liệu: {e}"),
        }
    }

    pub(crate) fn io(path: &Path, source: io::Error) -> BackupError {
        if is_disk_full(&source) {
            BackupError::DiskFull {
                path: path.to_path_buf(),
            }
        } else {
            BackupError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    }

    /// A SQLite failure while writing `path`: a full disk is named as such.
    pub(crate) fn sqlite(path: &Path, e: rusqlite::Error) -> BackupError {
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => BackupError::DiskFull {
                path: path.to_path_buf(),
            },
            _ => BackupError::Store(StoreError::Sqlite(e).refine(path)),
        }
    }
}
