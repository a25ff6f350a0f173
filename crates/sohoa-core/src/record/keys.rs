//! The flat field vocabulary shared by the CLI (`--field KEY=VALUE`), the UI form and
//! exports, so a field has one name everywhere.

use serde::Serialize;

use super::RecordKind;
use super::archival::archival_field_defs;

/// What kind of input a field takes, so the UI can pick a widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    Text,
    LongText,
    Date,
    Year,
    Number,
    Bool,
    Sex,
    Condition,
    OwnerId,
    DocType,
    Procedure,
    /// `name;id;relation;registered;left`, repeatable.
    Member,
    /// Any `x.<name>` key.
    Extra,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldDef {
    /// Flat key; `x.*` stands for every specialised-law key.
    pub key: &'static str,
    pub label_vi: &'static str,
    pub label_en: &'static str,
    /// Record kinds the field applies to.
    pub kinds: &'static [RecordKind],
    /// Record kinds for which [`super::RecordMeta::validate`] requires it.
    pub required_for: &'static [RecordKind],
    pub input: InputKind,
    /// Decree 30 Appendix VI exchange name, where the field has one.
    pub exchange_name: Option<&'static str>,
}

use RecordKind::{IdCard, InfoOnly, Residence, Result as Res};
const ALL: &[RecordKind] = &RecordKind::ALL;
const NONE: &[RecordKind] = &[];

const fn f(
    key: &'static str,
    label_vi: &'static str,
    label_en: &'static str,
    kinds: &'static [RecordKind],
    required_for: &'static [RecordKind],
    input: InputKind,
) -> FieldDef {
    FieldDef {
        key,
        label_vi,
        label_en,
        kinds,
        required_for,
        input,
        exchange_name: None,
    }
}

#[rustfmt::skip]
const HEAD: [FieldDef; 28] = [
    f("owner_id", "Số định danh chủ hồ sơ", "Owner identification number", ALL, NONE, InputKind::OwnerId),
    f("owner_name", "Họ tên chủ hồ sơ / tên tổ chức", "Owner name", ALL, NONE, InputKind::Text),
    f("birth_year", "Năm sinh (chủ hồ sơ không có số định danh)", "Year of birth (owner without an ID number)", ALL, NONE, InputKind::Year),
    f("id_issue_date", "Ngày cấp giấy tờ tùy thân", "Issue date of the identity paper", ALL, NONE, InputKind::Date),
    f("id_issuer", "Cơ quan cấp giấy tờ tùy thân", "Issuing authority of the identity paper", ALL, NONE, InputKind::Text),
    f("doc_type", "Mã loại giấy tờ", "Document type code", ALL, ALL, InputKind::DocType),
    f("procedure", "Thủ tục hành chính", "Administrative procedure", &[Res, InfoOnly], NONE, InputKind::Procedure),
    f("doc_name", "Tên giấy tờ", "Document name", ALL, &[Res, InfoOnly], InputKind::Text),
    FieldDef {
        exchange_name: Some(super::archival::SUMMARY_EXCHANGE_NAME),
        ..f("summary", "Trích yếu nội dung", "Summary of content", ALL, &[Res], InputKind::LongText)
    },
    f("valid_from", "Hiệu lực từ ngày", "Valid from", ALL, NONE, InputKind::Date),
    f("valid_to", "Hiệu lực đến ngày", "Valid until", ALL, NONE, InputKind::Date),
    f("valid_indefinite", "Không thời hạn", "Valid indefinitely", ALL, NONE, InputKind::Bool),
    f("scope", "Phạm vi hiệu lực", "Scope of validity", ALL, NONE, InputKind::Text),
    f("full_name", "Họ, chữ đệm và tên", "Full name", &[IdCard], &[IdCard], InputKind::Text),
    f("birth_date", "Ngày, tháng, năm sinh", "Date of birth", &[IdCard], &[IdCard], InputKind::Date),
    f("sex", "Giới tính", "Sex", &[IdCard], &[IdCard], InputKind::Sex),
    f("cmnd_number", "Số CMND", "CMND number", &[IdCard], &[IdCard], InputKind::Text),
    f("father_name", "Họ tên cha", "Father's full name", &[IdCard], &[IdCard], InputKind::Text),
    f("mother_name", "Họ tên mẹ", "Mother's full name", &[IdCard], &[IdCard], InputKind::Text),
    f("household_head", "Họ tên chủ hộ", "Head of household", &[Residence], &[Residence], InputKind::Text),
    f("address", "Địa chỉ thường trú của hộ", "Household address", &[Residence], &[Residence], InputKind::Text),
    f("member", "Nhân khẩu (họ tên;số định danh;quan hệ với chủ hộ;ngày đăng ký thường trú;ngày đi)", "Household member (name;id;relation;registered;left)", &[Residence], NONE, InputKind::Member),
    f("storage.warehouse", "Kho lưu trữ", "Archive store", ALL, NONE, InputKind::Text),
    f("storage.shelf", "Giá, kệ", "Shelf", ALL, NONE, InputKind::Text),
    f("storage.box", "Hộp số", "Box number", ALL, NONE, InputKind::Text),
    f("storage.file", "Hồ sơ số", "File number", ALL, NONE, InputKind::Text),
    f("condition", "Tình trạng vật lý của bản giấy", "Physical condition of the paper", &[InfoOnly], &[InfoOnly], InputKind::Condition),
    f("note", "Ghi chú", "Note", &[InfoOnly], NONE, InputKind::LongText),
];

