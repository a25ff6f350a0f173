//! Durable record store of SoHoa Desk.
//!
//! A police dossier, once digitized, must survive crashes, power cuts and full disks, and every change to
//! it must be attributable. This crate keeps that promise independently of the domain: records carry
//! opaque JSON metadata (the engine maps domain types onto it) plus the few columns needed to list and
//! search them.
//!
//! On disk, under the data directory chosen by the caller:
//! - `sohoa.db`: SQLite (WAL, `synchronous=FULL`, foreign keys), schema upgraded by versioned migrations;
//! - `blobs/<aa>/<bb>/<sha256>`: content-addressed page files, read-only once written; `blobs/tmp/` holds
//!   files being written;
//! - `.lock`, `.lock.gate`: coordination between processes (see [`lock`](crate::lock) in the source).
//!
//! Every mutating call writes its hash-chained audit entry in the same transaction as the change.

mod audit;
mod backup;
mod batches;
mod blob;
mod error;
mod fault;
mod lock;
mod outbox;
mod outbox_types;
mod reconcile;
mod records;
mod regroup;
mod reviews;
mod schema;
mod search;
/// Read-only queries for the supervisor's statistics and exports.
pub mod stats;
mod store;
mod text;
mod trash;
mod types;
mod users;
mod versions;

#[cfg(test)]
mod tests;

pub use backup::{
    BackupError, BackupReport, BlobEntry, Counts as BackupCounts, FileEntry, Manifest as BackupManifest,
    RestoreOptions, RestoreReport, restore,
};
pub use batches::{BatchEnd, BatchRow, BatchState};
pub use error::StoreError;
pub use fault::{DiskFullAfter, FaultInjector};
pub use outbox_types::{OutboxCounts, OutboxRow, OutboxState};
pub use regroup::{SplitCommit, SplitPlan, VersionPlan};
pub use reviews::{NewReview, ReviewIndexRow, ReviewRow, ReviewVerdict, SampleRow};
pub use schema::SCHEMA_VERSION;
pub use store::{Store, StoreOptions};
pub use types::{
    Actor, AuditEntry, AuditReport, BlobProblem, BlobRef, BrokenEntry, IntegrityReport, ListFilter,
    MetadataRevision, MissingBlob, NewRecord, PurgeReport, ReconcileReport, RecordRow, RecordUpdate,
    StoredBlob, TrashFilter, VersionFile, VersionFileRow, VersionRow,
};
pub use users::{NewUser, UserRow};

/// Hash that precedes the first audit entry.
pub const AUDIT_GENESIS_HASH: &str = audit::ZERO_HASH;
