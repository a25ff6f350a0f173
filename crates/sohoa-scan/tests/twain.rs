#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The TWAIN backend against the fake DSM + data source (crates/sohoa-twain-fake), which checks every
//! call against the TWAIN 2.4 state tables and counts out-of-sequence calls.

mod twain_support;

use image::GenericImageView;
use sohoa_scan::twain::TwainDriver;
use sohoa_scan::{
    ColorMode, Device, Driver, OptionValue, Page, Resolutions, ScanError, ScanSettings, Side, Source,
};
use twain_support::{fake_dsm, seq_errors};

const ADF: &str = "twain:SoHoa Fake ADF Duplex";
const FLATBED: &str = "twain:SoHoa Fake Flatbed";
const APP: &str = "SoHoa Desk";

fn driver() -> TwainDriver {
    TwainDriver::with_dsm_path(fake_dsm())
}

fn settings(source: Source, mode: ColorMode, dpi: u32) -> ScanSettings {
    ScanSettings {
        source,
        mode,
        dpi,
        area: None,
        max_pages: None,
    }
}

fn collect(dev: &mut dyn Device, s: &ScanSettings) -> (Vec<Page>, Option<ScanError>) {
    let mut stream = dev.scan(s).unwrap();
    let mut pages = Vec::new();
    let mut err = None;
    while let Some(r) = stream.next_page() {
        match r {
            Ok(p) => pages.push(p),
            Err(e) => {
                assert!(err.is_none(), "two errors in one stream");
                err = Some(e);
            }
        }
    }
    assert!(stream.next_page().is_none(), "stream must stay ended");
    (pages, err)
}

fn configure(dev: &mut dyn Device, sheets: i32) {
    dev.set_option("cap-0x8001", OptionValue::Int(sheets)).unwrap();
}

/// Checks order and duplex pairing from the marker block the fake paints on each image.
fn check_markers(pages: &[Page], duplex: bool, color: bool) {
    for (i, p) in pages.iter().enumerate() {
        let n = i as u32 + 1;
        let (sheet, side) = if duplex {
            ((n - 1) / 2 + 1, if n % 2 == 1 { Side::Front } else { Side::Back })
        } else {
            (n, Side::Front)
        };
        assert_eq!((p.sheet, p.side), (sheet, side), "page {n}");
        let px = p.image.get_pixel(3, 3).0;
        if color {
            assert_eq!(
                &px[..3],
                &[
                    (n * 10) as u8,
                    (sheet * 10) as u8,
                    if side == Side::Back { 200 } else { 0 }
                ],
                "page {n}"
            );
        } else {
            assert_eq!(
                p.image.to_luma8().get_pixel(3, 3).0[0],
                (n * 10) as u8,
                "page {n}"
            );
        }
    }
}

#[test]
fn lists_sources_with_feeder_and_duplex() {
    let devs = driver().discover().unwrap();
    let ids: Vec<&str> = devs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, vec![ADF, FLATBED]);
    assert_eq!(devs[0].vendor, "SoHoa Test");
    assert_eq!(
        devs[0].sources,
        vec![Source::Flatbed, Source::Adf, Source::AdfDuplex]
    );
    assert!(devs[0].duplex);
    assert_eq!(devs[1].sources, vec![Source::Flatbed]);
    assert!(!devs[1].duplex);
    assert_eq!(seq_errors(APP), 0);
}

#[test]
fn missing_dsm_lists_nothing_and_open_says_no_device() {
    let d = TwainDriver::with_dsm_path("/nonexistent/libtwaindsm.so");
    assert!(d.discover().unwrap().is_empty());
    assert!(matches!(
        driver().open("twain:No Such Scanner"),
        Err(ScanError::NoDevice(_))
    ));
}

