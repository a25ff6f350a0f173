//! The blob store: layout, dedup, bad input, full disks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{self, Cursor, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use common::{actor, assert_healthy, files_under, new_record, page};
use sohoa_store::{DiskFullAfter, FaultInjector, Store, StoreError, StoreOptions};

fn tmp_files(data: &Path) -> Vec<String> {
    files_under(&data.join("blobs/tmp"))
}

fn blob_files(data: &Path) -> Vec<String> {
    files_under(&data.join("blobs"))
        .into_iter()
        .filter(|f| !f.starts_with("tmp/"))
        .collect()
}

#[test]
fn blobs_are_content_addressed_read_only_and_deduplicated() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let data = vec![7u8; 3 * 1024 * 1024 + 17];
    let first = store.put_blob(&mut Cursor::new(&data)).unwrap();
    assert!(!first.existed);
    assert_eq!(first.blob.size, data.len() as u64);
    let sha = &first.blob.sha256;
    let path = store.blob_path(sha).unwrap();
    assert_eq!(
        path,
        dir.path()
            .join("blobs")
            .join(&sha[..2])
            .join(&sha[2..4])
            .join(sha)
    );
    assert_eq!(std::fs::read(&path).unwrap(), data);
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o444
    );
    let second = store.put_blob(&mut Cursor::new(&data)).unwrap();
    assert!(second.existed);
    assert_eq!(second.blob, first.blob);
    assert_eq!(blob_files(dir.path()).len(), 1);
    assert!(tmp_files(dir.path()).is_empty());
    assert!(store.has_blob(&first.blob).unwrap());

    let from_path = dir.path().join("input.png");
    std::fs::write(&from_path, b"scan bytes").unwrap();
    let b = store.put_blob_from_path(&from_path).unwrap();
    use sha2::Digest;
    assert_eq!(b.blob.sha256, hex::encode(sha2::Sha256::digest(b"scan bytes")));
    assert_eq!(
        std::fs::read(store.blob_path(&b.blob.sha256).unwrap()).unwrap(),
        b"scan bytes"
    );
}

#[test]
fn blob_paths_only_accept_hex_digests() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for bad in [
        "",
        "../../etc/passwd",
        &"A".repeat(64),
        &"a".repeat(63),
        &"g".repeat(64),
        &format!("../{}", "a".repeat(61)),
        &"a/".repeat(32),
    ] {
        let err = store.blob_path(bad).unwrap_err();
        assert_eq!(err.code(), "store.invalid_input", "{bad:?}");
    }
    let ok = store.blob_path(&"0f".repeat(32)).unwrap();
    assert!(ok.starts_with(dir.path().join("blobs")));
}

/// A reader that fails after some bytes, like a file on a failing disk or a network share that drops.
struct FailingReader {
    left: usize,
}

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::other("bad sector"));
        }
        let n = buf.len().min(self.left);
        buf[..n].fill(1);
        self.left -= n;
        Ok(n)
    }
}

#[test]
fn unreadable_inputs_are_clear_errors_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Store::open(&data).unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();

    let missing = inputs.join("khong-co.png");
    let err = store.put_blob_from_path(&missing).unwrap_err();
    assert!(
        matches!(&err, StoreError::Io { path, .. } if path == &missing),
        "{err:?}"
    );
    assert!(err.to_string().contains("khong-co.png"));

    let err = store.put_blob_from_path(&inputs).unwrap_err();
    assert!(err.to_string().contains("is a directory"), "{err}");

    let fifo = inputs.join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let err = store.put_blob_from_path(&fifo).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");

    // /proc/self/mem opens but every read at offset 0 fails (EIO): a real unreadable file, even for root.
    let err = store.put_blob_from_path(Path::new("/proc/self/mem")).unwrap_err();
    assert_eq!(err.code(), "store.io", "{err:?}");

    let err = store.put_blob(&mut FailingReader { left: 700_000 }).unwrap_err();
    assert_eq!(err.code(), "store.io");
    assert!(err.to_string().contains("bad sector"), "{err}");

    let locked = inputs.join("khoa.png");
    std::fs::write(&locked, b"secret").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&locked).is_ok() {
        println!(
            "skipping the mode-000 variant: running with CAP_DAC_OVERRIDE (root), permissions do not apply"
        );
    } else {
        assert_eq!(store.put_blob_from_path(&locked).unwrap_err().code(), "store.io");
    }

    assert!(tmp_files(&data).is_empty(), "{:?}", tmp_files(&data));
    assert!(blob_files(&data).is_empty(), "{:?}", blob_files(&data));
    assert_healthy(&store);
}

/// Fails one chosen step with the given errno.
struct FailStep {
    step: &'static str,
    errno: i32,
}

impl FaultInjector for FailStep {
    fn before_sync(&self, _: &Path) -> io::Result<()> {
        if self.step == "sync" {
            Err(io::Error::from_raw_os_error(self.errno))
        } else {
            Ok(())
        }
    }
    fn before_rename(&self, _: &Path, _: &Path) -> io::Result<()> {
        if self.step == "rename" {
            Err(io::Error::from_raw_os_error(self.errno))
        } else {
            Ok(())
        }
    }
}

