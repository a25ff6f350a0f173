//! Why a split, merge or insert was refused. Messages name record ids and page numbers only: the owner's
//! number or name never appears, so an answer can be logged as it is.

use crate::ErrorClass;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageOpsError {
    /// A split must leave at least one page on each side.
    #[error("a split at position {at} of a record of {pages} page(s) leaves one side empty")]
    SplitEmptySide { at: u32, pages: u32 },
    /// The record has no page image to move (nothing scanned yet).
    #[error("record {id} has no page images")]
    NoPages { id: String },
    /// The vault's receipt for this record is stored: its pages are in the vault under this record.
    #[error("record {id} was delivered to the vault: its pages cannot move to another record")]
    Delivered { id: String },
    /// The record is queued for the vault; its frozen message would still be sent after a merge.
    #[error("record {id} is queued for the vault: wait for the delivery or its failure first")]
    Queued { id: String },
    #[error("a record cannot be merged into itself")]
    SameRecord,
    /// Deliberately without the owners: the answer may be logged.
    #[error("the two records belong to different owners")]
    OwnerDiffers,
    #[error("the two records are of different kinds ({target} and {other})")]
    KindDiffers { target: String, other: String },
    /// A scan inserted past the last page.
    #[error("position {at} is past the end of the record ({pages} page(s))")]
    InsertPosition { at: u32, pages: u32 },
}

impl PageOpsError {
    /// Stable code for the UI and scripts; never rename one.
    pub fn code(&self) -> &'static str {
        match self {
            PageOpsError::SplitEmptySide { .. } => "pages.split_empty_side",
            PageOpsError::NoPages { .. } => "pages.none",
            PageOpsError::Delivered { .. } => "pages.delivered",
            PageOpsError::Queued { .. } => "pages.queued",
            PageOpsError::SameRecord => "pages.same_record",
            PageOpsError::OwnerDiffers => "pages.owner_differs",
            PageOpsError::KindDiffers { .. } => "pages.kind_differs",
            PageOpsError::InsertPosition { .. } => "pages.insert_position",
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            PageOpsError::SplitEmptySide { .. } | PageOpsError::InsertPosition { .. } => ErrorClass::Invalid,
            PageOpsError::SameRecord | PageOpsError::OwnerDiffers | PageOpsError::KindDiffers { .. } => {
                ErrorClass::Invalid
            }
            PageOpsError::NoPages { .. } | PageOpsError::Delivered { .. } | PageOpsError::Queued { .. } => {
                ErrorClass::Conflict
            }
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            PageOpsError::SplitEmptySide { at, pages } => format!(
                "Không tách được: mỗi hồ sơ sau khi tách phải còn ít nhất một trang (tách từ trang {}, hồ sơ có {pages} trang)",
                at + 1
            ),
            PageOpsError::NoPages { id } => format!("Hồ sơ {} chưa có trang nào", short(id)),
            PageOpsError::Delivered { id } => format!(
                "Hồ sơ {} đã gửi lên kho lưu trữ (có biên nhận): không thể chuyển trang của hồ sơ đã gửi",
                short(id)
            ),
            PageOpsError::Queued { id } => format!(
                "Hồ sơ {} đang chờ gửi lên kho lưu trữ: đợi gửi xong hoặc báo lỗi rồi mới gộp",
                short(id)
            ),
            PageOpsError::SameRecord => "Không thể gộp một hồ sơ vào chính nó".to_owned(),
            PageOpsError::OwnerDiffers => "Hai hồ sơ không cùng một chủ hồ sơ: không gộp được".to_owned(),
            PageOpsError::KindDiffers { target, other } => {
                format!(
                    "Hai hồ sơ khác loại ({} và {}): không gộp được",
                    label(target),
                    label(other)
                )
            }
            PageOpsError::InsertPosition { at, pages } => {
                format!("Vị trí chèn {at} vượt quá số trang của hồ sơ ({pages} trang)")
            }
        }
    }
}

/// The first group of a record id, as the screens show it.
pub(crate) fn short(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

fn label(kind: &str) -> String {
    kind.parse::<sohoa_core::record::RecordKind>()
        .map_or_else(|_| kind.to_owned(), |k| k.label_vi().to_owned())
}
