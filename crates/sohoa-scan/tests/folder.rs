#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod separate_support;

use std::fs;
use std::io::Write;
use std::time::{Duration, Instant};

use image::ImageFormat;
use separate_support::folder::*;
use sohoa_scan::folder::{FolderConfig, HotFolder, ImportFailure, WatchMode, kind_of};

/// A watched folder and a store beside it (not inside: the store is not a document).
fn setup() -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("in");
    fs::create_dir(&dir).unwrap();
    let store = Store::new(&root.path().join("store"));
    (root, dir, store)
}

#[test]
fn notification_is_used_when_available_and_polling_on_request() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        HotFolder::open(config(dir.path(), WatchMode::Auto))
            .unwrap()
            .mode(),
        WatchMode::Auto
    );
    let dir2 = tempfile::tempdir().unwrap();
    let first = HotFolder::open(config(dir2.path(), WatchMode::Poll)).unwrap();
    assert_eq!(first.mode(), WatchMode::Poll);
    // One watcher per folder: a second workstation (or app instance) is refused.
    let err = HotFolder::open(config(dir2.path(), WatchMode::Poll))
        .err()
        .unwrap();
    assert_eq!(err.code(), "scan.folder_busy");
    drop(first);
    HotFolder::open(config(dir2.path(), WatchMode::Poll)).unwrap();
}

/// Writes `bytes` in chunks with pauses shorter than the settle interval; returns when the last byte went out.
fn slow_write(path: std::path::PathBuf, bytes: Vec<u8>) -> std::thread::JoinHandle<Instant> {
    std::thread::spawn(move || {
        let mut f = fs::File::create(&path).unwrap();
        let mut last = Instant::now();
        for chunk in bytes.chunks(bytes.len() / 8 + 1) {
            std::thread::sleep(Duration::from_millis(120));
            f.write_all(chunk).unwrap();
            f.flush().unwrap();
            last = Instant::now();
        }
        last
    })
}

#[test]
fn slowly_written_files_are_taken_only_when_complete() {
    for mode in [WatchMode::Auto, WatchMode::Poll] {
        let (_root, dir, store) = setup();
        let mut folder = HotFolder::open(config(dir.as_path(), mode)).unwrap();
        // TIFF has no trailer to check: only the size/mtime settle rule protects it.
        let tiff = image_bytes(1, ImageFormat::Tiff);
        let png = image_bytes(2, ImageFormat::Png);
        let w1 = slow_write(dir.as_path().join("a.tif"), tiff.clone());
        let w2 = slow_write(dir.as_path().join("b.png"), png.clone());
        let mut taken: Vec<(String, Vec<u8>, Instant)> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while taken.len() < 2 {
            assert!(Instant::now() < deadline, "{mode:?}: timed out");
            folder
                .process(|c| {
                    taken.push((c.name.clone(), fs::read(&c.path).unwrap(), Instant::now()));
                    store.import(c, Duration::ZERO)
                })
                .unwrap();
            folder.wait();
        }
        let (end1, end2) = (w1.join().unwrap(), w2.join().unwrap());
        taken.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(taken[0].0, "a.tif");
        assert_eq!(taken[0].1, tiff, "{mode:?}: the TIFF was taken whole");
        // Settle is 300 ms: nothing is taken sooner after its last write.
        assert!(
            taken[0].2 >= end1 + Duration::from_millis(290),
            "{mode:?}: taken before it settled"
        );
        assert_eq!(taken[1].1, png);
        assert!(taken[1].2 >= end2 + Duration::from_millis(290));
        assert_eq!(names_in(&dir.join(".done")).len(), 2);
        assert!(names_in(dir.as_path()).is_empty());
    }
}

#[test]
fn temp_names_are_ignored_and_a_file_renamed_in_is_taken() {
    let (_root, dir, store) = setup();
    let mut folder = HotFolder::open(config(dir.as_path(), WatchMode::Auto)).unwrap();
    let png = image_bytes(3, ImageFormat::Png);
    for name in [
        "scan.png.part",
        "~scan.png",
        "scan.png~",
        "scan.tmp",
        ".scan.png",
        "notes.txt",
        "x.png.crdownload",
    ] {
        fs::write(dir.as_path().join(name), &png).unwrap();
    }
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_millis(900) {
        let s = folder.process(|c| store.import(c, Duration::ZERO)).unwrap();
        assert_eq!(s.imported, 0);
        folder.wait();
    }
    assert!(store.imports().is_empty());
    // The writer finishes by renaming its temp file: taken under the final name.
    fs::rename(
        dir.as_path().join("scan.png.part"),
        dir.as_path().join("scan.png"),
    )
    .unwrap();
    run_until(&mut folder, &store, Duration::from_secs(10), |s| {
        s.imports().len() == 1
    });
    assert_eq!(store.imports()[0].1, "scan.png");
    let left = names_in(dir.as_path());
    assert_eq!(
        left,
        vec![
            "notes.txt",
            "scan.png~",
            "scan.tmp",
            "x.png.crdownload",
            "~scan.png"
        ]
    );
    assert_eq!(
        kind_of("SCAN.JPEG").map(|k| format!("{k:?}")),
        Some("Jpeg".to_owned())
    );
}

