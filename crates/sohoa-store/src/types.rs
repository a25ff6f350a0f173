//! The values callers pass in and get back. The store knows nothing of the domain: metadata is opaque JSON
//! and only the columns needed for listing, filtering and searching are broken out.

use std::fmt;

use serde::Serialize;

/// Who does something, recorded in every audit entry and version.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Actor {
    pub user: String,
    pub workstation: String,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.user, self.workstation)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NewRecord {
    pub kind: String,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub doc_type_code: Option<String>,
    pub storage_key: Option<String>,
    pub title: String,
    pub metadata: serde_json::Value,
    /// Extra text the engine wants findable (field values); indexed, never returned.
    pub search_text: String,
}

/// A full replacement of a record's editable fields; the kind of a record never changes.
#[derive(Debug, Clone, Serialize)]
pub struct RecordUpdate {
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub doc_type_code: Option<String>,
    pub storage_key: Option<String>,
    pub title: String,
    pub metadata: serde_json::Value,
    pub search_text: String,
}

/// A new record minus its kind is exactly an update: callers that build both from one domain object (the
/// engine) and `create_record` itself share this one conversion.
impl From<NewRecord> for RecordUpdate {
    fn from(new: NewRecord) -> RecordUpdate {
        RecordUpdate {
            owner_id: new.owner_id,
            owner_name: new.owner_name,
            doc_type_code: new.doc_type_code,
            storage_key: new.storage_key,
            title: new.title,
            metadata: new.metadata,
            search_text: new.search_text,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecordRow {
    pub id: String,
    pub kind: String,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub doc_type_code: Option<String>,
    pub storage_key: Option<String>,
    pub title: String,
    pub metadata: serde_json::Value,
    /// Starts at 1 and grows with every metadata change: the optimistic-locking token of `update_record`.
    pub revision: u32,
    pub current_version: Option<u32>,
    /// Files in the current version.
    pub page_count: u32,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: String,
    pub trashed_at: Option<String>,
    pub trash_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub enum TrashFilter {
    /// Live records only.
    #[default]
    Exclude,
    /// The trash only.
    Only,
    Include,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ListFilter {
    pub trash: TrashFilter,
    pub kind: Option<String>,
    pub owner_id: Option<String>,
    /// 0 means no limit.
    pub limit: u32,
    pub offset: u32,
}

/// An earlier state of a record's editable fields and who wrote it; the current state is the record itself.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MetadataRevision {
    pub record_id: String,
    pub revision: u32,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub doc_type_code: Option<String>,
    pub storage_key: Option<String>,
    pub title: String,
    pub metadata: serde_json::Value,
    /// When and by whom this revision was written.
    pub at: String,
    pub user: String,
    pub workstation: String,
}

/// A stored blob: content address and length.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct BlobRef {
    pub sha256: String,
    pub size: u64,
}

/// What `put_blob` did: `existed` is true when identical content was already stored (deduplicated).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StoredBlob {
    pub blob: BlobRef,
    pub existed: bool,
}

/// One page of a version as the caller supplies it.
#[derive(Debug, Clone, Serialize)]
pub struct VersionFile {
    pub blob: BlobRef,
    /// Display name only (never a path): validated, must be NFC.
    pub name: String,
    pub media_type: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VersionRow {
    pub record_id: String,
    pub number: u32,
    pub created_at: String,
    /// The user who committed it.
    pub actor: String,
    pub workstation: String,
    pub reason: String,
    pub file_count: u32,
    pub total_bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VersionFileRow {
    /// 1-based page order.
    pub ordinal: u32,
    pub name: String,
    pub media_type: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct PurgeReport {
    pub record_id: String,
    pub versions_removed: u32,
    /// Blob files deleted because nothing references them any more.
    pub blobs_removed: u32,
    pub bytes_freed: u64,
    /// Unreferenced blobs left for the next exclusive reconciliation because another process has the data
    /// directory open (it might be about to reference them).
    pub blobs_deferred: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MissingBlob {
    pub sha256: String,
    pub record_id: String,
    pub version: u32,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ReconcileReport {
    pub temp_removed: u64,
    pub orphan_blobs_removed: u64,
    /// Version rows whose blob file is gone: never dropped silently, an operator must restore the files.
    pub missing_blobs: Vec<MissingBlob>,
    /// True when another process had the data directory open, so temp files and orphans were left alone.
    pub cleanup_skipped: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: String,
    pub user: String,
    pub workstation: String,
    pub action: String,
    pub record_id: Option<String>,
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BrokenEntry {
    pub seq: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditReport {
    pub entries: u64,
    /// Hash of the last entry (64 zeros for an empty log): anchor it elsewhere to detect a full rewrite.
    pub head_hash: String,
    pub first_broken: Option<BrokenEntry>,
}

impl AuditReport {
    pub fn is_valid(&self) -> bool {
        self.first_broken.is_none()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BlobProblem {
    pub sha256: String,
    pub problem: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct IntegrityReport {
    pub ok: bool,
    /// Whether blob contents were re-hashed (`deep`) or only their sizes checked.
    pub deep: bool,
    /// `PRAGMA integrity_check` lines other than "ok".
    pub sqlite_errors: Vec<String>,
    pub foreign_key_violations: Vec<String>,
    /// Empty when the full-text index matches the records table.
    pub fts_error: Option<String>,
    pub missing_blobs: Vec<MissingBlob>,
    /// Size (or, when deep, hash) mismatches of referenced blob files.
    pub damaged_blobs: Vec<BlobProblem>,
    /// Blob files nothing references (and this process is not about to reference).
    pub orphan_blobs: Vec<String>,
    /// Files in the blob tree that are not named like blobs; never deleted automatically.
    pub unexpected_files: Vec<String>,
    /// Temporary files present (normal while another writer is active).
    pub temp_files: u64,
    pub blobs_checked: u64,
}
