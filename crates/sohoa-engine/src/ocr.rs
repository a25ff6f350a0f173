//! OCR words stored with a record's version, so the record's PDF/A carries its text layer.
//!
//! The store's versions are immutable and the schema has no place for per-page data, so the words travel
//! as files of a version: OCR of version N commits version N+1 with the same page blobs (deduplicated,
//! nothing copied) plus one `<image name>.ocr.json` per page image — sohoa-ocr's page JSON (NFC text,
//! words with boxes and confidences, `"cleaned": false`). No migration is needed, the audit chain records
//! the change like any other version, and the vault receives the words with the pages.
//!
//! The stored image is what the PDF shows, so OCR reads that image as stored (no clean-up): a word box
//! must fall on the word in the PDF page, and a cleaned (turned, deskewed, cropped) copy has other pixels.
//!
//! **Process requirement**: Debian's libtesseract uses OpenMP and libgomp reads `OMP_THREAD_LIMIT` only
//! when it is loaded (process start). A process calling [`Engine::ocr_record`] must have been started
//! with `OMP_THREAD_LIMIT=1` — binaries call `sohoa_ocr::omp::reexec_with_thread_limit()` first thing in
//! `main`, the desktop app's launcher sets it. Without it OCR still works, several times slower.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use serde::Serialize;
use sohoa_ocr::{OcrConfig, OcrError, OcrEvent, OcrPool, PageInput, PageText, Priority};
use sohoa_store::VersionFile;

use crate::{Engine, EngineError};

/// Media type of a stored OCR page file.
pub const OCR_MEDIA_TYPE: &str = "application/json";
/// Suffix added to the page image's name for its OCR file.
pub const OCR_SUFFIX: &str = ".ocr.json";

/// The name of the OCR file of the page image called `image_name` in the same version.
pub fn ocr_file_name(image_name: &str) -> String {
    format!("{image_name}{OCR_SUFFIX}")
}

#[derive(Debug, thiserror::Error)]
pub enum RecordOcrError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Ocr(#[from] OcrError),
    #[error("record has no page images in its current version")]
    NoImages,
    #[error("OCR result could not be encoded: {0}")]
    Encode(String),
}

