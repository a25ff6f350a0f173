//! Document metadata of Decree 30/2020/NĐ-CP Appendix VI (research/ocr-archival.md §1.3),
//! plus the digitization extras of Circular 02/2019/TT-BNV, so records can be exported to
//! archival systems under their exchange names.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::FieldError;
use super::value::{parse_date, parse_number, parse_year, render_date, text};

/// All optional: officers fill what the paper shows; OCR pre-fills the header fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArchivalFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organ_id: Option<String>,
    /// Year the file (hồ sơ) was formed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_catalog: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_notation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_ordinal: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_notation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organ_name: Option<String>,
    /// `None` means Vietnamese; see [`ArchivalFields::language_or_default`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_amount: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer_position: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer_name: Option<String>,
    /// Urgency / confidentiality, a one-character code in Appendix VI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paper_file_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_sheets: Option<u32>,
    /// Free-text physical state of the paper (Circular 02/2019 `Format`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_condition: Option<String>,
}

/// One archival field: its flat key, exchange name and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ArchivalFieldDef {
    /// `archival.<name>`, where `<name>` is the [`ArchivalFields`] member.
    pub key: &'static str,
    /// The element name used by document-management exchange formats (Appendix VI).
    pub exchange_name: &'static str,
    pub label_vi: &'static str,
    pub label_en: &'static str,
    /// Maximum length in characters for text fields, from Appendix VI.
    pub max_len: Option<usize>,
}

const fn def(
    key: &'static str,
    exchange_name: &'static str,
    label_vi: &'static str,
    label_en: &'static str,
    max_len: Option<usize>,
) -> ArchivalFieldDef {
    ArchivalFieldDef {
        key,
        exchange_name,
        label_vi,
        label_en,
        max_len,
    }
}

impl ArchivalFieldDef {
    /// The key without its `archival.` prefix.
    pub fn name(&self) -> &'static str {
        self.key.strip_prefix("archival.").unwrap_or(self.key)
    }
}

#[rustfmt::skip]
static DEFS: [ArchivalFieldDef; 18] = [
    def("archival.organ_id", "OrganId", "Mã định danh cơ quan lập danh mục", "Cataloguing organ identifier", Some(13)),
    def("archival.file_catalog", "FileCatalog", "Năm hình thành hồ sơ", "Year the file was formed", None),
    def("archival.file_notation", "FileNotation", "Số và ký hiệu hồ sơ", "File number and notation", Some(20)),
    def("archival.doc_ordinal", "DocOrdinal", "Số thứ tự văn bản trong hồ sơ", "Document ordinal in the file", None),
    def("archival.type_name", "TypeName", "Tên loại văn bản", "Document type name", Some(100)),
    def("archival.code_number", "CodeNumber", "Số của văn bản", "Document number", Some(11)),
    def("archival.code_notation", "CodeNotation", "Ký hiệu của văn bản", "Document notation", Some(30)),
    def("archival.issued_date", "IssuedDate", "Ngày, tháng, năm văn bản", "Document date", None),
    def("archival.organ_name", "OrganName", "Tên cơ quan, tổ chức ban hành văn bản", "Issuing organisation", Some(200)),
    def("archival.language", "Language", "Ngôn ngữ", "Language", Some(30)),
    def("archival.page_amount", "PageAmount", "Số trang của văn bản", "Number of pages", None),
    def("archival.description", "Description", "Ghi chú (lưu trữ)", "Archival note", Some(500)),
    def("archival.signer_position", "SignerInfo.Position", "Chức vụ người ký", "Signer's position", Some(100)),
    def("archival.signer_name", "SignerInfo.FullName", "Họ và tên người ký", "Signer's full name", Some(50)),
    def("archival.priority", "Priority", "Mức độ khẩn, độ mật", "Urgency / confidentiality", Some(1)),
    def("archival.paper_file_code", "PaperFileCode", "Mã hồ sơ giấy", "Paper file code", Some(50)),
    def("archival.number_of_sheets", "NumberOfPaper", "Số lượng tờ", "Number of sheets", None),
    def("archival.physical_condition", "Format", "Tình trạng vật lý", "Physical condition", Some(100)),
];

/// The archival fields in Appendix VI order; the flat key of each is `archival.<name>`.
pub fn archival_field_defs() -> &'static [ArchivalFieldDef] {
    &DEFS
}

/// The exchange name of the record's summary (trích yếu), which lives outside
/// [`ArchivalFields`] because it is also one of seed 002's minimum fields.
pub const SUMMARY_EXCHANGE_NAME: &str = "Subject";

