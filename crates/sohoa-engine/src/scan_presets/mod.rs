//! The desk's own scanner presets, edited by the administrator in the app.
//!
//! The presets ship compiled in (`scanner-profiles/presets.toml`); `SOHOA_SCANNER_PROFILES` (a support
//! session's directory) still replaces everything. Without it, `<data>/scanner-profiles/presets.toml`
//! replaces the built-in presets and, when present, `<data>/scanner-profiles/devices.toml` the device quirks.
//! [`scan_profiles`] is the one function every engine reader of the profiles goes through, so the scan
//! toolbar, the batch feeder, the card reader and a review rescan all scan with the same presets.

mod error;

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;
use sohoa_scan::profile::{ProfileError, Profiles};
use sohoa_scan::worker::WorkerCommand;

pub use error::PresetError;
pub use sohoa_scan::profile::Preset;

use crate::{Acting, Action, Engine, EngineError};

const PRESETS_FILE: &str = "presets.toml";
const DEVICES_FILE: &str = "devices.toml";

/// `<data>/scanner-profiles`.
pub fn desk_profiles_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("scanner-profiles")
}

/// The profiles this desk scans with: `SOHOA_SCANNER_PROFILES` if set, else the built-in ones with the
/// desk's presets (and device quirks) in place of theirs.
pub fn scan_profiles(data_dir: &Path) -> Result<Profiles, ProfileError> {
    if let Some(dir) = env_dir() {
        return Profiles::load_dir(&dir);
    }
    let mut profiles = Profiles::builtin()?;
    let desk = desk_profiles_dir(data_dir);
    if let Some(own) = read_desk_file(&desk.join(PRESETS_FILE))? {
        profiles.presets = own.presets;
    }
    if let Some(own) = read_desk_file(&desk.join(DEVICES_FILE))? {
        profiles.devices = own.devices;
    }
    Ok(profiles)
}

/// The scanner worker process loads the profiles itself (`SOHOA_SCANNER_PROFILES` or the built-in ones) and
/// knows no data directory; a desk's own device quirks reach it through that variable, set for the worker
/// only. Every engine place that starts a worker passes it through here, as it reads profiles through
/// [`scan_profiles`].
pub fn desk_worker(data_dir: &Path, worker: Option<WorkerCommand>) -> Option<WorkerCommand> {
    let mut worker = worker?;
    let desk = desk_profiles_dir(data_dir);
    if env_dir().is_none() && desk.join(DEVICES_FILE).is_file() {
        worker
            .env
            .push(("SOHOA_SCANNER_PROFILES".into(), desk.into_os_string()));
    }
    Some(worker)
}

fn env_dir() -> Option<PathBuf> {
    std::env::var_os("SOHOA_SCANNER_PROFILES")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

fn read_desk_file(path: &Path) -> Result<Option<Profiles>, ProfileError> {
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(|e| ProfileError::Io {
        path: path.to_owned(),
        detail: e.to_string(),
    })?;
    let mut p = Profiles::default();
    p.add(&text, &path.display().to_string())?;
    Ok(Some(p))
}

/// Where the presets the desk scans with come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PresetOrigin {
    Builtin,
    /// `<data>/scanner-profiles/presets.toml`, saved from the app.
    Desk,
    /// `SOHOA_SCANNER_PROFILES` is set: a saved table is kept but not used until it is unset.
    Environment,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanPresets {
    pub presets: Vec<Preset>,
    pub origin: PresetOrigin,
    /// Ids the batch profiles scan with: the screen keeps their rows (see [`PresetError::Required`]).
    pub required: Vec<String>,
}

/// Checks the whole table; the first problem names its row (from 1).
pub fn validate_presets(presets: &[Preset]) -> Result<(), PresetError> {
    if presets.is_empty() {
        return Err(PresetError::Empty);
    }
    for (i, p) in presets.iter().enumerate() {
        let row = i + 1;
        if p.id.trim().is_empty() {
            return Err(PresetError::NoId { row });
        }
        if !p
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(PresetError::BadId {
                row,
                id: p.id.clone(),
            });
        }
        if presets[..i].iter().any(|q| q.id == p.id) {
            return Err(PresetError::DuplicateId {
                row,
                id: p.id.clone(),
            });
        }
        if p.name_vi.trim().is_empty() {
            return Err(PresetError::NoName { row });
        }
        if !(75..=1200).contains(&p.dpi) {
            return Err(PresetError::Dpi { row, dpi: p.dpi });
        }
        let side = |v: f64| (10.0..=500.0).contains(&v);
        match (p.width_mm, p.height_mm) {
            (None, None) => {}
            (Some(w), Some(h)) if side(w) && side(h) => {}
            _ => return Err(PresetError::Size { row }),
        }
        if !(1..=100).contains(&p.scale_percent) {
            return Err(PresetError::Scale { row });
        }
        p.check_decree30()
            .map_err(|problem| PresetError::Decree30 { row, problem })?;
    }
    for profile in crate::batch_profiles() {
        if !presets.iter().any(|p| p.id == profile.preset) {
            return Err(PresetError::Required {
                id: profile.preset.to_owned(),
                profile: profile.name_vi.to_owned(),
            });
        }
    }
    Ok(())
}

