//! Scanner drivers of SoHoa Desk.
//!
//! Desks have whatever scanners the province bought: SANE devices on Linux, TWAIN sources on Windows (and
//! Linux), network scanners speaking eSCL, multifunction printers that drop files into a share. Every one of
//! them is reached through [`Driver`] / [`Device`] / [`PageStream`], so the engine's batch logic (profiles,
//! separators, sheet counting, crash recovery) is written once.

mod driver;
mod error;
pub mod escl;
pub mod twain;
mod types;

pub mod profile;
pub mod registry;
pub mod sane;
pub mod spool;
pub mod worker;

pub use driver::{Device, Driver, PageStream};
pub use error::ScanError;
pub use escl::EsclDriver;
pub use twain::TwainDriver;
pub use types::{
    Capabilities, ColorMode, DeviceInfo, DriverKind, OptionDescriptor, OptionKind, OptionValue, Page,
    Resolutions, ScanArea, ScanSettings, SetOutcome, Side, Source,
};
