//! Long operations that read a version, work for a while, then commit: another writer (a second `Store`
//! on the same data directory, as the CLI beside the app) commits while they work, from the operation's
//! own progress callback, so the interleaving is fixed, not timed. OCR and a scan placed at a position are
//! refused with `store.version_conflict` and the other writer's page survives; a scan that appends takes
//! whatever is current. A page rescan is interleaved from the device handing over its sheet, and a page
//! edit carries the version on the officer's screen. Real Tesseract, the real SANE `test` backend, real
//! store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::AtomicBool;

mod page_ops_support;
mod support;

use page_ops_support::{other_adds_a_page, record_with_pages};
use sohoa_engine::{PageToRescan, Role};
use sohoa_scan::{
    Capabilities, Device, DeviceInfo, OptionValue, Page, PageStream, ScanError, ScanSettings, SetOutcome,
};
use sohoa_store::Store;
use support::{engine_with, residence, sane_test_scanner};

fn current(dir: &std::path::Path, id: &str) -> (Option<u32>, Vec<String>) {
    let store = Store::open(dir).unwrap();
    let v = store.get_record(id).unwrap().current_version;
    let files = store
        .version_files(id, v.unwrap())
        .unwrap()
        .into_iter()
        .map(|f| f.sha256)
        .collect();
    (v, files)
}

#[test]
fn ocr_words_are_not_stored_over_a_version_committed_while_reading() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let id = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 1);
    let mut theirs = None;
    let never = AtomicBool::new(false);
    let err = e
        .ocr_record(&id, &sohoa_ocr::OcrConfig::default(), Some(1), &never, |_, _| {
            if theirs.is_none() {
                theirs = Some(other_adds_a_page(d.path(), &id));
            }
        })
        .unwrap_err();
    assert_eq!(err.code(), "store.version_conflict", "{err}");
    let theirs = theirs.expect("the progress callback ran");
    let (version, files) = current(d.path(), &id);
    assert_eq!(version, Some(2), "only the other writer's version");
    assert!(files.contains(&theirs));
    assert_eq!(files.len(), 2, "the two pages, no words stored: {files:?}");
}

/// One sheet from the SANE test scanner into a 2-page record (placed at `insert_at`), while another writer
/// adds a page as soon as the scanned page arrives; returns the scan's result and that writer's page.
fn scan_while_another_writes(
    insert_at: Option<u32>,
) -> (
    tempfile::TempDir,
    sohoa_engine::Engine,
    String,
    Result<sohoa_engine::ScanRecordReport, sohoa_engine::ScanRecordError>,
    Option<String>,
) {
    let (d, engine, officer) = engine_with(Role::Officer);
    let scanner = sane_test_scanner(d.path(), 50);
    let id = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 2);
    let never = AtomicBool::new(false);
    let mut theirs = None;
    let (mut dev, settings) =
        sohoa_engine::open_scanner(engine.data_dir(), None, scanner, "cmnd-form", Some(1)).unwrap();
    let result = engine.acting(&officer).scan_into_record_at(
        &id,
        insert_at,
        dev.as_mut(),
        &settings,
        None,
        &never,
        |_| {
            if theirs.is_none() {
                theirs = Some(other_adds_a_page(d.path(), &id));
            }
        },
    );
    drop(dev);
    (d, engine, id, result, theirs)
}

#[test]
fn a_scan_placed_at_a_position_is_kept_for_later_when_the_record_changed_during_the_scan() {
    let (d, engine, id, result, theirs) = scan_while_another_writes(Some(0));
    let err = result.unwrap_err();
    assert_eq!(err.code(), "store.version_conflict", "{err}");
    let theirs = theirs.expect("a page was scanned");
    let (version, files) = current(d.path(), &id);
    assert_eq!((version, files.len()), (Some(2), 3));
    assert!(files.contains(&theirs));

    // The sheet is not lost: it is offered back, and attaching it appends to what is current.
    let unfinished = engine.unfinished_scans().unwrap();
    assert_eq!(unfinished.len(), 1);
    let report = engine.attach_unfinished_scan(&unfinished[0].id, None).unwrap();
    assert_eq!(report.added.len(), 1);
    let (version, files) = current(d.path(), &id);
    assert_eq!((version, files.len()), (Some(3), 4));
    assert!(files.contains(&theirs));
}

