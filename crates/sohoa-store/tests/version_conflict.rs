//! Compare-and-set commits and trash: a page list derived from a version that is no longer current is
//! refused, typed, and leaves the store exactly as the other writer left it. Two `Store` handles on one
//! data directory play the app and the CLI beside it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{actor, assert_healthy, new_record, other_actor, page};
use sohoa_store::{Store, StoreError, VersionPlan};

/// What a refused write must not change: versions, the current version's files, the trash flag, the audit
/// log's length and head.
fn state(store: &Store, id: &str) -> (Vec<u32>, Vec<String>, bool, u64, String) {
    let row = store.get_record(id).unwrap();
    let versions = store.versions(id).unwrap().iter().map(|v| v.number).collect();
    let files = match row.current_version {
        Some(v) => store
            .version_files(id, v)
            .unwrap()
            .into_iter()
            .map(|f| f.sha256)
            .collect(),
        None => Vec::new(),
    };
    let audit = store.audit_verify().unwrap();
    (
        versions,
        files,
        row.trashed_at.is_some(),
        audit.entries,
        audit.head_hash,
    )
}

/// The app and the CLI: two handles on one fresh data directory, with one record of title `title`.
fn app_and_cli(title: &str) -> (tempfile::TempDir, Store, Store, sohoa_store::RecordRow) {
    let dir = tempfile::tempdir().unwrap();
    let app = Store::open(dir.path()).unwrap();
    let cli = Store::open(dir.path()).unwrap();
    let rec = app
        .create_record(&actor(), &new_record("001099012345", "A", title))
        .unwrap();
    (dir, app, cli, rec)
}

#[test]
fn a_commit_made_on_a_stale_version_is_refused_and_changes_nothing() {
    let (_dir, app, cli, rec) = app_and_cli("Hồ sơ cư trú");
    let p1 = page(&app, b"page one", "trang-1.png");
    let v1 = app
        .commit_version_if(&actor(), &rec.id, None, std::slice::from_ref(&p1), "scan")
        .unwrap();
    assert_eq!(v1.number, 1);

    // The app reads version 1; the CLI adds a page meanwhile.
    let p2 = page(&cli, b"page two from the CLI", "trang-2.png");
    cli.commit_version_if(
        &other_actor(),
        &rec.id,
        Some(1),
        &[p1.clone(), p2.clone()],
        "import",
    )
    .unwrap();
    let before = state(&app, &rec.id);
    assert_eq!(before.0, [1, 2]);

    // The app's edit of version 1 (a turned page 1) would drop the CLI's page 2.
    let turned = page(&app, b"page one, turned", "trang-1.png");
    let err = app
        .commit_version_if(&actor(), &rec.id, Some(1), &[turned], "turn")
        .unwrap_err();
    match &err {
        StoreError::VersionConflict {
            record,
            expected,
            found,
        } => assert_eq!(
            (record.as_str(), *expected, *found),
            (rec.id.as_str(), Some(1), Some(2))
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), "store.version_conflict");
    assert_eq!(state(&app, &rec.id), before);
    assert_eq!(state(&cli, &rec.id), before);
    assert_healthy(&app);

    // Expecting "no version yet" on a record that has one is the same conflict.
    let err = app
        .commit_version_if(&actor(), &rec.id, None, std::slice::from_ref(&p1), "first scan")
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::VersionConflict {
                expected: None,
                found: Some(2),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(state(&app, &rec.id), before);

    // Made on the current version, the same edit goes through.
    let turned = page(&app, b"page one, turned again", "trang-1.png");
    let v3 = app
        .commit_version_if(&actor(), &rec.id, Some(2), &[turned, p2], "turn")
        .unwrap();
    assert_eq!(v3.number, 3);
    assert_healthy(&app);
}

#[test]
fn a_first_commit_expecting_no_version_loses_to_one_that_came_first() {
    let (_dir, app, cli, rec) = app_and_cli("Hồ sơ");
    let theirs = page(&cli, b"the CLI's scan", "trang-1.png");
    cli.commit_version_if(&other_actor(), &rec.id, None, &[theirs], "scan")
        .unwrap();
    let before = state(&app, &rec.id);
    let mine = page(&app, b"the app's scan", "trang-1.png");
    let err = app
        .commit_version_if(&actor(), &rec.id, None, &[mine], "scan")
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::VersionConflict {
                expected: None,
                found: Some(1),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(state(&app, &rec.id), before);
    assert_healthy(&app);
}

#[test]
fn a_merge_refuses_a_source_that_moved_on_and_trashes_one_that_did_not() {
    let (_dir, app, cli, rec) = app_and_cli("Hồ sơ");
    let p1 = page(&app, b"page one", "trang-1.png");
    app.commit_version(&actor(), &rec.id, std::slice::from_ref(&p1), "scan")
        .unwrap();
    let p2 = page(&cli, b"page two", "trang-2.png");
    cli.commit_version_if(&other_actor(), &rec.id, Some(1), &[p1.clone(), p2], "import")
        .unwrap();
    let target = app
        .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ nhận"))
        .unwrap();
    let before = state(&app, &rec.id);
    // The source's version 1 copied into the target, which takes it only with the source binned.
    let merge = |source_expected| {
        app.merge_into(
            &actor(),
            &VersionPlan {
                record_id: &target.id,
                expected_current: app.get_record(&target.id).unwrap().current_version,
                files: std::slice::from_ref(&p1),
                reason: "gộp",
            },
            &rec.id,
            source_expected,
            "gộp vào hồ sơ khác",
        )
    };

    let err = merge(Some(1)).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::VersionConflict {
                expected: Some(1),
                found: Some(2),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(state(&app, &rec.id), before);

    merge(Some(2)).unwrap();
    let row = app.get_record(&rec.id).unwrap();
    assert!(row.trashed_at.is_some());
    assert_healthy(&app);
}
