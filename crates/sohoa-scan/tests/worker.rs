#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Crash isolation: the SANE driver runs in a worker process; killing it mid-scan is a typed error and the
//! pages already received stay with the caller.

mod common;

use sohoa_scan::{ColorMode, Device, OptionValue, ScanError, Source};

#[test]
fn killing_the_worker_mid_scan_is_driver_crashed_and_keeps_pages() {
    let dir = tempfile::tempdir().unwrap();
    common::sane_config(dir.path());
    let mut dev = common::worker(dir.path()).open_device("test:0").unwrap();
    dev.set_option("read-delay", OptionValue::Bool(true)).unwrap();
    dev.set_option("read-delay-duration", OptionValue::Int(100_000))
        .unwrap();
    let pid = dev.worker_pid();
    let s = common::settings(Source::Adf, ColorMode::Gray, 50);
    let mut stream = dev.scan(&s).unwrap();
    let mut pages = Vec::new();
    for _ in 0..2 {
        pages.push(stream.next_page().unwrap().unwrap());
    }
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let err = stream.next_page().unwrap().unwrap_err();
    assert!(
        matches!(err, ScanError::DriverCrashed(ref d) if d.contains("signal")),
        "{err:?}"
    );
    assert_eq!(err.code(), "scan.driver_crashed");
    assert!(stream.next_page().is_none());
    drop(stream);
    assert_eq!(pages.len(), 2);
    assert_eq!((pages[1].sheet, pages[1].image.width()), (2, 413));
    // The device is gone with its worker; asking it anything is the same typed error, not a hang.
    assert!(matches!(dev.capabilities(), Err(ScanError::DriverCrashed(_))));
}

#[test]
fn a_missing_worker_program_is_a_typed_error() {
    let cmd = sohoa_scan::worker::WorkerCommand::new("/nonexistent/sohoa-scan-worker");
    let driver = sohoa_scan::worker::WorkerDriver::new(cmd, sohoa_scan::DriverKind::Sane);
    assert!(matches!(
        sohoa_scan::Driver::discover(&driver),
        Err(ScanError::DriverCrashed(_))
    ));
}

/// Without libsane the driver lists nothing instead of failing (a Windows desk, a minimal install).
#[test]
fn missing_libsane_means_no_devices() {
    let dir = tempfile::tempdir().unwrap();
    let cmd = sohoa_scan::worker::WorkerCommand::new(env!("CARGO_BIN_EXE_sohoa-scan-worker"))
        .env("SOHOA_LIBSANE", dir.path().join("libsane-missing.so"));
    let driver = sohoa_scan::worker::WorkerDriver::new(cmd, sohoa_scan::DriverKind::Sane);
    assert_eq!(sohoa_scan::Driver::discover(&driver).unwrap(), []);
    assert!(matches!(
        sohoa_scan::Driver::open(&driver, "test:0").err(),
        Some(ScanError::NoDevice(_))
    ));
}
