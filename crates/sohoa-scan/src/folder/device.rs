//! The watched folder as a scanner: `folder:/path` in `sohoa devices`, and `sohoa scan --device folder:/path`
//! takes what the folder holds like an ADF takes a stack.
//!
//! A file counts as imported once the consumer has taken all its pages and asks for the next page (or the
//! stream ends): a page stream has no other acknowledgement. A consumer that stops early or dies leaves the
//! file claimed, and it is offered again next time: at least once, never lost.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::decode::{DecodeError, Decoded, decode};
use super::{Claim, FolderConfig, FolderError, HotFolder};
use crate::{
    Capabilities, ColorMode, Device, DeviceInfo, Driver, DriverKind, OptionValue, Page, PageStream,
    Resolutions, ScanError, ScanSettings, SetOutcome, Side, Source,
};

const PREFIX: &str = "folder:";

impl From<FolderError> for ScanError {
    fn from(e: FolderError) -> Self {
        match e {
            FolderError::NotAFolder(p) => ScanError::NoDevice(format!("{PREFIX}{}", p.display())),
            FolderError::Busy(_) => ScanError::Busy,
            other => ScanError::Io(other.to_string()),
        }
    }
}

/// The configured watched folders; `open` also accepts any existing folder as `folder:/path`.
#[derive(Debug, Clone, Default)]
pub struct FolderDriver {
    pub folders: Vec<FolderConfig>,
}

fn info_for(path: &Path) -> DeviceInfo {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    DeviceInfo {
        id: format!("{PREFIX}{}", path.display()),
        driver: DriverKind::Folder,
        name: format!("Thư mục theo dõi {name}"),
        vendor: String::new(),
        model: String::new(),
        sources: vec![Source::Adf],
        duplex: false,
    }
}

impl Driver for FolderDriver {
    fn kind(&self) -> DriverKind {
        DriverKind::Folder
    }

    fn discover(&self) -> Result<Vec<DeviceInfo>, ScanError> {
        Ok(self
            .folders
            .iter()
            .filter(|f| f.path.is_dir())
            .map(|f| info_for(&f.path))
            .collect())
    }

    fn open(&self, id: &str) -> Result<Box<dyn Device>, ScanError> {
        let path = PathBuf::from(
            id.strip_prefix(PREFIX)
                .ok_or_else(|| ScanError::NoDevice(id.to_owned()))?,
        );
        let cfg = self
            .folders
            .iter()
            .find(|f| f.path == path)
            .cloned()
            .unwrap_or_else(|| FolderConfig::new(&path));
        Ok(Box::new(FolderDevice::open(cfg)?))
    }
}

pub struct FolderDevice {
    info: DeviceInfo,
    folder: HotFolder,
}

impl FolderDevice {
    pub fn open(cfg: FolderConfig) -> Result<Self, FolderError> {
        let info = info_for(&cfg.path);
        Ok(Self {
            info,
            folder: HotFolder::open(cfg)?,
        })
    }
}

impl Device for FolderDevice {
    fn info(&self) -> &DeviceInfo {
        &self.info
    }

    fn capabilities(&mut self) -> Result<Capabilities, ScanError> {
        // Files come as they were made; the resolution only matters for rasterising PDFs.
        Ok(Capabilities {
            sources: vec![Source::Adf],
            modes: vec![ColorMode::Color, ColorMode::Gray, ColorMode::Bw],
            resolutions: Resolutions::Range {
                min: 72,
                max: 1200,
                step: 1,
            },
            max_width_mm: 0.0,
            max_height_mm: 0.0,
            auto_deskew: false,
            blank_discard: false,
            options: Vec::new(),
        })
    }

    fn set_option(&mut self, name: &str, _value: OptionValue) -> Result<SetOutcome, ScanError> {
        Err(ScanError::Unsupported(format!(
            "option {name} on a watched folder"
        )))
    }

