//! Why a field value or a whole record was rejected. Every variant names the field key;
//! none carries the rejected value, which may be personal data bound for a log.

use super::RecordKind;
use super::keys::field_def;
use crate::identity::IdError;
use crate::localized::Localized;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("unknown field {key:?}{}", did_you_mean(.suggestions))]
    UnknownKey { key: String, suggestions: Vec<String> },
    #[error("field {key} does not apply to {kind} records")]
    NotForKind { key: String, kind: RecordKind },
    #[error("field {key} only applies to an owner without an ID number")]
    NotForOwner { key: String },
    #[error("field {key} is required")]
    Required { key: String },
    #[error("field {key}: not a date; use DD/MM/YYYY, YYYY-MM-DD or DDMMYYYY")]
    BadDate { key: String },
    #[error("field {key}: not a four-digit year")]
    BadYear { key: String },
    #[error("field {key}: expected a whole number from {min} to {max}")]
    BadNumber { key: String, min: u32, max: u32 },
    #[error("field {key}: expected true or false (có/không)")]
    BadBool { key: String },
    #[error("field {key}: expected one of {expected}")]
    BadChoice { key: String, expected: &'static str },
    #[error("field {key}: {len} characters, at most {max} allowed")]
    TooLong { key: String, len: usize, max: usize },
    #[error("field {key}: the date is in the future")]
    InFuture { key: String },
    #[error("field {earlier} must not be after {later}")]
    DateOrder { earlier: String, later: String },
    #[error("valid_indefinite excludes valid_to: a paper without expiry has no end date")]
    IndefiniteWithEnd,
    #[error("the validity period is missing: give valid_to or valid_indefinite=true")]
    ValidityMissing,
    #[error("field {key}: {source}")]
    Id { key: String, source: IdError },
    #[error("document type {code} is not in the catalogue")]
    UnknownDocType { code: String },
    #[error("document type {code} is not used for {kind} records")]
    DocTypeNotForKind { code: String, kind: RecordKind },
    #[error("procedure {code} is not in the catalogue")]
    UnknownProcedure { code: String },
    #[error("procedure {procedure}: only its result ({result_doc_type}) is digitized, not the input papers")]
    ResultsOnly {
        procedure: String,
        result_doc_type: String,
    },
    #[error("field {key} needs {needs} to be set first")]
    Requires { key: String, needs: &'static str },
    #[error("an ID-card record belongs to a person; a tax code identifies an organisation")]
    OwnerNotPerson,
    #[error("full_name differs from the owner's name")]
    NameMismatch,
    #[error("cmnd_number differs from the owner's CMND number")]
    CmndMismatch,
    #[error("extra key {key:?} must be x. followed by lower-case letters, digits, '_', '-' or '.'")]
    BadExtraKey { key: String },
    #[error("member: {parts} parts given; expected name;id;relation;registered;left")]
    BadMember { parts: usize },
}

fn did_you_mean(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", s.join(", "))
    }
}

/// `«Nhãn» (key)` for messages; member keys like `member[2].left` keep their index.
fn label(key: &str) -> String {
    let base = key.split(['[', '.']).next().unwrap_or(key);
    let def = field_def(key).or_else(|| field_def(base));
    match def {
        Some(d) if d.key != "x.*" => format!("«{}» ({key})", d.label_vi),
        _ => format!("«{key}»"),
    }
}

