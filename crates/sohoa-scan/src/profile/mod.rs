//! Scanner profiles: device quirks and document-type presets (`scanner-profiles/*.toml`).
//!
//! The files are compiled in, so a fresh install scans correctly with no configuration; a directory of the
//! same files (`SOHOA_SCANNER_PROFILES` or the app's settings) replaces them on a desk that needs its own.

mod error;
mod sources;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use error::{Decree30Reason, ProfileError};
pub use sources::SourceNames;

use crate::{ColorMode, ScanArea, ScanSettings, Source};

const BUILTIN: &[(&str, &str)] = &[
    (
        "devices.toml",
        include_str!("../../../../scanner-profiles/devices.toml"),
    ),
    (
        "presets.toml",
        include_str!("../../../../scanner-profiles/presets.toml"),
    ),
];

/// Quirks of one scanner family.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceQuirk {
    pub id: String,
    pub vendor: String,
    #[serde(default)]
    pub model_contains: Vec<String>,
    #[serde(default)]
    pub flatbed: Vec<String>,
    #[serde(default)]
    pub adf: Vec<String>,
    #[serde(default)]
    pub adf_duplex: Vec<String>,
    /// Resolutions the device really produces; a requested dpi is snapped to the nearest.
    #[serde(default)]
    pub resolutions: Vec<u32>,
}

impl DeviceQuirk {
    fn matches(&self, vendor: &str, model: &str) -> bool {
        let model = model.to_ascii_lowercase();
        self.vendor.eq_ignore_ascii_case(vendor)
            && self
                .model_contains
                .iter()
                .all(|m| model.contains(&m.to_ascii_lowercase()))
    }
}

fn full_scale() -> u32 {
    100
}

fn yes() -> bool {
    true
}

/// A document type's scan settings. Serialize too: the administrator edits the desk's presets in the app and
/// they are written back as the same TOML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub id: String,
    pub name_vi: String,
    pub source: Source,
    pub mode: ColorMode,
    pub dpi: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width_mm: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_mm: Option<f64>,
    #[serde(default = "full_scale")]
    pub scale_percent: u32,
    /// The scan becomes the legal electronic copy, so Decree 30 applies.
    #[serde(default = "yes")]
    pub legal_copy: bool,
}

impl Preset {
    /// Decree 30/2020/ND-CP: a legal electronic copy is scanned in colour, at 200 dpi or more, at 100 %.
    pub fn check_decree30(&self) -> Result<(), ProfileError> {
        if !self.legal_copy {
            return Ok(());
        }
        let reason = if self.mode != ColorMode::Color {
            Some(Decree30Reason::NotColour)
        } else if self.dpi < 200 {
            Some(Decree30Reason::ResolutionTooLow(self.dpi))
        } else if self.scale_percent != 100 {
            Some(Decree30Reason::NotFullScale(self.scale_percent))
        } else {
            None
        };
        match reason {
            Some(reason) => Err(ProfileError::Decree30 {
                preset: self.id.clone(),
                reason,
            }),
            None => Ok(()),
        }
    }

    pub fn settings(&self) -> ScanSettings {
        let area = match (self.width_mm, self.height_mm) {
            (Some(w), Some(h)) => Some(ScanArea {
                x_mm: 0.0,
                y_mm: 0.0,
                width_mm: w,
                height_mm: h,
            }),
            _ => None,
        };
        ScanSettings {
            source: self.source,
            mode: self.mode,
            dpi: self.dpi,
            area,
            max_pages: None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    device: Vec<DeviceQuirk>,
    #[serde(default)]
    preset: Vec<Preset>,
}

/// All quirks and presets of a desk.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profiles {
    pub devices: Vec<DeviceQuirk>,
    pub presets: Vec<Preset>,
}

impl Profiles {
    /// The profiles shipped with the app.
    pub fn builtin() -> Result<Profiles, ProfileError> {
        let mut p = Profiles::default();
        for (name, text) in BUILTIN {
            p.add(text, name)?;
        }
        Ok(p)
    }

    /// `SOHOA_SCANNER_PROFILES` if set, else the built-in profiles.
    pub fn from_env() -> Result<Profiles, ProfileError> {
        match std::env::var_os("SOHOA_SCANNER_PROFILES") {
            Some(dir) => Profiles::load_dir(Path::new(&dir)),
            None => Profiles::builtin(),
        }
    }

    /// Every `*.toml` of `dir`, in name order.
    pub fn load_dir(dir: &Path) -> Result<Profiles, ProfileError> {
        let io = |e: std::io::Error| ProfileError::Io {
            path: dir.to_path_buf(),
            detail: e.to_string(),
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let mut p = Profiles::default();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| ProfileError::Io {
                path: path.clone(),
                detail: e.to_string(),
            })?;
            p.add(&text, &path.display().to_string())?;
        }
        Ok(p)
    }

    /// Parses one file's text and adds its entries; every legal-copy preset is checked against Decree 30.
    pub fn add(&mut self, text: &str, origin: &str) -> Result<(), ProfileError> {
        let file: File = toml::from_str(text).map_err(|e| ProfileError::Parse {
            origin: origin.to_owned(),
            detail: e.to_string(),
        })?;
        for preset in file.preset {
            preset.check_decree30()?;
            if self.presets.iter().any(|p| p.id == preset.id) {
                return Err(ProfileError::DuplicatePreset(preset.id));
            }
            self.presets.push(preset);
        }
        self.devices.extend(file.device);
        Ok(())
    }

    pub fn preset(&self, id: &str) -> Result<&Preset, ProfileError> {
        self.presets
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| ProfileError::UnknownPreset(id.to_owned()))
    }

    pub fn quirk(&self, vendor: &str, model: &str) -> Option<&DeviceQuirk> {
        self.devices.iter().find(|d| d.matches(vendor, model))
    }

    /// Source names to try for this device: its quirk's, then the generic ones.
    pub fn source_names(&self, vendor: &str, model: &str) -> SourceNames {
        let base = match self.quirk(vendor, model) {
            Some(q) => SourceNames {
                flatbed: q.flatbed.clone(),
                adf: q.adf.clone(),
                adf_duplex: q.adf_duplex.clone(),
            },
            None => SourceNames::default(),
        };
        base.with_generic()
    }
}

#[cfg(test)]
mod tests;