#[test]
fn bad_files_go_to_failed_and_transient_failures_stay_claimed() {
    let (_root, dir, _store) = setup();
    let mut folder = HotFolder::open(config(dir.as_path(), WatchMode::Poll)).unwrap();
    let mut bad = b"\x89PNG\r\n\x1a\n garbage garbage".to_vec();
    bad.extend_from_slice(&[0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]);
    fs::write(dir.as_path().join("bad.png"), bad).unwrap();
    fs::write(dir.as_path().join("good.png"), image_bytes(4, ImageFormat::Png)).unwrap();
    let mut transient_once = true;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut done = 0;
    while done < 2 {
        assert!(Instant::now() < deadline);
        let s = folder
            .process(|c| {
                if c.name == "good.png" && transient_once {
                    transient_once = false;
                    return Err(ImportFailure::Transient("store busy".into()));
                }
                image::open(&c.path)
                    .map(|_| ())
                    .map_err(|e| ImportFailure::Rejected(e.to_string()))
            })
            .unwrap();
        done += s.imported + s.rejected;
        folder.wait();
    }
    assert_eq!(names_in(&dir.join(".failed")).len(), 1);
    assert!(names_in(&dir.join(".failed"))[0].ends_with("--bad.png"));
    assert!(names_in(&dir.join(".done"))[0].ends_with("--good.png"));
}

#[test]
fn restart_reoffers_unfinished_claims_and_flags_retries() {
    let (_root, dir, store) = setup();
    for i in 0..3 {
        fs::write(
            dir.as_path().join(format!("p{i}.png")),
            image_bytes(i, ImageFormat::Png),
        )
        .unwrap();
    }
    let cfg = config(dir.as_path(), WatchMode::Poll);
    {
        let mut folder = HotFolder::open(cfg.clone()).unwrap();
        let mut claims = Vec::new();
        while claims.len() < 3 {
            claims.extend(folder.poll().unwrap());
            folder.wait();
        }
        claims.sort_by(|a, b| a.name.cmp(&b.name));
        // p0: imported and committed. p1: the store committed, then the app died before the journal line.
        // p2: claimed, import never started.
        folder.begin(&claims[0]).unwrap();
        store.import(&claims[0], Duration::ZERO).unwrap();
        folder.commit(&claims[0]).unwrap();
        folder.begin(&claims[1]).unwrap();
        store.import(&claims[1], Duration::ZERO).unwrap();
        // dropped here: the "crash"
    }
    let mut folder = HotFolder::open(cfg).unwrap();
    let mut rec = folder.recover().unwrap();
    rec.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(
        rec.iter().map(|c| (c.name.as_str(), c.retry)).collect::<Vec<_>>(),
        vec![("p1.png", true), ("p2.png", false)]
    );
    let s = folder.process(|c| store.import(c, Duration::ZERO)).unwrap();
    assert_eq!((s.recovered, s.imported), (2, 2));
    let mut names: Vec<String> = store.imports().into_iter().map(|(_, n)| n).collect();
    names.sort();
    assert_eq!(
        names,
        vec!["p0.png", "p1.png", "p2.png"],
        "each imported exactly once"
    );
    assert_eq!(names_in(&dir.join(".done")).len(), 3);
    assert!(names_in(&dir.join(".claimed").join(STATION)).is_empty());
}

/// Child process of `kill_during_import_loses_nothing_and_imports_nothing_twice`: imports slowly until killed.
#[test]
#[ignore = "run as a child process by kill_during_import_loses_nothing_and_imports_nothing_twice"]
fn child_importer() {
    let Ok(folder_dir) = std::env::var("SOHOA_TEST_FOLDER") else {
        return;
    };
    let store = Store::new(std::path::Path::new(&std::env::var("SOHOA_TEST_STORE").unwrap()));
    let mut folder = HotFolder::open(config(std::path::Path::new(&folder_dir), WatchMode::Auto)).unwrap();
    // Normally killed within seconds; the deadline only keeps an orphan from living on if the parent fails.
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        folder
            .process(|c| store.import(c, Duration::from_millis(250)))
            .unwrap();
        folder.wait();
    }
}

