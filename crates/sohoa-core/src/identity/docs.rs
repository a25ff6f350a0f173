//! The other owner numbers: old CMND, passports, tax codes.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{IdError, digits_only, is_separator};
use crate::text::mask_id;

macro_rules! masked_debug {
    ($t:ident) => {
        /// Masked: `{:?}` is what reaches logs.
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($t), mask_id(&self.0))
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl $t {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

/// The 9-digit Chứng minh nhân dân of the ID-card bank. A 12-digit number is always
/// treated as a [`super::PersonalId`]: the short-lived 12-digit CMND used the same structure.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cmnd(String);
masked_debug!(Cmnd);

impl Cmnd {
    pub fn parse(s: &str) -> Result<Cmnd, IdError> {
        let digits = digits_only(s)?;
        if digits.len() != 9 {
            return Err(IdError::BadLength {
                len: digits.len(),
                expected: "9",
            });
        }
        Ok(Cmnd(digits))
    }
}

/// Vietnamese passports: one upper-case letter and 7 digits (`B…`, `C…`, the newer `K…`,
/// diplomatic/official `N…`); two leading letters are accepted for other series.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Passport(String);
masked_debug!(Passport);

impl Passport {
    pub fn parse(s: &str) -> Result<Passport, IdError> {
        let mut letters = 0usize;
        let mut digits = 0usize;
        let mut out = String::with_capacity(9);
        for (i, c) in s.chars().enumerate() {
            if is_separator(c) {
                continue;
            }
            if c.is_ascii_alphabetic() && digits == 0 {
                letters += 1;
                out.push(c.to_ascii_uppercase());
            } else if c.is_ascii_digit() {
                digits += 1;
                out.push(c);
            } else {
                return Err(IdError::BadCharacter { pos: i + 1, ch: c });
            }
        }
        if out.is_empty() {
            return Err(IdError::Empty);
        }
        if !(1..=2).contains(&letters) || digits != 7 {
            return Err(IdError::BadPassportShape { letters, digits });
        }
        Ok(Passport(out))
    }
}

/// Mã số thuế of an organisation (or person): 10 digits, or 13 for a dependent unit
/// (`10 digits` `-` `3 digits`, the dash optional on input and always present when stored).
///
/// Source: Thông tư 105/2020/TT-BTC, mã số thuế structure: the 10th digit is a check digit
/// over the first nine with weights 31, 29, 23, 19, 17, 13, 7, 5, 3; check = 10 − (sum mod 11),
/// and a result of 10 means the first nine digits can never form a valid code.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxCode(String);
masked_debug!(TaxCode);

const TAX_WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/// The check digit for the first nine digits of a tax code, or `None` when the weighted
/// sum gives 10 (no valid code starts with those nine digits). Every weight is non-zero
/// modulo the prime 11, so any single-digit substitution changes the result.
pub fn tax_check_digit(first9: &[u8; 9]) -> Option<u8> {
    let sum: u32 = first9
        .iter()
        .zip(TAX_WEIGHTS)
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    let check = 10 - (sum % 11);
    u8::try_from(check).ok().filter(|c| *c < 10)
}

impl TaxCode {
    pub fn parse(s: &str) -> Result<TaxCode, IdError> {
        let mut digits = String::with_capacity(13);
        let mut dash = false;
        for (i, c) in s.chars().enumerate() {
            if c.is_ascii_digit() {
                digits.push(c);
            } else if c == '-' && !dash && digits.len() == 10 {
                dash = true;
            } else if !is_separator(c) {
                return Err(IdError::BadCharacter { pos: i + 1, ch: c });
            }
        }
        if digits.is_empty() {
            return Err(IdError::Empty);
        }
        let expected = if dash { "13" } else { "10/13" };
        if (dash && digits.len() != 13) || (digits.len() != 10 && digits.len() != 13) {
            return Err(IdError::BadLength {
                len: digits.len(),
                expected,
            });
        }
        let bytes = digits.as_bytes();
        let mut first9 = [0u8; 9];
        for (slot, b) in first9.iter_mut().zip(bytes) {
            *slot = b - b'0';
        }
        let found = bytes[9] - b'0';
        match tax_check_digit(&first9) {
            None => return Err(IdError::TaxNoCheckDigit),
            Some(expected) if expected != found => {
                return Err(IdError::TaxCheckDigit { expected, found });
            }
            Some(_) => {}
        }
        if digits.len() == 13 {
            if &digits[10..] == "000" {
                return Err(IdError::TaxBranchZero);
            }
            digits.insert(10, '-');
        }
        Ok(TaxCode(digits))
    }

    /// The 10-digit code of the parent organisation.
    pub fn base(&self) -> &str {
        &self.0[..10]
    }

    /// The dependent-unit suffix (`001`–`999`) of a 13-digit code.
    pub fn branch(&self) -> Option<&str> {
        self.0.get(11..)
    }
}

macro_rules! string_conversions {
    ($t:ident) => {
        impl TryFrom<String> for $t {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
    };
}
string_conversions!(Cmnd);
string_conversions!(Passport);
string_conversions!(TaxCode);
