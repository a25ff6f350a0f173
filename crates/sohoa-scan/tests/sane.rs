#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The SANE driver against the real SANE `test` backend (private SANE_CONFIG_DIR), through the worker.

mod sane_env;

use sohoa_scan::{ColorMode, Device, Driver, OptionValue, ScanError, Side, Source};

fn collect(dev: &mut dyn Device, s: &sohoa_scan::ScanSettings) -> (Vec<sohoa_scan::Page>, Option<ScanError>) {
    let mut stream = dev.scan(s).unwrap();
    let mut pages = Vec::new();
    let mut err = None;
    while let Some(r) = stream.next_page() {
        match r {
            Ok(p) => pages.push(p),
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    (pages, err)
}

#[test]
fn discovery_lists_both_test_devices_with_sources() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    let devices = sane_env::worker(dir.path()).discover().unwrap();
    let ids: Vec<_> = devices.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["test:0", "test:1"]);
    assert_eq!(devices[0].sources, [Source::Flatbed, Source::Adf]);
    assert!(!devices[0].duplex);
}

#[test]
fn adf_batch_of_ten_pages_then_end() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    let mut dev = sane_env::worker(dir.path()).open_device("test:0").unwrap();
    let (pages, err) = collect(&mut dev, &sane_env::settings(Source::Adf, ColorMode::Color, 50));
    assert_eq!(err, None);
    assert_eq!(pages.len(), 10);
    for (i, p) in pages.iter().enumerate() {
        assert_eq!(p.sheet, i as u32 + 1);
        assert_eq!(p.side, Side::Front);
        assert_eq!(p.dpi_x, 50.0);
        // A4 at 50 dpi: 210 mm → 413 px, 297 mm → 584 lines.
        assert_eq!((p.image.width(), p.image.height()), (413, 584));
        assert!(p.image.as_rgb8().is_some());
    }
}

fn open(dir: &std::path::Path) -> sohoa_scan::worker::WorkerDevice {
    sane_env::worker(dir).open_device("test:0").unwrap()
}

fn set(dev: &mut dyn Device, name: &str, v: OptionValue) -> sohoa_scan::SetOutcome {
    dev.set_option(name, v).unwrap()
}

/// Each simulated `sane_read` status comes out as its own typed error, not as an empty page.
#[test]
fn read_faults_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    let mut dev = open(dir.path());
    let s = sane_env::settings(Source::Adf, ColorMode::Gray, 25);
    for (status, expected) in [
        ("SANE_STATUS_JAMMED", ScanError::Jammed),
        ("SANE_STATUS_COVER_OPEN", ScanError::CoverOpen),
        ("SANE_STATUS_NO_DOCS", ScanError::FeederEmpty),
        ("SANE_STATUS_DEVICE_BUSY", ScanError::Busy),
        ("SANE_STATUS_CANCELLED", ScanError::Cancelled),
    ] {
        set(&mut dev, "read-return-value", OptionValue::String(status.into()));
        let (pages, err) = collect(&mut dev, &s);
        assert!(pages.is_empty(), "{status}");
        assert_eq!(err, Some(expected), "{status}");
    }
    set(
        &mut dev,
        "read-return-value",
        OptionValue::String("SANE_STATUS_IO_ERROR".into()),
    );
    assert!(matches!(collect(&mut dev, &s).1, Some(ScanError::Io(_))));
}

/// A jam in the middle of a batch: the sheets fed before it are kept, the jam is reported as such, and the
/// batch continues once the operator has cleared the feeder. The test backend refuses option changes while
/// a scan is running, so the jam is switched on between two scans of the same feeder load (its ADF counter
/// keeps running across them, like a real feeder's paper stack).
#[test]
fn jam_mid_batch_keeps_earlier_pages_and_the_batch_continues() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    let mut dev = open(dir.path());
    let mut s = sane_env::settings(Source::Adf, ColorMode::Gray, 25);
    s.max_pages = Some(3);
    let (first, err) = collect(&mut dev, &s);
    assert_eq!((first.len(), err), (3, None));
    set(
        &mut dev,
        "read-return-value",
        OptionValue::String("SANE_STATUS_JAMMED".into()),
    );
    s.max_pages = None;
    let (jammed, err) = collect(&mut dev, &s);
    assert_eq!((jammed.len(), err), (0, Some(ScanError::Jammed)));
    set(
        &mut dev,
        "read-return-value",
        OptionValue::String("Default".into()),
    );
    let (rest, err) = collect(&mut dev, &s);
    // The jammed sheet was pulled (the backend counted it); the remaining six come through, then the end.
    assert_eq!((rest.len(), err), (6, None));
    assert_eq!(first.len() + rest.len(), 9);
}

