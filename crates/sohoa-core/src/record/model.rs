//! The parts a record's metadata is made of.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::FieldError;
use super::value::{parse_date, parse_year, text};
use crate::identity::OwnerId;
use crate::text::fold_accents;

/// Who a record belongs to. Seed 002 §II.2.c: identified by a number where one exists;
/// a person without an ID number is identified by full name, birth year, and the issue
/// date and issuing authority of the paper they presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Owner {
    Identified {
        id: OwnerId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    Unidentified {
        full_name: String,
        birth_year: i32,
        id_issue_date: NaiveDate,
        id_issuer: String,
    },
}

impl Owner {
    /// Builds an owner without an ID number from the four form fields (keys `owner_name`,
    /// `birth_year`, `id_issue_date`, `id_issuer`), parsed like [`super::RecordMeta::set_field`]
    /// would. A missing or empty field is a [`FieldError::Required`] naming its key.
    pub fn unidentified_from_fields(
        owner_name: Option<&str>,
        birth_year: Option<&str>,
        id_issue_date: Option<&str>,
        id_issuer: Option<&str>,
    ) -> Result<Owner, FieldError> {
        fn required<'a>(key: &str, v: Option<&'a str>) -> Result<&'a str, FieldError> {
            v.map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| FieldError::Required { key: key.to_owned() })
        }
        let full_name = text("owner_name", required("owner_name", owner_name)?, 200)?.ok_or_else(|| {
            FieldError::Required {
                key: "owner_name".to_owned(),
            }
        })?;
        let birth_year = parse_year("birth_year", required("birth_year", birth_year)?)?;
        let id_issue_date = parse_date("id_issue_date", required("id_issue_date", id_issue_date)?)?;
        let id_issuer = text("id_issuer", required("id_issuer", id_issuer)?, 200)?.ok_or_else(|| {
            FieldError::Required {
                key: "id_issuer".to_owned(),
            }
        })?;
        Ok(Owner::Unidentified {
            full_name,
            birth_year,
            id_issue_date,
            id_issuer,
        })
    }

    pub fn id(&self) -> Option<&OwnerId> {
        match self {
            Self::Identified { id, .. } => Some(id),
            Self::Unidentified { .. } => None,
        }
    }

    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Identified { name, .. } => name.as_deref(),
            Self::Unidentified { full_name, .. } => Some(full_name),
        }
    }
}

/// Validity period (thời hạn có hiệu lực), one of seed 002's six minimum fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// Valid without end date; excludes `to`.
    #[serde(default)]
    pub indefinite: bool,
}

impl Validity {
    /// Whether the paper states its validity at all (an end date or "no expiry").
    pub fn is_stated(&self) -> bool {
        self.to.is_some() || self.indefinite
    }
}

/// The six fields the ID-card bank records for every person (seed 004, II.1(2)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdCardFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<crate::identity::Sex>,
    /// The 9-digit CMND number as printed on the declaration form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmnd_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_name: Option<String>,
}

impl IdCardFields {
    pub(crate) fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// One person of a household in the residence-record bank; seed 004 asks for the date of
/// permanent registration and the date of leaving of each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdMember {
    pub full_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Relation to the head of household (chủ hộ, vợ, con …), free text as on the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidenceFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household_head: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<HouseholdMember>,
}

impl ResidenceFields {
    pub(crate) fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Where the paper is kept, so a digitized record leads back to its folder (seed 004:
/// "nhập thông tin vị trí lưu trữ").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageLocation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warehouse: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shelf: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub box_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_no: Option<String>,
}

impl StorageLocation {
    pub(crate) fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// State of a paper that is described instead of scanned (seed 004: "quá cũ, rách nát";
/// seed 001: no original).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhysicalCondition {
    Good,
    Worn,
    Torn,
    Faded,
    Damaged,
    Missing,
}

impl PhysicalCondition {
    pub const ALL: [PhysicalCondition; 6] = [
        Self::Good,
        Self::Worn,
        Self::Torn,
        Self::Faded,
        Self::Damaged,
        Self::Missing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Worn => "worn",
            Self::Torn => "torn",
            Self::Faded => "faded",
            Self::Damaged => "damaged",
            Self::Missing => "missing",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Good => "Nguyên vẹn",
            Self::Worn => "Cũ, sờn",
            Self::Torn => "Rách nát",
            Self::Faded => "Mờ, không rõ thông tin",
            Self::Damaged => "Hư hỏng (ẩm, mốc, cháy …)",
            Self::Missing => "Không có bản gốc/bản chính",
        }
    }

    /// Accepts the English names and the Vietnamese words officers use, with or without
    /// diacritics.
    pub fn parse(s: &str) -> Option<PhysicalCondition> {
        let f = fold_accents(s.trim()).to_lowercase();
        let found = match f.as_str() {
            "good" | "nguyen ven" | "tot" | "binh thuong" => Self::Good,
            "worn" | "cu" | "son" | "cu, son" | "cu son" => Self::Worn,
            "torn" | "rach" | "rach nat" => Self::Torn,
            "faded" | "mo" | "khong ro" | "khong ro thong tin" | "mo, khong ro thong tin" => Self::Faded,
            "damaged" | "hu hong" | "hong" => Self::Damaged,
            "missing" | "mat" | "khong co ban goc" | "khong co ban chinh" => Self::Missing,
            _ => return None,
        };
        Some(found)
    }
}

impl fmt::Display for PhysicalCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PhysicalCondition {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        Self::parse(s).ok_or(FieldError::BadChoice {
            key: "condition".to_owned(),
            expected: "good, worn, torn, faded, damaged, missing",
        })
    }
}

/// The record of a paper that is described, not scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoOnlyFields {
    pub condition: PhysicalCondition,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
