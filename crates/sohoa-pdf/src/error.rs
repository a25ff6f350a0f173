//! Failures of the PDF stage, each with a stable code for scripts and a Vietnamese message for the officer.

/// Why a PDF could not be built, signed or verified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    #[error("invalid page image: {0}")]
    BadImage(String),
    #[error("no pages given")]
    NoPages,
    #[error("cannot read the PDF: {0}")]
    Parse(String),
    #[error("the PDF is not supported for signing: {0}")]
    Unsupported(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("font error: {0}")]
    Font(String),
    #[error("certificate refused: {0}")]
    Certificate(String),
    #[error("signing failed: {0}")]
    Sign(#[from] sohoa_sign::SignError),
    #[error("timestamp authority unreachable or refused: {0}")]
    Tsa(String),
    #[error("the signature does not fit the reserved space ({needed} > {reserved} bytes)")]
    ContentsTooSmall { needed: usize, reserved: usize },
    #[error("encoding error: {0}")]
    Encode(String),
}

impl PdfError {
    /// Stable machine code shown by the CLI.
    pub fn code(&self) -> &'static str {
        match self {
            PdfError::BadImage(_) => "pdf.bad_image",
            PdfError::NoPages => "pdf.no_pages",
            PdfError::Parse(_) => "pdf.parse",
            PdfError::Unsupported(_) => "pdf.unsupported",
            PdfError::Io(_) => "pdf.io",
            PdfError::Font(_) => "pdf.font",
            PdfError::Certificate(_) => "sign.certificate",
            PdfError::Sign(e) => e.code(),
            PdfError::Tsa(_) => "sign.tsa_unavailable",
            PdfError::ContentsTooSmall { .. } => "sign.contents_too_small",
            PdfError::Encode(_) => "pdf.encode",
        }
    }

    /// What the officer reads.
    pub fn message_vi(&self) -> String {
        match self {
            PdfError::BadImage(d) => format!("Ảnh trang không hợp lệ: {d}"),
            PdfError::NoPages => "Chưa có trang nào để tạo PDF".to_owned(),
            PdfError::Parse(d) => format!("Không đọc được tệp PDF: {d}"),
            PdfError::Unsupported(d) => format!("Tệp PDF này chưa ký được: {d}"),
            PdfError::Io(e) => format!("Lỗi đọc/ghi tệp: {e}"),
            PdfError::Font(d) => format!("Lỗi phông chữ: {d}"),
            PdfError::Certificate(d) => format!("Chứng thư số không dùng được để ký: {d}"),
            PdfError::Sign(e) => e.message_vi(),
            PdfError::Tsa(d) => format!(
                "Không lấy được dấu thời gian (TSA): {d}. Có thể ký không dấu thời gian (B-B) rồi bổ sung sau"
            ),
            PdfError::ContentsTooSmall { .. } => "Chữ ký vượt quá vùng dành sẵn trong tệp".to_owned(),
            PdfError::Encode(d) => format!("Lỗi mã hóa dữ liệu: {d}"),
        }
    }

    /// True when the input (file, certificate, options) is at fault rather than the machine.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            PdfError::BadImage(_)
                | PdfError::NoPages
                | PdfError::Parse(_)
                | PdfError::Unsupported(_)
                | PdfError::Certificate(_)
        )
    }
}

impl From<der::Error> for PdfError {
    fn from(e: der::Error) -> Self {
        PdfError::Encode(e.to_string())
    }
}

impl From<lopdf::Error> for PdfError {
    fn from(e: lopdf::Error) -> Self {
        PdfError::Parse(e.to_string())
    }
}
