//! TWAIN 2.x over the Data Source Manager's single entry point, `DSM_Entry`.
//!
//! Windows: TWAINDSM.dll (native images are DIBs); Linux: libtwaindsm.so (native images are TIFFs).
//! `SOHOA_TWAIN_DSM` points at another DSM library (the tests' fake, or a self-built TWAIN Working Group
//! DSM). Each device keeps its own DSM session; calls happen on the thread that uses the device.

mod caps;
mod device;
mod dsm;
pub mod ffi;
mod image;
mod options;
mod platform;
mod session;
mod state;
mod stream;
mod xfer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use device::{TransferMode, TwainDevice};
pub use state::TwainState;

use crate::{Device, DeviceInfo, Driver, DriverKind, ScanError};
use dsm::Dsm;
use ffi::from_str32;
use session::Session;

/// Environment variable naming the DSM library to load.
pub const DSM_ENV: &str = "SOHOA_TWAIN_DSM";
/// TWAIN device ids are this prefix and the source's product name.
pub(crate) const ID_PREFIX: &str = "twain:";

pub struct TwainDriver {
    path: PathBuf,
    dsm: Mutex<Option<Arc<Dsm>>>,
    probe: bool,
}

impl TwainDriver {
    /// The platform's standard DSM: TWAINDSM.dll on Windows, libtwaindsm.so elsewhere.
    pub fn new() -> TwainDriver {
        let name = if cfg!(windows) {
            "TWAINDSM.dll"
        } else {
            "libtwaindsm.so"
        };
        TwainDriver::with_dsm_path(name)
    }

    /// `SOHOA_TWAIN_DSM` if set, else [`TwainDriver::new`].
    pub fn from_env() -> TwainDriver {
        match std::env::var_os(DSM_ENV) {
            Some(p) if !p.is_empty() => TwainDriver::with_dsm_path(PathBuf::from(p)),
            _ => TwainDriver::new(),
        }
    }

    pub fn with_dsm_path(path: impl AsRef<Path>) -> TwainDriver {
        TwainDriver {
            path: path.as_ref().to_path_buf(),
            dsm: Mutex::new(None),
            probe: true,
        }
    }

    /// Whether `discover` opens each source to read feeder/duplex (default true). Turn off for vendor
    /// sources that are slow to open.
    pub fn probe_sources(mut self, probe: bool) -> TwainDriver {
        self.probe = probe;
        self
    }

    fn dsm(&self) -> Result<Arc<Dsm>, ScanError> {
        let mut g = self
            .dsm
            .lock()
            .map_err(|_| ScanError::Protocol("TWAIN driver lock poisoned".into()))?;
        if let Some(d) = g.as_ref() {
            return Ok(Arc::clone(d));
        }
        let d = Arc::new(Dsm::load(&self.path)?);
        *g = Some(Arc::clone(&d));
        Ok(d)
    }

    fn info_for(id: &ffi::TwIdentity) -> DeviceInfo {
        let name = from_str32(&id.product_name);
        DeviceInfo {
            id: format!("{ID_PREFIX}{name}"),
            driver: DriverKind::Twain,
            name: name.clone(),
            vendor: from_str32(&id.manufacturer),
            model: from_str32(&id.product_family),
            sources: Vec::new(),
            duplex: false,
        }
    }
}

impl Default for TwainDriver {
    fn default() -> Self {
        TwainDriver::new()
    }
}

impl Driver for TwainDriver {
    fn kind(&self) -> DriverKind {
        DriverKind::Twain
    }

    fn discover(&self) -> Result<Vec<DeviceInfo>, ScanError> {
        let dsm = match self.dsm() {
            Ok(d) => d,
            Err(e) => {
                tracing::debug!(error = %e, "no TWAIN DSM");
                return Ok(Vec::new());
            }
        };
        let mut s = match Session::open(dsm) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "TWAIN DSM did not open");
                return Ok(Vec::new());
            }
        };
        let ids = s.sources()?;
        let mut out = Vec::new();
        for id in ids {
            let mut info = Self::info_for(&id);
            if self.probe
                && s.open_source(&id).is_ok()
                && let Ok((sources, duplex)) = device::probe_sources(&mut s)
            {
                info.sources = sources;
                info.duplex = duplex;
            }
            s.unwind_to(TwainState::DsmOpen);
            out.push(info);
        }
        Ok(out)
    }

    fn open(&self, id: &str) -> Result<Box<dyn Device>, ScanError> {
        let name = id
            .strip_prefix(ID_PREFIX)
            .ok_or_else(|| ScanError::NoDevice(id.to_owned()))?;
        let mut s = Session::open(self.dsm()?)?;
        let ident = s
            .sources()?
            .into_iter()
            .find(|i| from_str32(&i.product_name) == name)
            .ok_or_else(|| ScanError::NoDevice(id.to_owned()))?;
        s.open_source(&ident)?;
        Ok(Box::new(TwainDevice::new(s, Self::info_for(&ident))?))
    }
}