enum Slot<'a> {
    Text(&'a mut Option<String>, usize),
    Number(&'a mut Option<u32>, u32, u32),
    Year(&'a mut Option<i32>),
    Date(&'a mut Option<NaiveDate>),
}

impl ArchivalFields {
    /// Vietnamese unless stated otherwise: nearly every police paper is.
    pub fn language_or_default(&self) -> &str {
        self.language.as_deref().unwrap_or("vi")
    }

    fn slot(&mut self, name: &str) -> Option<Slot<'_>> {
        let max = |n: &str| DEFS.iter().find(|d| d.name() == n).and_then(|d| d.max_len);
        let m = max(name).unwrap_or(500);
        Some(match name {
            "organ_id" => Slot::Text(&mut self.organ_id, m),
            "file_catalog" => Slot::Year(&mut self.file_catalog),
            "file_notation" => Slot::Text(&mut self.file_notation, m),
            "doc_ordinal" => Slot::Number(&mut self.doc_ordinal, 1, 999),
            "type_name" => Slot::Text(&mut self.type_name, m),
            "code_number" => Slot::Text(&mut self.code_number, m),
            "code_notation" => Slot::Text(&mut self.code_notation, m),
            "issued_date" => Slot::Date(&mut self.issued_date),
            "organ_name" => Slot::Text(&mut self.organ_name, m),
            "language" => Slot::Text(&mut self.language, m),
            "page_amount" => Slot::Number(&mut self.page_amount, 1, 999),
            "description" => Slot::Text(&mut self.description, m),
            "signer_position" => Slot::Text(&mut self.signer_position, m),
            "signer_name" => Slot::Text(&mut self.signer_name, m),
            "priority" => Slot::Text(&mut self.priority, m),
            "paper_file_code" => Slot::Text(&mut self.paper_file_code, m),
            "number_of_sheets" => Slot::Number(&mut self.number_of_sheets, 1, 9999),
            "physical_condition" => Slot::Text(&mut self.physical_condition, m),
            _ => return None,
        })
    }

    /// Sets `archival.<name>` from its flat-key value; empty clears it. `None` when `name`
    /// is not an archival field.
    pub(crate) fn set(&mut self, name: &str, key: &str, raw: &str) -> Option<Result<(), FieldError>> {
        let slot = self.slot(name)?;
        let empty = raw.trim().is_empty();
        Some((|| {
            match slot {
                Slot::Text(v, max) => *v = text(key, raw, max)?,
                Slot::Number(v, min, max) => {
                    *v = if empty {
                        None
                    } else {
                        Some(parse_number(key, raw, min, max)?)
                    }
                }
                Slot::Year(v) => *v = if empty { None } else { Some(parse_year(key, raw)?) },
                Slot::Date(v) => *v = if empty { None } else { Some(parse_date(key, raw)?) },
            }
            Ok(())
        })())
    }

    /// The rendered value of `archival.<name>`, `None` when unset or not a field.
    pub fn get(&self, name: &str) -> Option<String> {
        let text = |v: &Option<String>| v.clone();
        let num = |v: &Option<u32>| v.map(|n| n.to_string());
        match name {
            "organ_id" => text(&self.organ_id),
            "file_catalog" => self.file_catalog.map(|y| y.to_string()),
            "file_notation" => text(&self.file_notation),
            "doc_ordinal" => num(&self.doc_ordinal),
            "type_name" => text(&self.type_name),
            "code_number" => text(&self.code_number),
            "code_notation" => text(&self.code_notation),
            "issued_date" => self.issued_date.map(render_date),
            "organ_name" => text(&self.organ_name),
            "language" => text(&self.language),
            "page_amount" => num(&self.page_amount),
            "description" => text(&self.description),
            "signer_position" => text(&self.signer_position),
            "signer_name" => text(&self.signer_name),
            "priority" => text(&self.priority),
            "paper_file_code" => text(&self.paper_file_code),
            "number_of_sheets" => num(&self.number_of_sheets),
            "physical_condition" => text(&self.physical_condition),
            _ => None,
        }
    }

    /// `(exchange name, value)` for every set field, in Appendix VI order, for exports.
    pub fn exchange_pairs(&self) -> Vec<(&'static str, String)> {
        DEFS.iter()
            .filter_map(|d| self.get(d.name()).map(|v| (d.exchange_name, v)))
            .collect()
    }
}
