//! Vietnamese OCR and field extraction for SoHoa Desk.
//!
//! Tesseract (through leptess) reads pages with Debian's `vie` model (tessdata_best when
//! installed), one engine per worker thread in a pool sized to the cores; results carry
//! words with boxes and confidences for the PDF text layer and the UI. Field extraction
//! turns OCR text, CCCD QR codes and MRZs into fields the officer only has to check; the
//! form layouts live in data (`assets/extraction/*.toml`), not in code.

pub mod engine;
pub mod error;
mod ffi;
pub mod omp;
pub mod page;
mod superscript;
pub mod tessdata;
pub mod tsv;

pub use engine::{OcrConfig, OcrEngine, Psm, load_gray, ocr_gray};
pub use error::{ErrorClass, OcrError};
pub use page::{BBox, Block, Line, PageText, Paragraph, Word};
pub use tessdata::{Tessdata, find_tessdata};
pub mod cer;
pub mod extract;
pub mod pool;

pub use extract::{DocKind, Extraction, Extractor, Field, KindHint, Profiles, Source, Status};
pub use pool::{JobId, OcrEvent, OcrPool, PageInput, Priority, Progress, clean_file};