fn normalized(presets: &[Preset]) -> Vec<Preset> {
    presets
        .iter()
        .map(|p| Preset {
            id: p.id.trim().to_owned(),
            name_vi: sohoa_core::text::nfc(p.name_vi.trim()),
            ..p.clone()
        })
        .collect()
}

#[derive(Serialize)]
struct PresetFile<'a> {
    preset: &'a [Preset],
}

impl Engine {
    pub fn scan_presets(&self) -> Result<ScanPresets, EngineError> {
        let profiles = scan_profiles(self.data_dir()).map_err(PresetError::Unreadable)?;
        let origin = if env_dir().is_some() {
            PresetOrigin::Environment
        } else if desk_profiles_dir(self.data_dir()).join(PRESETS_FILE).is_file() {
            PresetOrigin::Desk
        } else {
            PresetOrigin::Builtin
        };
        Ok(ScanPresets {
            presets: profiles.presets,
            origin,
            required: crate::batch_profiles()
                .iter()
                .map(|p| p.preset.to_owned())
                .collect(),
        })
    }

    pub(crate) fn save_scan_presets_by(
        &self,
        actor: &sohoa_store::Actor,
        presets: &[Preset],
    ) -> Result<ScanPresets, EngineError> {
        let presets = normalized(presets);
        validate_presets(&presets)?;
        let header = "# Mẫu quét của máy này, do quản trị viên sửa trong ứng dụng (SoHoa Desk).\n\
                      # Desk scanner presets, saved from the app's administrator screen.\n\n";
        let body = toml::to_string(&PresetFile { preset: &presets })
            .map_err(|e| PresetError::Write(e.to_string()))?;
        let text = format!("{header}{body}");
        // The exact text must load back: a file the scanner refuses later would stop every scan.
        Profiles::default()
            .add(&text, PRESETS_FILE)
            .map_err(|e| PresetError::Write(e.to_string()))?;
        let path = desk_profiles_dir(self.data_dir()).join(PRESETS_FILE);
        let previous = std::fs::read(&path).ok();
        crate::atomic::write_atomic(&path, text.as_bytes()).map_err(|e| PresetError::Write(e.to_string()))?;
        let ids: Vec<&str> = presets.iter().map(|p| p.id.as_str()).collect();
        if let Err(e) =
            self.store
                .audit_append(actor, "scan_presets.change", None, &json!({ "presets": ids }))
        {
            // Not audited means not changed: put the previous table back.
            let _ = match previous {
                Some(old) => crate::atomic::write_atomic(&path, &old),
                None => std::fs::remove_file(&path),
            };
            return Err(e.into());
        }
        tracing::info!(presets = presets.len(), "desk scanner presets saved");
        self.scan_presets()
    }
}

impl Acting<'_> {
    /// Readable by the roles that scan too (the toolbar lists them), editable by the administrator.
    pub fn scan_presets(&self) -> Result<ScanPresets, EngineError> {
        self.require(Action::ViewRecords)?.scan_presets()
    }

    pub fn save_scan_presets(&self, presets: &[Preset]) -> Result<ScanPresets, EngineError> {
        let engine = self.require(Action::Settings)?;
        engine.save_scan_presets_by(&engine.actor_for(self.caller), presets)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_worker_gets_the_desk_devices_only_when_the_desk_has_them() {
        let data = tempfile::tempdir().unwrap();
        let worker = || Some(WorkerCommand::new("/usr/bin/sohoa-scan-worker"));
        assert!(desk_worker(data.path(), worker()).unwrap().env.is_empty());
        assert!(desk_worker(data.path(), None).is_none());
        let dir = desk_profiles_dir(data.path());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(DEVICES_FILE), "").unwrap();
        let env = desk_worker(data.path(), worker()).unwrap().env;
        assert_eq!(env, [("SOHOA_SCANNER_PROFILES".into(), dir.into_os_string())]);
    }
}
