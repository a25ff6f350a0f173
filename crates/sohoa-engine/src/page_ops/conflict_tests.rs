//! Lost updates refused: a second `Store` handle on the same data directory (the CLI beside the app)
//! commits between an operation's read and its commit. The operations read and commit within one call,
//! so the tests enter through the crate-internal seams that take the state as it was read; the real
//! store decides.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use sohoa_store::{Actor, RecordRow, Store, VersionFile};

use crate::records::Placement;
use crate::{Engine, EngineConfig, EngineError, ErrorClass, NewRecordRequest, PageEdit};

fn residence() -> NewRecordRequest {
    NewRecordRequest {
        kind: "residence".to_owned(),
        owner_id: Some("036090004567".to_owned()),
        doc_type_code: Some("CT01".to_owned()),
        fields: vec![
            ("household_head".to_owned(), "Phạm Đức Thắng".to_owned()),
            (
                "address".to_owned(),
                "Số 12 đường Lê Lợi, phường Bến Thành".to_owned(),
            ),
        ],
    }
}

fn cli() -> Actor {
    Actor {
        user: "dong.lenh".to_owned(),
        workstation: "ws-2".to_owned(),
    }
}

/// `n` distinct PNG pages called page-0001.png… in a fresh folder.
fn page_files(dir: &Path, tag: u8, n: u8) -> Vec<PathBuf> {
    let folder = dir.join(format!("pages-{tag}"));
    std::fs::create_dir_all(&folder).unwrap();
    (1..=n)
        .map(|i| {
            let path = folder.join(format!("page-{i:04}.png"));
            image::RgbImage::from_pixel(24, 32, image::Rgb([tag, i, 200]))
                .save(&path)
                .unwrap();
            path
        })
        .collect()
}

struct Desk {
    dir: tempfile::TempDir,
    engine: Engine,
    /// The other writer.
    other: Store,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(EngineConfig::with_data_dir(dir.path().join("data"))).unwrap();
        let other = Store::open(&dir.path().join("data")).unwrap();
        Desk { dir, engine, other }
    }

    fn record(&self, tag: u8, pages: u8) -> String {
        let id = self.engine.create_record(&residence()).unwrap().summary.id;
        self.engine
            .import_files(&id, &page_files(self.dir.path(), tag, pages))
            .unwrap();
        id
    }

    fn row(&self, id: &str) -> RecordRow {
        self.engine.store.get_record(id).unwrap()
    }

    /// The other writer appends a page of its own to the current version, as a careful writer does.
    fn other_adds_a_page(&self, id: &str) -> String {
        let row = self.other.get_record(id).unwrap();
        let mut files: Vec<VersionFile> = match row.current_version {
            Some(v) => self
                .other
                .version_files(id, v)
                .unwrap()
                .iter()
                .map(crate::pages::keep)
                .collect(),
            None => Vec::new(),
        };
        let png = &page_files(self.dir.path(), 99, 1)[0];
        let stored = self.other.put_blob_from_path(png).unwrap();
        let sha = stored.blob.sha256.clone();
        files.push(VersionFile {
            blob: stored.blob,
            name: "tu-dong-lenh.png".to_owned(),
            media_type: "image/png".to_owned(),
        });
        self.other
            .commit_version_if(&cli(), id, row.current_version, &files, "nhập từ dòng lệnh")
            .unwrap();
        sha
    }

    /// Version numbers and the current version's hashes, the trash flag.
    fn state(&self, id: &str) -> (Vec<u32>, Vec<String>, bool) {
        let store = &self.engine.store;
        let row = store.get_record(id).unwrap();
        let versions = store.versions(id).unwrap().iter().map(|v| v.number).collect();
        let files = row.current_version.map_or_else(Vec::new, |v| {
            store
                .version_files(id, v)
                .unwrap()
                .into_iter()
                .map(|f| f.sha256)
                .collect()
        });
        (versions, files, row.trashed_at.is_some())
    }

    /// Records live and in the trash: a refused split must leave no half-made record in either.
    fn all_records(&self) -> usize {
        let filter = sohoa_store::ListFilter {
            trash: sohoa_store::TrashFilter::Include,
            kind: None,
            owner_id: None,
            limit: 0,
            offset: 0,
        };
        self.engine.store.list_records(&filter).unwrap().len()
    }

    fn actor(&self) -> Actor {
        self.engine.config.actor.clone()
    }
}

