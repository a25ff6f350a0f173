//! `sohoa doctor` on this machine (Tesseract with `vie`/`osd`, the SANE test backend as demo scanner,
//! pcscd with the vpcd reader, SoftHSM and OpenSC modules) and with each thing broken on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

fn doctor(data: &Path, envs: &[(&str, &str)], extra: &[&str]) -> (Output, Value) {
    let mut cmd: Command = support::sohoa(data, &["doctor", "--json"]);
    cmd.args(extra)
        .env_remove("SOHOA_VAULT_URL")
        .env_remove("TESSDATA_PREFIX")
        .env_remove("SOHOA_TESSDATA")
        .env(
            "SOHOA_TRUST_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/trust"),
        );
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out, report)
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"))
}

fn status<'a>(report: &'a Value, id: &str) -> &'a str {
    check(report, id)["status"].as_str().unwrap()
}

#[test]
fn this_machine_is_ready_for_training() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, r) = doctor(&tmp.path().join("data"), &[], &[]);
    assert_eq!(r["training_mode"], true);
    for c in r["checks"].as_array().unwrap() {
        for key in [
            "id",
            "title_vi",
            "title_en",
            "status",
            "detail",
            "fix_vi",
            "fix_en",
            "data",
            "elapsed_ms",
        ] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
        if c["status"] != "ok" {
            assert!(c["fix_vi"].as_str().is_some_and(|s| !s.is_empty()), "{c}");
            assert!(c["fix_en"].as_str().is_some_and(|s| !s.is_empty()), "{c}");
        }
    }
    assert_eq!(
        status(&r, "ocr.tessdata"),
        "ok",
        "{:#}",
        check(&r, "ocr.tessdata")
    );
    assert_eq!(check(&r, "ocr.tessdata")["data"]["osd"], true);
    // Only the SANE test backend's demo scanner is installed here: a warning, not a failure.
    let scan = check(&r, "scan.devices");
    assert_eq!(scan["status"], "warn", "{scan:#}");
    assert_eq!(scan["data"]["per_driver"]["demo"], 1);
    // pcscd runs (with the vpcd reader); SoftHSM and OpenSC load.
    assert_ne!(
        status(&r, "pcsc.service"),
        "fail",
        "{:#}",
        check(&r, "pcsc.service")
    );
    assert_eq!(
        status(&r, "pkcs11.modules"),
        "ok",
        "{:#}",
        check(&r, "pkcs11.modules")
    );
    let modules = check(&r, "pkcs11.modules")["data"]["modules"].to_string();
    assert!(modules.contains("softhsm"), "{modules}");
    // assets/trust ships without anchors (they are installed by the administrator): training mode warns.
    assert_eq!(status(&r, "trust.anchors"), "warn");
    assert_eq!(status(&r, "data_dir.writable"), "ok");
    assert_ne!(status(&r, "data_dir.free_space"), "fail");
    assert_eq!(status(&r, "vault.reachable"), "ok");
    assert!(
        check(&r, "vault.reachable")["detail"]
            .as_str()
            .unwrap()
            .contains("training mode")
    );
    assert_eq!(r["ok"], true);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn missing_ocr_data_fails_with_the_vietnamese_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("tessdata");
    std::fs::create_dir(&empty).unwrap();
    let (out, r) = doctor(
        &tmp.path().join("data"),
        &[("TESSDATA_PREFIX", empty.to_str().unwrap())],
        &[],
    );
    let ocr = check(&r, "ocr.tessdata");
    assert_eq!(ocr["status"], "fail");
    assert!(
        ocr["fix_vi"].as_str().unwrap().contains("tesseract-ocr-vie"),
        "{ocr:#}"
    );
    assert!(ocr["fix_vi"].as_str().unwrap().contains("Cài dữ liệu tiếng Việt"));
    assert_eq!(r["ok"], false);
    assert_eq!(out.status.code(), Some(7));
}

#[test]
fn an_unwritable_data_dir_fails() {
    let tmp = tempfile::tempdir().unwrap();
    // A path below a regular file can never be created, even by root (who ignores permission bits).
    let file = tmp.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let (out, r) = doctor(&file.join("data"), &[], &[]);
    let c = check(&r, "data_dir.writable");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(c["fix_vi"].as_str().unwrap().contains("Không ghi được"));
    assert_eq!(out.status.code(), Some(7));
}

#[test]
fn an_unreachable_vault_warns_quickly() {
    let tmp = tempfile::tempdir().unwrap();
    // A vault that accepts the connection and never answers (the kernel completes the handshake from the
    // listen backlog; nobody reads): the probe must give up at its deadline.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", silent.local_addr().unwrap());
    let started = Instant::now();
    let (_, r) = doctor(
        &tmp.path().join("data"),
        &[("SOHOA_VAULT_URL", &url)],
        &["--vault-timeout", "2"],
    );
    let wall = started.elapsed();
    let c = check(&r, "vault.reachable");
    assert_eq!(c["status"], "warn", "{c:#}");
    let ms = c["elapsed_ms"].as_u64().unwrap();
    assert!((1500..5000).contains(&ms), "{c:#}");
    assert!(c["fix_vi"].as_str().unwrap().contains("Không kết nối được kho"));
    assert_eq!(r["training_mode"], false);
    // Outside training mode, missing trust anchors are a failure.
    assert_eq!(status(&r, "trust.anchors"), "fail");
    assert!(wall < Duration::from_secs(30), "doctor took {wall:?}");
    drop(silent);

    // A closed port is refused at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let (_, r) = doctor(
        &tmp.path().join("data"),
        &[("SOHOA_VAULT_URL", &url)],
        &["--vault-timeout", "2"],
    );
    let c = check(&r, "vault.reachable");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(c["elapsed_ms"].as_u64().unwrap() < 2000, "{c:#}");
}
