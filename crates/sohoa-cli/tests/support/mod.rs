//! Running the real `sohoa` binary on a throw-away data directory, for the CLI's test files
//! (`mod support;`); each file adds its own environment (a private SANE configuration, keys, …).
#![allow(dead_code)] // each test file uses part of it

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// `sohoa --data-dir DATA ARGS…` as the test officer, with the log level left at its default.
pub fn sohoa(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sohoa"));
    cmd.arg("--data-dir")
        .arg(data)
        .args(args)
        .env("SOHOA_USER", "can-bo-test")
        .env_remove("SOHOA_LOG");
    cmd
}

/// Runs `ARGS… --json` through `run`, asserts success and parses stdout.
pub fn json(args: &[&str], run: impl FnOnce(&[&str]) -> Output) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = run(&all);
    assert!(
        out.status.success(),
        "sohoa {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `record new` arguments for a residence record (CT01) of the test household at `address`.
pub fn new_residence_args(address: &str) -> Vec<String> {
    [
        "record",
        "new",
        "--kind",
        "residence",
        "--owner-id",
        "079203001234",
        "--type",
        "CT01",
        "--field",
        "household_head=Nguyễn Văn An",
        "--field",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([format!("address={address}")])
    .collect()
}

/// `record new` arguments for a residence-confirmation result record (CT07), the record the crash and
/// backup tests import into.
pub const NEW_RESULT_RECORD: &[&str] = &[
    "record",
    "new",
    "--kind",
    "result",
    "--owner-id",
    "094187000321",
    "--type",
    "CT07",
    "--field",
    "doc_name=Xác nhận thông tin về cư trú",
    "--field",
    "summary=Xác nhận nơi thường trú",
    "--field",
    "valid_to=2027-05-01",
];
