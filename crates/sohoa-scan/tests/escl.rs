#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The eSCL client against a small eSCL server in the test code (tests/escl_support).

mod escl_support;

use std::time::Duration;

use escl_support::{Behaviour, Server};
use sohoa_scan::escl::Retry;
use sohoa_scan::{
    ColorMode, Device, Driver, EsclDriver, Page, Resolutions, ScanError, ScanSettings, Side, Source,
};

fn fast_retry() -> Retry {
    Retry {
        first: Duration::from_millis(5),
        max: Duration::from_millis(20),
        busy_budget: Duration::from_secs(5),
    }
}

fn driver(root: &str) -> EsclDriver {
    EsclDriver::new(vec![root.to_owned()]).with_retry(fast_retry())
}

fn settings(source: Source) -> ScanSettings {
    ScanSettings {
        source,
        mode: ColorMode::Gray,
        dpi: 300,
        area: None,
        max_pages: None,
    }
}

fn collect(dev: &mut dyn Device, s: &ScanSettings) -> (Vec<Page>, Option<ScanError>) {
    let mut stream = dev.scan(s).unwrap();
    let (mut pages, mut err) = (Vec::new(), None);
    while let Some(r) = stream.next_page() {
        match r {
            Ok(p) => pages.push(p),
            Err(e) => err = Some(e),
        }
    }
    assert!(stream.next_page().is_none());
    (pages, err)
}

fn marker(p: &Page) -> u8 {
    p.image.to_luma8().get_pixel(4, 4).0[0]
}

#[test]
fn discovers_and_reads_capabilities() {
    let srv = Server::start(Behaviour::default());
    let dead = "http://127.0.0.1:9/eSCL".to_owned();
    let d = EsclDriver::new(vec![srv.root.clone(), dead]).with_retry(fast_retry());
    let devs = d.discover().unwrap();
    assert_eq!(devs.len(), 1, "the unreachable root is skipped");
    assert_eq!(devs[0].id, format!("escl:{}", srv.root));
    assert_eq!(devs[0].name, "Test eSCL MFP");
    assert_eq!(
        devs[0].sources,
        vec![Source::Flatbed, Source::Adf, Source::AdfDuplex]
    );
    assert!(devs[0].duplex);
    let mut dev = d.open(&devs[0].id).unwrap();
    let caps = dev.capabilities().unwrap();
    assert_eq!(caps.modes, vec![ColorMode::Bw, ColorMode::Gray, ColorMode::Color]);
    assert_eq!(
        caps.resolutions,
        Resolutions::List {
            values: vec![100, 200, 300, 600]
        }
    );
    assert!((caps.max_width_mm - 215.9).abs() < 0.1 && (caps.max_height_mm - 297.0).abs() < 0.1);
    assert!(matches!(
        dev.scan(&ScanSettings {
            dpi: 250,
            ..settings(Source::Adf)
        })
        .err(),
        Some(ScanError::InvalidOption { .. })
    ));
}

#[test]
fn adf_duplex_batch_until_404() {
    let srv = Server::start(Behaviour::default());
    let mut dev = driver(&srv.root).open(&format!("escl:{}", srv.root)).unwrap();
    let (pages, err) = collect(dev.as_mut(), &settings(Source::AdfDuplex));
    assert!(err.is_none(), "{err:?}");
    assert_eq!(pages.len(), 10);
    for (i, p) in pages.iter().enumerate() {
        assert_eq!(marker(p), ((i + 1) * 20) as u8);
        assert_eq!(p.sheet, i as u32 / 2 + 1);
        assert_eq!(p.side, if i % 2 == 0 { Side::Front } else { Side::Back });
        assert_eq!(p.dpi_x, 300.0);
    }
    let posts: Vec<_> = srv
        .requests()
        .into_iter()
        .filter(|(m, _, _)| m == "POST")
        .collect();
    assert_eq!(posts.len(), 1);
    let body = &posts[0].2;
    for frag in [
        "<pwg:InputSource>Feeder</pwg:InputSource>",
        "<scan:Duplex>true</scan:Duplex>",
        "image/png",
        "<scan:ColorMode>Grayscale8</scan:ColorMode>",
        "<scan:XResolution>300</scan:XResolution>",
    ] {
        assert!(body.contains(frag), "{frag} missing from {body}");
    }
    assert_eq!(
        srv.count("GET", "/NextDocument"),
        11,
        "10 pages, then the 404 that ends the job"
    );
}

