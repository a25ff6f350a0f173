//! Crash isolation: native scanner drivers run in a worker process.
//!
//! Vendor SANE backends and TWAIN sources are closed or barely maintained C code; a segfault in one of
//! them must cost the officer one scan, not the app with its unsaved work (NAPS2 learned this the hard way,
//! issues #196 and #731). So the app never loads them: it starts a worker (`sohoa scan-worker` or the
//! `sohoa-scan-worker` binary) and speaks a small framed protocol over the worker's stdin/stdout
//! (`protocol`). One worker per open device, one for each discovery, so a wedged device never blocks
//! another. If the worker dies mid-scan, the page stream yields [`ScanError::DriverCrashed`] after the
//! pages already received, which the caller has (and has spooled) already.
//!
//! Chosen over threads (a segfault kills every thread) and over gRPC/named pipes as NAPS2 does (a pipe
//! pair needs no extra crate and works the same on Windows and Linux).

mod conn;
mod protocol;
mod serve;
mod stdio;

use std::ffi::OsString;
use std::io::BufWriter;
use std::path::PathBuf;

pub use conn::Timeouts;
pub use serve::serve;

use conn::Conn;
use protocol::{Request, Response};

use crate::{
    Capabilities, Device, DeviceInfo, Driver, DriverKind, OptionValue, Page, PageStream, ScanError,
    ScanSettings, SetOutcome,
};

/// How to start a worker process.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// Extra environment for the worker only (e.g. `SANE_CONFIG_DIR`), so the app's own environment is
    /// never modified.
    pub env: Vec<(OsString, OsString)>,
}

impl WorkerCommand {
    pub fn new(program: impl Into<PathBuf>) -> WorkerCommand {
        WorkerCommand {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    pub fn arg(mut self, a: impl Into<OsString>) -> WorkerCommand {
        self.args.push(a.into());
        self
    }

    pub fn env(mut self, k: impl Into<OsString>, v: impl Into<OsString>) -> WorkerCommand {
        self.env.push((k.into(), v.into()));
        self
    }

    /// `SOHOA_SCAN_WORKER`, else `sohoa-scan-worker` next to the running program (or one directory up,
    /// where Cargo puts binaries relative to test executables).
    pub fn locate() -> Option<WorkerCommand> {
        if let Some(p) = std::env::var_os("SOHOA_SCAN_WORKER") {
            return Some(WorkerCommand::new(p));
        }
        let exe = std::env::current_exe().ok()?;
        let name = format!("sohoa-scan-worker{}", std::env::consts::EXE_SUFFIX);
        let dir = exe.parent()?;
        [dir.join(&name), dir.parent()?.join(&name)]
            .into_iter()
            .find(|p| p.is_file())
            .map(WorkerCommand::new)
    }
}

fn unexpected(r: Response) -> ScanError {
    ScanError::Protocol(format!("unexpected worker answer {r:?}"))
}

/// A driver whose native code runs in worker processes.
pub struct WorkerDriver {
    cmd: WorkerCommand,
    kind: DriverKind,
    timeouts: Timeouts,
}

impl WorkerDriver {
    pub fn new(cmd: WorkerCommand, kind: DriverKind) -> WorkerDriver {
        WorkerDriver {
            cmd,
            kind,
            timeouts: Timeouts::default(),
        }
    }

    pub fn with_timeouts(mut self, timeouts: Timeouts) -> WorkerDriver {
        self.timeouts = timeouts;
        self
    }

    /// Whether the worker's driver could own `id` at all: TWAIN ids carry their prefix (its driver refuses
    /// any other id before touching the DSM), SANE device names can be anything.
    fn may_own(&self, id: &str) -> bool {
        match self.kind {
            DriverKind::Twain => id.starts_with(crate::twain::ID_PREFIX),
            _ => true,
        }
    }

    /// Like [`Driver::open`], keeping the concrete type (its worker's pid is what a supervisor or a test
    /// needs).
    pub fn open_device(&self, id: &str) -> Result<WorkerDevice, ScanError> {
        // The registry offers every id to every driver in turn; one this driver cannot own is refused
        // without starting a worker only to hear the refusal.
        if !self.may_own(id) {
            return Err(ScanError::NoDevice(id.to_owned()));
        }
        let mut conn = Conn::start(&self.cmd, self.kind, self.timeouts)?;
        match conn.call(&Request::Open { id: id.to_owned() })? {
            Response::Opened { info } => Ok(WorkerDevice { conn, info }),
            r => Err(unexpected(r)),
        }
    }
}

impl Driver for WorkerDriver {
    fn kind(&self) -> DriverKind {
        self.kind
    }

    fn discover(&self) -> Result<Vec<DeviceInfo>, ScanError> {
        let mut conn = Conn::start(&self.cmd, self.kind, self.timeouts)?;
        match conn.call(&Request::Discover)? {
            Response::Devices { devices } => Ok(devices),
            r => Err(unexpected(r)),
        }
    }

    fn open(&self, id: &str) -> Result<Box<dyn Device>, ScanError> {
        Ok(Box::new(self.open_device(id)?))
    }
}

/// A device open in its own worker.
pub struct WorkerDevice {
    conn: Conn,
    info: DeviceInfo,
}

impl WorkerDevice {
    pub fn worker_pid(&self) -> u32 {
        self.conn.pid()
    }
}

impl Device for WorkerDevice {
    fn info(&self) -> &DeviceInfo {
        &self.info
    }

    fn capabilities(&mut self) -> Result<Capabilities, ScanError> {
        match self.conn.call(&Request::Capabilities)? {
            Response::Capabilities { caps } => Ok(caps),
            r => Err(unexpected(r)),
        }
    }

    fn set_option(&mut self, name: &str, value: OptionValue) -> Result<SetOutcome, ScanError> {
        let req = Request::SetOption {
            name: name.to_owned(),
            value,
        };
        match self.conn.call(&req)? {
            Response::Set { outcome } => Ok(outcome),
            r => Err(unexpected(r)),
        }
    }

    fn scan(&mut self, settings: &ScanSettings) -> Result<Box<dyn PageStream + '_>, ScanError> {
        let req = Request::Scan {
            settings: settings.clone(),
        };
        match self.conn.call(&req)? {
            Response::ScanStarted => Ok(Box::new(WorkerStream {
                conn: &mut self.conn,
                ended: false,
            })),
            r => Err(unexpected(r)),
        }
    }
}

struct WorkerStream<'a> {
    conn: &'a mut Conn,
    ended: bool,
}

