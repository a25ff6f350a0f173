#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Outside check against a real TWAIN Data Source Manager (the TWAIN Working Group's libtwaindsm.so with
//! its sample data source installed under /usr/local/lib/twain). Neither is a Debian package, so this is
//! not part of the normal suite; run it where they are installed:
//!
//! ```text
//! SOHOA_TWAIN_DSM=/usr/local/lib/libtwaindsm.so cargo test -p sohoa-scan --test twain_real_dsm -- --ignored
//! ```

use sohoa_scan::twain::{DSM_ENV, TwainDriver};
use sohoa_scan::{ColorMode, Driver, OptionValue, ScanSettings};

#[test]
#[ignore = "needs a real TWAIN DSM + data source; set SOHOA_TWAIN_DSM"]
fn real_dsm_lists_sources_and_scans() {
    let path = std::env::var(DSM_ENV).expect("set SOHOA_TWAIN_DSM to the libtwaindsm.so to check");
    let d = TwainDriver::from_env();
    let devs = d.discover().unwrap();
    assert!(!devs.is_empty(), "no TWAIN source found through {path}");
    for dev in &devs {
        println!(
            "{} ({} / {}) sources {:?} duplex {}",
            dev.id, dev.vendor, dev.model, dev.sources, dev.duplex
        );
    }
    let info = &devs[0];
    let source = *info.sources.first().expect("the source reports no paper source");
    for transfer in ["native", "memory"] {
        let mut dev = d.open(&info.id).unwrap();
        dev.set_option("transfer", OptionValue::String(transfer.into()))
            .unwrap();
        let s = ScanSettings {
            source,
            mode: ColorMode::Gray,
            dpi: 200,
            area: None,
            max_pages: Some(3),
        };
        let mut stream = dev.scan(&s).unwrap();
        let mut n = 0;
        while let Some(p) = stream.next_page() {
            let p = p.unwrap_or_else(|e| panic!("{transfer}: {e}"));
            assert!(p.image.width() > 0 && p.image.height() > 0);
            n += 1;
        }
        assert!((1..=3).contains(&n), "{transfer}: {n} pages");
    }
}
