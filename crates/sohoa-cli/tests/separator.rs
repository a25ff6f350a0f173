//! `sohoa separator-sheet`: the printed sheet must read back as Patch T, and a bad resolution is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use sohoa_scan::separate::{PatchCode, detect_patch};

#[test]
fn the_separator_sheet_reads_back_as_patch_t_at_its_resolution() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("phan-cach.png");
    let v = support::json(
        &["separator-sheet", "--out", out.to_str().unwrap(), "--dpi", "200"],
        |a| support::sohoa(dir.path(), a).output().unwrap(),
    );
    assert_eq!(v["code"], "patch-t");
    let img = image::open(&out).unwrap().to_luma8();
    // A4 at 200 dpi.
    assert_eq!((img.width(), img.height()), (1654, 2338));
    let found = detect_patch(&img, Some(200.0)).expect("the sheet reads as a patch");
    assert_eq!(found.code, PatchCode::PatchT);

    let bad = support::sohoa(dir.path(), &["separator-sheet", "--out", "x.png", "--dpi", "20"])
        .output()
        .unwrap();
    assert_eq!(
        bad.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