impl WorkerStream<'_> {
    fn end(&mut self) {
        if !self.ended {
            self.ended = true;
            if !self.conn.dead {
                let _ = self.conn.call(&Request::EndScan);
            }
        }
    }

    fn page(&mut self) -> Result<Option<Page>, ScanError> {
        let page_timeout = self.conn.timeouts.page;
        match self.conn.call_within(&Request::NextPage, page_timeout)? {
            Response::Page {
                sheet,
                side,
                dpi_x,
                dpi_y,
                width,
                height,
                pixels,
            } => {
                let bytes = self.conn.recv_frame(page_timeout)?;
                let image = protocol::decode_image(width, height, pixels, bytes)?;
                Ok(Some(Page {
                    sheet,
                    side,
                    image,
                    dpi_x,
                    dpi_y,
                }))
            }
            Response::EndOfScan => Ok(None),
            r => Err(unexpected(r)),
        }
    }
}

impl PageStream for WorkerStream<'_> {
    fn next_page(&mut self) -> Option<Result<Page, ScanError>> {
        if self.ended {
            return None;
        }
        match self.page() {
            Ok(Some(p)) => Some(Ok(p)),
            Ok(None) => {
                self.end();
                None
            }
            Err(e) => {
                self.end();
                Some(Err(e))
            }
        }
    }

    fn cancel(&mut self) {
        if !self.ended && !self.conn.dead {
            let _ = self.conn.call(&Request::Cancel);
        }
        self.end();
    }
}

impl Drop for WorkerStream<'_> {
    fn drop(&mut self) {
        self.end();
    }
}

/// The worker's entry point (`--driver KIND`): serves stdin/stdout until the app closes it.
/// Shared by the `sohoa-scan-worker` binary and the CLI's hidden `sohoa scan-worker`.
pub fn main_with_args(args: &[String]) -> std::process::ExitCode {
    let kind = args
        .windows(2)
        .find(|w| w[0] == "--driver")
        .map_or("sane", |w| w[1].as_str());
    let driver: Box<dyn Driver> = match kind {
        "sane" => match crate::profile::Profiles::from_env() {
            Ok(p) => Box::new(crate::sane::SaneDriver::new(std::sync::Arc::new(p))),
            Err(e) => {
                eprintln!("sohoa-scan-worker: {e}");
                return std::process::ExitCode::from(3);
            }
        },
        "twain" => Box::new(crate::twain::TwainDriver::from_env()),
        other => {
            eprintln!("sohoa-scan-worker: unknown driver '{other}'");
            return std::process::ExitCode::from(2);
        }
    };
    let mut input = std::io::stdin().lock();
    let result = match stdio::protocol_out() {
        Ok(file) => serve(driver.as_ref(), &mut input, &mut BufWriter::new(file)),
        Err(_) => serve(
            driver.as_ref(),
            &mut input,
            &mut BufWriter::new(std::io::stdout().lock()),
        ),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sohoa-scan-worker: {e}");
            std::process::ExitCode::from(6)
        }
    }
}
