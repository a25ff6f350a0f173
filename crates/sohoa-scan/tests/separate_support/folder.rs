//! Helpers for watched-folder tests: small real files, a durable "store" that records imports.
#![allow(dead_code)]

use std::fs::{self, OpenOptions};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use image::{DynamicImage, ImageFormat, RgbImage};
use sohoa_scan::folder::{Claim, FolderConfig, HotFolder, ImportFailure, WatchMode};

pub const STATION: &str = "desk-1";

pub fn config(dir: &Path, mode: WatchMode) -> FolderConfig {
    FolderConfig {
        path: dir.to_path_buf(),
        mode,
        settle: Duration::from_millis(300),
        poll_interval: Duration::from_millis(50),
        station: STATION.to_owned(),
    }
}

pub fn image_bytes(seed: u8, format: ImageFormat) -> Vec<u8> {
    let img = RgbImage::from_fn(120, 90, |x, y| {
        image::Rgb([seed, (x % 256) as u8, (y % 256) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img).write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// The receiving side of an import: an append-only log of `key name` lines, fsynced, standing for the record
/// store's transaction. On a retry it looks the key up first, as the store would.
pub struct Store {
    pub dir: PathBuf,
}

impl Store {
    pub fn new(dir: &Path) -> Self {
        fs::create_dir_all(dir).unwrap();
        Store {
            dir: dir.to_path_buf(),
        }
    }

    pub fn imports(&self) -> Vec<(String, String)> {
        fs::read_to_string(self.dir.join("imports"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once(' ').map(|(k, n)| (k.to_owned(), n.to_owned())))
            .collect()
    }

    pub fn begun(&self) -> usize {
        fs::read_to_string(self.dir.join("begun"))
            .unwrap_or_default()
            .lines()
            .count()
    }

    fn append(&self, file: &str, line: &str) {
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(file))
            .unwrap();
        writeln!(f, "{line}").unwrap();
        f.sync_all().unwrap();
    }

    /// Imports a claim; `work` is the time spent "importing" between start and commit.
    pub fn import(&self, claim: &Claim, work: Duration) -> Result<(), ImportFailure> {
        if claim.retry && self.imports().iter().any(|(k, _)| k == &claim.key) {
            return Ok(());
        }
        let bytes = fs::read(&claim.path).map_err(|e| ImportFailure::Transient(e.to_string()))?;
        image::load_from_memory(&bytes).map_err(|e| ImportFailure::Rejected(e.to_string()))?;
        self.append("begun", &claim.key);
        std::thread::sleep(work);
        self.append("imports", &format!("{} {}", claim.key, claim.name));
        Ok(())
    }
}

/// Runs passes until `done` says so or the time is up.
pub fn run_until(folder: &mut HotFolder, store: &Store, limit: Duration, done: impl Fn(&Store) -> bool) {
    let deadline = Instant::now() + limit;
    while !done(store) {
        assert!(Instant::now() < deadline, "timed out");
        folder.process(|c| store.import(c, Duration::ZERO)).unwrap();
        folder.wait();
    }
}

pub fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

/// A JPEG whose JFIF header states `dpi`.
pub fn jpeg_with_dpi(dpi: u16) -> Vec<u8> {
    use image::codecs::jpeg::{JpegEncoder, PixelDensity};
    let img = RgbImage::from_pixel(64, 48, image::Rgb([200, 10, 10]));
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new(&mut out);
    enc.set_pixel_density(PixelDensity::dpi(dpi));
    enc.encode_image(&img).unwrap();
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG with a pHYs chunk stating `dpi` (inserted after IHDR, with its CRC).
pub fn png_with_dpi(dpi: u32) -> Vec<u8> {
    let png = image_bytes(9, ImageFormat::Png);
    let ppm = (f64::from(dpi) / 0.0254).round() as u32;
    let mut data = b"pHYs".to_vec();
    data.extend_from_slice(&ppm.to_be_bytes());
    data.extend_from_slice(&ppm.to_be_bytes());
    data.push(1);
    let mut chunk = 9u32.to_be_bytes().to_vec();
    chunk.extend_from_slice(&data);
    chunk.extend_from_slice(&crc32(&data).to_be_bytes());
    let ihdr_end = 8 + 4 + 4 + 13 + 4;
    let mut out = png[..ihdr_end].to_vec();
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[ihdr_end..]);
    out
}
