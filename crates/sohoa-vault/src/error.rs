//! Errors of the vault client. The split that matters is [`WireError::is_retryable`]: the outbox retries a
//! dead link for ever but never re-sends what the vault refused.

use std::time::Duration;

use sohoa_store::StoreError;

/// One failed delivery attempt, as the wire adapter classifies it.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// Connection refused/reset/cut, timeout, 5xx, 408, 429: the same request may succeed later.
    #[error("temporary failure ({code}): {detail}")]
    Transient {
        code: &'static str,
        detail: String,
        /// The server's `Retry-After`, a lower bound for the next attempt.
        retry_after: Option<Duration>,
    },
    /// The vault refused the message or a file (4xx, bad signature, schema, checksum): resending the same
    /// bytes cannot succeed, a human has to look.
    #[error("refused by the vault ({code}): {reason}")]
    Rejected { code: String, reason: String },
    /// A local file is missing or unreadable: an integrity problem on the desk.
    #[error("local file problem: {0}")]
    Local(String),
    /// The outbox could not record progress: stop, nothing was lost (the server keeps its side).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl WireError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, WireError::Transient { .. })
    }

    pub fn code(&self) -> String {
        match self {
            WireError::Transient { code, .. } => format!("vault.{code}"),
            WireError::Rejected { code, .. } => format!("vault.rejected.{code}"),
            WireError::Local(_) => "vault.local_file".to_owned(),
            WireError::Store(e) => e.code().to_owned(),
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            WireError::Transient { .. } => "Chưa kết nối được kho dữ liệu, sẽ tự động thử lại".to_owned(),
            WireError::Rejected { reason, .. } => format!("Kho dữ liệu từ chối, cần cán bộ xử lý: {reason}"),
            WireError::Local(what) => format!("Tệp trên máy trạm bị thiếu hoặc hỏng: {what}"),
            WireError::Store(e) => format!("Lỗi kho hồ sơ cục bộ: {e}"),
        }
    }
}

/// Errors of the vault client as a whole (configuration, store).
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("vault configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the message would be refused by the vault: {0}")]
    Schema(#[from] crate::protocol::SchemaError),
    #[error("cannot start the uploader: {0}")]
    Runtime(String),
}

impl VaultError {
    pub fn code(&self) -> &'static str {
        match self {
            VaultError::Config(_) => "vault.config",
            VaultError::Store(e) => e.code(),
            VaultError::Schema(_) => "vault.schema",
            VaultError::Runtime(_) => "vault.runtime",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            VaultError::Config(m) => format!("Cấu hình kho dữ liệu chưa đúng: {m}"),
            VaultError::Store(e) => format!("Lỗi kho hồ sơ cục bộ: {e}"),
            VaultError::Schema(e) => format!("Thông điệp gửi kho không hợp lệ: {e}"),
            VaultError::Runtime(m) => format!("Không khởi động được bộ tải lên: {m}"),
        }
    }
}
