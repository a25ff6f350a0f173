//! Why OCR or extraction failed, for the officer (Vietnamese) and for scripts (stable code).

use std::path::PathBuf;

/// Which kind of failure, so the CLI can pick its exit code without string matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The input (image, profile, option) is wrong: exit 3.
    Invalid,
    /// A file or the language data is missing: exit 4.
    NotFound,
    /// Reading or writing failed: exit 6.
    Io,
    /// Tesseract or the pool misbehaved: exit 1.
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("no Tesseract data for language '{lang}' (searched: {searched})")]
    TessdataMissing { lang: String, searched: String },
    #[error("Tesseract could not load language '{lang}' from {dir}")]
    Init { lang: String, dir: String },
    #[error("invalid OCR option: {0}")]
    BadOption(String),
    #[error("cannot read image {path}: {reason}")]
    Image { path: PathBuf, reason: String },
    #[error("file not found: {0}")]
    NotFound(PathBuf),
    #[error("Tesseract failed to recognise the page")]
    Recognize,
    #[error("malformed Tesseract TSV at line {line}: {reason}")]
    Tsv { line: usize, reason: String },
    #[error("OCR job was cancelled")]
    Cancelled,
    #[error("the OCR worker pool has stopped")]
    PoolClosed,
    #[error("extraction profile {file}: {reason}")]
    Profile { file: String, reason: String },
    #[error("I/O error on {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

impl OcrError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::TessdataMissing { .. } => "ocr.tessdata_missing",
            Self::Init { .. } => "ocr.init",
            Self::BadOption(_) => "ocr.bad_option",
            Self::Image { .. } => "ocr.image",
            Self::NotFound(_) => "ocr.not_found",
            Self::Recognize => "ocr.recognize",
            Self::Tsv { .. } => "ocr.tsv",
            Self::Cancelled => "ocr.cancelled",
            Self::PoolClosed => "ocr.pool_closed",
            Self::Profile { .. } => "ocr.profile",
            Self::Io { .. } => "ocr.io",
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            Self::TessdataMissing { .. } | Self::NotFound(_) => ErrorClass::NotFound,
            Self::BadOption(_) | Self::Image { .. } | Self::Profile { .. } => ErrorClass::Invalid,
            Self::Io { .. } => ErrorClass::Io,
            Self::Init { .. } | Self::Recognize | Self::Tsv { .. } | Self::Cancelled | Self::PoolClosed => {
                ErrorClass::Internal
            }
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            Self::TessdataMissing { lang, searched } => format!(
                "Không tìm thấy dữ liệu nhận dạng chữ Tesseract cho ngôn ngữ «{lang}» \
                 (đã tìm ở: {searched}). Cài gói tesseract-ocr-{lang}."
            ),
            Self::Init { lang, dir } => {
                format!("Tesseract không nạp được dữ liệu ngôn ngữ «{lang}» từ {dir}.")
            }
            Self::BadOption(what) => format!("Tùy chọn nhận dạng chữ không hợp lệ: {what}."),
            Self::Image { path, reason } => {
                format!("Không đọc được ảnh {}: {reason}.", path.display())
            }
            Self::NotFound(path) => format!("Không tìm thấy tệp {}.", path.display()),
            Self::Recognize => "Tesseract không nhận dạng được trang này.".to_owned(),
            Self::Tsv { line, reason } => {
                format!("Kết quả TSV của Tesseract hỏng ở dòng {line}: {reason}.")
            }
            Self::Cancelled => "Việc nhận dạng chữ đã bị hủy.".to_owned(),
            Self::PoolClosed => "Bộ nhận dạng chữ đã dừng.".to_owned(),
            Self::Profile { file, reason } => {
                format!("Mẫu trích xuất {file} không hợp lệ: {reason}.")
            }
            Self::Io { path, source } => {
                format!("Lỗi đọc/ghi tệp {}: {source}.", path.display())
            }
        }
    }
}
