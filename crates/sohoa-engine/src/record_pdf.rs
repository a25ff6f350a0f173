//! `sohoa pdf --record ID`: the record's current page images become its PDF/A-2b legal copy, with the
//! record's fields in the XMP (SoHoa extension schema) so the file explains itself outside our database.

use serde::Serialize;
use sohoa_pdf::{DocumentMeta, PdfError, WriteOptions};

use crate::{Engine, EngineError};

/// Failure of building or signing a record's PDF: the record side, the PDF side or the key.
#[derive(Debug, thiserror::Error)]
pub enum RecordPdfError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error(transparent)]
    Sign(#[from] sohoa_sign::SignError),
    #[error("record has no page images in its current version")]
    NoImages,
}

impl RecordPdfError {
    pub fn code(&self) -> String {
        match self {
            RecordPdfError::Engine(e) => e.code().to_owned(),
            RecordPdfError::Pdf(e) => e.code().to_owned(),
            RecordPdfError::Sign(e) => e.code().to_owned(),
            RecordPdfError::NoImages => "pdf.no_pages".to_owned(),
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            RecordPdfError::Engine(e) => e.message_vi(),
            RecordPdfError::Pdf(e) => e.message_vi(),
            RecordPdfError::Sign(e) => e.message_vi(),
            RecordPdfError::NoImages => "Hồ sơ chưa có ảnh trang nào để tạo PDF".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordPdfReport {
    pub record_id: String,
    pub version: u32,
    pub pages: usize,
    /// Pages whose words were stored (`sohoa ocr --record`) and form the invisible text layer.
    pub text_pages: usize,
    pub bytes: usize,
}

impl Engine {
    /// Builds the PDF/A of `id`'s current version, with the invisible text layer from the OCR words stored
    /// in that version (`<image name>.ocr.json`, see [`Engine::ocr_record`]); pages without stored words
    /// get no text layer. The caller decides where the bytes go.
    pub fn record_pdf(
        &self,
        id: &str,
        fallback_dpi: Option<f32>,
    ) -> Result<(Vec<u8>, RecordPdfReport), RecordPdfError> {
        let detail = self.record_detail(id)?;
        let version = detail.summary.current_version.ok_or(RecordPdfError::NoImages)?;
        let files = detail
            .versions
            .iter()
            .find(|v| v.number == version)
            .map(|v| v.files.as_slice())
            .unwrap_or_default();
        let mut pages = Vec::new();
        let mut text_pages = 0;
        for f in files.iter().filter(|f| f.media_type.starts_with("image/")) {
            let path = self.store.blob_path(&f.sha256).map_err(EngineError::from)?;
            let mut page = sohoa_pdf::input::load_image_page(&path, fallback_dpi)?;
            if let Some(ocr) = self.stored_words(files, &f.name, page.image.dimensions())? {
                text_pages += usize::from(!ocr.words.is_empty());
                page.words = ocr.words;
            }
            pages.push(page);
        }
        if pages.is_empty() {
            return Err(RecordPdfError::NoImages);
        }
        let meta = DocumentMeta {
            title: detail.summary.title.clone(),
            description: detail
                .fields
                .iter()
                .find(|f| f.key == "summary")
                .map(|f| f.value.clone()),
            creator: None,
            record_id: Some(detail.summary.id.clone()),
            record: detail
                .fields
                .iter()
                .map(|f| (f.key.clone(), f.value.clone()))
                .collect(),
            lang: Some("vi-VN".to_owned()),
        };
        let bytes = sohoa_pdf::write_pdfa(&pages, &meta, &WriteOptions::default())?;
        tracing::info!(pages = pages.len(), bytes = bytes.len(), "record PDF built");
        let report = RecordPdfReport {
            record_id: detail.summary.id,
            version,
            pages: pages.len(),
            text_pages,
            bytes: bytes.len(),
        };
        Ok((bytes, report))
    }
}
