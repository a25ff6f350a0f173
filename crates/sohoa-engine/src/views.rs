//! What the desktop app and `sohoa --json` show: flat, serialisable views of stored records.
//!
//! The views carry owner IDs in full because officers need them on screen; they are never logged.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct RecordSummary {
    pub id: String,
    /// `result`, `residence`, `id-card` or `info-only`.
    pub kind: String,
    pub kind_label_vi: String,
    pub title: String,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub doc_type_code: Option<String>,
    pub storage_key: Option<String>,
    pub revision: u32,
    pub current_version: Option<u32>,
    pub page_count: u32,
    pub created_at: String,
    pub updated_at: String,
    pub trashed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub key: String,
    pub label_vi: String,
    pub label_en: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileView {
    pub ordinal: u32,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    /// The desk's signed copy (so the screen need not know its file name).
    pub signed_copy: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub number: u32,
    pub created_at: String,
    pub actor: String,
    pub reason: String,
    pub files: Vec<FileView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    pub seq: u64,
    pub at: String,
    pub user: String,
    pub action: String,
    pub summary_vi: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordDetail {
    pub summary: RecordSummary,
    pub fields: Vec<FieldView>,
    pub versions: Vec<VersionView>,
    pub history: Vec<HistoryView>,
}

/// What the officer filters the record list by.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RecordQuery {
    /// Full-text search over metadata (accent-insensitive); empty lists everything.
    pub text: Option<String>,
    pub kind: Option<String>,
    /// List the trash instead of live records.
    pub trash: bool,
    /// Only the papers of this reception dossier (exact `archival.file_notation`), in the dossier's order.
    pub dossier: Option<String>,
    /// 0 means the default page size.
    pub limit: u32,
    pub offset: u32,
}

/// The outcome of attaching files: the new version and what went into it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub record_id: String,
    pub version: u32,
    pub added: Vec<FileView>,
    /// Files whose content was already stored (same sha256): kept once on disk.
    pub deduplicated: u32,
}

pub(crate) fn history_summary_vi(action: &str) -> String {
    match action {
        "record.create" => "Tạo hồ sơ",
        "record.update" => "Sửa thông tin",
        "version.commit" => "Thêm phiên bản tệp",
        "record.trash" => "Chuyển vào thùng rác",
        "record.restore" => "Khôi phục từ thùng rác",
        "record.purge" => "Xóa vĩnh viễn",
        "review.approved" => "Lãnh đạo duyệt",
        "review.rejected" => "Lãnh đạo trả lại để quét lại",
        other => other,
    }
    .to_owned()
}
