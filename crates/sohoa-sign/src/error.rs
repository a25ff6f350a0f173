//! Signing failures the officer can act on: each has a stable code, a Vietnamese message and a retry path.

/// Why a signature could not be made; backends add variants as they need them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    #[error("wrong PIN ({retries_left:?} tries left)")]
    WrongPin { retries_left: Option<u32> },
    #[error("the token is locked (PIN blocked)")]
    PinLocked,
    #[error("the token or card was removed")]
    TokenRemoved,
    #[error("no token found{}", .0.as_deref().map(|l| format!(" with label {l}")).unwrap_or_default())]
    NoToken(Option<String>),
    #[error("digest of {got} bytes does not match {alg:?}")]
    BadDigest { alg: crate::DigestAlgorithm, got: usize },
    #[error("signing device error: {0}")]
    Device(String),
    /// No PKCS#11 module at the configured path, or none of the probed vendor modules is installed.
    #[error("no PKCS#11 module found (tried: {})", .tried.join(", "))]
    ModuleMissing { tried: Vec<String> },
    #[error("PKCS#11 module {path} cannot be loaded: {reason}")]
    ModuleLoad { path: String, reason: String },
    #[error("no smart-card reader{}", .0.as_deref().map(|r| format!(" named {r}")).unwrap_or_default())]
    NoReader(Option<String>),
    #[error("the smart-card service (pcscd) is not available: {0}")]
    PcscUnavailable(String),
    #[error("the token holds no signing certificate with its private key")]
    NoCertificate,
    #[error("the signing certificate expired on {not_after}")]
    CertExpired { not_after: String },
    #[error("the signing certificate is valid only from {not_before}")]
    CertNotYetValid { not_before: String },
    #[error("the certificate is not meant for signing documents (key usage: {usage})")]
    CertKeyUsage { usage: String },
    #[error("the certificate does not chain to a trusted root: {0}")]
    CertUntrusted(String),
    #[error("unreadable certificate: {0}")]
    BadCertificate(String),
    #[error("trust anchors unusable: {0}")]
    TrustStore(String),
    #[error("invalid key specification: {0}")]
    KeySpec(String),
    #[error("no PIN given: environment variable {0} is not set")]
    PinMissing(String),
    #[error("not supported: {0}")]
    Unsupported(String),
    /// A batch resumed after a removal, but another token (another certificate) was inserted.
    #[error("a different token was inserted than the one the batch started with")]
    TokenChanged,
}

/// What the officer (or a batch runner) can do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Retry {
    /// Type the PIN again (the token keeps its counter).
    EnterPin,
    /// Plug the token or card back in, then sign again: nothing was written.
    ReinsertToken,
    /// Install the vendor's driver or set the module path, then sign again.
    InstallDriver,
    /// Use another certificate or token; this one cannot sign.
    OtherCertificate,
    /// The token must be unlocked by its issuer (PUK or the CA's office).
    ContactIssuer,
    /// Fix the command or configuration.
    FixInput,
    /// Try again; if it persists, call support.
    Again,
}

