//! `sohoa clean` as scripts see it: real binary, generated Vietnamese pages, JSON per design.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use image::Rgb;
use serde_json::Value;
use sohoa_testkit::degrade::{self, ScanGeometry};
use sohoa_testkit::{PageSpec, render_page};

fn sohoa(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .args(args)
        .env_remove("SOHOA_LOG")
        .output()
        .unwrap()
}

#[test]
fn clean_json_contract_and_bad_page() {
    let dir = tempfile::tempdir().unwrap();
    let page = render_page(&PageSpec {
        seed: 31,
        fill: 0.5,
        ..PageSpec::default()
    })
    .unwrap();
    // Skewed 4° counter-clockwise on a dark bed, then turned 180°.
    let g = ScanGeometry {
        angle_deg: 4.0,
        border: [60, 50, 40, 70],
        bed: Rgb([20, 20, 20]),
    };
    let scanned = degrade::rotate_quarter(&degrade::scan(&page.image, &g), 180);
    let a = dir.path().join("a.png");
    scanned.save(&a).unwrap();
    let back = degrade::blank_back(&page.image, 0.25, Rgb([245, 240, 225]), 1.5);
    let b = dir.path().join("b.jpg");
    back.save(&b).unwrap();
    let bad = dir.path().join("bad.png");
    let mut bytes = std::fs::read(&a).unwrap();
    bytes.truncate(bytes.len() / 3);
    std::fs::write(&bad, bytes).unwrap();
    let out = dir.path().join("out");

    let o = sohoa(&[
        "clean".as_ref(),
        a.as_os_str(),
        b.as_os_str(),
        bad.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--json".as_ref(),
        "--jobs".as_ref(),
        "2".as_ref(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let p = &lines[0];
    assert_eq!(p["input"], a.display().to_string());
    assert_eq!(p["orientation"], 180);
    assert!((p["skew_degrees"].as_f64().unwrap() - 4.0).abs() <= 0.1, "{p}");
    assert_eq!(p["blank"], false);
    assert!(p["blank_confidence"].as_f64().unwrap() > 0.5);
    let crop: Vec<u64> = p["crop"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(crop.len(), 4);
    let q = &p["quality"];
    for k in ["dpi", "sharpness", "contrast", "verdict", "reasons"] {
        assert!(q.get(k).is_some(), "quality.{k} missing: {p}");
    }
    let output = std::path::PathBuf::from(p["output"].as_str().unwrap());
    let cleaned = image::open(&output).unwrap();
    assert_eq!(
        (cleaned.width(), cleaned.height()),
        (crop[2] as u32, crop[3] as u32)
    );
    assert_eq!(lines[1]["blank"], true, "{}", lines[1]);
    assert_eq!(lines[2]["ok"], false);
    assert_eq!(lines[2]["error"]["code"], "image.corrupt");
    // The bad page gets one line on stderr, no backtrace.
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("[image.corrupt]") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn clean_needs_no_data_dir_and_rejects_unknown_profile() {
    let dir = tempfile::tempdir().unwrap();
    let o = sohoa(&[
        "--data-dir".as_ref(),
        "/nonexistent/never".as_ref(),
        "clean".as_ref(),
        "x.png".as_ref(),
        "--out".as_ref(),
        dir.path().as_os_str(),
        "--profile".as_ref(),
        "nope".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("image.unknown_profile"));
}
