//! The watched folder's settings, errors and claims.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::FileKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WatchMode {
    /// Change notification plus periodic rescans; polling only if the watcher cannot be set up.
    Auto,
    /// Periodic rescans only (network shares where notification is known not to work).
    Poll,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FolderConfig {
    pub path: PathBuf,
    pub mode: WatchMode,
    /// How long size and mtime must stay unchanged.
    pub settle: Duration,
    /// Rescan period (also the safety net under change notification).
    pub poll_interval: Duration,
    /// This workstation's name in the folder: its claims live in `.claimed/<station>/`, so a workstation
    /// restarting after a crash recovers its own unfinished claims and never another's still in flight on a
    /// shared folder (OS file locks often do not cross SMB/NFS). Default: the host name.
    pub station: String,
}

impl FolderConfig {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            mode: WatchMode::Auto,
            settle: Duration::from_secs(2),
            poll_interval: Duration::from_secs(1),
            station: host_name(),
        }
    }
}

/// The host name (`COMPUTERNAME` on Windows, `/etc/hostname` or `HOSTNAME` elsewhere), reduced to a safe
/// directory name.
pub fn host_name() -> String {
    let raw = std::env::var("COMPUTERNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    station_dir_name(&raw)
}

pub(crate) fn station_dir_name(raw: &str) -> String {
    let s: String = raw
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_start_matches(['.', '_']).to_owned();
    if s.is_empty() { "local".to_owned() } else { s }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FolderError {
    #[error("cannot read or write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error("{} is being watched by another SoHoa Desk", .0.display())]
    Busy(PathBuf),
    #[error("journal: {0}")]
    Journal(String),
}

impl FolderError {
    pub fn code(&self) -> &'static str {
        match self {
            FolderError::Io { .. } => "scan.folder_io",
            FolderError::NotAFolder(_) => "scan.folder_missing",
            FolderError::Busy(_) => "scan.folder_busy",
            FolderError::Journal(_) => "scan.folder_journal",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            FolderError::Io { path, .. } => format!("Không đọc/ghi được {}", path.display()),
            FolderError::NotAFolder(p) => format!("Không tìm thấy thư mục {}", p.display()),
            FolderError::Busy(p) => format!(
                "Thư mục {} đang được một máy SoHoa Desk khác theo dõi",
                p.display()
            ),
            FolderError::Journal(d) => format!("Lỗi nhật ký thư mục theo dõi: {d}"),
        }
    }
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> FolderError + '_ {
    move |source| FolderError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A claimed file, handed to the importer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Unique, stable for the claim's life (survives restarts): the importer's idempotency key.
    pub key: String,
    /// The name the file arrived with.
    pub name: String,
    /// Where the file is now (inside `.claimed/`).
    pub path: PathBuf,
    pub kind: FileKind,
    /// The import callback may already have run for this key before a crash: check before importing again.
    pub retry: bool,
}

/// How an import callback failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportFailure {
    /// The file itself is unusable (not decodable): it moves to `.failed/`, with the reason journaled.
    #[error("rejected: {0}")]
    Rejected(String),
    /// The receiver could not take it now (store busy, disk full): it stays claimed and is offered again.
    #[error("not now: {0}")]
    Transient(String),
}

/// What one [`HotFolder::process`] pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassStats {
    pub imported: usize,
    pub recovered: usize,
    pub rejected: usize,
    pub deferred: usize,
}