#[test]
fn empty_feeder_at_start_is_feeder_empty() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    let mut dev = open(dir.path());
    let mut s = sane_env::settings(Source::Adf, ColorMode::Gray, 25);
    s.max_pages = Some(10);
    assert_eq!(collect(&mut dev, &s).0.len(), 10);
    s.max_pages = None;
    let (pages, err) = collect(&mut dev, &s);
    assert_eq!((pages.len(), err), (0, Some(ScanError::FeederEmpty)));
}

/// Small, delayed reads (a slow USB 1.1 scanner) still assemble into complete pages.
#[test]
fn slow_small_reads_assemble_complete_pages() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    let mut dev = open(dir.path());
    set(&mut dev, "test-picture", OptionValue::String("Grid".into()));
    assert!(set(&mut dev, "read-limit", OptionValue::Bool(true)).reload_options);
    set(&mut dev, "read-limit-size", OptionValue::Int(4096));
    set(&mut dev, "read-delay", OptionValue::Bool(true));
    set(&mut dev, "read-delay-duration", OptionValue::Int(50_000));
    let mut s = sane_env::settings(Source::Flatbed, ColorMode::Gray, 100);
    s.area = None;
    let t = std::time::Instant::now();
    let (pages, err) = collect(&mut dev, &s);
    let elapsed = t.elapsed();
    assert_eq!((pages.len(), err), (1, None));
    let img = pages[0].image.to_luma8();
    // Full 300 mm bed at 100 dpi: 1181 x 1181 bytes in 4 KiB reads, the backend pausing 50 ms per buffer.
    assert_eq!((img.width(), img.height()), (1181, 1181));
    assert!(elapsed.as_millis() >= 500, "reads were not slowed: {elapsed:?}");
    // The grid alternates black and white 10 mm (39 px) squares along each row.
    let row: Vec<u8> = (0..120).map(|x| img.get_pixel(x, 5)[0]).collect();
    assert!(
        row[..30].iter().all(|v| *v == row[5]) && row[45..75].iter().all(|v| *v != row[5]),
        "{row:?}"
    );
}

#[test]
fn fixed_point_resolution_and_option_types() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    let mut dev = open(dir.path());
    // `resolution` is SANE_TYPE_FIXED: an integer is converted by value (300 dpi, not 300/65536 dpi).
    let out = set(&mut dev, "resolution", OptionValue::Int(300));
    assert_eq!(out.applied, OptionValue::Fixed(300.0));
    // The range's quantum is 1 dpi: the backend rounds 150.5 and reports SANE_INFO_INEXACT.
    let out = set(&mut dev, "resolution", OptionValue::Fixed(150.5));
    assert!(out.inexact);
    assert!(
        matches!(out.applied, OptionValue::Fixed(v) if v == 150.0 || v == 151.0),
        "{out:?}"
    );
    let out = set(&mut dev, "resolution", OptionValue::Fixed(75.0));
    assert!(!out.inexact);
    let bad = dev.set_option("resolution", OptionValue::Int(5000)).unwrap_err();
    assert!(matches!(bad, ScanError::InvalidOption { ref name, .. } if name == "resolution"));
    assert!(matches!(
        dev.set_option("mode", OptionValue::Int(1)),
        Err(ScanError::InvalidOption { .. })
    ));
    assert!(matches!(
        dev.set_option("mode", OptionValue::String("Sepia".into())),
        Err(ScanError::InvalidOption { .. })
    ));
    assert!(matches!(
        dev.set_option("no-such-option", OptionValue::Bool(true)),
        Err(ScanError::InvalidOption { .. })
    ));
    // Inactive until the test options are enabled; then the backend rounds the value and says so.
    assert!(dev.set_option("int-inexact", OptionValue::Int(7)).is_err());
    assert!(set(&mut dev, "enable-test-options", OptionValue::Bool(true)).reload_options);
    let out = set(&mut dev, "int-inexact", OptionValue::Int(7));
    assert!(out.inexact, "{out:?}");
    let caps = dev.capabilities().unwrap();
    assert_eq!(caps.sources, [Source::Flatbed, Source::Adf]);
    assert!(caps.modes.contains(&ColorMode::Bw));
    assert_eq!(caps.max_width_mm, 300.0);
    assert!(matches!(
        caps.resolutions,
        sohoa_scan::Resolutions::Range {
            min: 1,
            max: 1200,
            ..
        }
    ));
    let fixed = caps
        .options
        .iter()
        .find(|o| o.name == "fixed-constraint-word-list")
        .unwrap();
    assert!(
        matches!(&fixed.kind, sohoa_scan::OptionKind::Fixed { list, .. } if list.iter().any(|v| (v + 32.7).abs() < 1e-4))
    );
}

