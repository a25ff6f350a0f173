//! Separation settings as a dossier-type profile stores them (TOML/JSON), turned into [`SeparatorRules`].

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::{BarcodeRule, BlankConfig, SeparatorRules};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeparatorSettings {
    pub patch_t: bool,
    pub patch_t_upside_down: bool,
    /// Regex the whole separator barcode must match, e.g. `^HS-(?<value>\d{6})$`.
    pub barcode_pattern: Option<String>,
    /// Record field the barcode value fills.
    pub barcode_field: Option<String>,
    pub blank_sheets: bool,
}

impl Default for SeparatorSettings {
    fn default() -> Self {
        Self {
            patch_t: true,
            patch_t_upside_down: false,
            barcode_pattern: None,
            barcode_field: None,
            blank_sheets: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid separator barcode pattern {pattern:?}: {reason}")]
pub struct SeparatorSettingsError {
    pub pattern: String,
    pub reason: String,
}

impl SeparatorSettingsError {
    pub fn code(&self) -> &'static str {
        "scan.separator_pattern"
    }

    pub fn message_vi(&self) -> String {
        format!("Mẫu mã vạch tờ phân cách không hợp lệ: {}", self.pattern)
    }
}

impl TryFrom<&SeparatorSettings> for SeparatorRules {
    type Error = SeparatorSettingsError;

    fn try_from(s: &SeparatorSettings) -> Result<Self, Self::Error> {
        let barcode = match &s.barcode_pattern {
            Some(p) => Some(BarcodeRule {
                pattern: Regex::new(p).map_err(|e| SeparatorSettingsError {
                    pattern: p.clone(),
                    reason: e.to_string(),
                })?,
                field: s.barcode_field.clone(),
            }),
            None => None,
        };
        Ok(SeparatorRules {
            patch_t: s.patch_t,
            patch_t_upside_down: s.patch_t_upside_down,
            barcode,
            blank_sheets: s.blank_sheets,
            blank: BlankConfig::default(),
            ..SeparatorRules::default()
        })
    }
}
