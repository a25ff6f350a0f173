//! Backups of a live store and their restoration: consistency under concurrent writes and purges,
//! refusal of damaged backups, and the target directory left alone when anything is wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{actor, assert_healthy, files_under, new_record, page};
use sohoa_store::{BackupError, ListFilter, RestoreOptions, Store, TrashFilter, restore};

fn filled_store(dir: &Path, n: usize) -> Store {
    let store = Store::open(dir).unwrap();
    for i in 0..n {
        let rec = store
            .create_record(
                &actor(),
                &new_record("001203000123", "Nguyễn Văn A", &format!("Giấy tờ {i}")),
            )
            .unwrap();
        let files = [
            page(&store, format!("page one of {i}").as_bytes(), "trang-1.png"),
            page(&store, format!("page two of {i}").as_bytes(), "trang-2.png"),
        ];
        store.commit_version(&actor(), &rec.id, &files, "quét").unwrap();
    }
    store
}

fn writable(path: &Path) {
    let mut p = fs::metadata(path).unwrap().permissions();
    p.set_mode(0o644);
    fs::set_permissions(path, p).unwrap();
}

#[test]
fn round_trip_restores_every_record_and_passes_the_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let store = filled_store(&tmp.path().join("live"), 4);
    let out = tmp.path().join("backup-1");
    let report = store.backup(&out, "test").unwrap();
    assert_eq!(report.manifest.counts.records, 4);
    assert_eq!(report.manifest.counts.versions, 4);
    assert_eq!(report.manifest.counts.blobs, 8);
    assert!(out.join("manifest.json").is_file());
    // No staging directory is left next to the backup.
    let names: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");

    let target = tmp.path().join("restored");
    let restored = restore(&out, &target, RestoreOptions::default()).unwrap();
    assert!(restored.ok && restored.integrity.ok && restored.audit.is_valid());
    let copy = Store::open(&target).unwrap();
    assert_healthy(&copy);
    assert_eq!(copy.count_records(TrashFilter::Include).unwrap(), 4);
    assert_eq!(
        copy.audit_verify().unwrap().head_hash,
        store.audit_verify().unwrap().head_hash
    );
    // An existing backup is never overwritten.
    let again = store.backup(&out, "test").unwrap_err();
    assert_eq!(again.code(), "backup.exists");
}

/// Writer threads import and purge on the same store while backups are taken; every backup restores to a
/// healthy store holding at least every record committed before it started. Purges exercise the pin: a
/// blob purged after the snapshot must still be copied.
#[test]
fn backups_during_imports_and_purges_restore_to_healthy_stores() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Arc::new(filled_store(&tmp.path().join("live"), 2));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, stop) = (Arc::clone(&store), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut i = 0u32;
            while !stop.load(Ordering::SeqCst) {
                let rec = store
                    .create_record(
                        &actor(),
                        &new_record("001203000123", "Trần Thị B", &format!("Hồ sơ {i}")),
                    )
                    .unwrap();
                let big = vec![i as u8; 64 * 1024 + i as usize];
                let files = [page(&store, &big, "trang.png")];
                store.commit_version(&actor(), &rec.id, &files, "nhập").unwrap();
                if i % 2 == 1 {
                    store.trash(&actor(), &rec.id, "thử xóa").unwrap();
                    store.purge(&actor(), &rec.id).unwrap();
                }
                i += 1;
            }
            i
        })
    };
    for n in 0..6 {
        let before = all_ids(&store);
        let out = tmp.path().join(format!("b{n}"));
        let report = store.backup(&out, "test").unwrap();
        let target = tmp.path().join(format!("r{n}"));
        let restored = restore(&out, &target, RestoreOptions::default()).unwrap();
        assert!(restored.ok);
        let copy = Store::open(&target).unwrap();
        assert_healthy(&copy);
        assert_eq!(
            copy.count_records(TrashFilter::Include).unwrap(),
            report.manifest.counts.records
        );
        // Every record that existed before the backup started is in it, unless purged since.
        let live_now = all_ids(&store);
        for id in &before {
            assert!(
                copy.get_record(id).is_ok() || !live_now.contains(id),
                "record {id} committed before the backup is missing from it"
            );
        }
    }
    stop.store(true, Ordering::SeqCst);
    let written = writer.join().unwrap();
    assert!(written > 0, "the writer never ran");
    // Blobs purged while a backup pinned them are left as orphans; the next clean-up pass removes them.
    store.reconcile().unwrap();
    assert_healthy(&store);
}