#[test]
fn lineart_three_pass_colour_and_unsupported_duplex() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    let mut dev = open(dir.path());
    let mut s = sane_env::settings(Source::Flatbed, ColorMode::Bw, 50);
    set(
        &mut dev,
        "test-picture",
        OptionValue::String("Solid white".into()),
    );
    let img = collect(&mut dev, &s).0.remove(0).image.to_luma8();
    assert!(img.pixels().all(|p| p[0] == 255), "1-bit white must stay white");
    set(
        &mut dev,
        "test-picture",
        OptionValue::String("Solid black".into()),
    );
    let img = collect(&mut dev, &s).0.remove(0).image.to_luma8();
    assert!(img.pixels().all(|p| p[0] == 0), "1-bit black must stay black");
    // Three frames (red, green, blue) make one colour page.
    s.mode = ColorMode::Color;
    set(&mut dev, "mode", OptionValue::String("Color".into()));
    set(&mut dev, "three-pass", OptionValue::Bool(true));
    set(
        &mut dev,
        "test-picture",
        OptionValue::String("Color pattern".into()),
    );
    let (pages, err) = collect(&mut dev, &s);
    assert_eq!((pages.len(), err), (1, None));
    let rgb = pages[0].image.to_rgb8();
    assert_eq!((rgb.width(), rgb.height()), (413, 584));
    assert!(
        rgb.pixels().any(|p| p[0] != p[1] || p[1] != p[2]),
        "colour planes were not combined"
    );
    // The test backend has no duplex source: asking for one is an error, never a silent simplex scan.
    s.source = Source::AdfDuplex;
    assert!(matches!(dev.scan(&s).err(), Some(ScanError::Unsupported(_))));
}

/// Network scanners come through sane-airscan: a configured eSCL scanner that is switched off is listed,
/// and opening it is a typed error, not a hang or a crash.
#[test]
fn airscan_network_scanner_is_listed_and_an_unreachable_one_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    std::fs::write(dir.path().join("dll.conf"), "test\nairscan\n").unwrap();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    std::fs::write(
        dir.path().join("airscan.conf"),
        "[devices]\n\"Kyocera Lab\" = http://127.0.0.1:9/eSCL\n[options]\ndiscovery = disable\n",
    )
    .unwrap();
    let driver = sane_env::worker(dir.path());
    let devices = driver.discover().unwrap();
    let net = devices
        .iter()
        .find(|d| d.id.starts_with("airscan:"))
        .expect("airscan device listed");
    assert!(net.name.contains("Kyocera Lab"), "{net:?}");
    assert!(
        net.sources.is_empty(),
        "an unreachable scanner has no known sources: {net:?}"
    );
    assert!(devices.iter().any(|d| d.id == "test:0"));
    let err = driver
        .open(&net.id)
        .err()
        .expect("opening an unreachable scanner fails");
    assert!(
        matches!(
            err,
            ScanError::Io(_) | ScanError::NoDevice(_) | ScanError::Protocol(_)
        ),
        "{err:?}"
    );
}

/// A device quirk maps a vendor's own source name: here a profile declares the test scanner's feeder to be
/// its duplex path (as "DP/2-sided" is on a Kyocera), and the pages come back as front/back pairs.
#[test]
fn a_device_quirk_maps_the_vendor_duplex_source_and_pages_pair_up() {
    let dir = tempfile::tempdir().unwrap();
    sane_env::sane_config(dir.path());
    let profiles = dir.path().join("profiles");
    std::fs::create_dir(&profiles).unwrap();
    std::fs::write(
        profiles.join("devices.toml"),
        "[[device]]\nid = \"lab\"\nvendor = \"Noname\"\nmodel_contains = [\"frontend-tester\"]\n\
         flatbed = [\"Flatbed\"]\nadf_duplex = [\"Automatic Document Feeder\"]\n",
    )
    .unwrap();
    let cmd = sohoa_scan::worker::WorkerCommand::new(env!("CARGO_BIN_EXE_sohoa-scan-worker"))
        .env("SANE_CONFIG_DIR", dir.path())
        .env("SOHOA_SCANNER_PROFILES", &profiles);
    let driver = sohoa_scan::worker::WorkerDriver::new(cmd, sohoa_scan::DriverKind::Sane);
    let listed = driver.discover().unwrap();
    assert_eq!(listed[0].sources, [Source::Flatbed, Source::AdfDuplex]);
    assert!(listed[0].duplex);
    let mut dev = driver.open_device("test:0").unwrap();
    let (pages, err) = collect(
        &mut dev,
        &sane_env::settings(Source::AdfDuplex, ColorMode::Gray, 25),
    );
    assert_eq!((pages.len(), err), (10, None));
    let order: Vec<_> = pages.iter().map(|p| (p.sheet, p.side)).collect();
    assert_eq!(
        order[..4],
        [
            (1, Side::Front),
            (1, Side::Back),
            (2, Side::Front),
            (2, Side::Back)
        ]
    );
    assert_eq!(order[9], (5, Side::Back));
}
