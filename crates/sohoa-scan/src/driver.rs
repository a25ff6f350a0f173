//! The three traits every scanner backend implements.

use crate::{Capabilities, DeviceInfo, DriverKind, OptionValue, Page, ScanError, ScanSettings, SetOutcome};

/// One scanner technology: finds devices and opens them.
pub trait Driver: Send + Sync {
    fn kind(&self) -> DriverKind;
    /// Devices reachable now; a driver whose system library is missing returns an empty list, not an error,
    /// so one absent technology never hides the others from `sohoa devices`.
    fn discover(&self) -> Result<Vec<DeviceInfo>, ScanError>;
    /// Opens a device by the id `discover` gave.
    fn open(&self, id: &str) -> Result<Box<dyn Device>, ScanError>;
}

/// An opened scanner. Not `Sync`: native drivers (SANE, TWAIN) must be called from one thread.
pub trait Device: Send {
    fn info(&self) -> &DeviceInfo;
    /// Asked of the device each time: options can change after a source or mode change (`RELOAD_OPTIONS`).
    fn capabilities(&mut self) -> Result<Capabilities, ScanError>;
    /// Sets a backend option by name with type checking; the outcome says whether the device rounded the
    /// value (`inexact`) and whether other options changed as a consequence.
    fn set_option(&mut self, name: &str, value: OptionValue) -> Result<SetOutcome, ScanError>;
    /// Starts a scan. Pages come one by one; see [`PageStream`].
    fn scan(&mut self, settings: &ScanSettings) -> Result<Box<dyn PageStream + '_>, ScanError>;
}

/// Pages of one scan, in feed order.
///
/// A fault (jam, cover open, double feed) is yielded as `Some(Err(..))` after every page acquired before it,
/// and the stream ends there: the pages already yielded belong to the caller and are never taken back.
/// An empty feeder at the start is `Some(Err(ScanError::FeederEmpty))`; at the end of a batch it is `None`.
pub trait PageStream {
    fn next_page(&mut self) -> Option<Result<Page, ScanError>>;
    /// Asks the device to stop after the current page; further calls to `next_page` return `None` or
    /// `Some(Err(ScanError::Cancelled))`.
    fn cancel(&mut self);
}
