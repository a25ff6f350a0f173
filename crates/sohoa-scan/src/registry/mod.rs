//! Every driver of the desk behind one list, for `sohoa devices`, `sohoa scan` and the app.
//!
//! Drivers are added, not hard-wired: SANE today, TWAIN/eSCL/folder drivers join with one `add` call each.
//! A driver that fails to enumerate is reported next to the devices the others found, never hides them.

mod demo;

use std::sync::Arc;

pub use demo::{DEMO_ID, DemoDriver};

use crate::profile::Profiles;
use crate::worker::{WorkerCommand, WorkerDriver};
use crate::{Device, DeviceInfo, Driver, DriverKind, ScanError};

/// The result of asking every driver for its devices.
#[derive(Debug, Default)]
pub struct Discovery {
    pub devices: Vec<DeviceInfo>,
    /// Drivers that failed, with why (the devices of the others are still listed).
    pub failures: Vec<(DriverKind, ScanError)>,
}

#[derive(Default)]
pub struct Registry {
    drivers: Vec<Box<dyn Driver>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub fn add(&mut self, driver: Box<dyn Driver>) -> &mut Registry {
        self.drivers.push(driver);
        self
    }

    pub fn drivers(&self) -> impl Iterator<Item = &dyn Driver> {
        self.drivers.iter().map(|d| d.as_ref())
    }

    pub fn discover(&self) -> Discovery {
        let mut out = Discovery::default();
        for d in &self.drivers {
            match d.discover() {
                Ok(mut devices) => out.devices.append(&mut devices),
                Err(e) => {
                    tracing::info!(driver = ?d.kind(), code = e.code(), "discovery failed");
                    out.failures.push((d.kind(), e));
                }
            }
        }
        out
    }

    /// Opens a device by id. Each driver is asked in turn and answers `NoDevice` for ids it does not know,
    /// so ids stay the drivers' own (`test:0`, `airscan:e0:...`) and need no discovery round first.
    pub fn open(&self, id: &str) -> Result<Box<dyn Device>, ScanError> {
        for d in &self.drivers {
            match d.open(id) {
                Ok(dev) => return Ok(dev),
                Err(ScanError::NoDevice(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ScanError::NoDevice(id.to_owned()))
    }
}

/// The desk's registry: native drivers through a worker process when one is available (the normal case),
/// in-process otherwise (a developer build without the worker binary; logged), plus the training-mode
/// demo scanner when the SANE test backend is installed. TWAIN sources are vendor DLLs as fragile as SANE
/// backends, so they get the same isolation; eSCL is our own HTTP client and runs in-process.
pub fn default_registry(worker: Option<WorkerCommand>, profiles: Arc<Profiles>) -> Registry {
    let mut r = Registry::new();
    if let Some(demo) = worker.clone().and_then(DemoDriver::new) {
        r.add(Box::new(demo));
    }
    match worker {
        Some(cmd) => {
            r.add(Box::new(WorkerDriver::new(cmd.clone(), DriverKind::Sane)));
            r.add(Box::new(WorkerDriver::new(cmd, DriverKind::Twain)))
        }
        None => {
            tracing::warn!(
                "no scanner worker found: SANE and TWAIN run inside this process, without crash isolation"
            );
            r.add(Box::new(crate::sane::SaneDriver::new(profiles)));
            r.add(Box::new(crate::twain::TwainDriver::from_env()))
        }
    };
    r.add(Box::new(crate::escl::EsclDriver::from_env()));
    r
}