#[test]
fn a_full_disk_mid_blob_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let opts = StoreOptions {
        fault: Some(Arc::new(DiskFullAfter::new(1024 * 1024))),
        ..StoreOptions::default()
    };
    let store = Store::open_with(dir.path(), opts).unwrap();
    let rec = store
        .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ"))
        .unwrap();
    let small = page(&store, &[1u8; 1000], "p1.png");
    store
        .commit_version(&actor(), &rec.id, std::slice::from_ref(&small), "scan")
        .unwrap();
    let audit_before = store.audit_verify().unwrap();
    let files_before = files_under(dir.path());

    let err = store
        .put_blob(&mut Cursor::new(vec![2u8; 2 * 1024 * 1024]))
        .unwrap_err();
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
    assert_eq!(err.code(), "store.disk_full");
    assert!(tmp_files(dir.path()).is_empty());
    assert_eq!(store.audit_verify().unwrap(), audit_before);
    assert_eq!(store.versions(&rec.id).unwrap().len(), 1);
    assert_eq!(
        files_under(dir.path())
            .into_iter()
            .filter(|f| !f.starts_with("sohoa.db"))
            .collect::<Vec<_>>(),
        files_before
            .into_iter()
            .filter(|f| !f.starts_with("sohoa.db"))
            .collect::<Vec<_>>()
    );
    // Smaller content still fits.
    store.put_blob(&mut Cursor::new(vec![3u8; 10_000])).unwrap();
    assert_healthy(&store);
}

#[test]
fn failing_fsync_or_rename_removes_the_temp_file() {
    for (step, errno, code) in [
        ("sync", libc::EIO, "store.io"),
        ("sync", libc::ENOSPC, "store.disk_full"),
        ("rename", libc::EDQUOT, "store.disk_full"),
        ("rename", libc::EACCES, "store.io"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let opts = StoreOptions {
            fault: Some(Arc::new(FailStep { step, errno })),
            ..StoreOptions::default()
        };
        let store = Store::open_with(dir.path(), opts).unwrap();
        let err = store.put_blob(&mut Cursor::new(b"page".to_vec())).unwrap_err();
        assert_eq!(err.code(), code, "{step} {errno}: {err:?}");
        assert!(tmp_files(dir.path()).is_empty(), "{step}");
        assert!(blob_files(dir.path()).is_empty(), "{step}");
    }
}

/// Unmounts the tmpfs even when the test fails.
struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_real_full_tmpfs_gives_disk_full_and_a_consistent_store() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let out = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=512k", "tmpfs"])
        .arg(&mnt)
        .output();
    match out {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            println!(
                "skipping the tmpfs variant: mount refused: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return;
        }
        Err(e) => {
            println!("skipping the tmpfs variant: cannot run mount: {e}");
            return;
        }
    }
    let _mount = Mount(mnt.clone());
    let data = mnt.join("data");
    let store = match Store::open(&data) {
        Ok(s) => s,
        Err(e) => panic!("a fresh store must fit in 512 KiB: {e}"),
    };
    let rec = store
        .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ"))
        .unwrap();
    let err = store
        .put_blob(&mut Cursor::new(vec![9u8; 600 * 1024]))
        .unwrap_err();
    assert_eq!(err.code(), "store.disk_full", "{err:?}");
    assert!(tmp_files(&data).is_empty());
    assert!(blob_files(&data).is_empty());

    // Fill the disk through the database until SQLite reports SQLITE_FULL.
    let mut created = 0;
    let mut db_full = None;
    for i in 0..5000 {
        let mut new = new_record("001099012345", "Người Thứ Nhất", &format!("Hồ sơ số {i}"));
        new.search_text = "chữ ".repeat(200);
        match store.create_record(&actor(), &new) {
            Ok(_) => created += 1,
            Err(e) => {
                db_full = Some(e);
                break;
            }
        }
    }
    let err = db_full.expect("a 256 KiB disk fills up");
    assert_eq!(err.code(), "store.disk_full", "{err:?}");
    let audit = store.audit_verify().unwrap();
    assert!(audit.is_valid(), "{audit:?}");
    assert_eq!(
        audit.entries,
        created + 1,
        "the failed create left no audit entry"
    );
    let integrity = store.integrity_check(false).unwrap();
    assert!(
        integrity.sqlite_errors.is_empty() && integrity.fts_error.is_none(),
        "{integrity:?}"
    );
    assert!(store.get_record(&rec.id).is_ok());
    drop(store);
    // Re-opening the still-full disk works and finds everything committed.
    let store = Store::open(&data).unwrap();
    assert_eq!(store.audit_verify().unwrap().entries, created + 1);
    assert_eq!(
        store.count_records(sohoa_store::TrashFilter::Include).unwrap(),
        created + 1
    );
    assert!(store.integrity_check(true).unwrap().ok);
    println!("tmpfs 256 KiB: {created} more records fitted before SQLITE_FULL");
}
