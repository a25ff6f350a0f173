//! Why a profile file or preset is refused.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    #[error("cannot read {}: {detail}", path.display())]
    Io { path: PathBuf, detail: String },
    #[error("invalid profile file {origin}: {detail}")]
    Parse { origin: String, detail: String },
    #[error("no scan preset named '{0}'")]
    UnknownPreset(String),
    #[error("preset '{0}' is defined twice")]
    DuplicatePreset(String),
    /// The preset would produce a legal copy that Decree 30 does not accept.
    #[error("preset '{preset}' breaks Decree 30 for a legal copy: {reason}")]
    Decree30 { preset: String, reason: Decree30Reason },
}

/// Which Decree 30 rule a legal-copy preset breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Decree30Reason {
    #[error("the scan must be in colour")]
    NotColour,
    #[error("the resolution must be at least 200 dpi (got {0})")]
    ResolutionTooLow(u32),
    #[error("the scale must be 100 % (got {0} %)")]
    NotFullScale(u32),
}

impl ProfileError {
    pub fn code(&self) -> &'static str {
        match self {
            ProfileError::Io { .. } => "profile.io",
            ProfileError::Parse { .. } => "profile.invalid",
            ProfileError::UnknownPreset(_) => "profile.unknown_preset",
            ProfileError::DuplicatePreset(_) => "profile.duplicate_preset",
            ProfileError::Decree30 { reason, .. } => match reason {
                Decree30Reason::NotColour => "profile.decree30_not_colour",
                Decree30Reason::ResolutionTooLow(_) => "profile.decree30_low_dpi",
                Decree30Reason::NotFullScale(_) => "profile.decree30_scale",
            },
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            ProfileError::Io { path, detail } => format!("Không đọc được {}: {detail}", path.display()),
            ProfileError::Parse { origin, detail } => format!("Tệp cấu hình máy quét {origin} sai: {detail}"),
            ProfileError::UnknownPreset(p) => format!("Không có mẫu quét '{p}'"),
            ProfileError::DuplicatePreset(p) => format!("Mẫu quét '{p}' bị khai báo hai lần"),
            ProfileError::Decree30 { preset, reason } => {
                let why = match reason {
                    Decree30Reason::NotColour => "bản sao điện tử phải quét màu".to_owned(),
                    Decree30Reason::ResolutionTooLow(d) => {
                        format!("độ phân giải phải từ 200 dpi trở lên (đang là {d} dpi)")
                    }
                    Decree30Reason::NotFullScale(s) => format!("tỷ lệ phải là 100 % (đang là {s} %)"),
                };
                format!("Mẫu quét '{preset}' trái Nghị định 30: {why}")
            }
        }
    }
}