#[test]
fn busy_503_is_retried_with_backoff() {
    let srv = Server::start(Behaviour {
        busy_before_each_page: 2,
        sheets: 3,
        ..Default::default()
    });
    let mut dev = driver(&srv.root).open(&format!("escl:{}", srv.root)).unwrap();
    let (pages, err) = collect(dev.as_mut(), &settings(Source::Adf));
    assert!(err.is_none(), "{err:?}");
    assert_eq!(pages.len(), 3);
    assert_eq!(
        srv.count("GET", "/NextDocument"),
        3 * 3 + 3,
        "two 503s before each page and before the final 404"
    );

    let srv = Server::start(Behaviour {
        busy_forever: true,
        ..Default::default()
    });
    let d = EsclDriver::new(vec![srv.root.clone()]).with_retry(Retry {
        first: Duration::from_millis(5),
        max: Duration::from_millis(10),
        busy_budget: Duration::from_millis(100),
    });
    let mut dev = d.open(&format!("escl:{}", srv.root)).unwrap();
    assert_eq!(dev.scan(&settings(Source::Adf)).err(), Some(ScanError::Busy));
    assert!(srv.count("POST", "/ScanJobs") > 2, "retried before giving up");
}

#[test]
fn jam_keeps_earlier_pages_and_is_typed() {
    for jam_code in [404, 409, 500] {
        let srv = Server::start(Behaviour {
            jam_after: Some(3),
            jam_code,
            ..Default::default()
        });
        let mut dev = driver(&srv.root).open(&format!("escl:{}", srv.root)).unwrap();
        let (pages, err) = collect(dev.as_mut(), &settings(Source::AdfDuplex));
        assert_eq!(pages.len(), 3, "{jam_code}");
        assert_eq!(pages.iter().map(marker).collect::<Vec<_>>(), vec![20, 40, 60]);
        assert_eq!(err, Some(ScanError::Jammed), "{jam_code}");
        if jam_code != 404 {
            assert!(srv.job_deleted(1), "an aborted job is deleted on the scanner");
        }
    }
}

#[test]
fn empty_feeder_is_typed_and_flatbed_still_works() {
    let srv = Server::start(Behaviour {
        adf_empty: true,
        ..Default::default()
    });
    let mut dev = driver(&srv.root).open(&format!("escl:{}", srv.root)).unwrap();
    let (pages, err) = collect(dev.as_mut(), &settings(Source::Adf));
    assert!(pages.is_empty());
    assert_eq!(err, Some(ScanError::FeederEmpty));
    assert_eq!(
        srv.count("POST", "/ScanJobs"),
        0,
        "no job is created for an empty feeder"
    );
    let (pages, err) = collect(dev.as_mut(), &settings(Source::Flatbed));
    assert!(err.is_none());
    assert_eq!(pages.len(), 1);
}

#[test]
fn cancel_deletes_the_job_and_jpeg_pages_decode() {
    let srv = Server::start(Behaviour {
        formats: vec!["image/jpeg", "application/pdf"],
        ..Default::default()
    });
    let mut dev = driver(&srv.root).open(&format!("escl:{}", srv.root)).unwrap();
    {
        let mut stream = dev.scan(&settings(Source::AdfDuplex)).unwrap();
        let p = stream.next_page().unwrap().unwrap();
        assert!(
            (i32::from(marker(&p)) - 20).abs() <= 4,
            "JPEG marker {}",
            marker(&p)
        );
        assert!(stream.next_page().unwrap().is_ok());
        stream.cancel();
        assert!(stream.next_page().is_none());
    }
    assert!(srv.job_deleted(1), "cancel sends DELETE for the job");
    assert!(
        srv.requests()
            .iter()
            .any(|(m, _, b)| m == "POST" && b.contains("image/jpeg"))
    );
    // max_pages stops early and also ends the job on the scanner.
    let mut s = settings(Source::Adf);
    s.max_pages = Some(2);
    let (pages, err) = collect(dev.as_mut(), &s);
    assert_eq!((pages.len(), err), (2, None));
    assert!(srv.job_deleted(2));
}
