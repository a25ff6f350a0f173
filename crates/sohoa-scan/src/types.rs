//! Device descriptions, settings and pages shared by all drivers.

use serde::{Deserialize, Serialize};

/// Which technology reaches a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DriverKind {
    Sane,
    Twain,
    Escl,
    Folder,
}

/// Paper path. Duplex is a source of its own because that is how most backends expose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Flatbed,
    Adf,
    AdfDuplex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColorMode {
    Color,
    Gray,
    Bw,
}

/// What `sohoa devices` lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// Stable id used by `sohoa scan --device`; for SANE the backend's own name (e.g. `test:0`).
    pub id: String,
    pub driver: DriverKind,
    pub name: String,
    pub vendor: String,
    pub model: String,
    pub sources: Vec<Source>,
    pub duplex: bool,
}

/// Resolutions a device accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum Resolutions {
    List { values: Vec<u32> },
    Range { min: u32, max: u32, step: u32 },
}

/// Type and constraint of a backend option, so values are checked before they reach the driver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum OptionKind {
    Bool,
    Int {
        min: Option<i32>,
        max: Option<i32>,
        step: Option<i32>,
        list: Vec<i32>,
    },
    /// SANE's 16.16 fixed point, exposed as a float.
    Fixed {
        min: Option<f64>,
        max: Option<f64>,
        step: Option<f64>,
        list: Vec<f64>,
    },
    String {
        choices: Vec<String>,
    },
    Button,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionDescriptor {
    pub name: String,
    pub title: String,
    pub kind: OptionKind,
    /// e.g. "dpi", "mm", "" — as the backend states it.
    pub unit: String,
    pub settable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OptionValue {
    Bool(bool),
    Int(i32),
    Fixed(f64),
    String(String),
}

/// The result of setting an option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetOutcome {
    /// The value the device actually holds now.
    pub applied: OptionValue,
    /// The device rounded or clamped the requested value.
    pub inexact: bool,
    /// Other options (ranges, availability) changed; capabilities must be read again.
    pub reload_options: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capabilities {
    pub sources: Vec<Source>,
    pub modes: Vec<ColorMode>,
    pub resolutions: Resolutions,
    /// Largest scan area in millimetres.
    pub max_width_mm: f64,
    pub max_height_mm: f64,
    /// The device deskews / drops blank pages itself (TWAIN ICAP_AUTOMATICDESKEW, CAP_AUTOMATICBLANK…).
    pub auto_deskew: bool,
    pub blank_discard: bool,
    pub options: Vec<OptionDescriptor>,
}

/// Scan area in millimetres from the top-left corner of the bed or feeder.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScanArea {
    pub x_mm: f64,
    pub y_mm: f64,
    pub width_mm: f64,
    pub height_mm: f64,
}

/// What one scan asks of the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanSettings {
    pub source: Source,
    pub mode: ColorMode,
    pub dpi: u32,
    /// `None`: the device's full area.
    pub area: Option<ScanArea>,
    /// Stop after this many images (`None`: until the feeder is empty).
    pub max_pages: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    Front,
    Back,
}

/// One acquired image with where it came from.
#[derive(Debug, Clone)]
pub struct Page {
    /// 1-based sheet number within the scan; front and back of a duplex sheet share it.
    pub sheet: u32,
    pub side: Side,
    pub image: image::DynamicImage,
    /// Resolution the device reports for this image (it may differ from the one asked for).
    pub dpi_x: f64,
    pub dpi_y: f64,
}
