//! One error type for every engine call, so the CLI can pick an exit code and the desktop shell can map it to
//! `{code, message, message_en}` without knowing which stage failed.

use std::path::PathBuf;

use sohoa_core::Localized;
use sohoa_core::catalog::CatalogError;
use sohoa_core::identity::IdError;
use sohoa_core::record::FieldError;
use sohoa_store::StoreError;

/// Coarse classes callers act on: the CLI turns them into distinct exit codes, the UI into colours and retry hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The caller's input is wrong (ID number, field value, file kind): fix it and retry.
    Invalid,
    /// The record, version or file does not exist.
    NotFound,
    /// The request conflicts with the current state (trashed record, stale revision, ambiguous prefix).
    Conflict,
    /// Files or disks failed (unreadable file, full disk): nothing was written.
    Io,
    /// Stored data failed a check (broken audit chain, missing blob, corrupt database).
    Integrity,
    /// Another process holds the data directory.
    Busy,
    /// Not signed in, wrong credentials, or the caller's role may not do this.
    Denied,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("no data directory: set SOHOA_DATA_DIR or pass --data-dir")]
    NoDataDir,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("invalid owner ID: {0}")]
    Id(#[from] IdError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error("the record is not valid: {}", join_errors(.0))]
    Validation(Vec<FieldError>),
    #[error("unknown record kind '{0}' (expected result, residence, id-card or info-only)")]
    UnknownKind(String),
    #[error("{}: {problem}", path.display())]
    File { path: PathBuf, problem: FileProblem },
    #[error(
        "an information-only record has no files: papers too damaged to scan are described, not attached"
    )]
    InfoOnlyHasNoFiles,
    #[error("no files given")]
    NothingToImport,
    #[error(transparent)]
    Vault(#[from] sohoa_vault::VaultError),
    #[error(transparent)]
    Backup(#[from] sohoa_store::BackupError),
    #[error("a {role} may not {}", action.as_str())]
    Forbidden {
        action: crate::access::Action,
        role: crate::access::Role,
    },
    /// Deliberately vague: which part was wrong is in the audit log, not in the answer.
    #[error("wrong login or password, or the account is disabled or locked")]
    AuthFailed,
    #[error("sign in first")]
    NotSignedIn,
    #[error("unknown role '{0}' (expected officer, archivist, supervisor or administrator)")]
    UnknownRole(String),
    #[error("no such account")]
    UnknownUser,
    #[error("a login is 1 to 64 letters, digits, '.', '_' or '-'")]
    InvalidLogin,
    #[error("the display name is empty")]
    InvalidDisplayName,
    #[error("the password must have at least {min_chars} characters")]
    WeakPassword { min_chars: usize },
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
    #[error("an administrator cannot disable their own account")]
    DisableSelf,
    /// A page asked for by (record, version, position) that the record does not have.
    #[error("version {version} of this record has no page image at position {ordinal}")]
    NoSuchPage { version: u32, ordinal: u32 },
    /// A stored page image that cannot be decoded or re-encoded for display.
    #[error("page image cannot be shown: {0}")]
    PageImage(String),
    #[error(transparent)]
    Review(#[from] crate::review::ReviewError),
    #[error(transparent)]
    PageOps(#[from] crate::page_ops::PageOpsError),
    /// A desk setting the administrator typed is unusable; `field` names the form field.
    #[error("invalid setting {field}: {reason}")]
    Setting { field: &'static str, reason: String },
    #[error(transparent)]
    Report(#[from] crate::ReportError),
    #[error(transparent)]
    Trust(#[from] crate::TrustError),
    #[error(transparent)]
    Preset(#[from] crate::PresetError),
    #[error(transparent)]
    Intake(#[from] crate::IntakeError),
    /// The scanned card carried no readable QR code or MRZ.
    #[error("no ID card code could be read from the scan")]
    CardNotRead,
    /// The card reader's own set-up failed (extraction profiles, OCR data).
    #[error("the ID card could not be read: {0}")]
    Card(String),
    /// The stored words or the extraction profiles of field suggestions could not be read.
    #[error("field suggestions failed: {0}")]
    Suggest(String),
}

/// Why an input file was refused; each says what the officer can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("cannot be read ({0})")]
    Unreadable(String),
    #[error("is not a regular file")]
    NotAFile,
    #[error("is empty")]
    Empty,
    #[error("is not a PNG, JPEG, TIFF or PDF file")]
    UnsupportedType,
    #[error("is damaged: {0}")]
    Corrupt(&'static str),
}

fn join_errors(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl EngineError {
    pub fn class(&self) -> ErrorClass {
        match self {
            EngineError::Store(e) => store_class(e),
            EngineError::NoDataDir | EngineError::File { .. } => ErrorClass::Io,
            EngineError::Catalog(_) => ErrorClass::Integrity,
            EngineError::InfoOnlyHasNoFiles => ErrorClass::Conflict,
            EngineError::Vault(sohoa_vault::VaultError::Store(e)) => store_class(e),
            EngineError::Vault(sohoa_vault::VaultError::Runtime(_)) => ErrorClass::Io,
            EngineError::Vault(_) => ErrorClass::Invalid,
            EngineError::Backup(e) => backup_class(e),
            EngineError::Forbidden { .. } | EngineError::AuthFailed | EngineError::NotSignedIn => {
                ErrorClass::Denied
            }
            EngineError::UnknownUser => ErrorClass::NotFound,
            EngineError::PasswordHash(_) => ErrorClass::Integrity,
            EngineError::DisableSelf => ErrorClass::Conflict,
            EngineError::NoSuchPage { .. } => ErrorClass::NotFound,
            EngineError::PageImage(_) => ErrorClass::Integrity,
            EngineError::Review(e) => e.class(),
            EngineError::PageOps(e) => e.class(),
            EngineError::Setting { .. } => ErrorClass::Invalid,
            EngineError::CardNotRead => ErrorClass::Invalid,
            EngineError::Card(_) => ErrorClass::Io,
            EngineError::Suggest(_) => ErrorClass::Integrity,
            EngineError::Report(e) => e.class(),
            EngineError::Trust(e) => e.class(),
            EngineError::Preset(e) => e.class(),
            EngineError::Intake(e) => e.class(),
            EngineError::UnknownRole(_)
            | EngineError::InvalidLogin
            | EngineError::InvalidDisplayName
            | EngineError::WeakPassword { .. } => ErrorClass::Invalid,
            EngineError::Id(_)
            | EngineError::Field(_)
            | EngineError::Validation(_)
            | EngineError::UnknownKind(_)
            | EngineError::NothingToImport => ErrorClass::Invalid,
        }
    }

    /// Stable machine code (`store.not_found`, `id.province_unknown`, …) for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::NoDataDir => "engine.no_data_dir",
            EngineError::Store(e) => e.code(),
            EngineError::Catalog(e) => e.code(),
            EngineError::Id(e) => e.code(),
            EngineError::Field(e) => e.code(),
            EngineError::Validation(errors) => errors.first().map_or("record.invalid", |e| e.code()),
            EngineError::UnknownKind(_) => "record.unknown_kind",
            EngineError::File { problem, .. } => match problem {
                FileProblem::Unreadable(_) => "file.unreadable",
                FileProblem::NotAFile => "file.not_a_file",
                FileProblem::Empty => "file.empty",
                FileProblem::UnsupportedType => "file.unsupported_type",
                FileProblem::Corrupt(_) => "file.corrupt",
            },
            EngineError::InfoOnlyHasNoFiles => "record.info_only_has_no_files",
            EngineError::NothingToImport => "import.no_files",
            EngineError::Vault(e) => e.code(),
            EngineError::Backup(e) => e.code(),
            EngineError::Forbidden { .. } => "auth.forbidden",
            EngineError::AuthFailed => "auth.failed",
            EngineError::NotSignedIn => "auth.not_signed_in",
            EngineError::UnknownRole(_) => "auth.unknown_role",
            EngineError::UnknownUser => "auth.unknown_user",
            EngineError::InvalidLogin => "auth.invalid_login",
            EngineError::InvalidDisplayName => "auth.invalid_display_name",
            EngineError::WeakPassword { .. } => "auth.weak_password",
            EngineError::PasswordHash(_) => "auth.hash_failed",
            EngineError::DisableSelf => "auth.disable_self",
            EngineError::NoSuchPage { .. } => "record.no_such_page",
            EngineError::PageImage(_) => "record.page_image",
            EngineError::Review(e) => e.code(),
            EngineError::PageOps(e) => e.code(),
            EngineError::Setting { .. } => "settings.invalid",
            EngineError::CardNotRead => "card.not_read",
            EngineError::Card(_) => "card.reader",
            EngineError::Suggest(_) => "suggest.failed",
            EngineError::Report(e) => e.code(),
            EngineError::Trust(e) => e.code(),
            EngineError::Preset(e) => e.code(),
            EngineError::Intake(e) => e.code(),
        }
    }

    /// The Vietnamese message the UI shows first.
    pub fn message_vi(&self) -> String {
        match self {
            EngineError::NoDataDir => {
                "Không xác định được thư mục dữ liệu: đặt SOHOA_DATA_DIR hoặc dùng --data-dir".to_owned()
            }
            EngineError::Store(e) => store_message_vi(e),
            EngineError::Catalog(e) => e.message_vi(),
            EngineError::Id(e) => format!("Số định danh không hợp lệ: {}", e.message_vi()),
            EngineError::Field(e) => e.message_vi(),
            EngineError::Validation(errors) => format!(
                "Hồ sơ chưa hợp lệ: {}",
                errors
                    .iter()
                    .map(Localized::message_vi)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            EngineError::UnknownKind(k) => {
                format!("Loại hồ sơ '{k}' không tồn tại (chọn result, residence, id-card hoặc info-only)")
            }
            EngineError::File { path, problem } => {
                let what = match problem {
                    FileProblem::Unreadable(why) => format!("không đọc được ({why})"),
                    FileProblem::NotAFile => "không phải là tệp".to_owned(),
                    FileProblem::Empty => "là tệp rỗng".to_owned(),
                    FileProblem::UnsupportedType => "không phải tệp PNG, JPEG, TIFF hoặc PDF".to_owned(),
                    FileProblem::Corrupt(why) => format!("bị hỏng: {why}"),
                };
                format!("Tệp {}: {what}", path.display())
            }
            EngineError::InfoOnlyHasNoFiles => {
                "Hồ sơ chỉ có thông tin không kèm tệp: giấy tờ quá cũ, rách chỉ được mô tả".to_owned()
            }
            EngineError::NothingToImport => "Chưa chọn tệp nào".to_owned(),
            EngineError::Vault(e) => e.message_vi(),
            EngineError::Backup(sohoa_store::BackupError::Store(e)) => store_message_vi(e),
            EngineError::Backup(e) => e.message_vi(),
            EngineError::Forbidden { action, role } => format!(
                "Không có quyền: vai trò {} không được phép {}",
                role.label_vi(),
                action.label_vi()
            ),
            EngineError::AuthFailed => {
                "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang bị khóa".to_owned()
            }
            EngineError::NotSignedIn => "Hãy đăng nhập trước".to_owned(),
            EngineError::UnknownRole(r) => {
                format!("Vai trò '{r}' không tồn tại (officer, archivist, supervisor, administrator)")
            }
            EngineError::UnknownUser => "Không có tài khoản này".to_owned(),
            EngineError::InvalidLogin => {
                "Tên đăng nhập gồm 1–64 chữ cái, chữ số, dấu '.', '_' hoặc '-'".to_owned()
            }
            EngineError::InvalidDisplayName => "Họ tên hiển thị không được để trống".to_owned(),
            EngineError::WeakPassword { min_chars } => {
                format!("Mật khẩu phải có ít nhất {min_chars} ký tự")
            }
            EngineError::PasswordHash(why) => format!("Lỗi xử lý mật khẩu: {why}"),
            EngineError::DisableSelf => "Quản trị viên không thể tự khóa tài khoản của mình".to_owned(),
            EngineError::NoSuchPage { version, ordinal } => {
                format!("Phiên bản {version} của hồ sơ không có ảnh trang ở vị trí {ordinal}")
            }
            EngineError::PageImage(why) => format!("Không hiển thị được ảnh trang: {why}"),
            EngineError::Review(e) => e.message_vi(),
            EngineError::PageOps(e) => e.message_vi(),
            EngineError::Setting { field, reason } => format!("Cấu hình «{field}» không hợp lệ: {reason}"),
            EngineError::CardNotRead => {
                "Không đọc được mã QR hoặc MRZ trên thẻ: đặt thẻ ngay ngắn, mặt có mã QR úp xuống mặt kính, rồi quét lại"
                    .to_owned()
            }
            EngineError::Card(why) => format!("Không đọc được thẻ: {why}"),
            EngineError::Suggest(why) => format!("Không lập được gợi ý trường từ chữ đã nhận dạng: {why}"),
            EngineError::Report(e) => e.message_vi(),
            EngineError::Trust(e) => e.message_vi(),
            EngineError::Preset(e) => e.message_vi(),
            EngineError::Intake(e) => e.message_vi(),
        }
    }
}

fn store_class(e: &StoreError) -> ErrorClass {
    match e {
        StoreError::NotFound { .. } => ErrorClass::NotFound,
        StoreError::Ambiguous { .. }
        | StoreError::Conflict { .. }
        | StoreError::VersionConflict { .. }
        | StoreError::NotInTrash { .. }
        | StoreError::InTrash { .. } => ErrorClass::Conflict,
        StoreError::InvalidName { .. } | StoreError::InvalidId { .. } => ErrorClass::Invalid,
        StoreError::Duplicate { .. } => ErrorClass::Conflict,
        StoreError::Locked { .. } => ErrorClass::Busy,
        StoreError::Io { .. } | StoreError::DiskFull { .. } => ErrorClass::Io,
        _ => ErrorClass::Integrity,
    }
}

fn backup_class(e: &sohoa_store::BackupError) -> ErrorClass {
    use sohoa_store::BackupError as B;
    match e {
        B::Exists { .. } | B::TargetNotEmpty { .. } => ErrorClass::Conflict,
        B::TargetBusy { .. } => ErrorClass::Busy,
        B::NotABackup { .. } | B::UnsupportedFormat { .. } => ErrorClass::Invalid,
        B::Corrupt { .. } | B::VerificationFailed { .. } | B::SourceDamaged { .. } => ErrorClass::Integrity,
        B::DiskFull { .. } | B::Io { .. } => ErrorClass::Io,
        B::Store(e) => store_class(e),
    }
}

fn store_message_vi(e: &StoreError) -> String {
    match e {
        StoreError::NotFound { .. } => "Không tìm thấy hồ sơ".to_owned(),
        StoreError::Ambiguous { .. } => "Mã hồ sơ rút gọn trùng với nhiều hồ sơ: nhập thêm ký tự".to_owned(),
        StoreError::Conflict { .. } => "Hồ sơ vừa được người khác sửa: tải lại rồi sửa tiếp".to_owned(),
        StoreError::VersionConflict { .. } => {
            "Trong lúc bạn thao tác, hồ sơ đã được thay đổi ở nơi khác (máy khác, dòng lệnh hoặc nhận dạng chữ chạy nền): thao tác chưa được ghi và không mất trang nào. Hãy tải lại hồ sơ rồi làm lại"
                .to_owned()
        }
        StoreError::InTrash { .. } => "Hồ sơ đang ở thùng rác: khôi phục trước khi sửa".to_owned(),
        StoreError::NotInTrash { .. } => "Hồ sơ không ở thùng rác".to_owned(),
        StoreError::DiskFull { .. } => {
            "Ổ đĩa đã đầy: không có gì được ghi, hãy giải phóng dung lượng".to_owned()
        }
        StoreError::Io { .. } => format!("Lỗi đọc/ghi tệp: {e}"),
        StoreError::Locked { .. } => "Thư mục dữ liệu đang được chương trình khác sử dụng".to_owned(),
        StoreError::InvalidName { .. } => format!("Tên tệp không hợp lệ: {e}"),
        StoreError::Duplicate { .. } => "Tên đăng nhập đã có người dùng".to_owned(),
        _ => format!("Lỗi kho dữ liệu: {e}"),
    }
}
