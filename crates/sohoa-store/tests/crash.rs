//! Crash safety: a child process imports files into one data directory and is SIGKILLed at a random
//! moment, over and over; after every kill the parent re-opens the store and checks it.
//!
//! The child is this very test binary, re-executed with `child_importer --exact --nocapture --ignored`
//! and the data directory in `SOHOA_CRASH_DATA_DIR`. `child_importer` is `#[ignore]`d so normal runs skip
//! it, and without the variable it returns at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{actor, new_record, update_of};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use sohoa_store::{ListFilter, Store, TrashFilter, VersionFile};

const ENV_DATA: &str = "SOHOA_CRASH_DATA_DIR";
const ENV_SCRATCH: &str = "SOHOA_CRASH_SCRATCH_DIR";
const ENV_SEED: &str = "SOHOA_CRASH_SEED";
const MIN_KILLS: u32 = 50;
const MAX_PAGE: usize = 2 * 1024 * 1024;

#[test]
#[ignore = "child process of crash_kill_loop"]
fn child_importer() {
    let (Ok(data), Ok(scratch), Ok(seed)) = (
        std::env::var(ENV_DATA),
        std::env::var(ENV_SCRATCH),
        std::env::var(ENV_SEED),
    ) else {
        return;
    };
    let mut rng = StdRng::seed_from_u64(seed.parse().unwrap());
    let store = Store::open(Path::new(&data)).unwrap();
    let scratch = PathBuf::from(scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let mut previous: Vec<u8> = Vec::new();
    for n in 0u64.. {
        let mut new = new_record(
            &format!("0010990{:05}", n % 100_000),
            "Nguyễn Thị Crash",
            &format!("Hồ sơ {seed}-{n}"),
        );
        let rec = store.create_record(&actor(), &new).unwrap();
        let mut pages = Vec::new();
        for p in 0..rng.random_range(1..=3) {
            // Now and then the same content again, to exercise deduplication.
            let bytes = if !previous.is_empty() && rng.random_bool(0.2) {
                previous.clone()
            } else {
                let mut b = vec![0u8; rng.random_range(0..=MAX_PAGE)];
                rng.fill_bytes(&mut b);
                b
            };
            let stored = if rng.random_bool(0.5) {
                let file = scratch.join(format!("in-{n}-{p}.png"));
                std::fs::write(&file, &bytes).unwrap();
                store.put_blob_from_path(&file).unwrap()
            } else {
                store.put_blob(&mut bytes.as_slice()).unwrap()
            };
            previous = bytes;
            pages.push(VersionFile {
                blob: stored.blob,
                name: format!("trang-{}.png", p + 1),
                media_type: "image/png".to_owned(),
            });
        }
        store.commit_version(&actor(), &rec.id, &pages, "import").unwrap();
        if rng.random_bool(0.3) {
            new.title = format!("{} (sửa)", new.title);
            store
                .update_record(&actor(), &rec.id, &update_of(&new), Some(1))
                .unwrap();
        }
        if rng.random_bool(0.25) {
            store.trash(&actor(), &rec.id, "kiểm tra").unwrap();
            if rng.random_bool(0.5) {
                store.restore(&actor(), &rec.id).unwrap();
            }
        }
    }
}

struct Totals {
    temps: u64,
    orphans: u64,
}

/// Everything that must hold after any crash.
fn check_after_restart(data: &Path, known: &mut BTreeSet<String>, totals: &mut Totals, deep: bool) {
    let store = Store::open(data).unwrap();
    let rec = store.last_reconcile().clone();
    assert!(!rec.cleanup_skipped, "the killed child holds no lock");
    totals.temps += rec.temp_removed;
    totals.orphans += rec.orphan_blobs_removed;
    let integrity = store.integrity_check(deep).unwrap();
    assert!(
        integrity.sqlite_errors.is_empty(),
        "PRAGMA integrity_check: {:?}",
        integrity.sqlite_errors
    );
    assert!(integrity.ok, "{integrity:#?}");
    assert!(integrity.orphan_blobs.is_empty() && integrity.temp_files == 0);
    assert_eq!(
        rec.missing_blobs, integrity.missing_blobs,
        "reconciliation and integrity check agree"
    );
    assert!(
        rec.missing_blobs.is_empty(),
        "a row points at a missing blob: {:?}",
        rec.missing_blobs
    );
    let audit = store.audit_verify().unwrap();
    assert!(audit.is_valid(), "{audit:?}");
    let ids: BTreeSet<String> = store
        .list_records(&ListFilter {
            trash: TrashFilter::Include,
            ..ListFilter::default()
        })
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert!(known.is_subset(&ids), "records disappeared after a crash");
    // Every committed version's files are complete.
    for id in ids.difference(known) {
        for v in store.versions(id).unwrap() {
            let files = store.version_files(id, v.number).unwrap();
            assert_eq!(files.len() as u32, v.file_count);
            assert_eq!(files.iter().map(|f| f.size).sum::<u64>(), v.total_bytes);
        }
    }
    *known = ids;
}

#[test]
fn crash_kill_loop() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let scratch = dir.path().join("scratch");
    let exe = std::env::current_exe().unwrap();
    let seed: u64 = std::env::var("SOHOA_CRASH_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("crash test seed {seed} (set SOHOA_CRASH_TEST_SEED to replay)");
    let mut rng = StdRng::seed_from_u64(seed);
    let started = Instant::now();
    let mut known = BTreeSet::new();
    let mut totals = Totals { temps: 0, orphans: 0 };
    let mut kills = 0u32;
    while kills < MIN_KILLS || (kills < 80 && started.elapsed() < Duration::from_secs(30)) {
        let mut child = Command::new(&exe)
            .args(["child_importer", "--exact", "--nocapture", "--ignored"])
            .env(ENV_DATA, &data)
            .env(ENV_SCRATCH, &scratch)
            .env(ENV_SEED, (seed ^ u64::from(kills)).to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(5..=300)));
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            panic!("the importer stopped by itself ({status}):\n{err}");
        }
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
        check_after_restart(&data, &mut known, &mut totals, false);
        let _ = std::fs::remove_dir_all(&scratch);
    }
    check_after_restart(&data, &mut known, &mut totals, true);
    let store = Store::open(&data).unwrap();
    let versions: usize = known.iter().map(|id| store.versions(id).unwrap().len()).sum();
    let entries = store.audit_verify().unwrap().entries;
    println!(
        "{kills} kill cycles in {:.1} s: {} records, {versions} versions, {entries} audit entries; \
         reconciliation removed {} temp files and {} orphan blobs",
        started.elapsed().as_secs_f64(),
        known.len(),
        totals.temps,
        totals.orphans
    );
    assert!(kills >= MIN_KILLS);
    assert!(!known.is_empty(), "the importer never committed a record");
}
