//! `sohoa backup` / `sohoa restore` through the real binary: a backup taken while other `sohoa import`
//! processes keep writing restores to a store that passes `audit verify --deep`; damaged backups, busy or
//! non-empty targets, a full disk and a read-only target are refused with their exit codes.
//!
//! The full-disk and read-only cases mount small tmpfs file systems (real ENOSPC / EROFS from the kernel);
//! that needs root, which the CI containers have. Without root those two cases say so and do nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

fn run(data: &Path, args: &[&str]) -> Output {
    support::sohoa(data, args).output().unwrap()
}

fn json_ok(data: &Path, args: &[&str]) -> Value {
    support::json(args, |a| run(data, a))
}

/// A valid PNG (1×1) whose tEXt chunk makes it `extra` bytes larger and its content unique per `seed`.
fn png(seed: u32, extra: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x3a, 0x7e, 0x9b, 0x55,
    ]);
    let mut text = format!("k\0{seed}").into_bytes();
    text.resize(text.len() + extra, b'x');
    v.extend_from_slice(&(text.len() as u32).to_be_bytes());
    v.extend_from_slice(b"tEXt");
    v.extend_from_slice(&text);
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(&[
        0, 0, 0, 10, b'I', b'D', b'A', b'T', 0x78, 0x9c, 0x63, 0xf8, 0x0f, 0, 1, 1, 1, 0, 0x1b, 0xb6, 0xee,
        0x56,
    ]);
    v.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]);
    v
}

fn new_record(data: &Path) -> String {
    let v = json_ok(data, support::NEW_RESULT_RECORD);
    v["id"].as_str().unwrap().to_owned()
}

fn import(data: &Path, dir: &Path, record: &str, seed: u32, extra: usize) -> Output {
    let file = dir.join(format!("trang-{seed}.png"));
    std::fs::write(&file, png(seed, extra)).unwrap();
    run(
        data,
        &["import", file.to_str().unwrap(), "--record", record, "--json"],
    )
}

fn version_count(data: &Path, record: &str) -> usize {
    let detail = json_ok(data, &["record", "show", record]);
    detail["versions"].as_array().unwrap().len()
}

