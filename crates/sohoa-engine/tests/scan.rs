//! Scanning into a record: pages acquired before a fault are stored, and an interrupted scan's spool is
//! offered back and attached. The device here is scripted (a few pages, then a fault) because the engine's
//! behaviour under a driver crash is the point, not a scanner; the real SANE path is covered by the
//! `sohoa-scan` tests and the CLI's `tests/scan.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sohoa_engine::{Engine, EngineConfig, NewRecordRequest};
use sohoa_scan::spool::{Spool, SpoolMeta};
use sohoa_scan::{
    Capabilities, ColorMode, Device, DeviceInfo, DriverKind, OptionValue, Page, PageStream, ScanError,
    ScanSettings, SetOutcome, Side, Source,
};

struct Scripted {
    info: DeviceInfo,
    pages: u32,
    fault: ScanError,
}

struct Stream {
    left: u32,
    n: u32,
    fault: Option<ScanError>,
}

fn page(sheet: u32) -> Page {
    Page {
        sheet,
        side: Side::Front,
        image: image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            16,
            8,
            image::Rgb([sheet as u8, 9, 9]),
        )),
        dpi_x: 200.0,
        dpi_y: 200.0,
    }
}

impl PageStream for Stream {
    fn next_page(&mut self) -> Option<Result<Page, ScanError>> {
        if self.left == 0 {
            return self.fault.take().map(Err);
        }
        self.left -= 1;
        self.n += 1;
        Some(Ok(page(self.n)))
    }
    fn cancel(&mut self) {}
}

impl Device for Scripted {
    fn info(&self) -> &DeviceInfo {
        &self.info
    }
    fn capabilities(&mut self) -> Result<Capabilities, ScanError> {
        Err(ScanError::Unsupported("scripted".into()))
    }
    fn set_option(&mut self, _: &str, _: OptionValue) -> Result<SetOutcome, ScanError> {
        Err(ScanError::Unsupported("scripted".into()))
    }
    fn scan(&mut self, _: &ScanSettings) -> Result<Box<dyn PageStream + '_>, ScanError> {
        Ok(Box::new(Stream {
            left: self.pages,
            n: 0,
            fault: Some(self.fault.clone()),
        }))
    }
}

fn device(pages: u32, fault: ScanError) -> Scripted {
    Scripted {
        info: DeviceInfo {
            id: "scripted:0".into(),
            driver: DriverKind::Sane,
            name: "scripted".into(),
            vendor: String::new(),
            model: String::new(),
            sources: vec![Source::Adf],
            duplex: false,
        },
        pages,
        fault,
    }
}

fn settings() -> ScanSettings {
    ScanSettings {
        source: Source::Adf,
        mode: ColorMode::Color,
        dpi: 200,
        area: None,
        max_pages: None,
    }
}

fn record(engine: &Engine) -> String {
    let req = NewRecordRequest {
        kind: "residence".into(),
        owner_id: Some("079203001234".into()),
        doc_type_code: Some("CT01".into()),
        fields: vec![
            ("household_head".into(), "Nguyễn Văn An".into()),
            ("address".into(), "12 Lý Thường Kiệt, Hà Nội".into()),
        ],
    };
    engine.create_record(&req).unwrap().summary.id
}

#[test]
fn a_driver_crash_mid_batch_stores_the_pages_acquired_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(EngineConfig::with_data_dir(dir.path())).unwrap();
    let id = record(&engine);
    let mut dev = device(3, ScanError::DriverCrashed("worker exited (signal 9)".into()));
    let mut seen = 0;
    let report = engine
        .scan_into_record(&id, &mut dev, &settings(), None, |_| seen += 1)
        .unwrap();
    assert_eq!((report.pages, seen), (3, 3));
    assert_eq!(report.fault.as_deref(), Some("scan.driver_crashed"));
    let detail = engine.record_detail(&id).unwrap();
    assert_eq!(detail.summary.page_count, 3);
    assert!(engine.unfinished_scans().unwrap().is_empty());
    // A jam before the first page stores nothing and says why.
    let err = engine
        .scan_into_record(&id, &mut device(0, ScanError::Jammed), &settings(), None, |_| {})
        .unwrap_err();
    assert_eq!(err.code(), "scan.jammed");
    assert_eq!(engine.record_detail(&id).unwrap().summary.page_count, 3);
    assert!(engine.unfinished_scans().unwrap().is_empty());
}

#[test]
fn an_interrupted_scan_is_offered_back_and_attached_or_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(EngineConfig::with_data_dir(dir.path())).unwrap();
    let id = record(&engine);
    let meta = SpoolMeta {
        device_id: "test:0".into(),
        settings: settings(),
        preset: None,
        record_id: Some(id.clone()),
    };
    // The app died with two pages spooled.
    let spool_id = {
        let mut s = Spool::create(&engine.scan_spool_root(), meta.clone()).unwrap();
        s.add_page(&page(1)).unwrap();
        s.add_page(&page(2)).unwrap();
        s.id().to_owned()
    };
    let other = Spool::create(&engine.scan_spool_root(), meta)
        .unwrap()
        .id()
        .to_owned();
    drop(engine);
    let engine = Engine::open(EngineConfig::with_data_dir(dir.path())).unwrap();
    let waiting = engine.unfinished_scans().unwrap();
    assert_eq!(waiting.len(), 2);
    assert_eq!(waiting[0].pages.len(), 2);
    let report = engine.attach_unfinished_scan(&spool_id, None).unwrap();
    assert_eq!((report.record_id.as_str(), report.added.len()), (id.as_str(), 2));
    engine.discard_unfinished_scan(&other).unwrap();
    assert!(engine.unfinished_scans().unwrap().is_empty());
    assert_eq!(
        engine.attach_unfinished_scan(&spool_id, None).unwrap_err().code(),
        "spool.not_found"
    );
}

/// After a jam the operator clears the feeder and continues the same scan: the pages of both runs end up
/// in one version, in feed order.
#[test]
fn a_scan_resumed_after_a_jam_keeps_the_earlier_pages_first() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(EngineConfig::with_data_dir(dir.path())).unwrap();
    let id = record(&engine);
    let meta = SpoolMeta {
        device_id: "scripted:0".into(),
        settings: settings(),
        preset: None,
        record_id: Some(id.clone()),
    };
    let spool_id = {
        let mut s = Spool::create(&engine.scan_spool_root(), meta).unwrap();
        s.add_page(&page(1)).unwrap();
        s.add_page(&page(2)).unwrap();
        s.record_fault(&ScanError::Jammed).unwrap();
        s.id().to_owned()
    };
    let mut dev = device(2, ScanError::FeederEmpty);
    let report = engine
        .resume_scan(&spool_id, &mut dev, &settings(), |_| {})
        .unwrap();
    assert_eq!(report.pages, 2);
    let files = &report.import.unwrap().added;
    assert_eq!(files.len(), 4);
    assert_eq!(files[0].name, "page-0001.png");
    assert_eq!(files[3].name, "page-0004.png");
    assert!(engine.unfinished_scans().unwrap().is_empty());
}
