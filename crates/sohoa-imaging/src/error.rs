//! Typed errors of the clean-up stage, with stable codes for scripts and Vietnamese messages for the officer.

use std::path::PathBuf;

use sohoa_core::Localized;

/// Why a page could not be read or cleaned. Every malformed input ends here, never in a panic.
#[derive(Debug, thiserror::Error)]
pub enum ImagingError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("image {width}x{height} exceeds the limit ({reason})")]
    TooLarge { width: u64, height: u64, reason: String },
    #[error("unsupported image format: {0}")]
    Unsupported(String),
    #[error("damaged or truncated image: {0}")]
    Corrupt(String),
    #[error("the image decoder crashed on this file")]
    DecoderPanic,
    #[error("empty image (0 pixels)")]
    Empty,
    #[error("cannot write image: {0}")]
    Encode(String),
    #[error("unknown quality profile '{0}'")]
    UnknownProfile(String),
    #[error("invalid quality profiles: {0}")]
    BadProfiles(String),
}

impl Localized for ImagingError {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "image.io",
            Self::TooLarge { .. } => "image.too_large",
            Self::Unsupported(_) => "image.unsupported",
            Self::Corrupt(_) => "image.corrupt",
            Self::DecoderPanic => "image.decoder_crash",
            Self::Empty => "image.empty",
            Self::Encode(_) => "image.encode",
            Self::UnknownProfile(_) => "image.unknown_profile",
            Self::BadProfiles(_) => "image.bad_profiles",
        }
    }

    fn message_vi(&self) -> String {
        match self {
            Self::Io { path, source } => {
                format!("Không đọc được tệp ảnh {}: {source}", path.display())
            }
            Self::TooLarge { width, height, .. } => format!(
                "Ảnh quá lớn ({width}x{height} điểm ảnh), vượt giới hạn an toàn — hãy quét lại với độ phân giải thấp hơn"
            ),
            Self::Unsupported(f) => format!("Định dạng ảnh không được hỗ trợ: {f}"),
            Self::Corrupt(d) => format!("Tệp ảnh bị hỏng hoặc không đầy đủ: {d}"),
            Self::DecoderPanic => "Bộ giải mã ảnh gặp lỗi với tệp này; tệp có thể bị hỏng".to_owned(),
            Self::Empty => "Ảnh rỗng (không có điểm ảnh nào)".to_owned(),
            Self::Encode(d) => format!("Không ghi được ảnh: {d}"),
            Self::UnknownProfile(p) => format!("Không có hồ sơ chất lượng '{p}'"),
            Self::BadProfiles(d) => format!("Tệp cấu hình ngưỡng chất lượng không hợp lệ: {d}"),
        }
    }
}

impl ImagingError {
    /// True when the input itself is at fault (exit code 3), false for I/O trouble (exit code 6).
    pub fn is_invalid_input(&self) -> bool {
        !matches!(self, Self::Io { .. } | Self::Encode(_))
    }
}
