//! The training-mode scanner.
//!
//! New officers learn the workflow before a real scanner is attached, so the desk needs a scanner that is
//! always there. It is the SANE `test` backend (shipped by libsane on Debian and in our bundle), run in the
//! worker with a private configuration: colour test pattern, A4-capable geometry, a 10-sheet feeder. The
//! private `SANE_CONFIG_DIR` is given to the worker only, so the desk's real SANE configuration is untouched.
//! Where the backend is missing (Windows desks, minimal installs) no demo device is listed.

use std::path::{Path, PathBuf};

use crate::worker::{WorkerCommand, WorkerDriver};
use crate::{Capabilities, Device, DeviceInfo, Driver, DriverKind, OptionValue, PageStream, ScanError};
use crate::{ScanSettings, SetOutcome, Source};

pub const DEMO_ID: &str = "demo";

const CONFIG: &str = "number_of_devices 1\nmode Color\ndepth 8\nresolution_min 1.0\nresolution_max 600.0\n\
resolution_quant 1.0\nresolution 200.0\ntest-picture \"Color pattern\"\ngeometry_min 0.0\ngeometry_max 300.0\n\
geometry_quant 1.0\ntl_x 0.0\ntl_y 0.0\nbr_x 210.0\nbr_y 297.0\n";

/// Where a libsane install keeps the test backend.
fn backend_present() -> bool {
    let dirs = [
        "/usr/lib/x86_64-linux-gnu/sane",
        "/usr/lib/aarch64-linux-gnu/sane",
        "/usr/lib/sane",
        "/usr/lib64/sane",
        "/usr/local/lib/sane",
    ];
    std::env::var_os("SOHOA_SANE_BACKEND_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain(dirs.iter().map(PathBuf::from))
        .any(|d| d.join("libsane-test.so.1").is_file())
}

fn write_config(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("dll.conf"), "test\n")?;
    std::fs::write(dir.join("test.conf"), CONFIG)
}

pub struct DemoDriver {
    inner: WorkerDriver,
}

impl DemoDriver {
    /// `None` when the test backend is not installed or its configuration cannot be written.
    pub fn new(worker: WorkerCommand) -> Option<DemoDriver> {
        if !backend_present() {
            return None;
        }
        let dir = std::env::temp_dir().join("sohoa-demo-scanner");
        if let Err(e) = write_config(&dir) {
            tracing::info!("demo scanner unavailable: {e}");
            return None;
        }
        Some(DemoDriver {
            inner: WorkerDriver::new(worker.env("SANE_CONFIG_DIR", dir), DriverKind::Sane),
        })
    }

    fn info() -> DeviceInfo {
        DeviceInfo {
            id: DEMO_ID.to_owned(),
            driver: DriverKind::Sane,
            name: "Máy quét mô phỏng (đào tạo) — demo scanner".to_owned(),
            vendor: "SoHoa".to_owned(),
            model: "demo".to_owned(),
            sources: vec![Source::Flatbed, Source::Adf],
            duplex: false,
        }
    }
}

impl Driver for DemoDriver {
    fn kind(&self) -> DriverKind {
        DriverKind::Sane
    }

    fn discover(&self) -> Result<Vec<DeviceInfo>, ScanError> {
        Ok(vec![DemoDriver::info()])
    }

    fn open(&self, id: &str) -> Result<Box<dyn Device>, ScanError> {
        if id != DEMO_ID {
            return Err(ScanError::NoDevice(id.to_owned()));
        }
        let inner = self.inner.open_device("test:0")?;
        Ok(Box::new(DemoDevice {
            inner,
            info: DemoDriver::info(),
        }))
    }
}

struct DemoDevice {
    inner: crate::worker::WorkerDevice,
    info: DeviceInfo,
}

impl Device for DemoDevice {
    fn info(&self) -> &DeviceInfo {
        &self.info
    }

    fn capabilities(&mut self) -> Result<Capabilities, ScanError> {
        self.inner.capabilities()
    }

    fn set_option(&mut self, name: &str, value: OptionValue) -> Result<SetOutcome, ScanError> {
        self.inner.set_option(name, value)
    }

    fn scan(&mut self, settings: &ScanSettings) -> Result<Box<dyn PageStream + '_>, ScanError> {
        self.inner.scan(settings)
    }
}
