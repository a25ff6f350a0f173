//! The scanner cell: which devices the drivers see now (the same discovery as `sohoa devices`).

use std::sync::Arc;

use serde::Serialize;
use sohoa_scan::registry::{DEMO_ID, Discovery, default_registry};
use sohoa_scan::worker::WorkerCommand;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScannerState {
    /// At least one real scanner answers.
    Ready,
    /// Only the built-in training scanner: fine for training, not for real dossiers.
    DemoOnly,
    None,
    /// No device, and a driver (or the scanner profiles) failed: the cause is in `sohoa doctor`.
    Error,
    /// Not probed yet: discovery starts worker processes and takes a second or more, so front ends show
    /// this until the first answer instead of a false "no scanner".
    Checking,
}

impl ScannerStatus {
    pub fn checking() -> Self {
        ScannerStatus {
            state: ScannerState::Checking,
            devices: 0,
            label: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScannerStatus {
    pub state: ScannerState,
    pub devices: usize,
    /// The device a scan would use by default: the first real one, else the demo scanner.
    pub label: Option<String>,
}

/// Discovers devices through every driver; native drivers run in `worker` (a crashing vendor driver must
/// not take the app down), or in-process when it is `None`.
pub fn scanner_status(data_dir: &std::path::Path, worker: Option<WorkerCommand>) -> ScannerStatus {
    match crate::scan_profiles(data_dir) {
        Ok(p) => {
            let worker = crate::scan_presets::desk_worker(data_dir, worker);
            summarize(&default_registry(worker, Arc::new(p)).discover())
        }
        Err(e) => {
            tracing::warn!(code = e.code(), "scanner profiles unreadable");
            ScannerStatus {
                state: ScannerState::Error,
                devices: 0,
                label: None,
            }
        }
    }
}

fn summarize(found: &Discovery) -> ScannerStatus {
    let real = found.devices.iter().find(|d| d.id != DEMO_ID);
    let state = match (real, found.devices.is_empty(), found.failures.is_empty()) {
        (Some(_), _, _) => ScannerState::Ready,
        (None, false, _) => ScannerState::DemoOnly,
        (None, true, true) => ScannerState::None,
        (None, true, false) => ScannerState::Error,
    };
    ScannerStatus {
        state,
        devices: found.devices.len(),
        label: real.or(found.devices.first()).map(|d| d.name.clone()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use sohoa_scan::{DeviceInfo, DriverKind, ScanError};

    use super::*;

    fn device(id: &str, name: &str) -> DeviceInfo {
        DeviceInfo {
            id: id.to_owned(),
            driver: DriverKind::Sane,
            name: name.to_owned(),
            vendor: String::new(),
            model: String::new(),
            sources: Vec::new(),
            duplex: false,
        }
    }

    #[test]
    fn real_scanners_win_over_the_demo_and_failures_are_not_hidden() {
        let mut found = Discovery::default();
        assert_eq!(summarize(&found).state, ScannerState::None);
        found.failures.push((DriverKind::Twain, ScanError::Busy));
        assert_eq!(summarize(&found).state, ScannerState::Error);
        found.devices.push(device(DEMO_ID, "Máy quét mô phỏng"));
        let s = summarize(&found);
        assert_eq!(
            (s.state, s.label.as_deref()),
            (ScannerState::DemoOnly, Some("Máy quét mô phỏng"))
        );
        found.devices.push(device("fujitsu:fi-7160:1", "Fujitsu fi-7160"));
        let s = summarize(&found);
        assert_eq!((s.state, s.devices), (ScannerState::Ready, 2));
        assert_eq!(s.label.as_deref(), Some("Fujitsu fi-7160"));
    }
}
