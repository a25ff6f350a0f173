//! Identification numbers of record owners: the 12-digit personal ID (số định danh cá
//! nhân, printed on the CCCD), the old 9-digit CMND, passports and tax codes.
//!
//! Every type here refuses to be built from an invalid string, so holding one is proof the
//! number passed the structural checks. `Debug` output is masked (see [`crate::text::mask_id`])
//! because `{:?}` is what ends up in logs; `Display` and `as_str` give the full number for
//! the UI and storage.

mod docs;
mod error;
mod personal;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::catalog::Catalogs;
use crate::text::fold_accents;

pub use docs::{Cmnd, Passport, TaxCode, tax_check_digit};
pub use error::IdError;
pub use personal::PersonalId;

/// Sex as recorded on Vietnamese identity papers, which know two values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    #[serde(rename = "nam")]
    Male,
    #[serde(rename = "nu")]
    Female,
}

impl Sex {
    /// The stable ASCII name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "nam",
            Self::Female => "nu",
        }
    }

    /// As printed on the forms and in the CCCD QR code.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Male => "Nam",
            Self::Female => "Nữ",
        }
    }

    /// Accepts what forms, OCR and officers type: `Nam`/`Nữ` with or without diacritics,
    /// `M`/`F`, `male`/`female`, any case.
    pub fn parse(s: &str) -> Result<Sex, IdError> {
        let folded = fold_accents(s.trim()).to_lowercase();
        match folded.as_str() {
            "nam" | "m" | "male" => Ok(Self::Male),
            "nu" | "f" | "female" => Ok(Self::Female),
            _ => Err(IdError::BadSex),
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Male => "male",
            Self::Female => "female",
        })
    }
}

impl FromStr for Sex {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Characters officers and OCR put inside numbers (`079 203 001 234`, `079.203.001.234`).
pub(crate) fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '\t' | '\u{00A0}')
}

/// The ASCII digits of `s` with separators removed; any other character is reported with
/// its 1-based position in the input as typed.
pub(crate) fn digits_only(s: &str) -> Result<String, IdError> {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if !is_separator(c) {
            return Err(IdError::BadCharacter { pos: i + 1, ch: c });
        }
    }
    if out.is_empty() {
        return Err(IdError::Empty);
    }
    Ok(out)
}

/// Which identification scheme an owner number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OwnerIdKind {
    PersonalId,
    Cmnd,
    Passport,
    TaxCode,
}

impl OwnerIdKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PersonalId => "personal-id",
            Self::Cmnd => "cmnd",
            Self::Passport => "passport",
            Self::TaxCode => "tax-code",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::PersonalId => "Số định danh cá nhân (CCCD)",
            Self::Cmnd => "Chứng minh nhân dân",
            Self::Passport => "Số hộ chiếu",
            Self::TaxCode => "Mã số thuế",
        }
    }

    /// The master-data code of seed 002 (DC0001 CCCD, DC0002 CMND, DC0003 passport,
    /// DC0004 tax code), used when exchanging owner data with the national systems.
    pub fn master_data_code(self) -> &'static str {
        match self {
            Self::PersonalId => "DC0001",
            Self::Cmnd => "DC0002",
            Self::Passport => "DC0003",
            Self::TaxCode => "DC0004",
        }
    }
}

impl fmt::Display for OwnerIdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identification number of a record's owner: the first half of the storage key
/// `<owner id>.<document type code>` of seed 002.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "OwnerIdRepr", into = "OwnerIdRepr")]
pub enum OwnerId {
    Personal(PersonalId),
    Cmnd(Cmnd),
    Passport(Passport),
    Tax(TaxCode),
}

impl OwnerId {
    /// Detects the kind from the shape (12 digits → personal ID, 9 → CMND, 10 or 13 with an
    /// optional dash → tax code, leading letters → passport) and validates it.
    pub fn parse(s: &str, cat: &Catalogs) -> Result<OwnerId, IdError> {
        Self::parse_at(s, cat, chrono::Local::now().date_naive())
    }

    /// [`OwnerId::parse`] with an explicit date for the future-birth-year check.
    pub fn parse_at(s: &str, cat: &Catalogs, today: chrono::NaiveDate) -> Result<OwnerId, IdError> {
        let compact: String = s.chars().filter(|c| !is_separator(*c)).collect();
        let Some(first) = compact.chars().next() else {
            return Err(IdError::Empty);
        };
        if first.is_ascii_alphabetic() {
            return Passport::parse(s).map(Self::Passport);
        }
        if compact.contains('-') {
            return TaxCode::parse(s).map(Self::Tax);
        }
        let digits = digits_only(s)?;
        match digits.len() {
            12 => PersonalId::parse_at(s, cat, today).map(Self::Personal),
            9 => Cmnd::parse(s).map(Self::Cmnd),
            10 | 13 => TaxCode::parse(s).map(Self::Tax),
            len => Err(IdError::BadLength {
                len,
                expected: "9/10/12/13",
            }),
        }
    }

    /// The canonical form stored and shown (digits only; tax branch codes with their dash;
    /// passports upper-case).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Personal(v) => v.as_str(),
            Self::Cmnd(v) => v.as_str(),
            Self::Passport(v) => v.as_str(),
            Self::Tax(v) => v.as_str(),
        }
    }

    pub fn kind(&self) -> OwnerIdKind {
        match self {
            Self::Personal(_) => OwnerIdKind::PersonalId,
            Self::Cmnd(_) => OwnerIdKind::Cmnd,
            Self::Passport(_) => OwnerIdKind::Passport,
            Self::Tax(_) => OwnerIdKind::TaxCode,
        }
    }

    pub fn master_data_code(&self) -> &'static str {
        self.kind().master_data_code()
    }

    /// Whether the number identifies a natural person. Tax codes are also issued to people,
    /// but on a police record a tax code stands for an organisation (seed 002: "MST/MSDN"
    /// for enterprises), so only the other kinds count.
    pub fn is_person(&self) -> bool {
        !matches!(self, Self::Tax(_))
    }

    /// The owner number masked for logs.
    pub fn masked(&self) -> String {
        crate::text::mask_id(self.as_str())
    }
}

impl fmt::Display for OwnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stored form: the kind is explicit so a stored value never needs re-detection, and the
/// shape is re-checked on load (without the province catalogue, which may have changed).
#[derive(Serialize, Deserialize)]
struct OwnerIdRepr {
    kind: OwnerIdKind,
    value: String,
}

impl From<OwnerId> for OwnerIdRepr {
    fn from(id: OwnerId) -> Self {
        Self {
            kind: id.kind(),
            value: id.as_str().to_owned(),
        }
    }
}

impl TryFrom<OwnerIdRepr> for OwnerId {
    type Error = IdError;
    fn try_from(r: OwnerIdRepr) -> Result<Self, IdError> {
        Ok(match r.kind {
            OwnerIdKind::PersonalId => Self::Personal(PersonalId::try_from(r.value)?),
            OwnerIdKind::Cmnd => Self::Cmnd(Cmnd::parse(&r.value)?),
            OwnerIdKind::Passport => Self::Passport(Passport::parse(&r.value)?),
            OwnerIdKind::TaxCode => Self::Tax(TaxCode::parse(&r.value)?),
        })
    }
}
