//! The supervisor's review through signed-in callers: the queue with page quality from the stored images,
//! reject with a reason, the record back with its officer, the officer rescanning one page from the real
//! SANE `test` backend (in-process), the record waiting again; sample draws per batch; role checks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)]

use std::sync::atomic::AtomicBool;
use std::time::Instant;

mod support;

use sohoa_engine::{
    Caller, Engine, PageToRescan, QualityVerdict, ReviewFilter, ReviewState, ReviewVerdict, Role,
    sample_indices,
};
use support::residence;

struct Desk {
    dir: tempfile::TempDir,
    engine: Engine,
    supervisor: Caller,
    officer: Caller,
    other_officer: Caller,
}

fn desk() -> Desk {
    let (dir, engine, officer) = support::engine_with(Role::Officer);
    let supervisor = support::add_account(&engine, "truong", Role::Supervisor);
    let other_officer = support::add_account(&engine, "binh", Role::Archivist);
    Desk {
        dir,
        engine,
        supervisor,
        officer,
        other_officer,
    }
}

/// A private SANE configuration with only the colour A4 `test` backend (the demo scanner's pattern).
fn sane_test_scanner(dir: &std::path::Path) -> &'static str {
    let conf = dir.join("sane");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(conf.join("dll.conf"), "test\n").unwrap();
    std::fs::write(
        conf.join("test.conf"),
        "number_of_devices 1\nmode Color\ndepth 8\nresolution_min 1.0\nresolution_max 600.0\n\
         resolution_quant 1.0\nresolution 200.0\ntest-picture \"Color pattern\"\ngeometry_min 0.0\n\
         geometry_max 300.0\ngeometry_quant 1.0\ntl_x 0.0\ntl_y 0.0\nbr_x 210.0\nbr_y 297.0\n",
    )
    .unwrap();
    // SAFETY: nextest runs each test in its own process, and this runs before libsane is loaded or any
    // other thread of this test exists.
    unsafe { std::env::set_var("SANE_CONFIG_DIR", &conf) };
    "test:0"
}

/// Image files of a version as (ordinal, sha256).
fn pages(engine: &Engine, caller: &Caller, id: &str, version: u32) -> Vec<(u32, String)> {
    let detail = engine.acting(caller).record_detail(id).unwrap();
    let v = detail.versions.iter().find(|v| v.number == version).unwrap();
    v.files
        .iter()
        .filter(|f| f.media_type.starts_with("image/"))
        .map(|f| (f.ordinal, f.sha256.clone()))
        .collect()
}

/// Adds a version with each of the first two pages followed by its OCR words and a signed copy at the end,
/// as `ocr_record` and `sign_record` would leave it (written through the store: Tesseract and a signing
/// token are not what this test is about).
fn with_words_and_signature(d: &Desk, id: &str, version: u32) -> u32 {
    let store = sohoa_store::Store::open(d.dir.path()).unwrap();
    let actor = sohoa_store::Actor {
        user: "huong".into(),
        workstation: "ws".into(),
    };
    let file = |name: &str, blob: sohoa_store::BlobRef, media_type: &str| sohoa_store::VersionFile {
        blob,
        name: name.to_owned(),
        media_type: media_type.to_owned(),
    };
    let mut files = Vec::new();
    for f in store.version_files(id, version).unwrap() {
        let blob = sohoa_store::BlobRef {
            sha256: f.sha256.clone(),
            size: f.size,
        };
        files.push(file(&f.name, blob, &f.media_type));
        if f.ordinal <= 2 {
            let words = format!("{{\"page\": {}}}", f.ordinal);
            let stored = store.put_blob(&mut words.as_bytes()).unwrap();
            let name = sohoa_engine::ocr_file_name(&f.name);
            files.push(file(&name, stored.blob, sohoa_engine::OCR_MEDIA_TYPE));
        }
    }
    let pdf = store
        .put_blob(&mut b"%PDF-1.7\n%signed\n%%EOF\n".as_slice())
        .unwrap();
    files.push(file(sohoa_engine::SIGNED_COPY_NAME, pdf.blob, "application/pdf"));
    store
        .commit_version(&actor, id, &files, "ocr + sign")
        .unwrap()
        .number
}