#[test]
fn an_appending_scan_keeps_a_page_committed_during_the_scan() {
    let (d, _engine, id, result, theirs) = scan_while_another_writes(None);
    let report = result.unwrap_or_else(|err| panic!("{} {}", err.code(), err.message_vi()));
    assert_eq!(report.import.unwrap().version, 3);
    let (_, files) = current(d.path(), &id);
    assert_eq!(files.len(), 4);
    assert!(files.contains(&theirs.unwrap()));
}

#[test]
fn a_page_edit_of_the_version_on_screen_is_refused_once_another_was_committed() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let id = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 3);
    let on_screen = e.record_detail(&id).unwrap().summary.current_version;
    let theirs = other_adds_a_page(d.path(), &id);
    let before = current(d.path(), &id);

    // The officer drops page 3 of the three on screen: without the version, the other writer's page 4
    // would go with it.
    let edit: sohoa_engine::PageEdit =
        serde_json::from_value(serde_json::json!({"order": [1, 2], "version": on_screen})).unwrap();
    let err = e.edit_pages(&id, &edit).unwrap_err();
    assert_eq!(err.code(), "store.version_conflict", "{err}");
    assert_eq!(current(d.path(), &id), before);

    // Reloaded, the officer sees four pages and keeps the other writer's.
    let on_screen = e.record_detail(&id).unwrap().summary.current_version;
    let edit: sohoa_engine::PageEdit =
        serde_json::from_value(serde_json::json!({"order": [1, 2, 4], "version": on_screen})).unwrap();
    e.edit_pages(&id, &edit).unwrap();
    let (_, files) = current(d.path(), &id);
    assert_eq!(files.len(), 3);
    assert!(files.contains(&theirs));
}

/// The real SANE device, with the other writer committing right after the device hands over its first
/// page: the point where the rescan has read the version and holds the new sheet.
struct CommitsAfterFirstPage {
    inner: Box<dyn Device>,
    dir: std::path::PathBuf,
    id: String,
    theirs: Option<String>,
}

struct HookedStream<'a> {
    inner: Box<dyn PageStream + 'a>,
    dir: &'a std::path::Path,
    id: &'a str,
    theirs: &'a mut Option<String>,
}

impl Device for CommitsAfterFirstPage {
    fn info(&self) -> &DeviceInfo {
        self.inner.info()
    }
    fn capabilities(&mut self) -> Result<Capabilities, ScanError> {
        self.inner.capabilities()
    }
    fn set_option(&mut self, name: &str, value: OptionValue) -> Result<SetOutcome, ScanError> {
        self.inner.set_option(name, value)
    }
    fn scan(&mut self, settings: &ScanSettings) -> Result<Box<dyn PageStream + '_>, ScanError> {
        let CommitsAfterFirstPage {
            inner,
            dir,
            id,
            theirs,
        } = self;
        Ok(Box::new(HookedStream {
            inner: inner.scan(settings)?,
            dir,
            id,
            theirs,
        }))
    }
}

impl PageStream for HookedStream<'_> {
    fn next_page(&mut self) -> Option<Result<Page, ScanError>> {
        let page = self.inner.next_page();
        if matches!(page, Some(Ok(_))) && self.theirs.is_none() {
            *self.theirs = Some(other_adds_a_page(self.dir, self.id));
        }
        page
    }
    fn cancel(&mut self) {
        self.inner.cancel();
    }
}

#[test]
fn a_page_rescan_is_not_stored_over_a_version_committed_during_the_scan() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let scanner = sane_test_scanner(d.path(), 50);
    let e = engine.acting(&officer);
    let id = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 2);
    let (dev, settings) =
        sohoa_engine::open_scanner(engine.data_dir(), None, scanner, "cmnd-form", None).unwrap();
    let mut dev = CommitsAfterFirstPage {
        inner: dev,
        dir: d.path().to_path_buf(),
        id: id.clone(),
        theirs: None,
    };
    let never = AtomicBool::new(false);
    let err = e
        .rescan_page(
            PageToRescan {
                record: &id,
                ordinal: 2,
                seen: None,
            },
            &mut dev,
            &settings,
            Some("cmnd-form"),
            &never,
        )
        .unwrap_err();
    assert_eq!(err.code(), "store.version_conflict", "{err}");
    let theirs = dev.theirs.clone().expect("a sheet was scanned");
    let (version, files) = current(d.path(), &id);
    assert_eq!(
        (version, files.len()),
        (Some(2), 3),
        "only the other writer's version"
    );
    assert!(files.contains(&theirs));
    // The rescanned sheet is kept, offered back like any interrupted scan.
    assert_eq!(engine.unfinished_scans().unwrap().len(), 1);
}
