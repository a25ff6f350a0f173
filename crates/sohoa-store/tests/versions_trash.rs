//! Versions, trash, purge and engine audit events on a real data directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{actor, assert_healthy, new_record, other_actor, page, update_of};
use sohoa_store::{ListFilter, Store, StoreError, TrashFilter};

#[test]
fn versions_are_numbered_immutable_and_keep_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let rec = store
        .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ cư trú"))
        .unwrap();
    let p1 = page(&store, b"page one scan", "trang-1.png");
    let p2 = page(&store, b"page two scan", "trang-2.png");
    let v1 = store
        .commit_version(&actor(), &rec.id, &[p1.clone(), p2.clone()], "scan")
        .unwrap();
    assert_eq!((v1.number, v1.file_count, v1.total_bytes), (1, 2, 26));
    let p2b = page(&store, b"page two, rescanned at 300 dpi", "trang-2.png");
    let v2 = store
        .commit_version(&other_actor(), &rec.id, &[p1.clone(), p2b.clone()], "rescan p2")
        .unwrap();
    assert_eq!(v2.number, 2);
    assert_eq!(v2.actor, "can.bo.tang.thu");

    let row = store.get_record(&rec.id).unwrap();
    assert_eq!((row.current_version, row.page_count), (Some(2), 2));
    let versions = store.versions(&rec.id).unwrap();
    assert_eq!(versions, vec![v1.clone(), v2.clone()]);
    let f1 = store.version_files(&rec.id, 1).unwrap();
    assert_eq!(
        f1.iter().map(|f| f.sha256.as_str()).collect::<Vec<_>>(),
        [&p1.blob.sha256, &p2.blob.sha256]
    );
    assert_eq!(f1[1].ordinal, 2);
    let f2 = store.version_files(&rec.id, 2).unwrap();
    assert_eq!(f2[1].sha256, p2b.blob.sha256);
    assert_eq!(
        store.version_files(&rec.id, 3).unwrap_err().code(),
        "store.not_found"
    );
    // Both versions' blobs stay on disk.
    for f in f1.iter().chain(&f2) {
        assert_eq!(
            std::fs::read(store.blob_path(&f.sha256).unwrap()).unwrap().len() as u64,
            f.size
        );
    }
    let audit = store.audit_entries(Some(&rec.id)).unwrap();
    let commit = audit.iter().find(|e| e.action == "version.commit").unwrap();
    assert_eq!(commit.details["files"][0]["sha256"], p1.blob.sha256.as_str());
    assert!(
        !commit.details.to_string().contains("trang-1"),
        "names are not audited"
    );
    assert_healthy(&store);
}

#[test]
fn bad_versions_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let rec = store
        .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ"))
        .unwrap();
    let good = page(&store, b"content", "p.png");
    let head_before = store.audit_verify().unwrap().head_hash;

    let mut ghost = good.clone();
    ghost.blob.sha256 = "ab".repeat(32);
    let err = store
        .commit_version(&actor(), &rec.id, &[good.clone(), ghost], "x")
        .unwrap_err();
    assert!(matches!(err, StoreError::BlobMissing { .. }), "{err:?}");

    let mut wrong_size = good.clone();
    wrong_size.blob.size += 1;
    assert_eq!(
        store
            .commit_version(&actor(), &rec.id, &[wrong_size], "x")
            .unwrap_err()
            .code(),
        "store.invalid_input"
    );

    for name in [
        "../../etc/passwd",
        "a/b.png",
        "a\\b.png",
        "",
        "..",
        "x\u{0}y",
        "tab\there",
        &"n".repeat(256),
    ] {
        let mut bad = good.clone();
        bad.name = name.to_owned();
        let err = store.commit_version(&actor(), &rec.id, &[bad], "x").unwrap_err();
        assert!(matches!(err, StoreError::InvalidName { .. }), "{name:?}: {err:?}");
    }
    let mut nfd = good.clone();
    nfd.name = "Nguye\u{302}\u{303}n.png".to_owned();
    assert_eq!(
        store
            .commit_version(&actor(), &rec.id, &[nfd], "x")
            .unwrap_err()
            .code(),
        "store.invalid_name"
    );

    let mut traversal = good.clone();
    traversal.blob.sha256 = "../../../../etc/passwd".to_owned();
    assert_eq!(
        store
            .commit_version(&actor(), &rec.id, &[traversal], "x")
            .unwrap_err()
            .code(),
        "store.invalid_input"
    );
    assert_eq!(
        store
            .commit_version(&actor(), &rec.id, &[], "x")
            .unwrap_err()
            .code(),
        "store.invalid_input"
    );

    assert!(store.versions(&rec.id).unwrap().is_empty());
    assert_eq!(store.get_record(&rec.id).unwrap().current_version, None);
    assert_eq!(
        store.audit_verify().unwrap().head_hash,
        head_before,
        "no audit entry for refused commits"
    );
}

