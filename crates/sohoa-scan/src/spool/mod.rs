//! Crash recovery of acquired pages.
//!
//! A 200-sheet dossier takes ten minutes to scan; if the app or the machine dies at sheet 150, the 150 pages
//! must still be there on restart. Each page is written to the spool directory as it arrives (temporary
//! file, fsync, rename, directory fsync) and then listed in a small `manifest.json` written the same way.
//! A spool that still exists at start-up is unfinished work: the app offers it back (attach to a record,
//! or discard). A page file that made it to disk but not into the manifest (a crash between the two
//! renames) is adopted on open, so nothing acquired is ever lost.

mod error;
mod fsx;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use error::SpoolError;

use crate::{Page, ScanError, ScanSettings, Side};

const MANIFEST: &str = "manifest.json";
const FORMAT: u32 = 1;

/// What the scan was for, so a recovered spool can be offered back with context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpoolMeta {
    pub device_id: String,
    pub settings: ScanSettings,
    pub preset: Option<String>,
    /// The record the pages were meant for, if any.
    pub record_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpooledPage {
    /// 1-based acquisition order.
    pub index: u32,
    pub file: String,
    pub sheet: u32,
    pub side: Side,
    pub dpi_x: f64,
    pub dpi_y: f64,
    pub width: u32,
    pub height: u32,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub id: String,
    pub created_at: String,
    pub meta: SpoolMeta,
    pub pages: Vec<SpooledPage>,
    /// The code of the fault that stopped the last scan into this spool (`scan.jammed`, …).
    pub last_fault: Option<String>,
}

/// An open spool directory.
#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    manifest: Manifest,
}

fn page_name(index: u32) -> String {
    format!("page-{index:04}.png")
}

impl Spool {
    pub fn create(root: &Path, meta: SpoolMeta) -> Result<Spool, SpoolError> {
        let id = uuid::Uuid::now_v7().to_string();
        let dir = root.join(&id);
        fsx::create_dir(&dir)?;
        fsx::sync_dir(root)?;
        let spool = Spool {
            dir,
            manifest: Manifest {
                format: FORMAT,
                id,
                created_at: chrono::Utc::now().to_rfc3339(),
                meta,
                pages: Vec::new(),
                last_fault: None,
            },
        };
        spool.save()?;
        Ok(spool)
    }

