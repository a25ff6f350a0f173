//! What a supervisor's or officer's review call can be refused for, each with what to do about it.

use crate::ErrorClass;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReviewError {
    /// The record got a new version after the supervisor opened it (an officer rescanned meanwhile).
    #[error("version {version} is no longer the record's current version ({current}): reload it")]
    NotCurrent { version: u32, current: u32 },
    #[error("a reject needs a reason")]
    ReasonRequired,
    #[error("version {version} has no page image at position {ordinal}")]
    NoSuchPage { version: u32, ordinal: u32 },
    /// Nothing scanned yet (or only files that are not page images): there is nothing to judge.
    #[error("the record has no page images to review")]
    NoPages,
    #[error("the sample share must be more than 0 and at most 1 (got {0})")]
    BadShare(String),
    #[error("batch {0} has no records to sample")]
    EmptyBatch(String),
}

impl ReviewError {
    pub fn code(&self) -> &'static str {
        match self {
            ReviewError::NotCurrent { .. } => "review.not_current",
            ReviewError::ReasonRequired => "review.reason_required",
            ReviewError::NoSuchPage { .. } => "review.no_such_page",
            ReviewError::NoPages => "review.no_pages",
            ReviewError::BadShare(_) => "review.bad_share",
            ReviewError::EmptyBatch(_) => "review.empty_batch",
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            ReviewError::NotCurrent { .. } | ReviewError::NoPages | ReviewError::EmptyBatch(_) => {
                ErrorClass::Conflict
            }
            ReviewError::ReasonRequired | ReviewError::NoSuchPage { .. } | ReviewError::BadShare(_) => {
                ErrorClass::Invalid
            }
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            ReviewError::NotCurrent { version, current } => format!(
                "Hồ sơ vừa có phiên bản mới ({current}) sau phiên bản {version} đang xem: tải lại rồi kiểm duyệt"
            ),
            ReviewError::ReasonRequired => "Trả lại hồ sơ phải ghi rõ lý do".to_owned(),
            ReviewError::NoSuchPage { version, ordinal } => {
                format!("Phiên bản {version} của hồ sơ không có trang ở vị trí {ordinal}")
            }
            ReviewError::NoPages => "Hồ sơ chưa có trang ảnh nào để kiểm duyệt".to_owned(),
            ReviewError::BadShare(s) => {
                format!("Tỷ lệ lấy mẫu phải lớn hơn 0 và không quá 1 (đang là {s})")
            }
            ReviewError::EmptyBatch(b) => format!("Lô {b} chưa có hồ sơ nào để lấy mẫu"),
        }
    }
}
