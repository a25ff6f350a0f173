#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The installed `sohoa` must find its trust directory from its own location, whatever the working directory.

use std::path::Path;

use sohoa_sign::trust::installed_trust_dir;

fn canon(p: &Path) -> std::path::PathBuf {
    p.canonicalize().unwrap()
}

#[test]
fn debian_layout_share_beside_bin() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("usr/bin")).unwrap();
    std::fs::create_dir_all(tmp.path().join("usr/share/sohoa/trust")).unwrap();
    let found = installed_trust_dir(&tmp.path().join("usr/bin/sohoa")).unwrap();
    assert_eq!(canon(&found), canon(&tmp.path().join("usr/share/sohoa/trust")));
}

#[test]
fn windows_layout_trust_next_to_the_exe() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("trust")).unwrap();
    let found = installed_trust_dir(&tmp.path().join("sohoa.exe")).unwrap();
    assert_eq!(canon(&found), canon(&tmp.path().join("trust")));
}

#[test]
fn development_build_has_none() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("target/debug")).unwrap();
    assert_eq!(installed_trust_dir(&tmp.path().join("target/debug/sohoa")), None);
}
