//! Long operations that read a version, work for a while, then commit: another writer (a second `Store`
//! on the same data directory, as the CLI beside the app) commits while they work, from the operation's
//! own progress callback, so the interleaving is fixed, not timed. OCR and a scan placed at a position are
//! refused with `store.version_conflict` and the other writer's page survives; a scan that appends takes
//! whatever is current. Real Tesseract, the real SANE `test` backend, real store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::AtomicBool;

mod page_ops_support;
mod support;

use page_ops_support::{page_files, record_with_pages};
use sohoa_engine::Role;
use sohoa_store::{Actor, Store, VersionFile};
use support::{engine_with, residence, sane_test_scanner};

/// The other writer appends one page to the current version; returns its hash.
fn other_adds_a_page(dir: &std::path::Path, id: &str) -> String {
    let store = Store::open(dir).unwrap();
    let row = store.get_record(id).unwrap();
    let mut files: Vec<VersionFile> = store
        .version_files(id, row.current_version.unwrap())
        .unwrap()
        .into_iter()
        .map(|f| VersionFile {
            blob: sohoa_store::BlobRef {
                sha256: f.sha256,
                size: f.size,
            },
            name: f.name,
            media_type: f.media_type,
        })
        .collect();
    let png = &page_files(dir, 99, 1)[0];
    let stored = store.put_blob_from_path(png).unwrap();
    let sha = stored.blob.sha256.clone();
    files.push(VersionFile {
        blob: stored.blob,
        name: "tu-dong-lenh.png".to_owned(),
        media_type: "image/png".to_owned(),
    });
    let actor = Actor {
        user: "dong.lenh".to_owned(),
        workstation: "ws-2".to_owned(),
    };
    store
        .commit_version_if(&actor, id, row.current_version, &files, "nhập từ dòng lệnh")
        .unwrap();
    sha
}

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

#[test]
fn a_scan_placed_at_a_position_is_kept_for_later_when_the_record_changed_during_the_scan() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let scanner = sane_test_scanner(d.path(), 50);
    let e = engine.acting(&officer);
    let id = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 2);
    let never = AtomicBool::new(false);
    let mut theirs = None;
    let (mut dev, settings) =
        sohoa_engine::open_scanner(engine.data_dir(), None, scanner, "cmnd-form", Some(1)).unwrap();
    let err = e
        .scan_into_record_at(&id, Some(0), dev.as_mut(), &settings, None, &never, |_| {
            if theirs.is_none() {
                theirs = Some(other_adds_a_page(d.path(), &id));
            }
        })
        .unwrap_err();
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
    let (d, engine, officer) = engine_with(Role::Officer);
    let scanner = sane_test_scanner(d.path(), 50);
    let e = engine.acting(&officer);
    let id = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 2);
    let never = AtomicBool::new(false);
    let mut theirs = None;
    let (mut dev, settings) =
        sohoa_engine::open_scanner(engine.data_dir(), None, scanner, "cmnd-form", Some(1)).unwrap();
    let report = e
        .scan_into_record_at(&id, None, dev.as_mut(), &settings, None, &never, |_| {
            if theirs.is_none() {
                theirs = Some(other_adds_a_page(d.path(), &id));
            }
        })
        .unwrap_or_else(|err| panic!("{} {}", err.code(), err.message_vi()));
    assert_eq!(report.import.unwrap().version, 3);
    let (_, files) = current(d.path(), &id);
    assert_eq!(files.len(), 4);
    assert!(files.contains(&theirs.unwrap()));
}
