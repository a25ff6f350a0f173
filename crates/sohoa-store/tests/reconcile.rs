//! Reconciliation of blob files against rows, cross-process locking, and the integrity check.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Cursor;
use std::os::unix::fs::PermissionsExt;

use common::{actor, assert_healthy, new_record, page};
use sohoa_store::{Store, StoreError, StoreOptions, VersionFile};

#[test]
fn startup_removes_temps_and_orphans_and_reports_missing_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let (rec_id, kept, lost) = {
        let store = Store::open(dir.path()).unwrap();
        let rec = store
            .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ"))
            .unwrap();
        let kept = page(&store, b"kept page", "1.png");
        let lost = page(&store, b"page whose file disappears", "2.png");
        store
            .commit_version(&actor(), &rec.id, &[kept.clone(), lost.clone()], "scan")
            .unwrap();
        // A blob stored but never committed (crash between rename and row): an orphan.
        page(&store, b"orphan", "3.png");
        (rec.id, kept, lost)
    };
    std::fs::write(dir.path().join("blobs/tmp/0193-crashed.tmp"), b"half a page").unwrap();
    std::fs::remove_file(
        dir.path()
            .join("blobs")
            .join(&lost.blob.sha256[..2])
            .join(&lost.blob.sha256[2..4])
            .join(&lost.blob.sha256),
    )
    .unwrap();
    std::fs::write(dir.path().join("blobs/README.txt"), b"not a blob").unwrap();

    let store = Store::open(dir.path()).unwrap();
    let r = store.last_reconcile().clone();
    assert_eq!(
        (r.temp_removed, r.orphan_blobs_removed, r.cleanup_skipped),
        (1, 1, false),
        "{r:?}"
    );
    assert_eq!(r.missing_blobs.len(), 1);
    assert_eq!(r.missing_blobs[0].sha256, lost.blob.sha256);
    assert_eq!(r.missing_blobs[0].record_id, rec_id);
    assert_eq!(r.missing_blobs[0].version, 1);
    assert!(store.blob_path(&kept.blob.sha256).unwrap().exists());
    assert!(
        dir.path().join("blobs/README.txt").exists(),
        "unknown files are never deleted"
    );
    // The version row is kept (never silently dropped); the integrity check agrees with reconciliation.
    assert_eq!(store.version_files(&rec_id, 1).unwrap().len(), 2);
    let integrity = store.integrity_check(false).unwrap();
    assert!(!integrity.ok);
    assert_eq!(integrity.missing_blobs, r.missing_blobs);
    assert!(integrity.orphan_blobs.is_empty());
    assert_eq!(integrity.unexpected_files.len(), 1);
    // Re-storing the content heals it.
    store
        .put_blob(&mut Cursor::new(b"page whose file disappears".to_vec()))
        .unwrap();
    assert!(store.reconcile().unwrap().missing_blobs.is_empty());
}

#[test]
fn a_live_process_keeps_its_temps_and_uncommitted_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(dir.path()).unwrap();
    let rec = a
        .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ"))
        .unwrap();
    let uncommitted = page(&a, b"stored, not yet committed", "1.png");
    // A's own reconcile (exclusive: nobody else is open) spares what A is about to commit.
    let r = a.reconcile().unwrap();
    assert_eq!((r.orphan_blobs_removed, r.cleanup_skipped), (0, false));
    let in_flight = dir.path().join("blobs/tmp/another-writer.tmp");
    std::fs::write(&in_flight, b"being written").unwrap();

    // B opens while A is live: it must not touch A's files.
    let b = Store::open(dir.path()).unwrap();
    assert!(b.last_reconcile().cleanup_skipped);
    assert!(in_flight.exists());
    assert!(b.reconcile().unwrap().cleanup_skipped);
    assert!(a.reconcile().unwrap().cleanup_skipped, "A sees B");
    assert!(a.blob_path(&uncommitted.blob.sha256).unwrap().exists());
    a.commit_version(&actor(), &rec.id, &[uncommitted], "scan")
        .unwrap();
    // B still works normally.
    b.create_record(&actor(), &new_record("001099012346", "B", "Hai"))
        .unwrap();
    drop(b);
    let r = a.reconcile().unwrap();
    assert_eq!((r.temp_removed, r.cleanup_skipped), (1, false));
    assert_healthy(&a);
}

#[test]
fn a_held_gate_makes_open_fail_clearly_after_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let gate = std::fs::File::options()
        .read(true)
        .write(true)
        .open(dir.path().join(".lock.gate"))
        .unwrap();
    gate.lock().unwrap();
    let opts = StoreOptions {
        lock_timeout: std::time::Duration::from_millis(200),
        ..StoreOptions::default()
    };
    let err = Store::open_with(dir.path(), opts).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
    gate.unlock().unwrap();
    Store::open(dir.path()).unwrap();
}

#[test]
fn integrity_check_finds_damaged_blobs_and_index_drift() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let rec = store
        .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ"))
        .unwrap();
    let a = page(&store, b"aaaaaaaa", "1.png");
    let b = page(&store, b"bbbbbbbb", "2.png");
    store
        .commit_version(&actor(), &rec.id, &[a.clone(), b.clone()], "scan")
        .unwrap();
    assert_healthy(&store);

    let write = |v: &VersionFile, bytes: &[u8]| {
        let p = store.blob_path(&v.blob.sha256).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::write(&p, bytes).unwrap();
    };
    write(&a, b"aaaa");
    write(&b, b"bbbbbbbB");
    let shallow = store.integrity_check(false).unwrap();
    assert_eq!(shallow.damaged_blobs.len(), 1, "size only: {shallow:?}");
    assert_eq!(shallow.damaged_blobs[0].sha256, a.blob.sha256);
    let deep = store.integrity_check(true).unwrap();
    assert_eq!(deep.damaged_blobs.len(), 2, "{deep:?}");
    assert!(!deep.ok);

    let raw = rusqlite::Connection::open(dir.path().join("sohoa.db")).unwrap();
    raw.execute("DELETE FROM records_fts", []).unwrap();
    let report = store.integrity_check(false).unwrap();
    assert!(
        report.fts_error.as_deref().unwrap_or("").contains("not indexed"),
        "{report:?}"
    );
}
