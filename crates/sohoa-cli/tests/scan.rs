//! `sohoa devices` and `sohoa scan` against the SANE `test` backend, through the real binary and its
//! crash-isolated `scan-worker`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let sane = dir.path().join("sane");
        std::fs::create_dir(&sane).unwrap();
        std::fs::write(sane.join("dll.conf"), "test\n").unwrap();
        std::fs::write(
            sane.join("test.conf"),
            "number_of_devices 2\ngeometry_min 0.0\ngeometry_max 300.0\ngeometry_quant 1.0\nbr_x 210.0\nbr_y 297.0\n",
        )
        .unwrap();
        Desk { dir }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// `sohoa ARGS…` on this desk's data, with its private SANE configuration and the built-in profiles.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = support::sohoa(&self.path("data"), args);
        cmd.env("SANE_CONFIG_DIR", self.path("sane"))
            .env_remove("SOHOA_SCANNER_PROFILES");
        cmd
    }

    fn sohoa(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        support::json(args, |all| self.sohoa(all))
    }

    /// A new residence record (CT01) for the test household at `address`; its id.
    fn residence_record(&self, address: &str) -> String {
        let args = support::new_residence_args(address);
        let rec = self.json(&args.iter().map(String::as_str).collect::<Vec<_>>());
        rec["id"].as_str().unwrap_or_else(|| panic!("{rec}")).to_owned()
    }
}

