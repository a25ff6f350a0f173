use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SpoolError {
    #[error("scan spool {0} not found")]
    NotFound(String),
    #[error("scan spool I/O error on {}: {detail}", path.display())]
    Io { path: PathBuf, detail: String },
    #[error("scan spool manifest {} is damaged: {detail}", path.display())]
    Corrupt { path: PathBuf, detail: String },
}

impl SpoolError {
    pub fn code(&self) -> &'static str {
        match self {
            SpoolError::NotFound(_) => "spool.not_found",
            SpoolError::Io { .. } => "spool.io",
            SpoolError::Corrupt { .. } => "spool.corrupt",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            SpoolError::NotFound(id) => format!("Không tìm thấy lượt quét dở {id}"),
            SpoolError::Io { path, detail } => {
                format!("Lỗi ghi trang quét tạm vào {}: {detail}", path.display())
            }
            SpoolError::Corrupt { path, .. } => format!("Tệp danh mục lượt quét {} bị hỏng", path.display()),
        }
    }
}
