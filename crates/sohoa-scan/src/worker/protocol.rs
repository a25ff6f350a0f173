//! The worker's wire format: length-prefixed frames (u32 little-endian, then the bytes) on stdin/stdout.
//! Each request and response is one JSON frame; a `Page` response is followed by one frame of raw pixels.
//! JSON keeps the protocol debuggable with `strace`; pixels go raw because a 300 dpi A4 colour page is
//! 26 MB and encoding it would cost more than the scan.

use std::borrow::Cow;
use std::io::{self, Read, Write};

use image::DynamicImage;
use serde::{Deserialize, Serialize};

use crate::{Capabilities, DeviceInfo, OptionValue, Page, ScanError, ScanSettings, SetOutcome, Side};

pub const VERSION: u32 = 1;
/// Larger than any page a desk scanner produces (A3, 600 dpi, 48-bit colour is ~210 MB).
const MAX_FRAME: usize = 512 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    Discover,
    Open { id: String },
    Capabilities,
    SetOption { name: String, value: OptionValue },
    Scan { settings: ScanSettings },
    NextPage,
    Cancel,
    EndScan,
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pixels {
    L8,
    L16,
    Rgb8,
    Rgb16,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "r", rename_all = "snake_case")]
pub enum Response {
    Ready {
        version: u32,
    },
    Devices {
        devices: Vec<DeviceInfo>,
    },
    Opened {
        info: DeviceInfo,
    },
    Capabilities {
        caps: Capabilities,
    },
    Set {
        outcome: SetOutcome,
    },
    ScanStarted,
    Page {
        sheet: u32,
        side: Side,
        dpi_x: f64,
        dpi_y: f64,
        width: u32,
        height: u32,
        pixels: Pixels,
    },
    EndOfScan,
    Done,
    Error {
        error: WireError,
    },
}

/// A [`ScanError`] across the pipe: its stable code plus the detail text.
#[derive(Debug, Serialize, Deserialize)]
pub struct WireError {
    pub code: String,
    pub detail: String,
    pub name: Option<String>,
}

impl From<&ScanError> for WireError {
    fn from(e: &ScanError) -> WireError {
        let (detail, name) = match e {
            ScanError::NoDevice(d)
            | ScanError::Unsupported(d)
            | ScanError::Io(d)
            | ScanError::DriverCrashed(d)
            | ScanError::Protocol(d) => (d.clone(), None),
            ScanError::InvalidOption { name, reason } => (reason.clone(), Some(name.clone())),
            other => (other.to_string(), None),
        };
        WireError {
            code: e.code().to_owned(),
            detail,
            name,
        }
    }
}

impl From<WireError> for ScanError {
    fn from(w: WireError) -> ScanError {
        match w.code.as_str() {
            "scan.no_device" => ScanError::NoDevice(w.detail),
            "scan.busy" => ScanError::Busy,
            "scan.jammed" => ScanError::Jammed,
            "scan.double_feed" => ScanError::DoubleFeed,
            "scan.cover_open" => ScanError::CoverOpen,
            "scan.feeder_empty" => ScanError::FeederEmpty,
            "scan.cancelled" => ScanError::Cancelled,
            "scan.unsupported" => ScanError::Unsupported(w.detail),
            "scan.invalid_option" => ScanError::InvalidOption {
                name: w.name.unwrap_or_default(),
                reason: w.detail,
            },
            "scan.io" => ScanError::Io(w.detail),
            "scan.driver_crashed" => ScanError::DriverCrashed(w.detail),
            "scan.timeout" => ScanError::Timeout,
            _ => ScanError::Protocol(w.detail),
        }
    }
}

pub fn write_frame(w: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("frame too large"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(bytes)?;
    w.flush()
}

pub fn read_frame(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "frame too large"));
    }
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf)?;
    Ok(buf)
}

pub fn send<T: Serialize>(w: &mut impl Write, msg: &T) -> io::Result<()> {
    let bytes = serde_json::to_vec(msg).map_err(io::Error::other)?;
    write_frame(w, &bytes)
}

pub fn recv<T: for<'de> Deserialize<'de>>(r: &mut impl Read) -> io::Result<T> {
    let bytes = read_frame(r)?;
    serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// The page header and its pixel bytes, borrowed from the image (16-bit samples in host order: both ends
/// are the same machine).
pub fn encode_page(p: &Page) -> (Response, Cow<'_, [u8]>) {
    let (pixels, bytes) = match &p.image {
        DynamicImage::ImageLuma8(_) => (Pixels::L8, Cow::Borrowed(p.image.as_bytes())),
        DynamicImage::ImageLuma16(_) => (Pixels::L16, Cow::Borrowed(p.image.as_bytes())),
        DynamicImage::ImageRgb8(_) => (Pixels::Rgb8, Cow::Borrowed(p.image.as_bytes())),
        DynamicImage::ImageRgb16(_) => (Pixels::Rgb16, Cow::Borrowed(p.image.as_bytes())),
        other => (Pixels::Rgb8, Cow::Owned(other.to_rgb8().into_raw())),
    };
    let header = Response::Page {
        sheet: p.sheet,
        side: p.side,
        dpi_x: p.dpi_x,
        dpi_y: p.dpi_y,
        width: p.image.width(),
        height: p.image.height(),
        pixels,
    };
    (header, bytes)
}

pub fn decode_image(
    width: u32,
    height: u32,
    pixels: Pixels,
    bytes: Vec<u8>,
) -> Result<DynamicImage, ScanError> {
    let bad = || ScanError::Protocol("page size does not match its pixels".to_owned());
    let words = |b: Vec<u8>| -> Vec<u16> {
        b.chunks_exact(2)
            .map(|c| u16::from_ne_bytes([c[0], c[1]]))
            .collect()
    };
    Ok(match pixels {
        Pixels::L8 => {
            DynamicImage::ImageLuma8(image::GrayImage::from_raw(width, height, bytes).ok_or_else(bad)?)
        }
        Pixels::Rgb8 => {
            DynamicImage::ImageRgb8(image::RgbImage::from_raw(width, height, bytes).ok_or_else(bad)?)
        }
        Pixels::L16 => DynamicImage::ImageLuma16(
            image::ImageBuffer::from_raw(width, height, words(bytes)).ok_or_else(bad)?,
        ),
        Pixels::Rgb16 => DynamicImage::ImageRgb16(
            image::ImageBuffer::from_raw(width, height, words(bytes)).ok_or_else(bad)?,
        ),
    })
}
