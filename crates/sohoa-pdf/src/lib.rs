//! The PDF stage of SoHoa Desk: the legal electronic copy ("SAO Y") of a paper document.
//!
//! - [`write_pdfa`]: PDF/A-2b, pages at 100 % scale in colour, mixed-raster compressed, with an invisible
//!   OCR text layer and the record's metadata in XMP;
//! - [`lint`]: the PDF/A-2b rules the writer relies on, checked on any file;
//! - [`sign`]: PAdES signing as an incremental update with the Decree 30 copy stamp, through any
//!   [`sohoa_sign::Signer`];
//! - [`verify`]: integrity, signer, time, level, chain and later changes of every signature.

mod error;
mod font;
pub mod input;
pub mod lint;
mod model;
pub mod mrc;
pub mod sign;
#[cfg(feature = "test-support")]
pub mod testpki;
pub mod verify;
mod writer;
mod xmp;

pub use error::PdfError;
pub use model::{DocumentMeta, ImageMode, OcrPage, OcrWord, PageInput, WriteOptions};
pub use sign::{CopyForm, Level, SignOptions, SignOutcome, sign_pdf};
pub use verify::{VerifyReport, verify_pdf};
pub use writer::write_pdfa;

/// Vietnam has no daylight saving: UTC+7 all year.
pub fn vn_offset() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(7 * 3600).unwrap_or(chrono::Utc.fix())
}

pub fn now_vn() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().with_timezone(&vn_offset())
}

use chrono::Offset as _;
