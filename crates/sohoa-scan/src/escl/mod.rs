//! eSCL (AirScan / Mopria) network scanners over HTTP: capabilities, status, scan jobs, NextDocument.
//!
//! Device ids are `escl:<root URL>`, e.g. `escl:http://192.168.1.20:80/eSCL`. Discovery lists the roots
//! given in `SOHOA_ESCL_URLS` (comma-separated); DNS-SD browsing (`_uscan._tcp`) is not done here.

mod http;
pub mod xml;

pub use http::Retry;
use http::{Client, http_error};
pub use xml::{EsclCaps, EsclStatus, ScannerState};

use crate::{
    Capabilities, Device, DeviceInfo, Driver, DriverKind, OptionValue, Page, PageStream, ScanError,
    ScanSettings, SetOutcome, Side, Source,
};

pub const URLS_ENV: &str = "SOHOA_ESCL_URLS";

pub struct EsclDriver {
    roots: Vec<String>,
    retry: Retry,
}

impl EsclDriver {
    pub fn new(roots: Vec<String>) -> EsclDriver {
        EsclDriver {
            roots,
            retry: Retry::default(),
        }
    }

    /// Roots from `SOHOA_ESCL_URLS`.
    pub fn from_env() -> EsclDriver {
        let roots = std::env::var(URLS_ENV)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        EsclDriver::new(roots)
    }

    pub fn with_retry(mut self, retry: Retry) -> EsclDriver {
        self.retry = retry;
        self
    }

    fn connect(&self, root: &str) -> Result<(Client, EsclCaps), ScanError> {
        let mut c = Client::new(root);
        c.retry = self.retry;
        let caps = xml::parse_capabilities(&c.get_text("ScannerCapabilities")?)?;
        Ok((c, caps))
    }
}

fn info(root: &str, caps: &EsclCaps) -> DeviceInfo {
    DeviceInfo {
        id: format!("escl:{}", root.trim_end_matches('/')),
        driver: DriverKind::Escl,
        name: caps.make_and_model.clone(),
        vendor: caps.manufacturer.clone(),
        model: caps.make_and_model.clone(),
        sources: caps.sources.clone(),
        duplex: caps.sources.contains(&Source::AdfDuplex),
    }
}

impl Driver for EsclDriver {
    fn kind(&self) -> DriverKind {
        DriverKind::Escl
    }

    fn discover(&self) -> Result<Vec<DeviceInfo>, ScanError> {
        let mut out = Vec::new();
        for root in &self.roots {
            match self.connect(root) {
                Ok((_, caps)) => out.push(info(root, &caps)),
                Err(e) => tracing::warn!(root, error = %e, "eSCL scanner not reachable"),
            }
        }
        Ok(out)
    }

    fn open(&self, id: &str) -> Result<Box<dyn Device>, ScanError> {
        let root = id
            .strip_prefix("escl:")
            .ok_or_else(|| ScanError::NoDevice(id.to_owned()))?;
        let (client, caps) = self.connect(root)?;
        Ok(Box::new(EsclDevice {
            info: info(root, &caps),
            client,
            caps,
        }))
    }
}

pub struct EsclDevice {
    info: DeviceInfo,
    client: Client,
    caps: EsclCaps,
}

impl EsclDevice {
    pub fn status(&self) -> Result<EsclStatus, ScanError> {
        xml::parse_status(&self.client.get_text("ScannerStatus")?)
    }

    /// The fault the scanner reports now, if any (used when a job ends early).
    fn fault_now(&self) -> Option<ScanError> {
        self.status().ok().and_then(|s| s.fault())
    }
}

impl Device for EsclDevice {
    fn info(&self) -> &DeviceInfo {
        &self.info
    }

    fn capabilities(&mut self) -> Result<Capabilities, ScanError> {
        self.caps = xml::parse_capabilities(&self.client.get_text("ScannerCapabilities")?)?;
        let mm = |v: u32| f64::from(v) / 300.0 * 25.4;
        Ok(Capabilities {
            sources: self.caps.sources.clone(),
            modes: self.caps.modes.clone(),
            resolutions: self.caps.resolutions(),
            max_width_mm: mm(self.caps.max_width),
            max_height_mm: mm(self.caps.max_height),
            auto_deskew: false,
            blank_discard: false,
            options: Vec::new(),
        })
    }

    fn set_option(&mut self, name: &str, _value: OptionValue) -> Result<SetOutcome, ScanError> {
        Err(ScanError::Unsupported(format!(
            "eSCL has no backend option {name}"
        )))
    }