impl SignError {
    /// Stable machine code, shown by the CLI and mapped by the desktop shell.
    pub fn code(&self) -> &'static str {
        match self {
            SignError::WrongPin { .. } => "sign.wrong_pin",
            SignError::PinLocked => "sign.pin_locked",
            SignError::TokenRemoved => "sign.token_removed",
            SignError::NoToken(_) => "sign.no_token",
            SignError::BadDigest { .. } => "sign.bad_digest",
            SignError::Device(_) => "sign.device",
            SignError::ModuleMissing { .. } => "sign.module_missing",
            SignError::ModuleLoad { .. } => "sign.module_load",
            SignError::NoReader(_) => "sign.no_reader",
            SignError::PcscUnavailable(_) => "sign.pcsc_unavailable",
            SignError::NoCertificate => "sign.no_certificate",
            SignError::CertExpired { .. } => "sign.cert_expired",
            SignError::CertNotYetValid { .. } => "sign.cert_not_yet_valid",
            SignError::CertKeyUsage { .. } => "sign.cert_key_usage",
            SignError::CertUntrusted(_) => "sign.cert_untrusted",
            SignError::BadCertificate(_) => "sign.bad_certificate",
            SignError::TrustStore(_) => "sign.trust_store",
            SignError::KeySpec(_) => "sign.key_spec",
            SignError::PinMissing(_) => "sign.pin_missing",
            SignError::Unsupported(_) => "sign.unsupported",
            SignError::TokenChanged => "sign.token_changed",
        }
    }

    /// The way out the UI offers next to the message.
    pub fn retry(&self) -> Retry {
        match self {
            SignError::WrongPin { .. } | SignError::PinMissing(_) => Retry::EnterPin,
            SignError::TokenRemoved
            | SignError::NoToken(_)
            | SignError::NoReader(_)
            | SignError::TokenChanged => Retry::ReinsertToken,
            SignError::ModuleMissing { .. } | SignError::ModuleLoad { .. } => Retry::InstallDriver,
            SignError::PcscUnavailable(_) => Retry::InstallDriver,
            SignError::NoCertificate
            | SignError::CertExpired { .. }
            | SignError::CertNotYetValid { .. }
            | SignError::CertKeyUsage { .. }
            | SignError::CertUntrusted(_)
            | SignError::BadCertificate(_) => Retry::OtherCertificate,
            SignError::PinLocked => Retry::ContactIssuer,
            SignError::TrustStore(_) | SignError::KeySpec(_) | SignError::Unsupported(_) => Retry::FixInput,
            SignError::BadDigest { .. } | SignError::Device(_) => Retry::Again,
        }
    }

    /// What the officer reads.
    pub fn message_vi(&self) -> String {
        match self {
            SignError::WrongPin {
                retries_left: Some(n),
            } => format!("Sai mã PIN (còn {n} lần thử)"),
            SignError::WrongPin { retries_left: None } => "Sai mã PIN".to_owned(),
            SignError::PinLocked => {
                "Thiết bị ký số đã bị khóa mã PIN; liên hệ đơn vị cấp chứng thư số để mở khóa".to_owned()
            }
            SignError::TokenRemoved => {
                "Thiết bị ký số đã bị rút ra; hãy cắm lại và ký lại (chưa có gì được ghi)".to_owned()
            }
            SignError::NoToken(Some(l)) => format!("Không tìm thấy thiết bị ký số có nhãn «{l}»"),
            SignError::NoToken(None) => "Không tìm thấy thiết bị ký số; hãy cắm thiết bị".to_owned(),
            SignError::BadDigest { .. } => "Giá trị băm không hợp lệ".to_owned(),
            SignError::Device(d) => format!("Lỗi thiết bị ký số: {d}"),
            SignError::ModuleMissing { .. } => {
                "Chưa cài trình điều khiển (PKCS#11) của thiết bị ký số; hãy cài phần mềm đi kèm thiết bị hoặc chỉ rõ đường dẫn".to_owned()
            }
            SignError::ModuleLoad { path, .. } => {
                format!("Không nạp được trình điều khiển thiết bị ký số {path}")
            }
            SignError::NoReader(Some(r)) => format!("Không tìm thấy đầu đọc thẻ «{r}»"),
            SignError::NoReader(None) => "Không tìm thấy đầu đọc thẻ nào có thẻ".to_owned(),
            SignError::PcscUnavailable(_) => {
                "Dịch vụ thẻ thông minh (PC/SC) không chạy; hãy khởi động lại dịch vụ".to_owned()
            }
            SignError::NoCertificate => {
                "Thiết bị không có chứng thư số ký kèm khóa bí mật".to_owned()
            }
            SignError::CertExpired { not_after } => {
                format!("Chứng thư số đã hết hạn ngày {not_after}; không thể ký")
            }
            SignError::CertNotYetValid { not_before } => {
                format!("Chứng thư số chỉ có hiệu lực từ {not_before}; không thể ký")
            }
            SignError::CertKeyUsage { .. } => {
                "Chứng thư số không dùng để ký văn bản (thiếu mục đích chữ ký số/chống chối bỏ)"
                    .to_owned()
            }
            SignError::CertUntrusted(_) => {
                "Chứng thư số không thuộc chuỗi tin cậy đã cấu hình (Ban Cơ yếu Chính phủ / Root CA quốc gia)".to_owned()
            }
            SignError::BadCertificate(_) => "Chứng thư số không đọc được".to_owned(),
            SignError::TrustStore(_) => "Không đọc được danh sách chứng thư gốc tin cậy".to_owned(),
            SignError::KeySpec(s) => format!("Chỉ định khóa ký không hợp lệ: {s}"),
            SignError::PinMissing(v) => format!("Chưa nhập mã PIN (biến môi trường {v} trống)"),
            SignError::Unsupported(s) => format!("Chưa hỗ trợ: {s}"),
            SignError::TokenChanged => {
                "Thiết bị vừa cắm không phải thiết bị đã dùng để bắt đầu lô ký; hãy cắm lại đúng thiết bị"
                    .to_owned()
            }
        }
    }
}
