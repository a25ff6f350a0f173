//! Why the administrator's trust-anchor screen refused a file or a change, each with what to do about it.

use std::path::PathBuf;

use crate::ErrorClass;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error("{}: cannot be read ({why})", path.display())]
    Unreadable { path: PathBuf, why: String },
    /// Neither PEM nor DER X.509 (a key, a PKCS#7 bundle, a web page saved by mistake).
    #[error("{}: not an X.509 certificate ({why})", path.display())]
    NotACertificate { path: PathBuf, why: String },
    /// A personal or agency certificate: trusting it would trust nobody else and everybody it names.
    #[error("«{subject}» is not a CA certificate")]
    EndEntity { subject: String },
    #[error("«{subject}» expired on {not_after}")]
    Expired { subject: String, not_after: String },
    /// The file changed (or another file was chosen) after the administrator checked its fingerprint.
    #[error("the file holds no certificate with fingerprint {expected}")]
    FingerprintMismatch { expected: String },
    #[error("certificate {fingerprint} is already installed ({file})")]
    AlreadyInstalled { fingerprint: String, file: String },
    #[error("no installed certificate has fingerprint {0}")]
    NotInstalled(String),
    /// The installed trust directory is read-only and managed by the package, not from the app.
    #[error("certificate {fingerprint} comes with the installation ({dir}) and cannot be removed here")]
    Shipped { fingerprint: String, dir: String },
    #[error("the desk trust directory cannot be written: {0}")]
    Write(String),
}

impl TrustError {
    pub fn code(&self) -> &'static str {
        match self {
            TrustError::Unreadable { .. } => "trust.unreadable",
            TrustError::NotACertificate { .. } => "trust.not_a_certificate",
            TrustError::EndEntity { .. } => "trust.end_entity",
            TrustError::Expired { .. } => "trust.expired",
            TrustError::FingerprintMismatch { .. } => "trust.fingerprint_mismatch",
            TrustError::AlreadyInstalled { .. } => "trust.already_installed",
            TrustError::NotInstalled(_) => "trust.not_installed",
            TrustError::Shipped { .. } => "trust.shipped",
            TrustError::Write(_) => "trust.write",
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            TrustError::Unreadable { .. } | TrustError::Write(_) => ErrorClass::Io,
            TrustError::NotACertificate { .. }
            | TrustError::EndEntity { .. }
            | TrustError::Expired { .. }
            | TrustError::FingerprintMismatch { .. } => ErrorClass::Invalid,
            TrustError::AlreadyInstalled { .. } | TrustError::Shipped { .. } => ErrorClass::Conflict,
            TrustError::NotInstalled(_) => ErrorClass::NotFound,
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            TrustError::Unreadable { path, why } => {
                format!("Không đọc được tệp {} ({why})", path.display())
            }
            TrustError::NotACertificate { path, .. } => format!(
                "Tệp {} không phải chứng thư số X.509 (PEM hoặc DER); tệp .p7b cần chuyển sang PEM trước",
                path.display()
            ),
            TrustError::EndEntity { subject } => format!(
                "«{subject}» là chứng thư của người dùng/cơ quan, không phải của tổ chức cấp chứng thư (CA): không cài làm chứng thư tin cậy"
            ),
            TrustError::Expired { subject, not_after } => {
                format!("Chứng thư «{subject}» đã hết hạn ngày {not_after}")
            }
            TrustError::FingerprintMismatch { expected } => format!(
                "Tệp không chứa chứng thư có dấu vân tay {expected} đã xác nhận: tệp đã bị thay đổi hoặc chọn nhầm tệp, hãy kiểm tra lại"
            ),
            TrustError::AlreadyInstalled { file, .. } => {
                format!("Chứng thư này đã được cài (tệp {file})")
            }
            TrustError::NotInstalled(fp) => format!("Không có chứng thư đã cài với dấu vân tay {fp}"),
            TrustError::Shipped { dir, .. } => format!(
                "Chứng thư này thuộc bộ cài đặt ({dir}), không gỡ được từ ứng dụng: nhờ quản trị hệ thống gỡ khỏi thư mục đó"
            ),
            TrustError::Write(why) => format!("Không ghi được thư mục chứng thư tin cậy của máy ({why})"),
        }
    }
}
