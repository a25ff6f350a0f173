#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Crash isolation: the SANE driver runs in a worker process; killing it mid-scan is a typed error and the
//! pages already received stay with the caller.

mod sane_env;

use sohoa_scan::{ColorMode, Device, OptionValue, ScanError, Source};

#[test]
fn killing_the_worker_mid_scan_is_driver_crashed_and_keeps_pages() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    let mut dev = sane_env::worker(dir.path()).open_device("test:0").unwrap();
    dev.set_option("read-delay", OptionValue::Bool(true)).unwrap();
    dev.set_option("read-delay-duration", OptionValue::Int(100_000))
        .unwrap();
    let pid = dev.worker_pid();
    let s = sane_env::settings(Source::Adf, ColorMode::Gray, 50);
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

/// A driver that stops answering (a wedged USB transfer) is killed after the page timeout: the caller gets
/// `Timeout` with the pages it already has, instead of hanging with the driver.
#[test]
fn a_wedged_driver_is_a_timeout_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    let timeouts = sohoa_scan::worker::Timeouts {
        call: std::time::Duration::from_secs(30),
        page: std::time::Duration::from_millis(400),
    };
    let mut dev = sane_env::worker(dir.path())
        .with_timeouts(timeouts)
        .open_device("test:0")
        .unwrap();
    let mut s = sane_env::settings(Source::Adf, ColorMode::Gray, 25);
    // First page at normal speed, then 200 ms per buffer: far over the 400 ms page budget.
    s.max_pages = Some(1);
    assert!(dev.scan(&s).unwrap().next_page().unwrap().is_ok());
    dev.set_option("read-limit", OptionValue::Bool(true)).unwrap();
    dev.set_option("read-limit-size", OptionValue::Int(1024)).unwrap();
    dev.set_option("read-delay", OptionValue::Bool(true)).unwrap();
    dev.set_option("read-delay-duration", OptionValue::Int(200_000))
        .unwrap();
    // A full 300 mm bed at 100 dpi is ~1.4 MB: many delayed buffers.
    s.max_pages = None;
    s.dpi = 100;
    s.area = None;
    let pid = dev.worker_pid();
    let t = std::time::Instant::now();
    let mut stream = dev.scan(&s).unwrap();
    assert_eq!(stream.next_page().unwrap().err(), Some(ScanError::Timeout));
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
    drop(stream);
    // The wedged worker was killed, not left behind.
    let alive = std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ");
    assert!(!alive, "worker {pid} still running");
}