impl RecordOcrError {
    pub fn code(&self) -> String {
        match self {
            RecordOcrError::Engine(e) => e.code().to_owned(),
            RecordOcrError::Ocr(e) => e.code().to_owned(),
            RecordOcrError::NoImages => "ocr.no_pages".to_owned(),
            RecordOcrError::Encode(_) => "ocr.encode".to_owned(),
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            RecordOcrError::Engine(e) => e.message_vi(),
            RecordOcrError::Ocr(e) => e.message_vi(),
            RecordOcrError::NoImages => "Hồ sơ chưa có ảnh trang nào để nhận dạng chữ".to_owned(),
            RecordOcrError::Encode(_) => "Không ghi được kết quả nhận dạng chữ".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordOcrReport {
    pub record_id: String,
    /// The version whose pages were read.
    pub source_version: u32,
    /// The new version carrying the words; `None` when every page already had its words.
    pub version: Option<u32>,
    /// Pages read now.
    pub pages: usize,
    /// Pages that already had words in the source version.
    pub already: usize,
    pub words: usize,
    /// Pages read now that hold no text (blank backs).
    pub blank: usize,
}

#[derive(Serialize)]
struct StoredPage<'a> {
    input: &'a str,
    cleaned: bool,
    #[serde(flatten)]
    page: &'a PageText,
}

impl Engine {
    /// Reads the page images of `id`'s current version that have no words yet, through an OCR pool of
    /// `workers` engines (default one per core), and commits them as a new version (see the module doc,
    /// including the `OMP_THREAD_LIMIT=1` process requirement).
    pub fn ocr_record(
        &self,
        id: &str,
        config: &OcrConfig,
        workers: Option<usize>,
    ) -> Result<RecordOcrReport, RecordOcrError> {
        let never = AtomicBool::new(false);
        self.ocr_record_by(&self.config.actor, id, config, workers, &never, |_, _| {})
    }

    /// [`Engine::ocr_record`] with the new version attributed to `actor` (the signed-in officer);
    /// `on_progress(done, total)` after each page read. Setting `cancel` stops the pages being read
    /// (Tesseract is interrupted mid-page) and stores nothing: the record stays as it was.
    pub(crate) fn ocr_record_by(
        &self,
        actor: &sohoa_store::Actor,
        id: &str,
        config: &OcrConfig,
        workers: Option<usize>,
        cancel: &AtomicBool,
        mut on_progress: impl FnMut(usize, usize),
    ) -> Result<RecordOcrReport, RecordOcrError> {
        let id = self.store.resolve_id(id).map_err(EngineError::from)?;
        let row = self.store.get_record(&id).map_err(EngineError::from)?;
        let source = row.current_version.ok_or(RecordOcrError::NoImages)?;
        let files = self.store.version_files(&id, source).map_err(EngineError::from)?;
        let names: std::collections::HashSet<&str> = files.iter().map(|f| f.name.as_str()).collect();
        let images: Vec<_> = files
            .iter()
            .filter(|f| f.media_type.starts_with("image/"))
            .collect();
        if images.is_empty() {
            return Err(RecordOcrError::NoImages);
        }
        let todo: Vec<_> = images
            .iter()
            .filter(|f| !names.contains(ocr_file_name(&f.name).as_str()))
            .collect();
        let mut report = RecordOcrReport {
            record_id: id.clone(),
            source_version: source,
            version: None,
            pages: todo.len(),
            already: images.len() - todo.len(),
            words: 0,
            blank: 0,
        };
        if todo.is_empty() {
            return Ok(report);
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (pool, events) = OcrPool::new(config, Some(workers.unwrap_or(cores).min(todo.len()).max(1)))?;
        let mut jobs = HashMap::new();
        for (i, f) in todo.iter().enumerate() {
            let path = self.store.blob_path(&f.sha256).map_err(EngineError::from)?;
            jobs.insert(pool.submit(PageInput::File(path), Priority::Background), i);
        }
        let mut pages: Vec<Option<PageText>> = vec![None; todo.len()];
        let mut remaining = todo.len();
        while remaining > 0 {
            if cancel.load(Ordering::Relaxed) {
                pool.cancel_all();
                return Err(OcrError::Cancelled.into());
            }
            let event = match events.recv_timeout(Duration::from_millis(100)) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return Err(OcrError::PoolClosed.into()),
            };
            match event {
                OcrEvent::Done { id: job, result } => {
                    let page = (*result)?;
                    if let Some(&i) = jobs.get(&job) {
                        pages[i] = Some(page);
                        remaining -= 1;
                        on_progress(todo.len() - remaining, todo.len());
                    }
                }
                OcrEvent::Cancelled { .. } => return Err(OcrError::Cancelled.into()),
                _ => {}
            }
        }
        drop(pool);

        let mut snapshot: Vec<VersionFile> = files.iter().map(crate::pages::keep).collect();
        for (f, page) in todo.iter().zip(pages.into_iter().flatten()) {
            report.words += page.word_count();
            if page.text.is_empty() {
                report.blank += 1;
            }
            let body = StoredPage {
                input: &f.name,
                cleaned: false,
                page: &page,
            };
            let bytes = serde_json::to_vec(&body).map_err(|e| RecordOcrError::Encode(e.to_string()))?;
            let blob = self
                .store
                .put_blob(&mut bytes.as_slice())
                .map_err(EngineError::from)?;
            snapshot.push(VersionFile {
                blob: blob.blob,
                name: ocr_file_name(&f.name),
                media_type: OCR_MEDIA_TYPE.to_owned(),
            });
        }
        let reason = format!(
            "nhận dạng chữ {} trang / OCR of {} page(s)",
            report.pages, report.pages
        );
        let version = self
            .store
            .commit_version_if(actor, &id, Some(source), &snapshot, &reason)
            .map_err(EngineError::from)?;
        tracing::info!(record = %id, version = version.number, pages = report.pages, words = report.words, "OCR words stored");
        report.version = Some(version.number);
        Ok(report)
    }

    /// The stored OCR words of the image called `image_name` in `files` (one version's files), rescaled
    /// to `image_size`; `None` when that page has not been read.
    pub(crate) fn stored_words(
        &self,
        files: &[crate::FileView],
        image_name: &str,
        image_size: (u32, u32),
    ) -> Result<Option<sohoa_pdf::OcrPage>, crate::RecordPdfError> {
        let name = ocr_file_name(image_name);
        let Some(f) = files
            .iter()
            .find(|f| f.name == name && f.media_type == OCR_MEDIA_TYPE)
        else {
            return Ok(None);
        };
        let path = self.store.blob_path(&f.sha256).map_err(EngineError::from)?;
        let text = std::fs::read_to_string(&path).map_err(sohoa_pdf::PdfError::from)?;
        Ok(Some(sohoa_pdf::OcrPage::from_json(&text, Some(image_size))?))
    }
}
