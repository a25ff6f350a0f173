//! One extracted field: value, confidence, where it came from, and whether it passed the
//! rules. The officer checks rather than types, so every value says how much to trust it.

use serde::{Deserialize, Serialize};

use crate::page::BBox;

/// Where a value was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Tesseract on the printed page.
    Ocr,
    /// The CCCD front QR code (error-corrected: exact when decoded).
    Qr,
    /// The CCCD back MRZ (check digits).
    Mrz,
    /// Derived from other fields (e.g. sex from the personal ID).
    Derived,
}

/// The validation verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Passed every rule that applies (check digits, ID structure, dates, cross-checks).
    Valid,
    /// Passed after a repair that a check digit proves (MRZ `O`→`0` and the like).
    Repaired,
    /// No rule can check this value (a name, an address): the officer must look.
    Unverified,
    /// Broke a rule: shown in red, never accepted silently.
    Invalid,
}

/// A problem found while validating, with a stable code and the Vietnamese message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub code: String,
    pub message_vi: String,
}

impl Issue {
    pub fn new(code: &str, message_vi: impl Into<String>) -> Issue {
        Issue {
            code: code.to_owned(),
            message_vi: message_vi.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Record field key where one exists (`full_name`, `archival.issued_date`, ...).
    pub key: String,
    pub label_vi: String,
    /// NFC; dates as `YYYY-MM-DD`.
    pub value: String,
    /// 0–1: OCR word confidence, 1 for a decoded QR, check-digit evidence for the MRZ.
    pub confidence: f32,
    pub source: Source,
    /// Pixel box on the page the value was read from (none for QR/MRZ-wide values).
    pub bbox: Option<BBox>,
    pub status: Status,
    pub issues: Vec<Issue>,
}

impl Field {
    pub fn new(key: &str, label_vi: &str, value: impl Into<String>, source: Source) -> Field {
        Field {
            key: key.to_owned(),
            label_vi: label_vi.to_owned(),
            value: sohoa_core::text::nfc(&value.into()),
            confidence: 0.0,
            source,
            bbox: None,
            status: Status::Unverified,
            issues: Vec::new(),
        }
    }

    pub fn with_confidence(mut self, c: f32) -> Field {
        self.confidence = c.clamp(0.0, 1.0);
        self
    }

    pub fn with_bbox(mut self, b: Option<BBox>) -> Field {
        self.bbox = b;
        self
    }

    pub fn with_status(mut self, s: Status) -> Field {
        self.status = s;
        self
    }

    /// Marks the field invalid with a reason; an invalid field stays invalid.
    pub fn flag(&mut self, issue: Issue) {
        self.status = Status::Invalid;
        self.issues.push(issue);
    }
}

/// What kind of paper the fields came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    Cccd,
    CmndForm,
    AdminDoc,
    ResidenceForm,
    Unknown,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cccd => "cccd",
            Self::CmndForm => "cmnd-form",
            Self::AdminDoc => "admin-doc",
            Self::ResidenceForm => "residence-form",
            Self::Unknown => "unknown",
        }
    }
}

/// All fields read from one or more pages of one paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub kind: DocKind,
    pub fields: Vec<Field>,
    /// Problems that concern several fields (QR and MRZ disagree, ...).
    pub issues: Vec<Issue>,
}

impl Extraction {
    pub fn new(kind: DocKind) -> Extraction {
        Extraction {
            kind,
            fields: Vec::new(),
            issues: Vec::new(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    pub fn value(&self, key: &str) -> Option<&str> {
        self.get(key).map(|f| f.value.as_str())
    }

    /// True when any field or the extraction itself carries a problem.
    pub fn has_problems(&self) -> bool {
        !self.issues.is_empty() || self.fields.iter().any(|f| f.status == Status::Invalid)
    }
}
