//! The vault message, schema version 1 (documented in `docs/vault-protocol.md`).
//!
//! Field names are English snake_case; the Vietnamese exchange names the ministry's NDXP/LGSP services use
//! (`MaDonVi`, `SoDinhDanh`, `maGiaoDich` …) are given in the doc so an adapter for the real interface can
//! map them one to one. Parsing is strict (unknown fields refused) because a vault that silently drops a
//! field it does not know would lose metadata of a legal record.

use serde::{Deserialize, Serialize};

/// The schema version this build writes and the only one it accepts.
pub const SCHEMA_VERSION: u32 = 1;

/// Largest message text accepted (metadata only: files travel separately).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// Most files one message may carry.
pub const MAX_FILES: usize = 500;

/// One document sent to the vault: who sends it, whose it is, what it is, and its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultMessage {
    pub envelope: Envelope,
    pub owner: MessageOwner,
    pub document: DocumentMeta,
    #[serde(default)]
    pub files: Vec<FileEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// UUID; the idempotency key: the vault answers a repeated id with the original receipt.
    pub message_id: String,
    pub schema_version: u32,
    /// RFC 3339 with the Vietnam offset `+07:00`.
    pub created_at: String,
    pub sender: Sender,
    /// The desk's audit chain head when the message was built: the vault keeps a copy the desk cannot rewrite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_anchor: Option<AuditAnchor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    /// Agency electronic identifier per QĐ 20/2020/QĐ-TTg (`MaDonVi`).
    pub agency_code: String,
    pub workstation: String,
    /// The officer (`MaCanBo`).
    pub officer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditAnchor {
    pub seq: u64,
    pub hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerType {
    /// A person (cá nhân): 12-digit personal ID, 9-digit CMND or passport.
    Person,
    /// An organisation (tổ chức): tax / enterprise code.
    Organisation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageOwner {
    pub owner_type: OwnerType,
    /// `SoDinhDanh` or the organisation code; absent for a person without any ID number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// personal-id | cmnd | passport | tax-code
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// For a person without an ID number (seed 002 §II.2.c): birth year, issue date and issuer of the paper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_issue_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_issuer: Option<String>,
}

/// The six minimum fields of seed 002 §II.2.c plus the record's kind, storage key and archival fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentMeta {
    /// result | residence | id-card | info-only
    pub record_kind: String,
    /// The desk's record id (for reconciliation; the vault keys on the storage key and message id).
    pub record_id: String,
    /// 1. Mã loại giấy tờ.
    pub type_code: String,
    /// `<owner id>.<type code>`; absent only for an owner without an ID number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_key: Option<String>,
    /// 3. Tên giấy tờ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 4. Trích yếu nội dung.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// 5. Thời hạn hiệu lực: from / to (`YYYY-MM-DD`) or indefinite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
    #[serde(default)]
    pub valid_indefinite: bool,
    /// 6. Phạm vi hiệu lực.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_code: Option<String>,
    /// Decree 30/2020 Appendix VI fields under their `archival.*` member names (sohoa-core `ArchivalFields`).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub archival: serde_json::Map<String, serde_json::Value>,
    /// Kind-specific sections (id_card, residence, storage, info_only, extra) exactly as the desk stores them.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub details: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// 1-based order of the file in the document.
    pub ordinal: u32,
    /// Display name only, never a path.
    pub name: String,
    pub media_type: String,
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_count: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureSummary {
    /// "PAdES"
    pub format: String,
    /// e.g. "ETSI.CAdES.detached"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_serial: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_time: Option<String>,
    /// The ordinals of the files that carry the signature.
    #[serde(default)]
    pub signed_files: Vec<u32>,
}

/// The vault's answer to a committed message (`maKetQua`, `maGiaoDich`, `thoiGianTiepNhan`, `thongDiep`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// "0" = accepted; anything else never comes with HTTP success.
    pub result_code: String,
    /// The vault's transaction id: keep it, it is the proof of delivery.
    pub transaction_id: String,
    pub message_id: String,
    /// RFC 3339 `+07:00`.
    pub received_at: String,
    pub message: String,
}

/// Result code of an accepted message.
pub const RESULT_ACCEPTED: &str = "0";

/// The error body of every refused request: a stable code, a Vietnamese message and an English one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub message_en: String,
}

/// Why a message text is not a valid schema-1 message. `field` names the offending element.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid vault message at {field}: {reason}")]
pub struct SchemaError {
    pub field: String,
    pub reason: String,
}

fn bad(field: impl Into<String>, reason: impl Into<String>) -> SchemaError {
    SchemaError {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Parses and validates a message. Never panics, whatever the bytes (fuzzed: `fuzz/fuzz_targets/message.rs`).
pub fn parse_message(bytes: &[u8]) -> Result<VaultMessage, SchemaError> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(bad("$", format!("larger than {MAX_MESSAGE_BYTES} bytes")));
    }
    let msg: VaultMessage = serde_json::from_slice(bytes).map_err(|e| bad("$", e.to_string()))?;
    crate::validate::validate(&msg)?;
    Ok(msg)
}

pub(crate) fn schema_error(field: impl Into<String>, reason: impl Into<String>) -> SchemaError {
    bad(field, reason)
}