#[test]
fn a_backup_during_active_imports_restores_to_a_verified_store() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let records: Vec<String> = (0..2).map(|_| new_record(&data)).collect();
    let done = Arc::new(Mutex::new(vec![0usize; records.len()]));
    let stop = Arc::new(AtomicBool::new(false));
    let importers: Vec<_> = records
        .iter()
        .enumerate()
        .map(|(k, id)| {
            let (data, dir, id) = (data.clone(), tmp.path().to_path_buf(), id.clone());
            let (done, stop) = (Arc::clone(&done), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut seed = (k as u32) * 100_000;
                while !stop.load(Ordering::SeqCst) {
                    let out = import(&data, &dir, &id, seed, 200_000);
                    assert!(
                        out.status.success(),
                        "import: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    done.lock().unwrap()[k] += 1;
                    seed += 1;
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    while done.lock().unwrap().iter().any(|&n| n < 2) {
        assert!(Instant::now() < deadline, "imports do not progress");
        std::thread::sleep(Duration::from_millis(50));
    }
    let committed_before: Vec<usize> = done.lock().unwrap().clone();
    let out = tmp.path().join("sao-luu");
    let report = json_ok(&data, &["backup", "--out", out.to_str().unwrap()]);
    let during: Vec<usize> = done.lock().unwrap().clone();
    stop.store(true, Ordering::SeqCst);
    for t in importers {
        t.join().unwrap();
    }
    assert_eq!(report["ok"], true);
    assert!(out.join("manifest.json").is_file());
    eprintln!("imports before the backup {committed_before:?}, when it finished {during:?}");

    let restored = tmp.path().join("restored");
    let r = json_ok(&restored, &["restore", "--from", out.to_str().unwrap()]);
    assert_eq!(r["ok"], true);
    assert_eq!(r["integrity"]["ok"], true);
    let verify = json_ok(&restored, &["audit", "verify", "--deep"]);
    assert_eq!(verify["ok"], true, "{verify}");
    for (k, id) in records.iter().enumerate() {
        let n = version_count(&restored, id);
        assert!(
            n >= committed_before[k],
            "record {k}: {n} versions restored, {} were committed before the backup",
            committed_before[k]
        );
        assert!(
            n <= during[k] + 1,
            "record {k}: more versions than were ever written"
        );
    }
    // The live store is unaffected.
    let live = json_ok(&data, &["audit", "verify", "--deep"]);
    assert_eq!(live["ok"], true);
}

fn small_backup(tmp: &Path) -> (PathBuf, PathBuf) {
    let data = tmp.join("data");
    let id = new_record(&data);
    for seed in 0..3 {
        assert!(import(&data, tmp, &id, seed, 1000).status.success());
    }
    let out = tmp.join("backup");
    json_ok(&data, &["backup", "--out", out.to_str().unwrap()]);
    (data, out)
}

fn code_of(out: &Output) -> String {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["error"]["code"].as_str().unwrap().to_owned()
}

#[test]
fn damaged_backups_and_occupied_targets_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = small_backup(tmp.path());
    let from = out.to_str().unwrap();

    // Non-empty target without --force: exit 5, nothing changed.
    let before = json_ok(&data, &["audit", "verify"]);
    let r = run(&data, &["restore", "--from", from, "--json"]);
    assert_eq!(r.status.code(), Some(5), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(code_of(&r), "restore.target_not_empty");
    assert_eq!(json_ok(&data, &["audit", "verify"]), before);

    // A flipped byte in the database snapshot: exit 7, target not created.
    let db = out.join("sohoa.db");
    std::fs::set_permissions(&db, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let mut bytes = std::fs::read(&db).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&db, &bytes).unwrap();
    let target = tmp.path().join("new-desk");
    let r = run(&target, &["restore", "--from", from, "--json"]);
    assert_eq!(r.status.code(), Some(7));
    assert_eq!(code_of(&r), "restore.backup_corrupt");
    assert!(String::from_utf8_lossy(&r.stderr).contains("bị hỏng"));
    assert!(!target.exists());

    // Not a backup at all: exit 3.
    let r = run(
        &target,
        &["restore", "--from", tmp.path().to_str().unwrap(), "--json"],
    );
    assert_eq!(r.status.code(), Some(3));
    assert_eq!(code_of(&r), "restore.not_a_backup");
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A tmpfs mounted for one test, unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: PathBuf, options: &str) -> Tmpfs {
        std::fs::create_dir_all(&at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(&at)
            .status()
            .unwrap()
            .success();
        assert!(ok, "mount tmpfs at {}", at.display());
        Tmpfs(at)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_or_read_only_target_fails_with_exit_6_and_leaves_the_store_alone() {
    if !is_root() {
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = new_record(&data);
    for seed in 0..4 {
        assert!(import(&data, tmp.path(), &id, seed, 300_000).status.success());
    }
    let before = json_ok(&data, &["audit", "verify", "--deep"]);

    let small = Tmpfs::mount(tmp.path().join("usb"), "size=512k");
    let out = small.0.join("sao-luu");
    let r = run(&data, &["backup", "--out", out.to_str().unwrap(), "--json"]);
    assert_eq!(r.status.code(), Some(6), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(code_of(&r), "backup.disk_full");
    assert!(String::from_utf8_lossy(&r.stderr).contains("Ổ đĩa đầy"));
    let left: Vec<_> = std::fs::read_dir(&small.0).unwrap().collect();
    assert!(left.is_empty(), "partial backup left behind: {left:?}");

    let ro = Tmpfs::mount(tmp.path().join("ro"), "size=1m,ro");
    let r = run(
        &data,
        &["backup", "--out", ro.0.join("x").to_str().unwrap(), "--json"],
    );
    assert_eq!(r.status.code(), Some(6));
    assert_eq!(code_of(&r), "backup.io");

    assert_eq!(json_ok(&data, &["audit", "verify", "--deep"]), before);
}
