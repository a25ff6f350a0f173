//! Helpers for watched-folder tests: small real files, a durable "store" that records imports.
#![allow(dead_code)]

use std::fs::{self, OpenOptions};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use image::{DynamicImage, ImageFormat, RgbImage};
use sohoa_scan::folder::{Claim, FolderConfig, HotFolder, ImportFailure, WatchMode};

pub fn config(dir: &Path, mode: WatchMode) -> FolderConfig {
    FolderConfig {
        path: dir.to_path_buf(),
        mode,
        settle: Duration::from_millis(300),
        poll_interval: Duration::from_millis(50),
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
