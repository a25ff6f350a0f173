//! Signing failures the officer can act on: each has a stable code and a Vietnamese message.

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
        }
    }

    /// What the officer reads.
    pub fn message_vi(&self) -> String {
        match self {
            SignError::WrongPin {
                retries_left: Some(n),
            } => format!("Sai mã PIN (còn {n} lần thử)"),
            SignError::WrongPin { retries_left: None } => "Sai mã PIN".to_owned(),
            SignError::PinLocked => "Thiết bị ký số đã bị khóa mã PIN".to_owned(),
            SignError::TokenRemoved => "Thiết bị ký số đã bị rút ra".to_owned(),
            SignError::NoToken(_) => "Không tìm thấy thiết bị ký số".to_owned(),
            SignError::BadDigest { .. } => "Giá trị băm không hợp lệ".to_owned(),
            SignError::Device(d) => format!("Lỗi thiết bị ký số: {d}"),
        }
    }
}
