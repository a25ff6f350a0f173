//! The 12-digit personal identification number `PPP G YY RRRRRR`.
//!
//! Legal basis: Decree 137/2015 art. 13 and Circular 07/2016/TT-BCA art. 7 (structure);
//! Annex I of the same circular (province codes). The structure continues under the 2023
//! Law on Identification. There is no check digit, so validation is the structure, the
//! province table, a plausible century and consistency with the date of birth and sex
//! (research/ocr-archival.md §2.1).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{IdError, Sex, digits_only};
use crate::catalog::Catalogs;
use crate::text::mask_id;

/// A structurally valid 12-digit personal ID (số định danh cá nhân / số CCCD).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonalId(String);

const LEN: usize = 12;

impl PersonalId {
    /// Validates against today's date (see [`PersonalId::parse_at`]).
    pub fn parse(s: &str, cat: &Catalogs) -> Result<PersonalId, IdError> {
        Self::parse_at(s, cat, chrono::Local::now().date_naive())
    }

    /// Validates `s` (spaces and dots between digits are tolerated and removed): 12 digits,
    /// the province code of birth registration in the catalogue, a century that has begun by
    /// `today`, and a birth year not after `today`.
    pub fn parse_at(s: &str, cat: &Catalogs, today: NaiveDate) -> Result<PersonalId, IdError> {
        let id = Self::from_digits(digits_only(s)?)?;
        if cat.province(id.province_code()).is_none() {
            return Err(IdError::UnknownProvince {
                code: id.province_code().to_owned(),
            });
        }
        let century_start = id.birth_century_start();
        if century_start > today.year().div_euclid(100) * 100 {
            return Err(IdError::CenturyNotStarted {
                digit: id.century_sex_digit(),
                century_start,
            });
        }
        let year = id.birth_year();
        if year > today.year() {
            return Err(IdError::FutureBirthYear { year });
        }
        Ok(id)
    }

    /// Length check only; used for stored values, which were validated on entry and must
    /// still load if the province catalogue is later edited.
    fn from_digits(digits: String) -> Result<PersonalId, IdError> {
        if digits.len() != LEN {
            return Err(IdError::BadLength {
                len: digits.len(),
                expected: "12",
            });
        }
        Ok(PersonalId(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `PPP`: where the birth was registered (Circular 07/2016 Annex I).
    pub fn province_code(&self) -> &str {
        &self.0[..3]
    }

    fn digit(&self, i: usize) -> u8 {
        self.0.as_bytes()[i] - b'0'
    }

    /// `G`, the 4th digit: century and sex together.
    pub fn century_sex_digit(&self) -> u8 {
        self.digit(3)
    }

    /// Even `G` is male, odd is female (0/1 for the 1900s, 2/3 for the 2000s, ...).
    pub fn sex(&self) -> Sex {
        if self.century_sex_digit().is_multiple_of(2) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// 1900 for G = 0/1, 2000 for 2/3, 2100 for 4/5, 2200 for 6/7, 2300 for 8/9.
    pub fn birth_century_start(&self) -> i32 {
        1900 + 100 * i32::from(self.century_sex_digit() / 2)
    }

    /// Century from `G` plus the two digits `YY`.
    pub fn birth_year(&self) -> i32 {
        self.birth_century_start() + i32::from(self.digit(4) * 10 + self.digit(5))
    }

    /// Checks what the number encodes against what the paper says. A year mismatch is
    /// reported before a sex mismatch; [`PersonalId::consistency_errors`] reports both.
    pub fn check_consistency(
        &self,
        birth_date: Option<NaiveDate>,
        birth_year: Option<i32>,
        sex: Option<Sex>,
    ) -> Result<(), IdError> {
        match self
            .consistency_errors(birth_date, birth_year, sex)
            .into_iter()
            .next()
        {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every inconsistency, so a form can flag the year and the sex field at once.
    pub fn consistency_errors(
        &self,
        birth_date: Option<NaiveDate>,
        birth_year: Option<i32>,
        sex: Option<Sex>,
    ) -> Vec<IdError> {
        let id_year = self.birth_year();
        let mut errors = Vec::new();
        let given_years = birth_date.map(|d| d.year()).into_iter().chain(birth_year);
        for given in given_years {
            if given != id_year {
                errors.push(IdError::BirthYearMismatch { id_year, given });
                break;
            }
        }
        if let Some(given) = sex
            && given != self.sex()
        {
            errors.push(IdError::SexMismatch {
                id_sex: self.sex(),
                given,
            });
        }
        errors
    }
}

impl TryFrom<String> for PersonalId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        Self::from_digits(digits_only(&s)?)
    }
}

impl From<PersonalId> for String {
    fn from(id: PersonalId) -> String {
        id.0
    }
}

impl fmt::Display for PersonalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Masked: `{:?}` is what reaches logs.
impl fmt::Debug for PersonalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonalId({})", mask_id(&self.0))
    }
}