fn assert_version_conflict(err: &EngineError, expected: Option<u32>, found: Option<u32>) {
    assert_eq!(err.code(), "store.version_conflict", "{err}");
    assert_eq!(err.class(), ErrorClass::Conflict);
    assert!(err.message_vi().contains("tải lại"), "{}", err.message_vi());
    match err {
        EngineError::Store(sohoa_store::StoreError::VersionConflict {
            expected: e,
            found: f,
            ..
        }) => assert_eq!((*e, *f), (expected, found)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_page_edit_made_on_a_version_another_writer_replaced_is_refused() {
    let desk = Desk::new();
    let id = desk.record(1, 3);
    let read = desk.row(&id).current_version.unwrap();
    let theirs = desk.other_adds_a_page(&id);
    let before = desk.state(&id);

    // Delete page 3 and turn page 1, as the officer saw version `read`.
    let edit = PageEdit {
        order: vec![1, 2],
        turns: vec![(1, 1)],
        version: None,
    };
    let err = desk
        .engine
        .edit_pages_of(&desk.actor(), &id, read, &edit)
        .unwrap_err();
    assert_version_conflict(&err, Some(read), Some(read + 1));
    assert_eq!(desk.state(&id), before);
    assert!(desk.state(&id).1.contains(&theirs));

    // The same edit on the current version keeps the other writer's page (now page 4).
    let edit = PageEdit {
        order: vec![1, 2, 4],
        turns: vec![(1, 1)],
        version: None,
    };
    let done = desk.engine.edit_pages_by(&desk.actor(), &id, &edit).unwrap();
    assert_eq!(done, read + 2);
    assert!(desk.state(&id).1.contains(&theirs));
    assert!(desk.engine.store.audit_verify().unwrap().is_valid());
}

#[test]
fn a_split_of_a_stale_source_is_refused_and_makes_no_record() {
    let desk = Desk::new();
    let id = desk.record(1, 4);
    let read = desk.row(&id);
    let theirs = desk.other_adds_a_page(&id);
    let before = desk.state(&id);
    let records = desk.all_records();
    let audit = desk.engine.store.audit_verify().unwrap().entries;

    let err = desk
        .engine
        .split_record_of(&desk.actor(), read.clone(), 2)
        .unwrap_err();
    assert_version_conflict(&err, read.current_version, read.current_version.map(|v| v + 1));
    assert_eq!(desk.state(&id), before, "the source keeps every page");
    assert!(before.1.contains(&theirs));
    assert_eq!(
        desk.all_records(),
        records,
        "no half-made record, not even in the trash"
    );
    assert_eq!(
        desk.engine.store.audit_verify().unwrap().entries,
        audit,
        "nothing audited"
    );

    // Read afresh, the split goes through and the other writer's page leaves with the last ones.
    let report = desk.engine.split_record_by(&desk.actor(), &id, 2, None).unwrap();
    assert_eq!(report.moved, 3);
    assert!(desk.state(&report.new_id).1.contains(&theirs));
    assert!(desk.engine.store.audit_verify().unwrap().is_valid());
}

#[test]
fn a_merge_into_a_stale_target_writes_nothing() {
    let desk = Desk::new();
    let target = desk.record(1, 2);
    let source = desk.record(2, 2);
    let (t, s) = (desk.row(&target), desk.row(&source));
    desk.other_adds_a_page(&target);
    let (t_before, s_before) = (desk.state(&target), desk.state(&source));

    let err = desk
        .engine
        .merge_records_of(&desk.actor(), t.clone(), s)
        .unwrap_err();
    assert_version_conflict(&err, t.current_version, t.current_version.map(|v| v + 1));
    assert_eq!(desk.state(&target), t_before);
    assert_eq!(desk.state(&source), s_before);
}

#[test]
fn a_merge_of_a_stale_source_writes_nothing_and_keeps_the_source_live() {
    let desk = Desk::new();
    let target = desk.record(1, 2);
    let source = desk.record(2, 2);
    let (t, s) = (desk.row(&target), desk.row(&source));
    let theirs = desk.other_adds_a_page(&source);
    let (t_before, s_before) = (desk.state(&target), desk.state(&source));

    let err = desk
        .engine
        .merge_records_of(&desk.actor(), t, s.clone())
        .unwrap_err();
    assert_version_conflict(&err, s.current_version, s.current_version.map(|v| v + 1));
    assert_eq!(
        desk.state(&source),
        s_before,
        "the source is live with its new page"
    );
    assert!(s_before.1.contains(&theirs));
    assert_eq!(
        desk.state(&target),
        t_before,
        "the target's history has no merge and no undo"
    );

    // Read afresh, the merge takes the other writer's page too.
    let report = desk
        .engine
        .merge_records_by(&desk.actor(), &target, &source, None)
        .unwrap();
    assert_eq!(report.moved, 3);
    assert!(desk.state(&target).1.contains(&theirs));
    assert!(desk.state(&source).2);
    assert!(desk.engine.store.audit_verify().unwrap().is_valid());
}

#[test]
fn pages_placed_at_a_position_of_a_replaced_version_are_refused_appended_ones_are_not() {
    let desk = Desk::new();
    let id = desk.record(1, 2);
    let read = desk.row(&id).current_version;
    let theirs = desk.other_adds_a_page(&id);
    let before = desk.state(&id);
    let new = page_files(desk.dir.path(), 3, 1);

    let at_start = Placement {
        at: Some(0),
        of: read,
    };
    let err = desk
        .engine
        .import_files_at_by(&desk.actor(), &id, &new, Some(at_start))
        .unwrap_err();
    assert_version_conflict(&err, read, read.map(|v| v + 1));
    assert_eq!(desk.state(&id), before);

    // Appending takes whatever is current: the other writer's page stays.
    let report = desk
        .engine
        .import_files_at_by(&desk.actor(), &id, &new, None)
        .unwrap();
    let (_, files, _) = desk.state(&id);
    assert_eq!(report.version, read.unwrap() + 2);
    assert_eq!(files.len(), 4);
    assert!(files.contains(&theirs));
}