impl Localized for FieldError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownKey { .. } => "field.unknown_key",
            Self::NotForKind { .. } => "field.not_for_kind",
            Self::NotForOwner { .. } => "field.not_for_owner",
            Self::Required { .. } => "field.required",
            Self::BadDate { .. } => "field.bad_date",
            Self::BadYear { .. } => "field.bad_year",
            Self::BadNumber { .. } => "field.bad_number",
            Self::BadBool { .. } => "field.bad_bool",
            Self::BadChoice { .. } => "field.bad_choice",
            Self::TooLong { .. } => "field.too_long",
            Self::InFuture { .. } => "field.in_future",
            Self::DateOrder { .. } => "field.date_order",
            Self::IndefiniteWithEnd => "field.indefinite_with_end",
            Self::ValidityMissing => "field.validity_missing",
            Self::Id { source, .. } => source.code(),
            Self::UnknownDocType { .. } => "field.doc_type_unknown",
            Self::DocTypeNotForKind { .. } => "field.doc_type_not_for_kind",
            Self::UnknownProcedure { .. } => "field.procedure_unknown",
            Self::ResultsOnly { .. } => "field.results_only",
            Self::Requires { .. } => "field.requires",
            Self::OwnerNotPerson => "field.owner_not_person",
            Self::NameMismatch => "field.name_mismatch",
            Self::CmndMismatch => "field.cmnd_mismatch",
            Self::BadExtraKey { .. } => "field.bad_extra_key",
            Self::BadMember { .. } => "field.bad_member",
        }
    }

    fn message_vi(&self) -> String {
        match self {
            Self::UnknownKey { key, suggestions } if suggestions.is_empty() => {
                format!("Không có trường «{key}».")
            }
            Self::UnknownKey { key, suggestions } => format!(
                "Không có trường «{key}»; có phải ý là: {}?",
                suggestions.join(", ")
            ),
            Self::NotForKind { key, kind } => format!(
                "Trường {} không dùng cho loại hồ sơ «{}».",
                label(key),
                kind.label_vi()
            ),
            Self::NotForOwner { key } => format!(
                "Trường {} chỉ dùng khi chủ hồ sơ không có số định danh.",
                label(key)
            ),
            Self::Required { key } => format!("Chưa nhập trường bắt buộc {}.", label(key)),
            Self::BadDate { key } => format!(
                "Trường {}: ngày không hợp lệ; nhập theo dạng DD/MM/YYYY, YYYY-MM-DD hoặc DDMMYYYY.",
                label(key)
            ),
            Self::BadYear { key } => format!("Trường {}: cần năm gồm 4 chữ số.", label(key)),
            Self::BadNumber { key, min, max } => {
                format!("Trường {}: cần số nguyên từ {min} đến {max}.", label(key))
            }
            Self::BadBool { key } => format!("Trường {}: cần «có» hoặc «không».", label(key)),
            Self::BadChoice { key, expected } => {
                format!(
                    "Trường {}: giá trị không hợp lệ; cần một trong: {expected}.",
                    label(key)
                )
            }
            Self::TooLong { key, len, max } => {
                format!("Trường {}: dài {len} ký tự, tối đa {max} ký tự.", label(key))
            }
            Self::InFuture { key } => format!("Trường {}: ngày ở tương lai.", label(key)),
            Self::DateOrder { earlier, later } => format!(
                "Trường {} không được sau trường {}.",
                label(earlier),
                label(later)
            ),
            Self::IndefiniteWithEnd => "Giấy tờ «không thời hạn» thì không có ngày hết hiệu lực; \
                                        bỏ một trong hai trường."
                .to_owned(),
            Self::ValidityMissing => "Chưa nhập thời hạn có hiệu lực: nhập ngày hết hiệu lực \
                                      hoặc chọn «không thời hạn»."
                .to_owned(),
            Self::Id { key, source } => format!("Trường {}: {}", label(key), source.message_vi()),
            Self::UnknownDocType { code } => {
                format!("Mã loại giấy tờ {code} không có trong danh mục.")
            }
            Self::DocTypeNotForKind { code, kind } => format!(
                "Loại giấy tờ {code} không dùng cho loại hồ sơ «{}».",
                kind.label_vi()
            ),
            Self::UnknownProcedure { code } => {
                format!("Mã thủ tục hành chính {code} không có trong danh mục.")
            }
            Self::ResultsOnly {
                procedure,
                result_doc_type,
            } => format!(
                "Thủ tục {procedure} chỉ số hóa kết quả giải quyết ({result_doc_type}), \
                 không số hóa thành phần hồ sơ đầu vào."
            ),
            Self::Requires { key, needs } => {
                format!("Trường {} cần nhập trường «{needs}» trước.", label(key))
            }
            Self::OwnerNotPerson => "Hồ sơ CMND/CCCD thuộc về một cá nhân; mã số thuế là của \
                                     tổ chức."
                .to_owned(),
            Self::NameMismatch => "Họ tên trong hồ sơ CMND/CCCD khác với họ tên chủ hồ sơ.".to_owned(),
            Self::CmndMismatch => "Số CMND trong hồ sơ khác với số CMND của chủ hồ sơ.".to_owned(),
            Self::BadExtraKey { key } => format!(
                "Tên trường «{key}» không hợp lệ: cần «x.» và theo sau là chữ thường, chữ số, \
                 «_», «-» hoặc «.»."
            ),
            Self::BadMember { parts } => {
                format!("Nhân khẩu: có {parts} phần; cần «họ tên;số định danh;quan hệ;ngày đăng ký;ngày đi».")
            }
        }
    }
}
