//! Archive batches through the engine: a real watched-folder device holding a stack of generated ID-card form
//! pages with printed Patch T separator sheets between dossiers (the sheets come from the same
//! `patch_sheet` the app prints), dossiers formed, saved with the six fields and the sheet-count check.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use image::DynamicImage;
use sohoa_engine::{BatchEvent, NewRecordRequest, Role, SaveDossier, StorageStart};
use sohoa_scan::folder::{FolderConfig, FolderDevice};
use sohoa_scan::separate::{PatchCode, patch_sheet};
use sohoa_scan::spool::encode_png_at;
use sohoa_scan::{ColorMode, ScanSettings, Source};
use support::engine_with;

const DPI: u32 = 150;

fn write_png(dir: &Path, name: &str, img: &DynamicImage) {
    let bytes = encode_png_at(img, f64::from(DPI), f64::from(DPI)).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// The stack as fed: `p` = a text page, `S` = a Patch T sheet. Names sort in feed order.
fn stack(dir: &Path, layout: &str) {
    let sep = DynamicImage::ImageLuma8(patch_sheet(PatchCode::PatchT, DPI));
    for (i, c) in layout.chars().enumerate() {
        let name = format!("{:03}.png", i + 1);
        if c == 'S' {
            write_png(dir, &name, &sep);
        } else {
            let spec = sohoa_testkit::PageSpec {
                seed: i as u64 + 1,
                dpi: DPI,
                fill: 0.6,
                ..Default::default()
            };
            let page = sohoa_testkit::render_page(&spec).unwrap();
            write_png(dir, &name, &DynamicImage::ImageRgb8(page.image));
        }
    }
}

fn folder(dir: &Path) -> FolderDevice {
    let mut cfg = FolderConfig::new(dir);
    cfg.settle = Duration::from_millis(150);
    cfg.poll_interval = Duration::from_millis(100);
    FolderDevice::open(cfg).unwrap()
}

fn settings() -> ScanSettings {
    ScanSettings {
        source: Source::Adf,
        mode: ColorMode::Color,
        dpi: DPI,
        area: None,
        max_pages: None,
    }
}

fn kv(k: &str, v: &str) -> (String, String) {
    (k.to_owned(), v.to_owned())
}

fn six_fields(name: &str, cmnd: &str) -> SaveDossier {
    SaveDossier {
        owner_id: Some(cmnd.to_owned()),
        fields: vec![
            kv("full_name", name),
            kv("birth_date", "1961-02-03"),
            kv("sex", "Nữ"),
            kv("cmnd_number", cmnd),
            kv("father_name", "Nguyễn Văn Bình"),
            kv("mother_name", "Trần Thị Cúc"),
        ],
        ..Default::default()
    }
}

#[test]
fn a_stack_with_separator_sheets_becomes_dossiers_then_records_of_one_batch() {
    let (dir, engine, archivist) = engine_with(Role::Archivist);
    let feed = dir.path().join("feed");
    std::fs::create_dir_all(&feed).unwrap();
    // Two separators in a row (a sheet fed twice) must not make an empty dossier.
    stack(&feed, "ppSpSSp");
    let acting = engine.acting(&archivist);
    let storage = StorageStart {
        warehouse: "Kho A".into(),
        shelf: "Giá 3".into(),
        box_no: "12".into(),
        next_file: 41,
    };
    let mut events = Vec::new();
    let mut dev = folder(&feed);
    let report = acting
        .run_batch(
            "id-card-bank",
            &mut dev,
            &settings(),
            &storage,
            &AtomicBool::new(false),
            |e| events.push(e.clone()),
        )
        .unwrap();
    assert_eq!(report.state, "finished", "{report:?}");
    assert_eq!((report.sheets, report.separators), (7, 3));
    assert_eq!(report.next_file, 44);
    let pages: Vec<u32> = report.dossiers.iter().map(|d| d.pages).collect();
    assert_eq!(pages, vec![2, 1, 1]);
    let files: Vec<&str> = report
        .dossiers
        .iter()
        .map(|d| d.fields["storage.file"].as_str())
        .collect();
    assert_eq!(files, vec!["41", "42", "43"]);
    assert!(
        report
            .dossiers
            .iter()
            .all(|d| d.kind == "id-card" && d.fields["storage.box"] == "12")
    );
    let seps = events
        .iter()
        .filter(|e| matches!(e, BatchEvent::Separator { .. }))
        .count();
    let kept = events
        .iter()
        .filter(|e| matches!(e, BatchEvent::Page { .. }))
        .count();
    assert_eq!((seps, kept), (3, 4));

    // The sheet-count check: two sheets declared for the first dossier match, three do not.
    let first = &report.dossiers[0];
    assert!(acting.dossier_sheet_check(&first.id, 2).unwrap().ok);
    let wrong = acting.dossier_sheet_check(&first.id, 3).unwrap();
    assert!(!wrong.ok && wrong.code == Some("scan.count_missing"), "{wrong:?}");
    let mut req = six_fields("Nguyễn Thị Lan", "025123456");
    req.declared_sheets = Some(3);
    let err = acting.save_dossier(&first.id, &req).unwrap_err();
    assert_eq!(err.code(), "scan.count_missing");
    assert!(err.message_vi().contains("Thiếu ảnh"), "{}", err.message_vi());
    assert_eq!(engine.record_count().unwrap(), 0, "a refused save stores nothing");

    req.declared_sheets = Some(2);
    let saved = acting.save_dossier(&first.id, &req).unwrap();
    assert_eq!(saved.batch_seq, 1);
    let rec = &saved.record;
    assert_eq!(rec.versions.last().unwrap().files.len(), 2);
    let field = |k: &str| rec.fields.iter().find(|f| f.key == k).map(|f| f.value.clone());
    assert_eq!(field("storage.file").as_deref(), Some("41"));
    assert_eq!(field("archival.number_of_sheets").as_deref(), Some("2"));
    assert_eq!(field("full_name").as_deref(), Some("Nguyễn Thị Lan"));

    // A bad ID number is refused with the reason, and the dossier stays pending with its pages.
    let second = &report.dossiers[1];
    let bad = acting
        .save_dossier(&second.id, &six_fields("Lê Văn Tám", "02512345"))
        .unwrap_err();
    assert_eq!(bad.class(), sohoa_engine::ErrorClass::Invalid, "{bad:?}");
    assert_eq!(acting.pending_dossiers(Some(&report.batch_id)).unwrap().len(), 2);
    acting
        .save_dossier(&second.id, &six_fields("Lê Văn Tám", "025987654"))
        .unwrap();
    acting.discard_dossier(&report.dossiers[2].id).unwrap();
    assert!(acting.pending_dossiers(None).unwrap().is_empty());
    assert_eq!(
        acting
            .save_dossier(&report.dossiers[2].id, &six_fields("x", "025987655"))
            .unwrap_err()
            .code(),
        "batch.no_such_dossier"
    );

    // Papers too damaged to scan: an information-only record counted in the same batch.
    let info = acting
        .add_info_only(
            &report.batch_id,
            &NewRecordRequest {
                kind: "info-only".into(),
                owner_id: Some("025111222".into()),
                doc_type_code: Some("CMND-TK".into()),
                fields: vec![
                    kv("condition", "damaged"),
                    kv("doc_name", "Tờ khai CMND"),
                    kv("storage.box", "12"),
                    kv("storage.file", "44"),
                ],
            },
        )
        .unwrap();
    assert_eq!(info.batch_seq, 3);
    assert_eq!(engine.record_count().unwrap(), 3);
    assert!(engine.audit_verify().unwrap().is_valid());
}

/// A run that must be refused before it forms anything.
fn refused(
    acting: &sohoa_engine::Acting<'_>,
    dev: &mut FolderDevice,
    profile: &str,
) -> sohoa_engine::BatchError {
    let stop = AtomicBool::new(false);
    acting
        .run_batch(profile, dev, &settings(), &StorageStart::default(), &stop, |_| {})
        .unwrap_err()
}

#[test]
fn an_officer_cannot_run_or_save_a_batch_and_an_empty_feeder_says_so() {
    let (dir, engine, officer) = engine_with(Role::Officer);
    let feed = dir.path().join("feed");
    std::fs::create_dir_all(&feed).unwrap();
    let acting = engine.acting(&officer);
    let mut dev = folder(&feed);
    let err = refused(&acting, &mut dev, "id-card-bank");
    assert_eq!(err.code(), "auth.forbidden");
    assert_eq!(
        acting
            .save_dossier("0190", &SaveDossier::default())
            .unwrap_err()
            .code(),
        "auth.forbidden"
    );

    let archivist = support::add_account(&engine, "luu", Role::Archivist);
    let acting = engine.acting(&archivist);
    let err = refused(&acting, &mut dev, "id-card-bank");
    assert_eq!(err.code(), "scan.feeder_empty", "{err:?}");
    let err = refused(&acting, &mut dev, "no-such");
    assert_eq!(err.code(), "batch.unknown_profile");
}