const EXTRA: FieldDef = f(
    "x.*",
    "Trường theo pháp luật chuyên ngành (x.…)",
    "Specialised-law field (x.…)",
    ALL,
    NONE,
    InputKind::Extra,
);

/// Every field, in the canonical order used by [`super::RecordMeta::fields`] and
/// [`super::RecordMeta::set_fields`].
pub fn field_keys() -> &'static [FieldDef] {
    static ALL_DEFS: std::sync::OnceLock<Vec<FieldDef>> = std::sync::OnceLock::new();
    ALL_DEFS.get_or_init(|| {
        let mut v = HEAD.to_vec();
        for a in archival_field_defs() {
            let input = match a.name() {
                "issued_date" => InputKind::Date,
                "file_catalog" => InputKind::Year,
                "doc_ordinal" | "page_amount" | "number_of_sheets" => InputKind::Number,
                "description" => InputKind::LongText,
                _ => InputKind::Text,
            };
            v.push(FieldDef {
                key: a.key,
                label_vi: a.label_vi,
                label_en: a.label_en,
                kinds: ALL,
                required_for: NONE,
                input,
                exchange_name: Some(a.exchange_name),
            });
        }
        v.push(EXTRA);
        v
    })
}

/// Owner fields that describe the identity paper of an owner WITHOUT a personal number (seed 002 II.2.c);
/// a record whose owner is identified refuses them (`field.not_for_owner`).
pub const UNIDENTIFIED_OWNER_KEYS: [&str; 3] = ["birth_year", "id_issue_date", "id_issuer"];

/// The definition governing `key` (`x.anything` → the `x.*` entry).
pub fn field_def(key: &str) -> Option<&'static FieldDef> {
    let defs = field_keys();
    if key.starts_with("x.") {
        return defs.iter().find(|d| d.key == "x.*");
    }
    defs.iter().find(|d| d.key == key)
}

/// Position of `key` in the canonical order (`x.*` keys sort last).
pub(crate) fn order_of(key: &str) -> usize {
    let defs = field_keys();
    let probe = if key.starts_with("x.") { "x.*" } else { key };
    defs.iter().position(|d| d.key == probe).unwrap_or(defs.len())
}

/// Up to three known keys close to a mistyped one (edit distance, or one containing the
/// other), so the error can say "did you mean …".
pub(crate) fn suggestions(key: &str) -> Vec<String> {
    let k = key.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = field_keys()
        .iter()
        .filter(|d| d.key != "x.*")
        .filter_map(|d| {
            let dist = levenshtein(&k, d.key);
            let tail = d.key.rsplit('.').next().unwrap_or(d.key);
            let close =
                dist <= (k.len() / 3).max(2) || (k.len() >= 3 && (d.key.contains(&k) || k.contains(tail)));
            close.then_some((dist, d.key))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, k)| k.to_owned()).collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_archival_ones_have_exchange_names() {
        let defs = field_keys();
        let mut keys: Vec<_> = defs.iter().map(|d| d.key).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
        let code_number = field_def("archival.code_number").unwrap();
        assert_eq!(code_number.exchange_name, Some("CodeNumber"));
        assert_eq!(field_def("x.plate").unwrap().key, "x.*");
        assert!(field_def("plate").is_none());
        for d in defs {
            assert!(d.required_for.iter().all(|k| d.kinds.contains(k)), "{}", d.key);
        }
    }

    #[test]
    fn suggestions_find_near_misses() {
        assert_eq!(
            suggestions("doc_nmae").first().map(String::as_str),
            Some("doc_name")
        );
        assert!(suggestions("birthdate").contains(&"birth_date".to_owned()));
        assert!(suggestions("code_number").contains(&"archival.code_number".to_owned()));
        assert!(suggestions("zzzzzzzzzzzz").is_empty());
    }
}