#[test]
fn negotiates_capabilities_and_options() {
    let d = driver();
    let mut dev = d.open(ADF).unwrap();
    let caps = dev.capabilities().unwrap();
    assert_eq!(caps.modes, vec![ColorMode::Bw, ColorMode::Gray, ColorMode::Color]);
    assert_eq!(
        caps.resolutions,
        Resolutions::List {
            values: vec![75, 100, 150, 200, 300]
        }
    );
    assert!(caps.auto_deskew && caps.blank_discard);
    assert!((caps.max_width_mm - 50.8).abs() < 0.01, "{}", caps.max_width_mm);
    let names: Vec<&str> = caps.options.iter().map(|o| o.name.as_str()).collect();
    for n in [
        "transfer",
        "auto-deskew",
        "blank-discard",
        "cap-0x8001",
        "cap-0x8002",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    let out = dev.set_option("auto-deskew", OptionValue::Bool(true)).unwrap();
    assert_eq!(out.applied, OptionValue::Bool(true));
    assert!(!out.inexact);
    let out = dev.set_option("blank-discard", OptionValue::Bool(true)).unwrap();
    assert_eq!(out.applied, OptionValue::Bool(true));
    // Type checking happens before anything reaches the source.
    assert!(matches!(
        dev.set_option("auto-deskew", OptionValue::String("yes".into())),
        Err(ScanError::InvalidOption { .. })
    ));
    assert!(matches!(
        dev.set_option("brightness", OptionValue::Fixed(10.0)),
        Err(ScanError::Unsupported(_))
    ));
    assert!(matches!(
        dev.set_option("cap-0x8001", OptionValue::Int(-5)),
        Err(ScanError::InvalidOption { .. })
    ));
    assert!(matches!(
        dev.set_option("transfer", OptionValue::String("file".into())),
        Err(ScanError::InvalidOption { .. })
    ));

    let mut flat = d.open(FLATBED).unwrap();
    let caps = flat.capabilities().unwrap();
    assert_eq!(
        caps.resolutions,
        Resolutions::Range {
            min: 50,
            max: 600,
            step: 50
        }
    );
    assert_eq!(caps.sources, vec![Source::Flatbed]);
    assert!(!caps.auto_deskew);
    drop(flat);
    drop(dev);
    assert_eq!(seq_errors(APP), 0);
}

#[test]
fn flatbed_rejects_adf_and_scans_one_page() {
    let mut flat = driver().open(FLATBED).unwrap();
    assert!(matches!(
        flat.scan(&settings(Source::Adf, ColorMode::Gray, 100)).err(),
        Some(ScanError::Unsupported(_))
    ));
    let (pages, err) = collect(flat.as_mut(), &settings(Source::Flatbed, ColorMode::Gray, 100));
    assert!(err.is_none(), "{err:?}");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].image.dimensions(), (200, 300));
    assert_eq!(pages[0].dpi_x, 100.0);
    assert_eq!(seq_errors(APP), 0);
}

#[test]
fn adf_duplex_batch_via_memory_transfer() {
    let mut dev = driver().open(ADF).unwrap();
    configure(dev.as_mut(), 5);
    let (pages, err) = collect(dev.as_mut(), &settings(Source::AdfDuplex, ColorMode::Gray, 100));
    assert!(err.is_none(), "{err:?}");
    assert_eq!(pages.len(), 10);
    check_markers(&pages, true, false);
    assert!(
        pages
            .iter()
            .all(|p| p.image.dimensions() == (200, 300) && p.dpi_x == 100.0)
    );
    // Colour, simplex, same device: the session went back to state 4 in between.
    let (pages, err) = collect(dev.as_mut(), &settings(Source::Adf, ColorMode::Color, 75));
    assert!(err.is_none(), "{err:?}");
    assert_eq!(pages.len(), 5);
    check_markers(&pages, false, true);
    assert_eq!(pages[0].image.dimensions(), (150, 225));
    // Black and white arrives as 1-bit strips.
    let (pages, _) = collect(dev.as_mut(), &settings(Source::Adf, ColorMode::Bw, 100));
    assert_eq!(pages.len(), 5);
    assert_eq!(pages[0].image.to_luma8().get_pixel(3, 3).0[0], 0);
    assert_eq!(pages[0].image.to_luma8().get_pixel(20, 3).0[0], 255);
    assert_eq!(seq_errors(APP), 0);
}

#[test]
fn adf_duplex_batch_via_native_transfer_tiff_and_dib() {
    let mut dev = driver().open(ADF).unwrap();
    configure(dev.as_mut(), 5);
    dev.set_option("transfer", OptionValue::String("native".into()))
        .unwrap();
    let (pages, err) = collect(dev.as_mut(), &settings(Source::AdfDuplex, ColorMode::Color, 100));
    assert!(err.is_none(), "{err:?}");
    assert_eq!(pages.len(), 10);
    check_markers(&pages, true, true);
    // The Windows convention (a packed DIB in the handle) decodes the same way.
    dev.set_option("cap-0x8004", OptionValue::Int(1)).unwrap();
    let (pages, err) = collect(dev.as_mut(), &settings(Source::AdfDuplex, ColorMode::Color, 100));
    assert!(err.is_none(), "{err:?}");
    assert_eq!(pages.len(), 10);
    check_markers(&pages, true, true);
    assert_eq!(seq_errors(APP), 0);
}