fn pngs(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn devices_json_lists_the_sane_test_scanners() {
    let desk = Desk::new();
    let v = desk.json(&["devices"]);
    let list = v.as_array().unwrap();
    // The training-mode demo scanner comes first, then the desk's own SANE devices.
    assert_eq!(list.len(), 3, "{v}");
    assert_eq!(list[0]["id"], "demo");
    let list = &list[1..];
    assert_eq!(list[0]["id"], "test:0");
    assert_eq!(list[0]["driver"], "sane");
    assert_eq!(list[0]["sources"], serde_json::json!(["flatbed", "adf"]));
    assert_eq!(list[0]["duplex"], false);
    let human = desk.sohoa(&["devices"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("test:1"));
}

#[test]
fn scan_adf_to_a_folder_writes_ten_numbered_pages() {
    let desk = Desk::new();
    let out = desk.path("out");
    let v = desk.json(&[
        "scan",
        "--device",
        "test:0",
        "--source",
        "adf",
        "--dpi",
        "50",
        "--mode",
        "gray",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["pages"].as_array().unwrap().len(), 10);
    let files = pngs(&out);
    assert_eq!(files.first().map(String::as_str), Some("page-001.png"));
    assert_eq!(files.len(), 10);
    assert_eq!(files[9], "page-010.png");
    let img = image::open(out.join("page-010.png")).unwrap();
    // A4 (the test.conf default area is the whole 300 mm bed) at 50 dpi, 8-bit grey.
    assert_eq!((img.width(), img.height()), (590, 590));
    assert!(img.as_luma8().is_some());
}

/// The administrator's desk presets (`<data>/scanner-profiles/presets.toml`, written by the app) are the ones
/// `sohoa scan --profile` knows on that desk.
#[test]
fn a_desk_preset_saved_in_the_data_directory_is_used_by_scan() {
    let desk = Desk::new();
    let profiles = desk.path("data/scanner-profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::write(
        profiles.join("presets.toml"),
        "[[preset]]\nid = \"giay-khai-sinh\"\nname_vi = \"Giấy khai sinh\"\nsource = \"flatbed\"\nmode = \"color\"\ndpi = 200\n\
         width_mm = 100.0\nheight_mm = 50.0\n",
    )
    .unwrap();
    let out = desk.path("out");
    let scan = |profile: &str| {
        desk.sohoa(&[
            "scan",
            "--device",
            "test:0",
            "--profile",
            profile,
            "--out",
            out.to_str().unwrap(),
            "--json",
        ])
    };
    let o = scan("giay-khai-sinh");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let img = image::open(out.join("page-001.png")).unwrap();
    // 100 × 50 mm at 200 dpi, in colour.
    assert_eq!((img.width(), img.height()), (787, 393));
    assert!(img.as_rgb8().is_some());
    // The desk's file replaces the built-in presets: the shipped card preset is unknown on this desk.
    assert_eq!(scan("cccd-card").status.code(), Some(4));
}

#[test]
fn scan_into_a_record_stores_one_version_with_every_page() {
    let desk = Desk::new();
    let id = desk.residence_record("12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội");
    let v = desk.json(&[
        "scan",
        "--device",
        "test:0",
        "--profile",
        "residence-dossier",
        "--source",
        "adf",
        "--dpi",
        "200",
        "--max-pages",
        "3",
        "--record",
        &id,
    ]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["scan"]["pages"], 3);
    assert_eq!(v["scan"]["import"]["version"], 1);
    let shown = desk.json(&["record", "show", &id]);
    assert_eq!(shown["summary"]["page_count"], 3, "{shown}");
    // The spool is gone once the pages are in the record.
    assert_eq!(desk.json(&["scan", "--unfinished"]), serde_json::json!([]));
}

#[test]
fn presets_that_break_decree30_and_unknown_devices_are_refused_with_reasons() {
    let desk = Desk::new();
    let out = desk.path("out");
    let o = desk.sohoa(&[
        "scan",
        "--device",
        "test:0",
        "--profile",
        "cccd-card",
        "--dpi",
        "150",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "profile.decree30_low_dpi");
    assert!(String::from_utf8_lossy(&o.stderr).contains("Nghị định 30"));
    let o = desk.sohoa(&[
        "scan",
        "--device",
        "test:0",
        "--profile",
        "cccd-card",
        "--mode",
        "gray",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("profile.decree30_not_colour"));
    let o = desk.sohoa(&[
        "scan",
        "--device",
        "nosuch:9",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "scan.no_device");
    // The test scanner has no duplex path: refusing beats scanning only the fronts.
    let o = desk.sohoa(&[
        "scan",
        "--device",
        "test:0",
        "--source",
        "adf-duplex",
        "--dpi",
        "50",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("scan.unsupported"));
    assert!(!out.join("page-001.png").exists());
}

#[test]
fn the_demo_scanner_scans_colour_pages_for_training() {
    let desk = Desk::new();
    let out = desk.path("out");
    let v = desk.json(&[
        "scan",
        "--device",
        "demo",
        "--source",
        "adf",
        "--dpi",
        "50",
        "--max-pages",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(v["pages"].as_array().unwrap().len(), 2);
    let img = image::open(out.join("page-002.png")).unwrap().to_rgb8();
    // Without a preset the whole 300 mm bed is scanned; the demo draws the colour test pattern.
    assert_eq!((img.width(), img.height()), (590, 590));
    assert!(
        img.pixels().any(|p| p[0] != p[1] || p[1] != p[2]),
        "the demo pages should be in colour"
    );
}

#[test]
fn a_jam_is_reported_with_its_code_and_exit_status() {
    let desk = Desk::new();
    let out = desk.path("out");
    let o = desk.sohoa(&[
        "scan",
        "--device",
        "test:0",
        "--source",
        "adf",
        "--dpi",
        "50",
        "--option",
        "read-return-value=SANE_STATUS_JAMMED",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(6), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "scan.jammed");
    assert!(v["error"]["message"].as_str().unwrap().contains("Kẹt giấy"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    // A wrongly typed option is refused by the driver before anything is scanned.
    let o = desk.sohoa(&[
        "scan",
        "--device",
        "test:0",
        "--option",
        "mode=42",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("scan.invalid_option"));
}

/// The app (here the CLI) is killed mid-batch: the pages already acquired are on disk, offered back on the
/// next start, and attached to the record they were meant for.
#[test]
fn pages_survive_a_killed_app_and_are_attached_on_restart() {
    let desk = Desk::new();
    let id = desk.residence_record("12 Lý Thường Kiệt, Hà Nội");
    let mut child = desk
        .command(&[
            "scan",
            "--device",
            "test:0",
            "--source",
            "adf",
            "--dpi",
            "100",
            "--mode",
            "gray",
            "--option",
            "read-delay=true",
            "--option",
            "read-delay-duration=100000",
            "--record",
            &id,
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let spool_root = desk.path("data").join("scan-spool");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let has_two_pages = || {
        std::fs::read_dir(&spool_root)
            .map(|d| d.flatten().any(|e| e.path().join("page-0002.png").exists()))
            .unwrap_or(false)
    };
    while !has_two_pages() {
        assert!(std::time::Instant::now() < deadline, "no pages were spooled");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the scan ended before it could be interrupted"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let waiting = desk.json(&["scan", "--unfinished"]);
    let list = waiting.as_array().unwrap();
    assert_eq!(list.len(), 1, "{waiting}");
    let pages = list[0]["pages"].as_array().unwrap().len();
    assert!((2..10).contains(&pages), "{pages} pages");
    assert_eq!(list[0]["meta"]["record_id"], id.as_str());
    let spool = list[0]["id"].as_str().unwrap().to_owned();
    let attached = desk.json(&["scan", "--attach", &spool]);
    assert_eq!(attached["added"].as_array().unwrap().len(), pages);
    assert_eq!(
        desk.json(&["record", "show", &id])["summary"]["page_count"],
        pages
    );
    assert_eq!(desk.json(&["scan", "--unfinished"]), serde_json::json!([]));
}
