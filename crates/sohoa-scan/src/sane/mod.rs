//! SANE: scanners on Linux (USB backends, and network scanners through sane-airscan and saned).
//!
//! Our own thin binding (see `ffi`), not the `sane-scan` crate, which turns a jam into an empty page and
//! writes integers into fixed-point options (research note scanning.md §3.1). All libsane calls run on
//! one thread (`thread`); the native code itself is meant to run inside the worker process (`crate::worker`),
//! so a crashing backend takes down the worker, not the app.

mod configure;
mod ffi;
mod frames;
mod options;
mod status;
mod stream;
mod thread;

use std::ffi::CString;
use std::sync::Arc;

use thread::Runtime;

use crate::profile::{Profiles, SourceNames};
use crate::{
    Capabilities, Device, DeviceInfo, DriverKind, OptionValue, PageStream, ScanError, ScanSettings,
    SetOutcome, Source,
};

/// The in-process SANE driver. The app reaches it through a [`crate::worker::WorkerDriver`]; the worker
/// process and tests use it directly.
pub struct SaneDriver {
    profiles: Arc<Profiles>,
}

impl SaneDriver {
    pub fn new(profiles: Arc<Profiles>) -> SaneDriver {
        SaneDriver { profiles }
    }

    fn runtime() -> Option<Arc<Runtime>> {
        match Runtime::get() {
            Ok(rt) => Some(rt),
            Err(e) => {
                tracing::info!("SANE unavailable: {e}");
                None
            }
        }
    }
}

struct Opened {
    handle: u64,
    sources: Vec<Source>,
}

fn open_handle(rt: &Runtime, id: &str, names: SourceNames) -> Result<Opened, ScanError> {
    let name = CString::new(id).map_err(|_| ScanError::NoDevice(id.to_owned()))?;
    let id_owned = id.to_owned();
    rt.call(move |ctx| {
        let h = ctx.lib.open(&name).map_err(|s| match s {
            3 => ScanError::Busy,
            4 => ScanError::NoDevice(id_owned.clone()),
            s => status::to_error(s, "sane_open"),
        })?;
        let caps = configure::capabilities(&ctx.lib, h, &names, &[]);
        let handle = ctx.insert(h);
        Ok(Opened {
            handle,
            sources: caps.sources,
        })
    })?
}

impl crate::Driver for SaneDriver {
    fn kind(&self) -> DriverKind {
        DriverKind::Sane
    }

    fn discover(&self) -> Result<Vec<DeviceInfo>, ScanError> {
        let Some(rt) = Self::runtime() else {
            return Ok(Vec::new());
        };
        let list = rt.call(|ctx| ctx.lib.devices(false))?;
        let list = list.map_err(|s| status::to_error(s, "sane_get_devices"))?;
        let mut out = Vec::new();
        for [id, vendor, model, _kind] in list {
            let names = self.profiles.source_names(&vendor, &model);
            // Sources are only known once the device is open; a busy device is still listed.
            let sources = match open_handle(&rt, &id, names) {
                Ok(o) => {
                    let handle = o.handle;
                    rt.call(move |ctx| ctx.close(handle))?;
                    o.sources
                }
                Err(e) => {
                    tracing::info!(device = %id, code = e.code(), "could not probe sources");
                    Vec::new()
                }
            };
            out.push(DeviceInfo {
                duplex: sources.contains(&Source::AdfDuplex),
                name: format!("{vendor} {model}").trim().to_owned(),
                id,
                driver: DriverKind::Sane,
                vendor,
                model,
                sources,
            });
        }
        Ok(out)
    }

    fn open(&self, id: &str) -> Result<Box<dyn Device>, ScanError> {
        let rt = Self::runtime().ok_or_else(|| ScanError::NoDevice(id.to_owned()))?;
        let listed = rt
            .call(|ctx| ctx.lib.devices(true).unwrap_or_default())?
            .into_iter()
            .find(|d| d[0] == id);
        let (vendor, model) = listed.map_or_else(|| (String::new(), String::new()), |[_, v, m, _]| (v, m));
        // Not every openable name is listed (the test backend is off in Debian's dll.conf); the device's own
        // vendor is then unknown and only the generic source names apply.
        let names = self.profiles.source_names(&vendor, &model);
        let quirk_dpi = self
            .profiles
            .quirk(&vendor, &model)
            .map(|q| q.resolutions.clone())
            .unwrap_or_default();
        let opened = open_handle(&rt, id, names.clone())?;
        let info = DeviceInfo {
            id: id.to_owned(),
            driver: DriverKind::Sane,
            name: format!("{vendor} {model}").trim().to_owned(),
            vendor,
            model,
            duplex: opened.sources.contains(&Source::AdfDuplex),
            sources: opened.sources,
        };
        Ok(Box::new(SaneDevice {
            rt,
            handle: opened.handle,
            info,
            names,
            quirk_dpi,
        }))
    }
}

/// An open SANE device (a handle living on the scanner thread).
pub struct SaneDevice {
    rt: Arc<Runtime>,
    handle: u64,
    info: DeviceInfo,
    names: SourceNames,
    quirk_dpi: Vec<u32>,
}

impl Device for SaneDevice {
    fn info(&self) -> &DeviceInfo {
        &self.info
    }

    fn capabilities(&mut self) -> Result<Capabilities, ScanError> {
        let (id, names, dpi) = (self.handle, self.names.clone(), self.quirk_dpi.clone());
        self.rt.call(move |ctx| {
            ctx.handle(id)
                .map(|h| configure::capabilities(&ctx.lib, h, &names, &dpi))
        })?
    }

    fn set_option(&mut self, name: &str, value: OptionValue) -> Result<SetOutcome, ScanError> {
        let (id, name) = (self.handle, name.to_owned());
        self.rt.call(move |ctx| {
            ctx.handle(id)
                .and_then(|h| options::set(&ctx.lib, h, &name, &value))
        })?
    }

    fn scan(&mut self, settings: &ScanSettings) -> Result<Box<dyn PageStream + '_>, ScanError> {
        let (id, names, dpi, s) = (
            self.handle,
            self.names.clone(),
            self.quirk_dpi.clone(),
            settings.clone(),
        );
        let dpi = self.rt.call(move |ctx| {
            ctx.handle(id)
                .and_then(|h| configure::apply(&ctx.lib, h, &s, &names, &dpi))
        })??;
        Ok(Box::new(stream::SaneStream::new(
            self.rt.clone(),
            self.handle,
            settings.source != Source::Flatbed,
            settings.source == Source::AdfDuplex,
            settings.max_pages,
            dpi,
        )))
    }
}

impl Drop for SaneDevice {
    fn drop(&mut self) {
        let id = self.handle;
        self.rt.post(move |ctx| ctx.close(id));
    }
}