    /// Reopens an unfinished spool, dropping temporary files and adopting pages the manifest missed.
    pub fn open(root: &Path, id: &str) -> Result<Spool, SpoolError> {
        if id.is_empty() || id.contains(['/', '\\', '.']) {
            return Err(SpoolError::NotFound(id.to_owned()));
        }
        let dir = root.join(id);
        let path = dir.join(MANIFEST);
        if !path.is_file() {
            return Err(SpoolError::NotFound(id.to_owned()));
        }
        let text = fsx::read(&path)?;
        let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| SpoolError::Corrupt {
            path: path.clone(),
            detail: e.to_string(),
        })?;
        let mut spool = Spool { dir, manifest };
        spool.recover()?;
        Ok(spool)
    }

    fn recover(&mut self) -> Result<(), SpoolError> {
        let mut adopted = false;
        for entry in fsx::list(&self.dir)? {
            let name = entry
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.ends_with(".tmp") {
                fsx::remove_file(&entry)?;
                continue;
            }
            let Some(index) = name
                .strip_prefix("page-")
                .and_then(|r| r.strip_suffix(".png"))
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            if self.manifest.pages.iter().any(|p| p.index == index) {
                continue;
            }
            let bytes = fsx::read(&entry)?;
            let Ok(img) = image::load_from_memory(&bytes) else {
                tracing::warn!(file = %name, "unreadable page left in a spool; kept on disk, not adopted");
                continue;
            };
            let prev = self.manifest.pages.last();
            let dpi = f64::from(self.manifest.meta.settings.dpi);
            self.manifest.pages.push(SpooledPage {
                index,
                file: name,
                sheet: prev.map_or(1, |p| p.sheet + 1),
                side: Side::Front,
                dpi_x: prev.map_or(dpi, |p| p.dpi_x),
                dpi_y: prev.map_or(dpi, |p| p.dpi_y),
                width: img.width(),
                height: img.height(),
                sha256: hex::encode(Sha256::digest(&bytes)),
            });
            adopted = true;
        }
        if adopted {
            self.manifest.pages.sort_by_key(|p| p.index);
            self.save()?;
        }
        Ok(())
    }

    /// Every unfinished spool under `root`, oldest first; unreadable ones are logged and skipped.
    pub fn list(root: &Path) -> Result<Vec<Manifest>, SpoolError> {
        if !root.exists() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for dir in fsx::list(root)? {
            let Some(id) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            match Spool::open(root, &id) {
                Ok(s) => out.push(s.manifest),
                Err(SpoolError::NotFound(_)) => {}
                Err(e) => tracing::warn!(spool = %id, code = e.code(), "unreadable scan spool"),
            }
        }
        out.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    pub fn id(&self) -> &str {
        &self.manifest.id
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn pages(&self) -> &[SpooledPage] {
        &self.manifest.pages
    }

    pub fn page_path(&self, p: &SpooledPage) -> PathBuf {
        self.dir.join(&p.file)
    }

    /// Writes the page durably, then lists it in the manifest.
    pub fn add_page(&mut self, page: &Page) -> Result<&SpooledPage, SpoolError> {
        let index = self.manifest.pages.last().map_or(1, |p| p.index + 1);
        let file = page_name(index);
        let bytes = encode_png_at(&page.image, page.dpi_x, page.dpi_y).map_err(|detail| SpoolError::Io {
            path: self.dir.join(&file),
            detail,
        })?;
        fsx::write_durably(&self.dir, &file, &bytes)?;
        self.manifest.pages.push(SpooledPage {
            index,
            file,
            sheet: page.sheet,
            side: page.side,
            dpi_x: page.dpi_x,
            dpi_y: page.dpi_y,
            width: page.image.width(),
            height: page.image.height(),
            sha256: hex::encode(Sha256::digest(&bytes)),
        });
        self.manifest.last_fault = None;
        self.save()?;
        self.manifest
            .pages
            .last()
            .ok_or_else(|| SpoolError::NotFound(self.manifest.id.clone()))
    }

    pub fn record_fault(&mut self, e: &ScanError) -> Result<(), SpoolError> {
        self.manifest.last_fault = Some(e.code().to_owned());
        self.save()
    }

    pub fn set_record(&mut self, record_id: Option<String>) -> Result<(), SpoolError> {
        self.manifest.meta.record_id = record_id;
        self.save()
    }

    fn save(&self) -> Result<(), SpoolError> {
        let bytes = serde_json::to_vec_pretty(&self.manifest).map_err(|e| SpoolError::Io {
            path: self.dir.join(MANIFEST),
            detail: e.to_string(),
        })?;
        fsx::write_durably(&self.dir, MANIFEST, &bytes)
    }

    /// Removes the spool once its pages are safely stored elsewhere (or the operator gave them up).
    pub fn discard(self) -> Result<(), SpoolError> {
        let root = self.dir.parent().map(Path::to_path_buf);
        fsx::remove_dir_all(&self.dir)?;
        if let Some(root) = root {
            fsx::sync_dir(&root)?;
        }
        Ok(())
    }
}

/// PNG with fast compression: the spool is a safety net, written at scanner speed; the archival encoding
/// happens later in the pipeline.
pub fn encode_png(img: &image::DynamicImage) -> Result<Vec<u8>, String> {
    use image::ImageEncoder as _;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut out = Vec::new();
    let enc = PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Sub);
    enc.write_image(img.as_bytes(), img.width(), img.height(), img.color().into())
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// [`encode_png`] with the scan resolution in a `pHYs` chunk: the page keeps its physical size, which the
/// legal copy (100 % scale, Decree 30) and every later import of the file depend on. `image`'s PNG encoder
/// writes no `pHYs`, so the chunk goes in right after `IHDR`, where the PNG specification puts it.
pub fn encode_png_at(img: &image::DynamicImage, dpi_x: f64, dpi_y: f64) -> Result<Vec<u8>, String> {
    let png = encode_png(img)?;
    let ppm = |dpi: f64| (dpi / 0.0254).round();
    if !(dpi_x > 0.0 && dpi_y > 0.0 && ppm(dpi_x) < f64::from(u32::MAX) && ppm(dpi_y) < f64::from(u32::MAX)) {
        return Ok(png);
    }
    // 8-byte signature, then IHDR: length (4) + type (4) + 13 data bytes + CRC (4).
    const AFTER_IHDR: usize = 8 + 4 + 4 + 13 + 4;
    if png.len() < AFTER_IHDR || &png[12..16] != b"IHDR" {
        return Err("PNG encoder output does not start with IHDR".to_owned());
    }
    let mut chunk = Vec::with_capacity(21);
    chunk.extend_from_slice(&9u32.to_be_bytes());
    chunk.extend_from_slice(b"pHYs");
    // Truncation impossible: both were checked to fit in u32 above.
    chunk.extend_from_slice(&(ppm(dpi_x) as u32).to_be_bytes());
    chunk.extend_from_slice(&(ppm(dpi_y) as u32).to_be_bytes());
    chunk.push(1); // unit: metre
    let crc = crc32fast::hash(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    let mut out = Vec::with_capacity(png.len() + chunk.len());
    out.extend_from_slice(&png[..AFTER_IHDR]);
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[AFTER_IHDR..]);
    Ok(out)
}

#[cfg(test)]
mod tests;