fn all_ids(store: &Store) -> Vec<String> {
    let filter = ListFilter {
        trash: TrashFilter::Include,
        limit: 100_000,
        ..ListFilter::default()
    };
    store
        .list_records(&filter)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn backup_of_three(tmp: &Path) -> std::path::PathBuf {
    let store = filled_store(&tmp.join("live"), 3);
    let out = tmp.join("backup");
    store.backup(&out, "test").unwrap();
    out
}

fn refused(backup: &Path, target: &Path) -> BackupError {
    let err = restore(backup, target, RestoreOptions::default()).unwrap_err();
    assert!(
        !target.exists(),
        "the target was created although the restore failed"
    );
    let leftovers: Vec<_> = fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restoring"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    err
}

#[test]
fn a_flipped_byte_in_a_blob_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = backup_of_three(tmp.path());
    let blob = files_under(&out)
        .into_iter()
        .find(|f| f.starts_with("blobs/"))
        .unwrap();
    let path = out.join(blob);
    writable(&path);
    let mut bytes = fs::read(&path).unwrap();
    bytes[3] ^= 0x20;
    fs::write(&path, bytes).unwrap();
    let err = refused(&out, &tmp.path().join("t"));
    assert_eq!(err.code(), "restore.backup_corrupt");
    assert!(err.to_string().contains("altered"), "{err}");
}

#[test]
fn a_missing_blob_and_a_truncated_database_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = backup_of_three(tmp.path());
    let blob = files_under(&out)
        .into_iter()
        .find(|f| f.starts_with("blobs/"))
        .unwrap();
    fs::remove_file(out.join(&blob)).unwrap();
    let err = refused(&out, &tmp.path().join("t1"));
    assert_eq!(err.code(), "restore.backup_corrupt");
    assert!(err.to_string().contains("missing"), "{err}");

    let tmp2 = tempfile::tempdir().unwrap();
    let out = backup_of_three(tmp2.path());
    let db = out.join("sohoa.db");
    writable(&db);
    let len = fs::metadata(&db).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&db)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let err = refused(&out, &tmp2.path().join("t2"));
    assert_eq!(err.code(), "restore.backup_corrupt");
    assert!(err.to_string().contains("truncated"), "{err}");

    fs::remove_file(out.join("manifest.json")).unwrap();
    assert_eq!(
        refused(&out, &tmp2.path().join("t3")).code(),
        "restore.not_a_backup"
    );
}

#[test]
fn a_non_empty_target_is_refused_and_force_moves_it_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let out = backup_of_three(tmp.path());
    let target = tmp.path().join("desk");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("ghi-chu.txt"), "dữ liệu cũ").unwrap();
    let err = restore(&out, &target, RestoreOptions::default()).unwrap_err();
    assert_eq!(err.code(), "restore.target_not_empty");
    assert_eq!(files_under(&target), vec!["ghi-chu.txt"]);

    let report = restore(&out, &target, RestoreOptions { force: true }).unwrap();
    let aside = report.moved_aside.unwrap();
    assert_eq!(
        fs::read_to_string(aside.join("ghi-chu.txt")).unwrap(),
        "dữ liệu cũ"
    );
    assert_healthy(&Store::open(&target).unwrap());

    // A target some process has open is not moved from under it.
    let live = Store::open(&target).unwrap();
    let err = restore(&out, &target, RestoreOptions { force: true }).unwrap_err();
    assert_eq!(err.code(), "restore.target_busy");
    drop(live);
}