#[test]
fn kill_during_import_loses_nothing_and_imports_nothing_twice() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("in");
    fs::create_dir(&dir).unwrap();
    let store = Store::new(&root.path().join("store"));
    let n = 8u8;
    for i in 0..n {
        fs::write(dir.join(format!("f{i}.png")), image_bytes(i, ImageFormat::Png)).unwrap();
    }
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "child_importer", "--nocapture"])
        .env("SOHOA_TEST_FOLDER", &dir)
        .env("SOHOA_TEST_STORE", &store.dir)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it mid-import: after a few files, while one has begun and is not committed.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(Instant::now() < deadline, "child made no progress");
        if store.imports().len() >= 3 && store.begun() > store.imports().len() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let imported_before = store.imports().len();
    assert!(imported_before < n as usize, "the child finished before the kill");
    assert!(
        !names_in(&dir.join(".claimed").join(STATION)).is_empty(),
        "a file was mid-import"
    );

    // Restart.
    let mut folder = HotFolder::open(config(&dir, WatchMode::Auto)).unwrap();
    let mut recovered = 0;
    let deadline = Instant::now() + Duration::from_secs(20);
    while names_in(&dir.join(".done")).len() < n as usize {
        assert!(Instant::now() < deadline, "restart did not finish");
        recovered += folder
            .process(|c| store.import(c, Duration::ZERO))
            .unwrap()
            .recovered;
        folder.wait();
    }
    assert!(recovered >= 1);
    let mut names: Vec<String> = store.imports().into_iter().map(|(_, n)| n).collect();
    names.sort();
    let expected: Vec<String> = (0..n).map(|i| format!("f{i}.png")).collect();
    assert_eq!(names, expected, "nothing lost, nothing imported twice");
    assert!(names_in(&dir).is_empty());
    assert!(names_in(&dir.join(".claimed").join(STATION)).is_empty());
}

#[test]
fn two_stations_share_a_folder_and_recover_only_their_own_claims() {
    let (_root, dir, store) = setup();
    for i in 0..4 {
        fs::write(dir.join(format!("s{i}.png")), image_bytes(i, ImageFormat::Png)).unwrap();
    }
    let station = |name: &str| FolderConfig {
        station: name.to_owned(),
        ..config(&dir, WatchMode::Poll)
    };
    // Both open at once: different stations do not lock each other out.
    let mut a = HotFolder::open(station("desk-a")).unwrap();
    let mut b = HotFolder::open(station("desk-b")).unwrap();
    let (mut got_a, mut got_b) = (Vec::new(), Vec::new());
    let deadline = Instant::now() + Duration::from_secs(10);
    while got_a.len() + got_b.len() < 4 {
        assert!(Instant::now() < deadline);
        got_a.extend(a.poll().unwrap());
        got_b.extend(b.poll().unwrap());
        a.wait();
    }
    // Each file claimed by exactly one desk.
    let mut names: Vec<&str> = got_a.iter().chain(&got_b).map(|c| c.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["s0.png", "s1.png", "s2.png", "s3.png"]);
    // Desk A "crashes" with its claims in flight; desk B restarts meanwhile and must not take them.
    for c in &got_a {
        a.begin(c).unwrap();
    }
    drop(a);
    drop(b);
    let mut b = HotFolder::open(station("desk-b")).unwrap();
    let rb = b.recover().unwrap();
    assert_eq!(rb.len(), got_b.len());
    assert!(rb.iter().all(|c| got_b.iter().any(|g| g.key == c.key)));
    // Desk A comes back and finishes its own.
    let mut a = HotFolder::open(station("desk-a")).unwrap();
    let s = a.process(|c| store.import(c, Duration::ZERO)).unwrap();
    assert_eq!(s.recovered, got_a.len());
    assert!(a.recover().unwrap().is_empty());
    assert_eq!(names_in(&dir.join(".claimed").join("desk-b")).len(), got_b.len());
    assert!(!sohoa_scan::folder::host_name().is_empty());
}

#[test]
fn run_loop_imports_until_stopped() {
    let (_root, dir, store) = setup();
    let mut folder = HotFolder::open(config(&dir, WatchMode::Auto)).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopper = {
        let stop = stop.clone();
        let dir = dir.clone();
        std::thread::spawn(move || {
            fs::write(dir.join("late.png"), image_bytes(7, ImageFormat::Png)).unwrap();
            // Stops in any case after 10 s, so a broken loop fails the test instead of hanging it.
            let deadline = Instant::now() + Duration::from_secs(10);
            while names_in(&dir.join(".done")).is_empty() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        })
    };
    let stats = folder.run(&stop, |c| store.import(c, Duration::ZERO)).unwrap();
    stopper.join().unwrap();
    assert_eq!(stats.imported, 1);
    assert_eq!(store.imports().len(), 1);
}

#[test]
fn an_idle_watched_folder_does_not_spin() {
    // inotify also reports opening the folder, which every rescan does; those must not wake the loop.
    let (_root, dir, store) = setup();
    let cfg = FolderConfig {
        poll_interval: Duration::from_millis(300),
        ..config(&dir, WatchMode::Auto)
    };
    let mut folder = HotFolder::open(cfg).unwrap();
    assert_eq!(folder.mode(), WatchMode::Auto);
    let t0 = Instant::now();
    let mut passes = 0;
    while t0.elapsed() < Duration::from_millis(1500) {
        folder.process(|c| store.import(c, Duration::ZERO)).unwrap();
        folder.wait();
        passes += 1;
    }
    assert!(
        passes <= 8,
        "{passes} passes in 1.5 s with a 300 ms rescan period"
    );
    assert_eq!(folder.mode(), WatchMode::Auto);
}
