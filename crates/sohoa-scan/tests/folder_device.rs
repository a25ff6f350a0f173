#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The watched folder seen as a scanner: `folder:` devices and their page streams.

mod separate_support;

use std::fs;

use image::ImageFormat;
use separate_support::folder::*;
use sohoa_scan::folder::{FolderConfig, WatchMode};
use sohoa_scan::{ColorMode, Driver, ScanError, ScanSettings, Source};

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("in");
    fs::create_dir(&dir).unwrap();
    (root, dir)
}

/// A two-page PDF with blank pages; pdftoppm tolerates the missing xref table.
fn tiny_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 144 216]>>endobj\n4 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 144 216]>>endobj\n\
trailer<</Root 1 0 R>>\n%%EOF\n"
        .to_vec()
}

#[test]
fn folder_device_streams_pages_like_a_feeder() {
    let dir = tempfile::tempdir().unwrap();
    let driver = sohoa_scan::folder::FolderDriver {
        folders: vec![config(dir.path(), WatchMode::Auto)],
    };
    let id = format!("folder:{}", dir.path().display());
    assert_eq!(driver.discover().unwrap()[0].id, id);
    let settings = ScanSettings {
        source: Source::Adf,
        mode: ColorMode::Color,
        dpi: 100,
        area: None,
        max_pages: None,
    };
    let mut dev = driver.open(&id).unwrap();
    {
        let mut stream = dev.scan(&settings).unwrap();
        assert_eq!(stream.next_page().unwrap().unwrap_err(), ScanError::FeederEmpty);
    }
    fs::write(dir.path().join("a.png"), image_bytes(1, ImageFormat::Png)).unwrap();
    fs::write(dir.path().join("b.jpg"), image_bytes(2, ImageFormat::Jpeg)).unwrap();
    fs::write(dir.path().join("c.pdf"), tiny_pdf()).unwrap();
    let mut pages = Vec::new();
    {
        let mut stream = dev.scan(&settings).unwrap();
        while let Some(p) = stream.next_page() {
            pages.push(p.unwrap());
        }
    }
    assert_eq!(pages.len(), 4);
    assert_eq!(
        pages.iter().map(|p| p.sheet).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    assert_eq!(pages[0].image.width(), 120);
    // The PDF page is 2 in x 3 in, rasterised at the asked 100 dpi.
    assert_eq!((pages[3].image.width(), pages[3].image.height()), (200, 300));
    assert_eq!(names_in(&dir.path().join(".done")).len(), 3);
    drop(dev);
    let _ = FolderConfig::new(dir.path());
}

#[test]
fn a_consumer_that_stops_early_gets_the_file_again() {
    let (_root, dir) = setup();
    let driver = sohoa_scan::folder::FolderDriver {
        folders: vec![config(&dir, WatchMode::Poll)],
    };
    let id = format!("folder:{}", dir.display());
    let settings = ScanSettings {
        source: Source::Adf,
        mode: ColorMode::Color,
        dpi: 150,
        area: None,
        max_pages: None,
    };
    fs::write(dir.join("a.png"), image_bytes(1, ImageFormat::Png)).unwrap();
    fs::write(dir.join("b.png"), image_bytes(2, ImageFormat::Png)).unwrap();
    {
        let mut dev = driver.open(&id).unwrap();
        let mut stream = dev.scan(&settings).unwrap();
        let first = stream.next_page().unwrap().unwrap();
        assert_eq!(first.dpi_x, 150.0, "no resolution in the file: the asked one");
        // The app dies (or the operator stops) before asking for more: nothing is marked imported.
    }
    assert!(names_in(&dir.join(".done")).is_empty());
    let mut dev = driver.open(&id).unwrap();
    let mut stream = dev.scan(&settings).unwrap();
    let mut n = 0;
    while let Some(p) = stream.next_page() {
        p.unwrap();
        n += 1;
    }
    assert_eq!(n, 2);
    drop(stream);
    assert_eq!(names_in(&dir.join(".done")).len(), 2);
}

#[test]
fn page_resolution_comes_from_the_file_when_it_says() {
    let (_root, dir) = setup();
    fs::write(dir.join("a.png"), png_with_dpi(200)).unwrap();
    fs::write(dir.join("b.jpg"), jpeg_with_dpi(300)).unwrap();
    let mut dev = sohoa_scan::folder::FolderDevice::open(config(&dir, WatchMode::Poll)).unwrap();
    let settings = ScanSettings {
        source: Source::Adf,
        mode: ColorMode::Color,
        dpi: 150,
        area: None,
        max_pages: None,
    };
    let mut stream = sohoa_scan::Device::scan(&mut dev, &settings).unwrap();
    let mut dpis = Vec::new();
    while let Some(p) = stream.next_page() {
        let p = p.unwrap();
        dpis.push((p.image.width(), p.dpi_x.round() as u32));
    }
    dpis.sort();
    assert_eq!(dpis, vec![(64, 300), (120, 200)]);
}