    fn scan(&mut self, settings: &ScanSettings) -> Result<Box<dyn PageStream + '_>, ScanError> {
        Ok(Box::new(FolderPageStream {
            folder: &mut self.folder,
            dpi: settings.dpi,
            max_pages: settings.max_pages,
            given: 0,
            sheet: 0,
            queue: VecDeque::new(),
            pages: VecDeque::new(),
            unacked: None,
            started: false,
            ended: false,
            cancelled: false,
            max_settle_wait: Duration::from_secs(60),
        }))
    }
}

pub struct FolderPageStream<'a> {
    folder: &'a mut HotFolder,
    dpi: u32,
    max_pages: Option<u32>,
    given: u32,
    sheet: u32,
    queue: VecDeque<Claim>,
    pages: VecDeque<Decoded>,
    /// The claim whose pages were handed out and not yet acknowledged.
    unacked: Option<Claim>,
    started: bool,
    /// A fault was yielded: the stream is over (the trait's contract).
    ended: bool,
    cancelled: bool,
    /// How long to wait for files that are still being written before calling the stack finished.
    max_settle_wait: Duration,
}

impl FolderPageStream<'_> {
    fn ack(&mut self) -> Result<(), ScanError> {
        if let Some(c) = self.unacked.take() {
            self.folder.commit(&c)?;
        }
        Ok(())
    }

    fn refill(&mut self) -> Result<(), ScanError> {
        self.queue.extend(self.folder.recover()?);
        self.queue.extend(self.folder.poll()?);
        let deadline = Instant::now() + self.max_settle_wait;
        while self.queue.is_empty() && self.folder.settling() > 0 && Instant::now() < deadline {
            self.folder.wait();
            self.queue.extend(self.folder.poll()?);
        }
        Ok(())
    }

    fn next_inner(&mut self) -> Option<Result<Page, ScanError>> {
        loop {
            if let Some(d) = self.pages.pop_front() {
                self.sheet += 1;
                self.given += 1;
                let dpi = d.dpi.unwrap_or(f64::from(self.dpi));
                return Some(Ok(Page {
                    sheet: self.sheet,
                    side: Side::Front,
                    image: d.image,
                    dpi_x: dpi,
                    dpi_y: dpi,
                }));
            }
            if let Err(e) = self.ack() {
                return Some(Err(e));
            }
            if self.max_pages.is_some_and(|m| self.given >= m) {
                return None;
            }
            if self.queue.is_empty()
                && let Err(e) = self.refill()
            {
                return Some(Err(e));
            }
            let first = !self.started;
            self.started = true;
            let Some(claim) = self.queue.pop_front() else {
                return if first {
                    Some(Err(ScanError::FeederEmpty))
                } else {
                    None
                };
            };
            if let Err(e) = self.folder.begin(&claim) {
                return Some(Err(e.into()));
            }
            match decode(&claim.path, claim.kind, self.dpi) {
                Ok(pages) if !pages.is_empty() => {
                    self.pages = pages.into();
                    self.unacked = Some(claim);
                }
                Ok(_) => {
                    if let Err(e) = self.folder.reject(&claim, "no pages") {
                        return Some(Err(e.into()));
                    }
                }
                Err(DecodeError::ToolMissing(reason)) => {
                    // Not the file's fault: leave it claimed for a workstation that can read it.
                    return Some(Err(ScanError::Unsupported(reason)));
                }
                Err(DecodeError::Unreadable(reason)) => {
                    if let Err(e) = self.folder.reject(&claim, &reason) {
                        return Some(Err(e.into()));
                    }
                }
            }
        }
    }
}

impl PageStream for FolderPageStream<'_> {
    fn next_page(&mut self) -> Option<Result<Page, ScanError>> {
        if self.cancelled || self.ended {
            return None;
        }
        let next = self.next_inner();
        if matches!(next, Some(Err(_))) {
            self.ended = true;
        }
        next
    }

    fn cancel(&mut self) {
        // The current file stays claimed (its pages may not all have been taken): offered again next time.
        self.cancelled = true;
        self.pages.clear();
    }
}
