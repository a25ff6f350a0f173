//! Scanner faults the operator can act on: typed, never swallowed, each with a code and Vietnamese text.

/// Why a scan stopped or could not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    #[error("no such scanner: {0}")]
    NoDevice(String),
    #[error("the scanner is busy")]
    Busy,
    #[error("paper jam")]
    Jammed,
    #[error("double feed detected")]
    DoubleFeed,
    #[error("the scanner cover is open")]
    CoverOpen,
    #[error("the document feeder is empty")]
    FeederEmpty,
    #[error("the scan was cancelled")]
    Cancelled,
    #[error("unsupported: {0}")]
    Unsupported(String),
    #[error("invalid value for option {name}: {reason}")]
    InvalidOption { name: String, reason: String },
    #[error("scanner I/O error: {0}")]
    Io(String),
    #[error("the scanner driver stopped unexpectedly: {0}")]
    DriverCrashed(String),
    #[error("scanner protocol error: {0}")]
    Protocol(String),
    #[error("the scanner did not answer in time")]
    Timeout,
}

impl ScanError {
    /// Stable machine code for the CLI's JSON and the desktop shell.
    pub fn code(&self) -> &'static str {
        match self {
            ScanError::NoDevice(_) => "scan.no_device",
            ScanError::Busy => "scan.busy",
            ScanError::Jammed => "scan.jammed",
            ScanError::DoubleFeed => "scan.double_feed",
            ScanError::CoverOpen => "scan.cover_open",
            ScanError::FeederEmpty => "scan.feeder_empty",
            ScanError::Cancelled => "scan.cancelled",
            ScanError::Unsupported(_) => "scan.unsupported",
            ScanError::InvalidOption { .. } => "scan.invalid_option",
            ScanError::Io(_) => "scan.io",
            ScanError::DriverCrashed(_) => "scan.driver_crashed",
            ScanError::Protocol(_) => "scan.protocol",
            ScanError::Timeout => "scan.timeout",
        }
    }

    /// A paper-path fault: the operator clears the feeder and continues the same batch.
    pub fn is_paper_fault(&self) -> bool {
        matches!(
            self,
            ScanError::Jammed | ScanError::DoubleFeed | ScanError::CoverOpen | ScanError::FeederEmpty
        )
    }

    /// What the operator reads.
    pub fn message_vi(&self) -> String {
        match self {
            ScanError::NoDevice(id) => format!("Không tìm thấy máy quét {id}"),
            ScanError::Busy => "Máy quét đang bận".to_owned(),
            ScanError::Jammed => "Kẹt giấy: gỡ giấy rồi quét tiếp".to_owned(),
            ScanError::DoubleFeed => "Hai tờ bị kéo cùng lúc: đặt lại các tờ rồi quét tiếp".to_owned(),
            ScanError::CoverOpen => "Nắp máy quét đang mở".to_owned(),
            ScanError::FeederEmpty => "Khay nạp giấy trống".to_owned(),
            ScanError::Cancelled => "Đã hủy lượt quét".to_owned(),
            ScanError::Unsupported(what) => format!("Máy quét không hỗ trợ: {what}"),
            ScanError::InvalidOption { name, reason } => format!("Giá trị không hợp lệ cho {name}: {reason}"),
            ScanError::Io(d) => format!("Lỗi kết nối máy quét: {d}"),
            ScanError::DriverCrashed(d) => format!("Trình điều khiển máy quét dừng bất thường: {d}"),
            ScanError::Protocol(d) => format!("Máy quét trả lời sai giao thức: {d}"),
            ScanError::Timeout => "Máy quét không phản hồi".to_owned(),
        }
    }
}
