//! Why an identification number was rejected, in English (`Display`) and Vietnamese.

use super::Sex;
use crate::localized::Localized;

/// Rejection of an identification number. No variant carries the number itself: errors end
/// up in logs, and ID numbers must not (only positions, lengths and the 3-digit province
/// code, which is not personal).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("the identification number is empty")]
    Empty,
    /// `pos` is 1-based and counts every character as typed, separators included, so the
    /// officer can find it on screen.
    #[error("character {ch:?} at position {pos} is not allowed here (expected a digit)")]
    BadCharacter { pos: usize, ch: char },
    /// `expected` lists the accepted digit counts, e.g. `"12"` or `"10/13"`.
    #[error("the number has {len} digits; expected {expected}")]
    BadLength { len: usize, expected: &'static str },
    #[error("province code {code} (digits 1-3) is not in the Circular 07/2016/TT-BCA Annex I table")]
    UnknownProvince { code: String },
    /// Every digit 0–9 has a century (1900 + 100 × ⌊digit/2⌋); what cannot exist yet is a
    /// person born in a century that has not started.
    #[error("digit 4 is {digit}: a birth in the century starting {century_start}, which has not begun")]
    CenturyNotStarted { digit: u8, century_start: i32 },
    #[error("digits 4-6 give birth year {year}, which is in the future")]
    FutureBirthYear { year: i32 },
    #[error("the ID number encodes birth year {id_year} but the record gives {given}")]
    BirthYearMismatch { id_year: i32, given: i32 },
    #[error("the ID number encodes sex {id_sex} (digit 4) but the record gives {given}")]
    SexMismatch { id_sex: Sex, given: Sex },
    #[error("tax code check digit (10th digit) is {found}; the first nine digits require {expected}")]
    TaxCheckDigit { expected: u8, found: u8 },
    #[error("the first nine digits of the tax code give check value 10, which no valid tax code has")]
    TaxNoCheckDigit,
    #[error("tax code branch suffix 000 is not used; dependent units are numbered 001-999")]
    TaxBranchZero,
    #[error(
        "passport numbers are 1-2 letters followed by 7 digits; found {letters} letter(s) and {digits} digit(s)"
    )]
    BadPassportShape { letters: usize, digits: usize },
    #[error("unrecognised sex; expected Nam/Nữ (male/female)")]
    BadSex,
    #[error(
        "not a recognised identification number: expected 12 digits (personal ID), 9 digits (CMND), 10 or 13 digits (tax code) or 1-2 letters + 7 digits (passport)"
    )]
    UnrecognizedShape,
}

impl Localized for IdError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "id.empty",
            Self::BadCharacter { .. } => "id.bad_character",
            Self::BadLength { .. } => "id.bad_length",
            Self::UnknownProvince { .. } => "id.province_unknown",
            Self::CenturyNotStarted { .. } => "id.century_not_started",
            Self::FutureBirthYear { .. } => "id.future_birth_year",
            Self::BirthYearMismatch { .. } => "id.birth_year_mismatch",
            Self::SexMismatch { .. } => "id.sex_mismatch",
            Self::TaxCheckDigit { .. } => "id.tax_check_digit",
            Self::TaxNoCheckDigit => "id.tax_no_check_digit",
            Self::TaxBranchZero => "id.tax_branch_zero",
            Self::BadPassportShape { .. } => "id.passport_shape",
            Self::BadSex => "id.sex_unknown",
            Self::UnrecognizedShape => "id.unrecognized_shape",
        }
    }

    fn message_vi(&self) -> String {
        match self {
            Self::Empty => "Chưa nhập số định danh / số giấy tờ.".to_owned(),
            Self::BadCharacter { pos, ch } => {
                format!("Ký tự «{ch}» ở vị trí {pos} không hợp lệ tại đây (cần chữ số).")
            }
            Self::BadLength { len, expected } => {
                format!("Số đã nhập có {len} chữ số; cần {expected} chữ số.")
            }
            Self::UnknownProvince { code } => format!(
                "Mã {code} (3 chữ số đầu) không có trong danh mục mã tỉnh nơi đăng ký khai sinh \
                 (Phụ lục I, Thông tư 07/2016/TT-BCA)."
            ),
            Self::CenturyNotStarted { digit, century_start } => format!(
                "Chữ số thứ 4 là {digit}, tương ứng thế kỷ bắt đầu từ năm {century_start}, \
                 thế kỷ này chưa đến."
            ),
            Self::FutureBirthYear { year } => {
                format!("Chữ số thứ 4–6 cho năm sinh {year}, là năm trong tương lai.")
            }
            Self::BirthYearMismatch { id_year, given } => {
                format!("Số định danh mã hóa năm sinh {id_year} nhưng hồ sơ ghi năm sinh {given}.")
            }
            Self::SexMismatch { id_sex, given } => format!(
                "Số định danh mã hóa giới tính {} (chữ số thứ 4) nhưng hồ sơ ghi {}.",
                id_sex.label_vi(),
                given.label_vi()
            ),
            Self::TaxCheckDigit { expected, found } => format!(
                "Chữ số kiểm tra (thứ 10) của mã số thuế là {found}; theo 9 chữ số đầu phải là \
                 {expected}."
            ),
            Self::TaxNoCheckDigit => "9 chữ số đầu của mã số thuế cho giá trị kiểm tra bằng 10; \
                                      không có mã số thuế hợp lệ nào như vậy."
                .to_owned(),
            Self::TaxBranchZero => "Phần đuôi 000 của mã số thuế 13 số không được dùng \
                                    (đơn vị phụ thuộc đánh số từ 001 đến 999)."
                .to_owned(),
            Self::BadPassportShape { letters, digits } => format!(
                "Số hộ chiếu gồm 1–2 chữ cái và 7 chữ số; đã nhập {letters} chữ cái và \
                 {digits} chữ số."
            ),
            Self::BadSex => "Giới tính không hợp lệ; cần «Nam» hoặc «Nữ».".to_owned(),
            Self::UnrecognizedShape => "Không nhận dạng được loại số: cần 12 chữ số (số định danh \
                                        cá nhân), 9 chữ số (CMND), 10 hoặc 13 chữ số (mã số thuế) \
                                        hoặc 1–2 chữ cái và 7 chữ số (hộ chiếu)."
                .to_owned(),
        }
    }
}