#[test]
fn trash_restore_and_purge() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let keep = store
        .create_record(&actor(), &new_record("001099012345", "A", "Giữ"))
        .unwrap();
    let gone = store
        .create_record(&actor(), &new_record("001099012346", "B", "Xoá"))
        .unwrap();
    let shared = page(&store, b"shared page", "chung.png");
    let own = page(&store, b"only in the purged record", "rieng.png");
    store
        .commit_version(&actor(), &keep.id, std::slice::from_ref(&shared), "scan")
        .unwrap();
    store
        .commit_version(&actor(), &gone.id, &[shared.clone(), own.clone()], "scan")
        .unwrap();

    assert_eq!(
        store.purge(&actor(), &gone.id).unwrap_err().code(),
        "store.not_in_trash"
    );
    assert_eq!(
        store.restore(&actor(), &gone.id).unwrap_err().code(),
        "store.not_in_trash"
    );
    let t = store.trash(&actor(), &gone.id, "trùng hồ sơ").unwrap();
    assert!(t.trashed_at.is_some());
    assert_eq!(t.trash_reason.as_deref(), Some("trùng hồ sơ"));
    assert_eq!(
        store.trash(&actor(), &gone.id, "again").unwrap_err().code(),
        "store.in_trash"
    );
    let upd = update_of(&new_record("001099012346", "B", "Sửa"));
    assert!(matches!(
        store.update_record(&actor(), &gone.id, &upd, None),
        Err(StoreError::InTrash { .. })
    ));
    assert_eq!(
        store
            .commit_version(&actor(), &gone.id, std::slice::from_ref(&own), "x")
            .unwrap_err()
            .code(),
        "store.in_trash"
    );

    let r = store.restore(&actor(), &gone.id).unwrap();
    assert_eq!((r.trashed_at, r.trash_reason), (None, None));
    store.trash(&actor(), &gone.id, "thật sự xoá").unwrap();
    let report = store.purge(&actor(), &gone.id).unwrap();
    assert_eq!(report.versions_removed, 1);
    assert_eq!(report.blobs_removed, 1, "{report:?}");
    assert_eq!(report.bytes_freed, own.blob.size);
    assert_eq!(report.blobs_deferred, 0);
    assert!(!store.blob_path(&own.blob.sha256).unwrap().exists());
    assert!(
        store.blob_path(&shared.blob.sha256).unwrap().exists(),
        "still used by another record"
    );
    assert!(matches!(
        store.get_record(&gone.id),
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        store
            .search(
                "Xoá",
                &ListFilter {
                    trash: TrashFilter::Include,
                    ..ListFilter::default()
                }
            )
            .unwrap()
            .is_empty()
    );
    let actions: Vec<String> = store
        .audit_entries(Some(&gone.id))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "record.create",
            "version.commit",
            "record.trash",
            "record.restore",
            "record.trash",
            "record.purge"
        ]
    );
    assert_healthy(&store);
}

#[test]
fn purge_leaves_blobs_to_a_live_concurrent_process_and_startup_collects_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let rec = store
        .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ"))
        .unwrap();
    let p = page(&store, b"page", "p.png");
    store
        .commit_version(&actor(), &rec.id, std::slice::from_ref(&p), "scan")
        .unwrap();
    store.trash(&actor(), &rec.id, "x").unwrap();

    let other = Store::open(dir.path()).unwrap();
    assert!(other.last_reconcile().cleanup_skipped, "the first handle is live");
    let report = store.purge(&actor(), &rec.id).unwrap();
    assert_eq!((report.blobs_removed, report.blobs_deferred), (0, 1));
    assert!(store.blob_path(&p.blob.sha256).unwrap().exists());
    drop(other);
    drop(store);

    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.last_reconcile().orphan_blobs_removed, 1);
    assert!(!store.blob_path(&p.blob.sha256).unwrap().exists());
    assert_healthy(&store);
}

#[test]
fn purge_trash_older_than_respects_the_cutoff() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = store
        .create_record(&actor(), &new_record("001099012345", "A", "Một"))
        .unwrap();
    let b = store
        .create_record(&actor(), &new_record("001099012346", "B", "Hai"))
        .unwrap();
    let c = store
        .create_record(&actor(), &new_record("001099012347", "C", "Ba"))
        .unwrap();
    store.trash(&actor(), &a.id, "x").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let cutoff = chrono::Utc::now().fixed_offset();
    std::thread::sleep(std::time::Duration::from_millis(20));
    store.trash(&actor(), &b.id, "y").unwrap();
    let reports = store.purge_trash_older_than(&actor(), cutoff).unwrap();
    assert_eq!(
        reports.iter().map(|r| r.record_id.clone()).collect::<Vec<_>>(),
        [a.id.as_str()]
    );
    assert!(store.get_record(&b.id).unwrap().trashed_at.is_some());
    assert!(store.get_record(&c.id).unwrap().trashed_at.is_none());
}

#[test]
fn engine_events_join_the_chain_and_bad_actors_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let rec = store
        .create_record(&actor(), &new_record("001099012345", "A", "Một"))
        .unwrap();
    let e = store
        .audit_append(
            &actor(),
            "export",
            Some(&rec.id),
            &serde_json::json!({"format": "pdf/a-2b"}),
        )
        .unwrap();
    assert_eq!(e.seq, 2);
    assert_eq!(e.prev_hash, store.audit_entries(None).unwrap()[0].hash);
    let nobody = sohoa_store::Actor {
        user: " ".to_owned(),
        workstation: "w".to_owned(),
    };
    assert_eq!(
        store
            .create_record(&nobody, &new_record("1", "A", "x"))
            .unwrap_err()
            .code(),
        "store.invalid_input"
    );
    assert_eq!(
        store
            .audit_append(&actor(), "", None, &serde_json::json!({}))
            .unwrap_err()
            .code(),
        "store.invalid_input"
    );
    let report = store.audit_verify().unwrap();
    assert_eq!((report.entries, report.head_hash), (2, e.hash));
}
