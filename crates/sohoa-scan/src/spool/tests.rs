use super::*;
use crate::{ColorMode, Source};

fn meta() -> SpoolMeta {
    SpoolMeta {
        device_id: "test:0".into(),
        settings: ScanSettings {
            source: Source::Adf,
            mode: ColorMode::Color,
            dpi: 200,
            area: None,
            max_pages: None,
        },
        preset: Some("residence-dossier".into()),
        record_id: None,
    }
}

fn page(sheet: u32, v: u8) -> Page {
    Page {
        sheet,
        side: Side::Front,
        image: image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(8, 4, image::Rgb([v, 0, 0]))),
        dpi_x: 200.0,
        dpi_y: 200.0,
    }
}

#[test]
fn pages_survive_and_are_offered_back_until_discarded() {
    let root = tempfile::tempdir().unwrap();
    let id = {
        let mut s = Spool::create(root.path(), meta()).unwrap();
        s.add_page(&page(1, 10)).unwrap();
        s.add_page(&page(2, 20)).unwrap();
        s.record_fault(&ScanError::Jammed).unwrap();
        s.id().to_owned()
        // Dropped without discard: the app "crashed".
    };
    let list = Spool::list(root.path()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].pages.len(), 2);
    assert_eq!(list[0].last_fault.as_deref(), Some("scan.jammed"));
    let s = Spool::open(root.path(), &id).unwrap();
    let img = image::open(s.page_path(&s.pages()[1])).unwrap().to_rgb8();
    assert_eq!(img.get_pixel(0, 0).0, [20, 0, 0]);
    s.discard().unwrap();
    assert!(Spool::list(root.path()).unwrap().is_empty());
    assert!(matches!(
        Spool::open(root.path(), &id),
        Err(SpoolError::NotFound(_))
    ));
    assert!(matches!(
        Spool::open(root.path(), "../etc"),
        Err(SpoolError::NotFound(_))
    ));
}

#[test]
fn a_page_written_before_its_manifest_entry_is_adopted_and_temp_files_dropped() {
    let root = tempfile::tempdir().unwrap();
    let mut s = Spool::create(root.path(), meta()).unwrap();
    s.add_page(&page(1, 10)).unwrap();
    let dir = root.path().join(s.id());
    // Simulate a crash after the page rename but before the manifest update, and one mid-write.
    std::fs::write(dir.join("page-0002.png"), encode_png(&page(2, 30).image).unwrap()).unwrap();
    std::fs::write(dir.join("page-0003.png.tmp"), b"partial").unwrap();
    let s = Spool::open(root.path(), s.id()).unwrap();
    assert_eq!(s.pages().len(), 2);
    assert_eq!((s.pages()[1].index, s.pages()[1].sheet), (2, 2));
    assert!(!dir.join("page-0003.png.tmp").exists());
    let mut s = s;
    assert_eq!(s.add_page(&page(3, 40)).unwrap().index, 3);
}

#[test]
fn a_damaged_manifest_is_reported_not_ignored() {
    let root = tempfile::tempdir().unwrap();
    let s = Spool::create(root.path(), meta()).unwrap();
    std::fs::write(root.path().join(s.id()).join(MANIFEST), b"{ not json").unwrap();
    assert!(matches!(
        Spool::open(root.path(), s.id()),
        Err(SpoolError::Corrupt { .. })
    ));
    assert_eq!(Spool::list(root.path()).unwrap().len(), 0);
}

#[test]
fn spooled_pages_carry_their_scan_resolution() {
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(40, 30, image::Rgb([200, 10, 10])));
    let png = super::encode_png_at(&img, 300.0, 300.0).unwrap();
    assert_eq!(sohoa_core::media::stored_dpi(&png), Some(300.0));
    let back = image::load_from_memory(&png).unwrap();
    assert_eq!(
        (back.width(), back.height()),
        (40, 30),
        "still a valid PNG for decoders"
    );
    let plain = super::encode_png_at(&img, 0.0, 0.0).unwrap();
    assert_eq!(sohoa_core::media::stored_dpi(&plain), None);
}
