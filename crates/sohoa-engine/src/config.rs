//! Where the engine keeps its data and who is acting.
//!
//! Resolution order is fixed so the desktop app, the CLI and the tests agree on one data directory:
//! an explicit path, then `SOHOA_DATA_DIR`, then the platform data directory.

use std::path::{Path, PathBuf};

use sohoa_store::Actor;

use crate::EngineError;

/// Everything `Engine::open` needs; built from the environment or explicitly by tests.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub data_dir: PathBuf,
    /// A directory whose catalogue files override the embedded ones (replaceable without a rebuild).
    pub catalog_dir: Option<PathBuf>,
    pub actor: Actor,
}

impl EngineConfig {
    /// Reads `SOHOA_DATA_DIR`, `SOHOA_CATALOG_DIR`, `SOHOA_USER` from the environment, falling back to the
    /// platform data directory, the catalogues installed beside the binary, and the OS user.
    pub fn from_env() -> Result<EngineConfig, EngineError> {
        let data_dir = match non_empty_env("SOHOA_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => default_data_dir()?,
        };
        Ok(EngineConfig::with_data_dir(data_dir))
    }

    /// A config for an explicit data directory; the rest still comes from the environment.
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> EngineConfig {
        EngineConfig {
            data_dir: data_dir.into(),
            catalog_dir: non_empty_env("SOHOA_CATALOG_DIR")
                .map(PathBuf::from)
                .or_else(installed_catalog_dir),
            actor: Actor {
                user: current_user(),
                workstation: workstation_name(),
            },
        }
    }
}

fn non_empty_env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

fn default_data_dir() -> Result<PathBuf, EngineError> {
    directories::ProjectDirs::from("vn", "SoHoa", "SoHoa Desk")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or(EngineError::NoDataDir)
}

/// Packages install catalogues under `<prefix>/share/sohoa/catalogs`; a development checkout has them in
/// `assets/catalogs`. Either wins over the embedded copy so an administrator can update them in place.
fn installed_catalog_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let bin_dir = exe.parent()?;
    let candidates = [bin_dir.join("../share/sohoa/catalogs"), bin_dir.join("catalogs")];
    candidates
        .into_iter()
        .find(|p| p.join("provinces.toml").is_file())
}

fn current_user() -> String {
    ["SOHOA_USER", "USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| non_empty_env(k))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn workstation_name() -> String {
    if let Some(name) = non_empty_env("SOHOA_WORKSTATION").or_else(|| non_empty_env("COMPUTERNAME")) {
        return name;
    }
    read_trimmed(Path::new("/etc/hostname"))
        .or_else(|| non_empty_env("HOSTNAME"))
        .unwrap_or_else(|| "workstation".to_owned())
}

fn read_trimmed(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}
