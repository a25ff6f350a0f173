//! The layout of the "Hồ sơ" sheet, shared by the export and the import so the two cannot drift apart: a
//! workbook exported, corrected in Excel and imported back is matched column by column on these headers.

/// Sheet names (Vietnamese: the workbook is read by supervisors and sent to the province).
pub const SHEET_RECORDS: &str = "Hồ sơ";
pub const SHEET_DAYS: &str = "Thống kê theo ngày";
pub const SHEET_OFFICERS: &str = "Theo cán bộ";
pub const SHEET_DOC_TYPES: &str = "Theo loại giấy tờ";
pub const SHEET_YEAR: &str = "Tiến độ năm";

/// What a column of the records sheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    Id,
    /// The metadata revision at export time: the import refuses a row whose record changed since.
    Revision,
    Kind,
    StorageKey,
    OwnerId,
    /// An editable record field; the key is the `--field` key (`sohoa_core::record::field_keys`).
    Field(&'static str),
    DocTypeName,
    Pages,
    CreatedAt,
    CreatedBy,
    CurrentVersion,
    Delivery,
}

pub(crate) struct Column {
    pub col: Col,
    pub header: &'static str,
    pub width: f64,
}

const fn c(col: Col, header: &'static str, width: f64) -> Column {
    Column { col, header, width }
}

/// Left to right. Editable columns are exactly the `Col::Field` ones.
pub(crate) const RECORD_COLUMNS: [Column; 18] = [
    c(Col::Id, "Mã hồ sơ", 38.0),
    c(Col::Revision, "Lần sửa", 8.0),
    c(Col::Kind, "Loại hồ sơ", 24.0),
    c(Col::StorageKey, "Mã lưu trữ", 26.0),
    c(Col::OwnerId, "Số định danh", 15.0),
    c(Col::Field("owner_name"), "Họ tên chủ hồ sơ", 28.0),
    c(Col::Field("doc_type"), "Mã loại giấy tờ", 16.0),
    c(Col::DocTypeName, "Tên loại giấy tờ", 40.0),
    c(Col::Field("doc_name"), "Tên giấy tờ", 32.0),
    c(Col::Field("storage.warehouse"), "Kho lưu trữ", 16.0),
    c(Col::Field("storage.shelf"), "Giá, kệ", 10.0),
    c(Col::Field("storage.box"), "Hộp số", 9.0),
    c(Col::Field("storage.file"), "Hồ sơ số", 10.0),
    c(Col::Pages, "Số trang", 9.0),
    c(Col::CreatedAt, "Ngày tạo", 20.0),
    c(Col::CreatedBy, "Người tạo", 18.0),
    c(Col::CurrentVersion, "Phiên bản hiện tại", 10.0),
    c(Col::Delivery, "Trạng thái gửi kho", 24.0),
];

/// The value an editable column shows, and the one an imported cell is compared with. The owner name is
/// the effective one (an ID card's full name, a household's head, when no separate name was typed): that
/// is the name people know the record by, and a cell left as exported must read as unchanged.
pub(crate) fn current_value(meta: &sohoa_core::record::RecordMeta, key: &str) -> String {
    if key == "owner_name" {
        return meta.owner_name().unwrap_or_default();
    }
    meta.fields()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// Where a record stands with the vault, as the export shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    NotQueued,
    Queued,
    Failed,
    /// The vault's receipt for the current version is stored.
    Delivered,
    /// A receipt exists for an older version; the current one has not been queued.
    Outdated,
}

impl DeliveryState {
    pub fn label_vi(self) -> &'static str {
        match self {
            DeliveryState::NotQueued => "Chưa gửi",
            DeliveryState::Queued => "Đang chờ gửi",
            DeliveryState::Failed => "Gửi lỗi",
            DeliveryState::Delivered => "Đã gửi (có biên nhận)",
            DeliveryState::Outdated => "Đã gửi phiên bản cũ",
        }
    }

    /// From the newest outbox message of a record (state name, version) and the record's current version.
    pub(crate) fn from_latest(latest: Option<(&str, Option<u32>)>, current: Option<u32>) -> DeliveryState {
        match latest {
            None => DeliveryState::NotQueued,
            Some(("acknowledged", v)) if v.is_none() || v == current => DeliveryState::Delivered,
            Some(("acknowledged", _)) => DeliveryState::Outdated,
            Some(("failed_permanent", _)) => DeliveryState::Failed,
            Some(_) => DeliveryState::Queued,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_nfc(s: &str) -> bool {
        sohoa_core::text::nfc(s) == s
    }

    #[test]
    fn every_sheet_name_and_header_is_nfc_and_unique() {
        let sheets = [
            SHEET_RECORDS,
            SHEET_DAYS,
            SHEET_OFFICERS,
            SHEET_DOC_TYPES,
            SHEET_YEAR,
        ];
        for s in sheets {
            assert!(is_nfc(s) && s.chars().count() <= 31, "{s}");
        }
        let headers: Vec<&str> = RECORD_COLUMNS.iter().map(|c| c.header).collect();
        for h in &headers {
            assert!(is_nfc(h), "{h}");
        }
        let mut unique = headers.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), headers.len());
    }

    #[test]
    fn delivery_counts_only_a_receipt_for_the_current_version() {
        use DeliveryState as D;
        assert_eq!(D::from_latest(None, Some(1)), D::NotQueued);
        assert_eq!(D::from_latest(Some(("pending", Some(2))), Some(2)), D::Queued);
        assert_eq!(D::from_latest(Some(("uploaded", Some(2))), Some(2)), D::Queued);
        assert_eq!(D::from_latest(Some(("retry_wait", Some(2))), Some(2)), D::Queued);
        assert_eq!(
            D::from_latest(Some(("failed_permanent", Some(2))), Some(2)),
            D::Failed
        );
        assert_eq!(
            D::from_latest(Some(("acknowledged", Some(2))), Some(2)),
            D::Delivered
        );
        assert_eq!(
            D::from_latest(Some(("acknowledged", Some(1))), Some(2)),
            D::Outdated
        );
        assert_eq!(D::from_latest(Some(("acknowledged", None)), None), D::Delivered);
    }
}
