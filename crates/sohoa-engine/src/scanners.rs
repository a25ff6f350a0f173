//! Scanners as the app offers them: the devices every driver sees, the document-type presets (so the
//! officer picks "Tờ khai CMND" rather than dpi and colour), and a device opened with a preset's settings.
//! `sohoa scan` builds the same things from its arguments.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use sohoa_scan::registry::default_registry;
use sohoa_scan::worker::WorkerCommand;
use sohoa_scan::{Device, DeviceInfo, ScanSettings, Source};

use crate::ScanRecordError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanPreset {
    pub id: String,
    pub name_vi: String,
    pub dpi: u32,
    /// Whether scans with it become the legal copy (Decree 30: colour, >= 200 dpi, 100 %).
    pub legal_copy: bool,
    /// Both sides of each sheet: a sheet gives up to two images, which is how the screen turns the sheets
    /// counted at the counter into the images a scan stops after.
    pub duplex: bool,
}

/// What the scan toolbar offers.
#[derive(Debug, Clone, Serialize)]
pub struct ScannerChoices {
    pub devices: Vec<DeviceInfo>,
    pub presets: Vec<ScanPreset>,
}

/// Every device the drivers find (native ones through `worker`), the demo scanner included, and the
/// presets, from one reading of the desk's scanner profiles ([`crate::scan_profiles`] of `data_dir`). A driver that fails is logged and left out: the
/// others still work.
pub fn scanner_choices(
    data_dir: &Path,
    worker: Option<WorkerCommand>,
) -> Result<ScannerChoices, ScanRecordError> {
    let profiles = Arc::new(crate::scan_profiles(data_dir)?);
    let presets = profiles
        .presets
        .iter()
        .map(|p| ScanPreset {
            id: p.id.clone(),
            name_vi: p.name_vi.clone(),
            dpi: p.dpi,
            legal_copy: p.legal_copy,
            duplex: p.source == Source::AdfDuplex,
        })
        .collect();
    let found = default_registry(crate::scan_presets::desk_worker(data_dir, worker), profiles).discover();
    for (driver, e) in &found.failures {
        tracing::warn!(driver = ?driver, code = e.code(), "scanner driver failed during discovery");
    }
    Ok(ScannerChoices {
        devices: found.devices,
        presets,
    })
}

/// Opens `device` and returns it with the settings of `preset`; `max_pages` stops the feeder early (a
/// single card, or a test). A two-sided preset on a one-sided feeder (the demo scanner, small desk models)
/// scans the fronts: refusing would leave the officer with no way to scan at all, and the record's sheet
/// count check shows the missing backs.
pub fn open_scanner(
    data_dir: &Path,
    worker: Option<WorkerCommand>,
    device: &str,
    preset: &str,
    max_pages: Option<u32>,
) -> Result<(Box<dyn Device>, ScanSettings), ScanRecordError> {
    let profiles = Arc::new(crate::scan_profiles(data_dir)?);
    let mut settings = profiles.preset(preset)?.settings();
    settings.max_pages = max_pages.filter(|n| *n > 0);
    let opened =
        default_registry(crate::scan_presets::desk_worker(data_dir, worker), profiles).open(device)?;
    let info = opened.info();
    if settings.source == Source::AdfDuplex && !info.duplex && info.sources.contains(&Source::Adf) {
        tracing::info!(preset, "one-sided feeder: scanning fronts only");
        settings.source = Source::Adf;
    }
    Ok((opened, settings))
}
