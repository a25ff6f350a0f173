//! Scanned pages placed at a position: from the real SANE `test` backend (in-process; the app runs it in
//! its worker as the demo scanner), each scan lands before the given page as ONE new version, the other
//! pages keep their words, and a position past the end is refused before a sheet is pulled.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::AtomicBool;

mod page_ops_support;
mod support;

use page_ops_support::{PageSeen, add_words_and_signature, current_pages, record_with_pages, shas};
use sohoa_engine::Role;
use support::{engine_with, residence, sane_test_scanner};

#[test]
fn scanned_pages_land_at_the_start_in_the_middle_and_at_the_end_as_one_version_each() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let scanner = sane_test_scanner(d.path(), 100);
    let e = engine.acting(&officer);
    let id = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 2);
    add_words_and_signature(d.path(), &id);
    let (imported, _) = current_pages(d.path(), &id);
    let never = AtomicBool::new(false);
    let scan_at = |at: Option<u32>, dpi: u32, sheets: u32| {
        let versions = e.record_detail(&id).unwrap().versions.len();
        let (mut dev, mut settings) =
            sohoa_engine::open_scanner(engine.data_dir(), None, scanner, "cmnd-form", Some(sheets)).unwrap();
        settings.dpi = dpi;
        let report = e
            .scan_into_record_at(&id, at, dev.as_mut(), &settings, None, &never, |_| {})
            .unwrap_or_else(|err| panic!("{} {}", err.code(), err.message_vi()));
        assert_eq!(report.pages, sheets as usize);
        let detail = e.record_detail(&id).unwrap();
        assert_eq!(detail.versions.len(), versions + 1, "one version per scan");
        let import = report.import.unwrap();
        assert_eq!(import.added.len(), sheets as usize);
        assert!(import.added.iter().all(|f| f.media_type.starts_with("image/")));
        current_pages(d.path(), &id)
    };

    // At the start: before page 1.
    let (pages, signed) = scan_at(Some(0), 50, 1);
    assert!(!signed, "a new page makes the signed copy stale");
    let first = pages[0].sha256.clone();
    assert!(!shas(&imported).contains(&first));
    assert_eq!(shas(&pages[1..]), shas(&imported));
    assert_eq!(pages[1..], imported[..], "the imported pages keep their words");
    assert_eq!(pages[0].words_of, None);

    // In the middle: two sheets between the two imported pages (now at positions 1 and 2).
    let (pages, _) = scan_at(Some(2), 60, 2);
    assert_eq!(pages.len(), 5);
    assert_eq!(pages[0].sha256, first);
    assert_eq!(pages[1], imported[0]);
    assert_eq!(pages[4], imported[1]);
    let middle = shas(&pages[2..4]);
    assert!(middle.iter().all(|s| !shas(&imported).contains(s) && *s != first));

    // At the end: the page count is a valid position, and so is no position (append).
    let (pages, _) = scan_at(Some(5), 70, 1);
    assert_eq!(pages.len(), 6);
    assert_eq!(shas(&pages[..5]), {
        let mut s = vec![first.clone(), imported[0].sha256.clone()];
        s.extend(middle.clone());
        s.push(imported[1].sha256.clone());
        s
    });
    let last = pages[5].clone();
    let (pages, _) = scan_at(None, 80, 1);
    assert_eq!(pages.len(), 7);
    assert_eq!(pages[5], last);
    assert_eq!(
        pages
            .iter()
            .filter(|p| p.words_of.is_some())
            .cloned()
            .collect::<Vec<PageSeen>>(),
        imported
    );
}

#[test]
fn a_position_past_the_end_is_refused_before_a_sheet_is_pulled() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let scanner = sane_test_scanner(d.path(), 100);
    let e = engine.acting(&officer);
    let id = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 2);
    let (mut dev, settings) =
        sohoa_engine::open_scanner(engine.data_dir(), None, scanner, "cmnd-form", Some(1)).unwrap();
    let mut pulled = 0;
    let err = e
        .scan_into_record_at(
            &id,
            Some(3),
            dev.as_mut(),
            &settings,
            None,
            &AtomicBool::new(false),
            |_| pulled += 1,
        )
        .unwrap_err();
    assert_eq!(err.code(), "pages.insert_position");
    assert!(err.message_vi().contains("vượt quá"), "{}", err.message_vi());
    assert_eq!(pulled, 0);
    assert_eq!(e.record_detail(&id).unwrap().versions.len(), 1);
    assert!(
        engine.unfinished_scans().unwrap().is_empty(),
        "no spool left behind"
    );
    let boss = support::add_account(&engine, "truong", Role::Supervisor);
    let err = engine
        .acting(&boss)
        .scan_into_record_at(
            &id,
            Some(0),
            dev.as_mut(),
            &settings,
            None,
            &AtomicBool::new(false),
            |_| {},
        )
        .unwrap_err();
    assert_eq!(err.code(), "auth.forbidden");
}
