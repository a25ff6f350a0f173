//! The four kinds of record the desks create.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a record is, which decides its required fields and whether it carries files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    /// A procedure result or a component of a procedure dossier, digitized at the
    /// one-stop desk (seeds 001, 002).
    Result,
    /// The residence dossier of one household in the residence-record bank (seed 004).
    Residence,
    /// The CMND/CCCD dossier of one person in the ID-card bank (seed 004).
    IdCard,
    /// Information only, no file: no original exists, or the paper is too old or torn to
    /// scan (seeds 001, 004).
    InfoOnly,
}

impl RecordKind {
    pub const ALL: [RecordKind; 4] = [Self::Result, Self::Residence, Self::IdCard, Self::InfoOnly];

    /// The serde and CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Result => "result",
            Self::Residence => "residence",
            Self::IdCard => "id-card",
            Self::InfoOnly => "info-only",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Result => "Kết quả giải quyết TTHC / thành phần hồ sơ",
            Self::Residence => "Hồ sơ cư trú",
            Self::IdCard => "Hồ sơ CMND/CCCD",
            Self::InfoOnly => "Chỉ thông tin (không có tệp)",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Result => "Procedure result / dossier component",
            Self::Residence => "Residence dossier",
            Self::IdCard => "ID-card dossier",
            Self::InfoOnly => "Information only (no file)",
        }
    }

    /// Information-only records never get scans, PDFs or signatures.
    pub fn has_files(self) -> bool {
        !matches!(self, Self::InfoOnly)
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Unknown record kind; carries the accepted names so the message can list them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown record kind {given:?}; expected one of result, residence, id-card, info-only")]
pub struct UnknownKind {
    pub given: String,
}

impl crate::Localized for UnknownKind {
    fn code(&self) -> &'static str {
        "record.unknown_kind"
    }
    fn message_vi(&self) -> String {
        format!(
            "Loại hồ sơ «{}» không hợp lệ; cần một trong: result, residence, id-card, info-only.",
            self.given
        )
    }
}

impl FromStr for RecordKind {
    type Err = UnknownKind;
    /// Also accepts `_` for `-` and any case, as typed on a command line.
    fn from_str(s: &str) -> Result<Self, UnknownKind> {
        let norm = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == norm)
            .ok_or_else(|| UnknownKind { given: s.to_owned() })
    }
}