    fn scan(&mut self, settings: &ScanSettings) -> Result<Box<dyn PageStream + '_>, ScanError> {
        let invalid = |n: &str, r: String| ScanError::InvalidOption {
            name: n.to_owned(),
            reason: r,
        };
        if !self.caps.sources.contains(&settings.source) {
            return Err(ScanError::Unsupported(format!("source {:?}", settings.source)));
        }
        if !self.caps.modes.is_empty() && !self.caps.modes.contains(&settings.mode) {
            return Err(invalid("mode", format!("{:?} not offered", settings.mode)));
        }
        let dpi_ok = match self.caps.resolutions() {
            crate::Resolutions::List { values } => values.is_empty() || values.contains(&settings.dpi),
            crate::Resolutions::Range { min, max, .. } => (min..=max).contains(&settings.dpi),
        };
        if !dpi_ok {
            return Err(invalid("dpi", format!("{} not offered", settings.dpi)));
        }
        let format = self
            .caps
            .best_format()
            .ok_or_else(|| ScanError::Unsupported("no PNG/JPEG output".into()))?;
        // A feeder that is already known to be empty fails fast, before a job is created.
        if settings.source != Source::Flatbed
            && let Some(ScanError::FeederEmpty) = self.fault_now()
        {
            return Ok(Box::new(EsclStream::failed(
                self,
                settings,
                ScanError::FeederEmpty,
            )));
        }
        let body = xml::scan_settings_xml(settings, &self.caps, format);
        let r = self.client.post("ScanJobs", &body)?;
        if r.status != 201 {
            if let Some(f) = self.fault_now() {
                return Ok(Box::new(EsclStream::failed(self, settings, f)));
            }
            return Err(http_error(r.status, "ScanJobs"));
        }
        let job = r
            .location
            .ok_or_else(|| ScanError::Protocol("ScanJobs answered without Location".into()))?;
        let job = self.client.url(&job);
        tracing::debug!(job, "eSCL job created");
        Ok(Box::new(EsclStream {
            dev: self,
            job: Some(job),
            index: 0,
            duplex: settings.source == Source::AdfDuplex,
            max_pages: settings.max_pages,
            dpi: f64::from(settings.dpi),
            pending_error: None,
            done: false,
        }))
    }
}

struct EsclStream<'a> {
    dev: &'a mut EsclDevice,
    job: Option<String>,
    index: u32,
    duplex: bool,
    max_pages: Option<u32>,
    dpi: f64,
    pending_error: Option<ScanError>,
    done: bool,
}

impl<'a> EsclStream<'a> {
    fn failed(dev: &'a mut EsclDevice, s: &ScanSettings, e: ScanError) -> EsclStream<'a> {
        EsclStream {
            dev,
            job: None,
            index: 0,
            duplex: s.source == Source::AdfDuplex,
            max_pages: s.max_pages,
            dpi: f64::from(s.dpi),
            pending_error: Some(e),
            done: false,
        }
    }

    /// Ends the job on the scanner side; DELETE is how eSCL cancels (and a no-op for a finished job).
    fn close_job(&mut self) {
        if let Some(job) = self.job.take()
            && let Err(e) = self.dev.client.delete(&job)
        {
            tracing::debug!(error = %e, "eSCL job delete failed");
        }
    }

    fn end(&mut self, err: Option<ScanError>) -> Option<Result<Page, ScanError>> {
        self.done = true;
        err.map(Err)
    }
}

impl PageStream for EsclStream<'_> {
    fn next_page(&mut self) -> Option<Result<Page, ScanError>> {
        if self.done {
            return None;
        }
        if let Some(e) = self.pending_error.take() {
            self.close_job();
            return self.end(Some(e));
        }
        if self.max_pages.is_some_and(|m| self.index >= m) {
            self.close_job();
            return self.end(None);
        }
        let job = self.job.clone()?;
        let reply = match self.dev.client.get(&format!("{job}/NextDocument")) {
            Ok(r) => r,
            Err(e) => {
                let e = self.dev.fault_now().unwrap_or(e);
                self.close_job();
                return self.end(Some(e));
            }
        };
        match reply.status {
            200 => {}
            404 => {
                // The job has no more documents: a normal end, unless the scanner stopped on a fault.
                self.job = None;
                let fault = self.dev.fault_now();
                let err = match fault {
                    Some(ScanError::FeederEmpty) if self.index > 0 => None,
                    other => other,
                };
                return self.end(err);
            }
            status => {
                let e = self
                    .dev
                    .fault_now()
                    .unwrap_or_else(|| http_error(status, "NextDocument"));
                self.close_job();
                return self.end(Some(e));
            }
        }
        let image = match image::load_from_memory(&reply.body) {
            Ok(i) => i,
            Err(e) => {
                self.close_job();
                return self.end(Some(ScanError::Protocol(format!("eSCL page: {e}"))));
            }
        };
        let i = self.index;
        self.index += 1;
        let (sheet, side) = if self.duplex {
            (
                i / 2 + 1,
                if i.is_multiple_of(2) {
                    Side::Front
                } else {
                    Side::Back
                },
            )
        } else {
            (i + 1, Side::Front)
        };
        Some(Ok(Page {
            sheet,
            side,
            image,
            dpi_x: self.dpi,
            dpi_y: self.dpi,
        }))
    }

    fn cancel(&mut self) {
        self.close_job();
        self.done = true;
    }
}

impl Drop for EsclStream<'_> {
    fn drop(&mut self) {
        self.close_job();
    }
}
