//! Vault sync of SoHoa Desk: a record leaves the desk exactly once, intact, whenever a link exists, and the
//! desk knows for certain which records the ministry accepted (a record counts as delivered only once the
//! vault's receipt is stored in the outbox).
//!
//! - [`protocol`]: the versioned message and receipt (schema 1, `docs/vault-protocol.md`);
//! - [`wire`]: the [`VaultWire`] trait, the one seam a real ministry adapter replaces;
//! - [`tus`]: our adapter, tus 1.0 uploads with per-chunk checksums, then an idempotent JSON commit;
//! - [`driver`]: the outbox loop (backoff with full jitter, `Retry-After`, upload windows, early wake-up).

mod backoff;
mod classify;
mod config;
mod driver;
mod error;
pub mod pdfsig;
pub mod protocol;
pub mod tus;
mod validate;
pub mod wire;

pub use backoff::full_jitter;
pub use classify::parse_retry_after;
pub use config::{UploadWindow, VaultConfig, parse_windows, window_wait};
pub use driver::{Delivery, NETWORK_CODES, OutboxDriver, PassReport, now_ms};
pub use error::{VaultError, WireError};
pub use protocol::{
    AuditAnchor, DocumentMeta, Envelope, ErrorBody, FileEntry, MessageOwner, OwnerType, RESULT_ACCEPTED,
    Receipt, SCHEMA_VERSION, SchemaError, Sender, SignatureSummary, VaultMessage, parse_message,
};
pub use tus::TusWire;
pub use validate::{MAX_FILE_SIZE, MEDIA_TYPES, file_name as check_file_name, validate as validate_message};
pub use wire::{Checkpoint, LocalFile, ResumePoint, VaultWire};

/// Vietnam time (UTC+7), the offset every timestamp of the protocol carries.
pub fn vn_now() -> String {
    use chrono::Offset as _;
    let vn = chrono::FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| chrono::Utc.fix());
    chrono::Utc::now()
        .with_timezone(&vn)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}