#[test]
fn jam_mid_batch_keeps_earlier_pages() {
    for transfer in ["memory", "native"] {
        let mut dev = driver().open(ADF).unwrap();
        configure(dev.as_mut(), 5);
        dev.set_option("transfer", OptionValue::String(transfer.into()))
            .unwrap();
        dev.set_option("cap-0x8002", OptionValue::Int(4)).unwrap();
        let (pages, err) = collect(dev.as_mut(), &settings(Source::AdfDuplex, ColorMode::Gray, 100));
        assert_eq!(pages.len(), 3, "{transfer}");
        check_markers(&pages, true, false);
        assert_eq!(err, Some(ScanError::Jammed), "{transfer}");
        assert_eq!(err.as_ref().map(ScanError::code), Some("scan.jammed"));
        // The operator clears the jam and the same session scans again.
        dev.set_option("cap-0x8002", OptionValue::Int(0)).unwrap();
        let (pages, err) = collect(dev.as_mut(), &settings(Source::Adf, ColorMode::Gray, 100));
        assert!(err.is_none());
        assert_eq!(pages.len(), 5);
    }
    assert_eq!(seq_errors(APP), 0);
}

#[test]
fn double_feed_and_empty_feeder_are_typed() {
    let mut dev = driver().open(ADF).unwrap();
    configure(dev.as_mut(), 5);
    dev.set_option("cap-0x8003", OptionValue::Int(2)).unwrap();
    let (pages, err) = collect(dev.as_mut(), &settings(Source::Adf, ColorMode::Gray, 100));
    assert_eq!(pages.len(), 1);
    assert_eq!(err, Some(ScanError::DoubleFeed));
    dev.set_option("cap-0x8003", OptionValue::Int(0)).unwrap();
    configure(dev.as_mut(), 0);
    let (pages, err) = collect(dev.as_mut(), &settings(Source::Adf, ColorMode::Gray, 100));
    assert!(pages.is_empty());
    assert_eq!(err, Some(ScanError::FeederEmpty));
    assert_eq!(seq_errors(APP), 0);
}

#[test]
fn max_pages_unknown_counts_and_cancel() {
    let mut dev = driver().open(ADF).unwrap();
    configure(dev.as_mut(), 5);
    let mut s = settings(Source::AdfDuplex, ColorMode::Gray, 100);
    s.max_pages = Some(3);
    let (pages, err) = collect(dev.as_mut(), &s);
    assert!(err.is_none());
    assert_eq!(pages.len(), 3);
    // Sources that cannot count ahead answer 0xFFFF until the last image.
    dev.set_option("cap-0x8005", OptionValue::Bool(true)).unwrap();
    let (pages, err) = collect(dev.as_mut(), &settings(Source::AdfDuplex, ColorMode::Gray, 100));
    assert!(err.is_none());
    assert_eq!(pages.len(), 10);
    check_markers(&pages, true, false);
    {
        let mut stream = dev
            .scan(&settings(Source::AdfDuplex, ColorMode::Gray, 100))
            .unwrap();
        assert!(stream.next_page().unwrap().is_ok());
        assert!(stream.next_page().unwrap().is_ok());
        stream.cancel();
        assert!(stream.next_page().is_none());
    }
    {
        // Dropping a stream half-way also returns the session to state 4.
        let mut stream = dev.scan(&settings(Source::Adf, ColorMode::Gray, 100)).unwrap();
        assert!(stream.next_page().unwrap().is_ok());
    }
    let (pages, _) = collect(dev.as_mut(), &settings(Source::Adf, ColorMode::Gray, 100));
    assert_eq!(pages.len(), 5);
    assert_eq!(seq_errors(APP), 0);
}

#[test]
fn blank_discard_keeps_sheet_and_side_pairing() {
    for transfer in ["memory", "native"] {
        let mut dev = driver().open(ADF).unwrap();
        configure(dev.as_mut(), 5);
        dev.set_option("transfer", OptionValue::String(transfer.into()))
            .unwrap();
        dev.set_option("blank-discard", OptionValue::Bool(true)).unwrap();
        let (pages, err) = collect(dev.as_mut(), &settings(Source::AdfDuplex, ColorMode::Color, 100));
        assert!(err.is_none(), "{err:?}");
        // The backs of sheets 2 and 4 are blank and dropped by the source: 5 fronts + 3 backs.
        let got: Vec<(u32, Side)> = pages.iter().map(|p| (p.sheet, p.side)).collect();
        use Side::{Back as B, Front as F};
        assert_eq!(
            got,
            vec![(1, F), (1, B), (2, F), (3, F), (3, B), (4, F), (5, F), (5, B)],
            "{transfer}"
        );
        for (i, p) in pages.iter().enumerate() {
            // What the source painted on the image agrees with what the backend reported.
            let px = p.image.get_pixel(3, 3).0;
            assert_eq!(px[0], ((i + 1) * 10) as u8);
            assert_eq!(px[1], (p.sheet * 10) as u8);
            assert_eq!(px[2], if p.side == Side::Back { 200 } else { 0 });
        }
    }
    assert_eq!(seq_errors(APP), 0);
}
