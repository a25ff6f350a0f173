//! Power cuts and full disks at the desk, seen through the real `sohoa import` process.
//!
//! The store has its own SIGKILL loop on its API; this one kills the command an archivist actually runs, at
//! random points, and checks after each kill what the next start of the app would see.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use rand::Rng;
use serde_json::Value;

fn sohoa(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn json(data: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = sohoa(data, &all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A PDF-shaped file of `size` bytes with a unique body: large enough that the kill often lands mid-write.
fn fake_pdf(dir: &Path, n: usize, size: usize) -> PathBuf {
    let mut bytes = format!("%PDF-1.7\n% sohoa crash test {n}\n").into_bytes();
    let mut rng = rand::rng();
    while bytes.len() < size {
        bytes.push(rng.random());
    }
    bytes.extend_from_slice(b"\n%%EOF\n");
    let path = dir.join(format!("scan-{n}.pdf"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn new_record(data: &Path) -> String {
    let v = json(data, support::NEW_RESULT_RECORD);
    v["id"].as_str().unwrap().to_owned()
}

#[test]
fn killing_sohoa_import_at_random_points_never_corrupts_the_store() {
    // Kills that land while the import is still running; rounds where it finished first do not count.
    const KILLS: usize = 50;
    const MAX_ROUNDS: usize = 200;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let files = tmp.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let record = new_record(&data);
    let mut rng = rand::rng();
    // Time one whole import so the kills spread over the real duration of one on this machine.
    let probe: Vec<PathBuf> = (0..3).map(|i| fake_pdf(&files, 10_000 + i, 800_000)).collect();
    let started = std::time::Instant::now();
    let mut args = vec!["import"];
    args.extend(probe.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--record", record.as_str()]);
    json(&data, &args);
    let full_ms = (started.elapsed().as_millis() as u64).max(4);
    let mut killed_mid_run = 0;
    let mut last_versions = 1;
    let mut round = 0;
    while killed_mid_run < KILLS && round < MAX_ROUNDS {
        round += 1;
        let batch: Vec<PathBuf> = (0..3)
            .map(|i| fake_pdf(&files, round * 3 + i, rng.random_range(50_000..1_500_000)))
            .collect();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sohoa"));
        cmd.arg("--data-dir")
            .arg(&data)
            .arg("import")
            .args(&batch)
            .args(["--record", &record]);
        let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(1..full_ms * 5 / 4)));
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();

        // What the next start sees: a consistent store, audit chain intact, no orphan, no missing file.
        let verify = json(&data, &["audit", "verify", "--deep"]);
        assert_eq!(verify["ok"], true, "round {round}: {verify}");
        let integrity = &verify["integrity"];
        assert!(
            integrity["orphan_blobs"].as_array().unwrap().is_empty(),
            "round {round}: {integrity}"
        );
        assert!(
            integrity["missing_blobs"].as_array().unwrap().is_empty(),
            "round {round}: {integrity}"
        );
        // Versions only ever grow, and each one is whole: 3 files more than the one before.
        let detail = json(&data, &["record", "show", &record]);
        let versions = detail["versions"].as_array().unwrap();
        assert!(
            versions.len() >= last_versions,
            "round {round}: a version disappeared"
        );
        for (i, v) in versions.iter().enumerate() {
            assert_eq!(
                v["files"].as_array().unwrap().len(),
                3 * (i + 1),
                "round {round}: version {} is partial",
                i + 1
            );
        }
        last_versions = versions.len();
        for f in &batch {
            std::fs::remove_file(f).unwrap();
        }
    }
    println!(
        "{KILLS} kills of `sohoa import` ({killed_mid_run} while still running; one import takes {full_ms} ms), \
         {last_versions} whole versions committed"
    );
    assert!(
        killed_mid_run >= KILLS / 2,
        "most kills must land mid-import to mean anything: {killed_mid_run}"
    );
}

/// A real full disk: the data directory on a tiny tmpfs. Needs root (mount); skipped with a reason otherwise.
#[test]
fn full_disk_gives_a_clear_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("tiny");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&mnt)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        println!(
            "SKIPPED: cannot mount a tmpfs here (not root?); the store's fault-injected writer covers ENOSPC"
        );
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(&mnt);
    let data = mnt.join("data");
    let record = new_record(&data);
    let big = fake_pdf(tmp.path(), 1, 2_000_000);
    let out = sohoa(&data, &["import", big.to_str().unwrap(), "--record", &record]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("store.disk_full"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let verify = json(&data, &["audit", "verify", "--deep"]);
    assert_eq!(verify["ok"], true, "{verify}");
    assert_eq!(
        verify["integrity"]["temp_files"], 0,
        "no temp file left: {verify}"
    );
    let detail = json(&data, &["record", "show", &record]);
    assert!(detail["versions"].as_array().unwrap().is_empty());
    // After freeing space (a smaller file), work goes on.
    let small = fake_pdf(tmp.path(), 2, 20_000);
    json(&data, &["import", small.to_str().unwrap(), "--record", &record]);
}