#[test]
fn a_rejected_page_goes_back_to_its_officer_who_rescans_it_and_the_record_waits_again() {
    let d = desk();
    let scanner = sane_test_scanner(d.dir.path());
    let (officer, boss) = (d.engine.acting(&d.officer), d.engine.acting(&d.supervisor));
    let id = officer.create_record(&residence()).unwrap().summary.id;
    let (mut dev, mut settings) =
        sohoa_engine::open_scanner(d.engine.data_dir(), None, scanner, "cmnd-form", Some(3)).unwrap();
    settings.dpi = 200;
    let never = AtomicBool::new(false);
    let scanned = officer
        .scan_into_record(&id, dev.as_mut(), &settings, None, &never, |_| {})
        .unwrap();
    drop(dev);
    let v1 = scanned.import.unwrap().version;
    {
        let store = sohoa_store::Store::open(d.dir.path()).unwrap();
        let actor = sohoa_store::Actor {
            user: "huong".into(),
            workstation: "ws".into(),
        };
        store
            .start_batch(&actor, "lo-1", "residence-bank", "demo")
            .unwrap();
        store.link_batch_record(&actor, "lo-1", &id).unwrap();
    }
    let sample = boss.draw_sample("lo-1", Some(1.0)).unwrap();
    assert_eq!(sample.sample.records, std::slice::from_ref(&id));
    let before = pages(&d.engine, &d.officer, &id, v1);
    assert_eq!(before.len(), 3);

    // The queue measures the pages once; the second read comes from the cache.
    let t = Instant::now();
    let queue = boss.review_queue(&ReviewFilter::default()).unwrap();
    let first = t.elapsed();
    let t = Instant::now();
    let again = boss.review_queue(&ReviewFilter::default()).unwrap();
    let second = t.elapsed();
    eprintln!("review queue, 3 pages: first read {first:?}, cached read {second:?}");
    assert_eq!(queue.len(), 1);
    let item = &queue[0];
    assert_eq!((item.summary.id.as_str(), item.version), (id.as_str(), v1));
    assert_eq!((item.page_count, item.created_by.as_str()), (3, "huong"));
    assert_eq!(item.pages.iter().map(|p| p.number).collect::<Vec<_>>(), [1, 2, 3]);
    let q = &item.pages[0].quality;
    assert_eq!(q.dpi, Some(200.0), "{q:?}");
    assert!(q.contrast > 0.0 && q.sharpness > 0.0, "{q:?}");
    assert_eq!(item.verdict, q.verdict);
    assert_eq!(again[0].pages[1].quality, item.pages[1].quality);
    assert_eq!((item.batch_id.as_deref(), item.sampled), (Some("lo-1"), true));
    let filter = |batch: &str, samples_only| ReviewFilter {
        batch: Some(batch.to_owned()),
        samples_only,
        limit: 0,
    };
    assert_eq!(boss.review_queue(&filter("lo-1", true)).unwrap().len(), 1);
    assert!(boss.review_queue(&filter("lo-2", false)).unwrap().is_empty());
    let cached = d
        .dir
        .path()
        .join("cache/quality")
        // A CT01 declaration is judged by the handwritten-form thresholds, cached under that profile.
        .join(format!("{}.handwritten-form.json", before[0].1));
    assert!(cached.is_file());
    assert!(second < first, "cached {second:?} vs measured {first:?}");
    // Proof that the entry is what the queue reads: a doctored entry shows up as is.
    let doctored = std::fs::read_to_string(&cached)
        .unwrap()
        .replace("\"verdict\":\"ok\"", "\"verdict\":\"fail\"")
        .replace("\"verdict\":\"warn\"", "\"verdict\":\"fail\"");
    std::fs::write(&cached, doctored).unwrap();
    let doctored = boss.review_queue(&ReviewFilter::default()).unwrap();
    assert_eq!(doctored[0].pages[0].quality.verdict, QualityVerdict::Fail);

    // Bad rejects store nothing.
    let code = |e: sohoa_engine::EngineError| e.code();
    assert_eq!(
        code(boss.reject(&id, v1, "  ", &[2]).unwrap_err()),
        "review.reason_required"
    );
    assert_eq!(
        code(boss.reject(&id, v1, "mờ", &[4]).unwrap_err()),
        "review.no_such_page"
    );
    assert_eq!(
        code(boss.reject(&id, v1 + 1, "mờ", &[2]).unwrap_err()),
        "review.not_current"
    );
    assert!(boss.review_history(&id).unwrap().is_empty());

    let nfd = "Trang 2 bi\u{323} mơ\u{300}, quét lại";
    let rejected = boss.reject(&id, v1, nfd, &[2]).unwrap();
    assert_eq!(rejected.reason.as_deref(), Some("Trang 2 bị mờ, quét lại"));
    assert_eq!(
        (rejected.reviewer.as_str(), rejected.verdict),
        ("truong", ReviewVerdict::Rejected)
    );
    assert!(rejected.sampled);
    assert!(boss.review_queue(&ReviewFilter::default()).unwrap().is_empty());
    assert_eq!(
        officer.review_status(&id).unwrap().state,
        Some(ReviewState::Rejected)
    );
    let returned = officer.returned_records().unwrap();
    assert_eq!(returned.len(), 1);
    assert_eq!(returned[0].summary.id, id);
    assert_eq!(returned[0].review.reason, rejected.reason);
    assert_eq!(
        returned[0]
            .pages
            .iter()
            .map(|p| (p.ordinal, p.number))
            .collect::<Vec<_>>(),
        [(2, 2)]
    );
    assert!(
        d.engine
            .acting(&d.other_officer)
            .returned_records()
            .unwrap()
            .is_empty()
    );

    // OCR words after each page and a signed copy (a new version, same page images) keep the verdict;
    // page 2 is now the third file.
    let v2 = with_words_and_signature(&d, &id, v1);
    assert_eq!(
        officer.review_status(&id).unwrap().state,
        Some(ReviewState::Rejected)
    );
    let returned = officer.returned_records().unwrap();
    assert_eq!(returned[0].version, v2);
    assert_eq!(
        returned[0]
            .pages
            .iter()
            .map(|p| (p.ordinal, p.number))
            .collect::<Vec<_>>(),
        [(3, 2)]
    );

    // The officer rescans page 2 at a higher resolution: one sheet, in place of page 2.
    let (mut dev, mut settings) =
        sohoa_engine::open_scanner(d.engine.data_dir(), None, scanner, "cmnd-form", None).unwrap();
    settings.dpi = 300;
    // From a screen still showing the version before the OCR words and signature, ordinal 3 is another
    // file: refused before a sheet is pulled.
    let stale = officer
        .rescan_page(
            page(&id, 3, Some(v1)),
            dev.as_mut(),
            &settings,
            Some("cmnd-form"),
            &never,
        )
        .unwrap_err();
    assert_eq!(stale.code(), "store.version_conflict", "{stale}");
    assert!(d.engine.unfinished_scans().unwrap().is_empty());
    assert_eq!(officer.returned_records().unwrap()[0].version, v2);
    let report = officer
        .rescan_page(
            page(&id, 3, Some(v2)),
            dev.as_mut(),
            &settings,
            Some("cmnd-form"),
            &never,
        )
        .unwrap_or_else(|e| panic!("{} {}", e.code(), e.message_vi()));
    drop(dev);
    assert_eq!((report.ordinal, report.version), (3, v2 + 1));
    assert_eq!(report.replaced_sha256, before[1].1);
    assert_eq!(report.dropped, ["page-0002.png.ocr.json", "ban-sao-y.pdf"]);
    let after = pages(&d.engine, &d.officer, &id, report.version);
    assert_eq!(after.len(), 3, "one page replaced, none added");
    assert_eq!((&after[0].1, &after[2].1), (&before[0].1, &before[2].1));
    assert_ne!(after[1].1, before[1].1);
    assert_eq!(after[1], (3, report.sha256.clone()));
    let files: Vec<String> = officer.record_detail(&id).unwrap().versions[2]
        .files
        .iter()
        .map(|f| f.name.clone())
        .collect();
    assert_eq!(
        files,
        [
            "page-0001.png",
            "page-0001.png.ocr.json",
            "page-0002.png",
            "page-0003.png"
        ],
        "the other pages keep their words; the new page has none yet and there is no signed copy"
    );
    assert_eq!(
        officer.review_status(&id).unwrap().state,
        Some(ReviewState::Awaiting)
    );
    assert!(officer.returned_records().unwrap().is_empty());
    let queue = boss.review_queue(&ReviewFilter::default()).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].version, report.version);
    assert_eq!(queue[0].last_review.as_ref().map(|r| r.id), Some(rejected.id));
    assert_eq!(queue[0].pages[1].quality.dpi, Some(300.0));

    // A decision on the version the supervisor saw before the rescan is stale.
    assert_eq!(code(boss.approve(&id, v1).unwrap_err()), "review.not_current");
    boss.approve(&id, report.version).unwrap();
    assert_eq!(
        officer.review_status(&id).unwrap().state,
        Some(ReviewState::Approved)
    );
    let history = officer.review_history(&id).unwrap();
    assert_eq!(
        history.iter().map(|r| (r.version, r.verdict)).collect::<Vec<_>>(),
        [
            (v1, ReviewVerdict::Rejected),
            (report.version, ReviewVerdict::Approved)
        ]
    );
    let detail = officer.record_detail(&id).unwrap();
    assert_eq!(detail.versions.len(), 3);
    assert_eq!(detail.versions[2].actor, "huong");
    assert!(
        detail
            .history
            .iter()
            .any(|h| h.user == "truong" && h.summary_vi == "Lãnh đạo trả lại để quét lại"),
        "the record's history shows the reject"
    );
    let audit = d.engine.audit_log(Some(&id)).unwrap();
    let who = |action: &str| {
        audit
            .iter()
            .filter(|e| e.action == action)
            .map(|e| e.user.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(who("review.rejected"), ["truong"]);
    assert_eq!(who("review.approved"), ["truong"]);
    assert_eq!(who("version.commit"), ["huong", "huong", "huong"]);
    assert!(d.engine.audit_verify().unwrap().is_valid());
}

#[test]
fn only_supervisors_review_and_only_officers_see_returned_records() {
    let d = desk();
    let officer = d.engine.acting(&d.officer);
    let id = officer.create_record(&residence()).unwrap().summary.id;
    let forbidden = [
        officer.review_queue(&ReviewFilter::default()).map(|_| ()),
        officer.draw_sample("b1", Some(0.5)).map(|_| ()),
        officer.approve(&id, 1).map(|_| ()),
        officer.reject(&id, 1, "mờ", &[]).map(|_| ()),
        d.engine.acting(&d.supervisor).returned_records().map(|_| ()),
    ];
    for result in forbidden {
        assert_eq!(result.unwrap_err().code(), "auth.forbidden");
    }
    // A record without pages has nothing to review.
    let boss = d.engine.acting(&d.supervisor);
    assert_eq!(boss.review_status(&id).unwrap().state, None);
    assert_eq!(boss.approve(&id, 1).unwrap_err().code(), "review.no_pages");
}

#[test]
fn a_batch_sample_is_drawn_once_at_the_configured_share_and_can_be_redrawn_from_its_seed() {
    let d = desk();
    let officer = d.engine.acting(&d.other_officer);
    let ids: Vec<String> = (0..8)
        .map(|_| officer.create_record(&residence()).unwrap().summary.id)
        .collect();
    {
        // The feeder batch engine is another module; the store's batch rows are what the sample reads.
        let store = sohoa_store::Store::open(d.dir.path()).unwrap();
        let actor = sohoa_store::Actor {
            user: "binh".into(),
            workstation: "ws".into(),
        };
        for batch in ["lo-1", "lo-trong"] {
            store
                .start_batch(&actor, batch, "residence-bank", "demo")
                .unwrap();
        }
        for id in &ids {
            store.link_batch_record(&actor, "lo-1", id).unwrap();
        }
    }
    let boss = d.engine.acting(&d.supervisor);
    for bad in [0.0, -0.5, 1.5, f64::NAN] {
        assert_eq!(
            boss.draw_sample("lo-1", Some(bad)).unwrap_err().code(),
            "review.bad_share"
        );
    }
    assert_eq!(
        boss.draw_sample("khong-co", Some(0.25)).unwrap_err().code(),
        "store.not_found"
    );
    assert_eq!(
        boss.draw_sample("lo-trong", Some(0.25)).unwrap_err().code(),
        "review.empty_batch"
    );
    let draw = boss.draw_sample("lo-1", Some(0.25)).unwrap();
    assert!(draw.fresh);
    assert_eq!(draw.sample.records.len(), 2);
    assert_eq!((draw.sample.population, draw.sample.share), (8, 0.25));
    // The stored seed reproduces the draw.
    let redrawn: Vec<_> = sample_indices(draw.sample.seed as u64, 8, 0.25)
        .into_iter()
        .map(|i| ids[i].clone())
        .collect();
    assert_eq!(redrawn, draw.sample.records);
    let again = boss.draw_sample("lo-1", Some(1.0)).unwrap();
    assert!(!again.fresh);
    assert_eq!(again.sample, draw.sample);
    let audit = d.engine.audit_log(None).unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "review.sample").count(), 1);

    // The default share comes from the desk setting.
    {
        let store = sohoa_store::Store::open(d.dir.path()).unwrap();
        let actor = sohoa_store::Actor {
            user: "admin".into(),
            workstation: "ws".into(),
        };
        store
            .set_settings(&actor, &[("review.sample_share".into(), "1".into())])
            .unwrap();
        let extra = officer.create_record(&residence()).unwrap().summary.id;
        store
            .start_batch(&actor, "lo-3", "residence-bank", "demo")
            .unwrap();
        store.link_batch_record(&actor, "lo-3", &extra).unwrap();
    }
    let all = boss.draw_sample("lo-3", None).unwrap();
    assert_eq!((all.sample.share, all.sample.records.len()), (1.0, 1));
    assert!(d.engine.audit_verify().unwrap().is_valid());
}

fn page(record: &str, ordinal: u32, seen: Option<u32>) -> PageToRescan<'_> {
    PageToRescan {
        record,
        ordinal,
        seen,
    }
}
