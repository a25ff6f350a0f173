#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod separate_support;

use regex::Regex;
use rxing::BarcodeFormat;
use separate_support::pages::*;
use sohoa_scan::Side;
use sohoa_scan::separate::{
    BarcodeRule, BlankConfig, PatchCode, SeparatorKind, SeparatorRules, detect_blank, detect_patch,
    read_barcodes, separate,
};

const DPI: u32 = 100;

#[test]
fn patch_t_is_found_at_any_scale_and_with_skew() {
    for (dpi, deg) in [(100, 0.0), (150, 6.0), (200, -9.0), (100, 12.0)] {
        let mut img = rotate(&patch_t_sheet(dpi), deg);
        noise(&mut img, dpi + 7, 12);
        let d = detect_patch(&img, Some(f64::from(dpi)))
            .unwrap_or_else(|| panic!("no patch at {dpi} dpi, {deg}°"));
        // Resolution unknown: proportions alone.
        assert_eq!(detect_patch(&img, None).map(|d| d.code), Some(PatchCode::PatchT));
        // A resolution that makes the bars half or twice their real size: not a patch.
        assert_eq!(detect_patch(&img, Some(f64::from(dpi) * 2.0)), None);
        assert_eq!(detect_patch(&img, Some(f64::from(dpi) / 2.0)), None);
        assert_eq!(d.code, PatchCode::PatchT, "{dpi} dpi, {deg}°");
        assert_eq!(d.reversed, PatchCode::Patch3);
        assert!(d.horizontal_bars);
    }
}

#[test]
fn patch_t_survives_blur_and_grey_print() {
    // A photocopied patch sheet: grey bars on grey paper, soft edges, 2° skew.
    let mut img = blank_page(DPI);
    for p in img.pixels_mut() {
        p.0[0] = 215;
    }
    draw_patch(&mut img, DPI, PATCH_T, 1.2);
    for p in img.pixels_mut() {
        if p.0[0] == INK {
            p.0[0] = 110;
        }
    }
    let mut img = blur(&rotate(&img, 2.0), 2);
    noise(&mut img, 5, 10);
    assert_eq!(
        detect_patch(&img, Some(100.0)).map(|d| d.code),
        Some(PatchCode::PatchT)
    );
}

#[test]
fn end_fed_patch_and_upside_down_patch() {
    // Rotated 90° clockwise: the leading edge is on the right, bars run top to bottom.
    let img = image::imageops::rotate90(&patch_t_sheet(DPI));
    let d = detect_patch(&img, Some(100.0)).unwrap();
    assert_eq!(d.code, PatchCode::PatchT);
    assert!(!d.horizontal_bars);
    // Upside down: reads as Patch 3, reversed as T.
    let img = image::imageops::rotate180(&patch_t_sheet(DPI));
    let d = detect_patch(&img, Some(100.0)).unwrap();
    assert_eq!((d.code, d.reversed), (PatchCode::Patch3, PatchCode::PatchT));
}

#[test]
fn other_patches_and_text_are_not_patch_t() {
    let mut img = blank_page(DPI);
    draw_patch(&mut img, DPI, PATCH_2, 1.0);
    assert_eq!(
        detect_patch(&img, Some(100.0)).map(|d| d.code),
        Some(PatchCode::Patch2)
    );
    for seed in 0..4 {
        let mut t = text_page(DPI, seed);
        noise(&mut t, seed, 10);
        assert_eq!(detect_patch(&t, Some(100.0)), None, "text page {seed}");
    }
    // Short bars (a stray pattern a few mm long) are not a patch either.
    let mut img = blank_page(DPI);
    draw_patch(&mut img, DPI, PATCH_T, 1.0);
    super_crop_bars(&mut img);
    assert_eq!(detect_patch(&img, Some(100.0)), None);
}

#[test]
fn one_d_barcodes_on_content_pages_are_not_patches() {
    // Without the quiet-zone and size checks, windows inside these codes read as Patch T, 1, 2 and 6.
    let texts = [
        "1111111",
        "ABCDEFGHIJ",
        "0000000000",
        "079123456789",
        "HS-000123",
        "Z9Z9Z9Z9",
    ];
    for format in [BarcodeFormat::CODE_128, BarcodeFormat::CODE_39] {
        for module in [2u32, 3, 5] {
            let mut img = blank_page(DPI);
            for (i, t) in texts.iter().enumerate() {
                draw_barcode(&mut img, t, format, 20, 20 + i as u32 * 190, module, 150);
            }
            for dpi in [Some(100.0), None] {
                assert_eq!(
                    detect_patch(&img, dpi),
                    None,
                    "{format:?} module {module} dpi {dpi:?}"
                );
            }
        }
    }
}

/// Paints paper over all but 8 mm of the bars' length.
fn super_crop_bars(img: &mut image::GrayImage) {
    let w = img.width();
    let keep = (8.0 / 25.4 * f64::from(DPI)) as u32;
    let x0 = (w as f64 - 2.5 * f64::from(DPI)) as u32 / 2;
    rect(img, x0 + keep, 0, w - x0 - keep, img.height(), PAPER);
}

#[test]
fn blank_detector_separates_text_from_off_white_paper() {
    let cfg = BlankConfig::default();
    let mut yellowed = blank_page(DPI);
    for p in yellowed.pixels_mut() {
        p.0[0] = 205;
    }
    noise(&mut yellowed, 3, 15);
    // Dark feeder border, which the margin ignores.
    rect(&mut yellowed, 0, 0, 20, 1169, 30);
    assert!(detect_blank(&yellowed, &cfg).blank);
    let mut t = blank_page(DPI);
    rect(&mut t, 200, 300, 300, 25, INK); // one short line of text
    let v = detect_blank(&t, &cfg);
    assert!(!v.blank, "{v:?}");
    assert!(!detect_blank(&text_page(DPI, 1), &cfg).blank);
}

#[test]
fn barcodes_are_read_straight_and_skewed() {
    let mut img = blank_page(DPI);
    draw_barcode(&mut img, "HS-000123", BarcodeFormat::CODE_128, 150, 150, 3, 120);
    let img = rotate(&img, 4.0);
    let codes = read_barcodes(&img);
    assert!(codes.iter().any(|c| c.text == "HS-000123"), "{codes:?}");

    let mut img = blank_page(DPI);
    draw_barcode(&mut img, "HS-000777", BarcodeFormat::QR_CODE, 300, 300, 6, 0);
    let img = rotate(&img, 17.0);
    let codes = read_barcodes(&img);
    assert!(
        codes
            .iter()
            .any(|c| c.text == "HS-000777" && c.format.contains("qr")),
        "{codes:?}"
    );
}

fn rules() -> SeparatorRules {
    SeparatorRules {
        barcode: Some(BarcodeRule {
            pattern: Regex::new(r"^HS-(?<value>\d{6})$").unwrap(),
            field: Some("vi_tri_luu_tru".to_owned()),
        }),
        ..SeparatorRules::default()
    }
}

#[test]
fn duplex_stream_splits_into_dossiers_and_logs_separators() {
    // Sheets (front, back):
    // 1-2 text | 3 Patch T (skewed) | 4-5 text | 6 Code 128 separator | 7 text (QR on it, not matching the rule)
    // 8 QR separator on the BACK (skewed) | 9 text.
    let mut sheets: Vec<(image::GrayImage, image::GrayImage)> = Vec::new();
    let text = |s: u32| text_page(DPI, s);
    sheets.push((text(1), blank_page(DPI)));
    sheets.push((text(2), text(3)));
    sheets.push((rotate(&patch_t_sheet(DPI), -5.0), blank_page(DPI)));
    sheets.push((text(4), blank_page(DPI)));
    sheets.push((text(5), text(6)));
    let mut bc = blank_page(DPI);
    draw_barcode(&mut bc, "HS-000042", BarcodeFormat::CODE_128, 150, 150, 3, 120);
    // Skewed: only the full search reads it, which low-ink pages get.
    sheets.push((rotate(&bc, 4.0), blank_page(DPI)));
    let mut stray = text(7);
    rect(&mut stray, 560, 20, 230, 230, PAPER);
    draw_barcode(&mut stray, "079123456789", BarcodeFormat::QR_CODE, 580, 40, 5, 0);
    sheets.push((stray, blank_page(DPI)));
    let mut qr = blank_page(DPI);
    draw_barcode(&mut qr, "HS-000043", BarcodeFormat::QR_CODE, 250, 250, 6, 0);
    sheets.push((blank_page(DPI), rotate(&qr, 8.0)));
    sheets.push((text(8), text(9)));

    let mut pages = Vec::new();
    for (i, (front, back)) in sheets.into_iter().enumerate() {
        let n = i as u32 + 1;
        pages.push(page(front, n, Side::Front));
        pages.push(page(back, n, Side::Back));
    }
    let sep = separate(pages, &rules());

    let groups: Vec<Vec<usize>> = sep
        .dossiers
        .iter()
        .map(|d| d.pages.iter().map(|p| p.index).collect())
        .collect();
    assert_eq!(
        groups,
        vec![vec![0, 1, 2, 3], vec![6, 7, 8, 9], vec![12, 13], vec![16, 17]]
    );
    // Blank backs stay, flagged.
    assert!(sep.dossiers[0].pages[1].blank.blank);
    assert!(!sep.dossiers[0].pages[0].blank.blank);
    assert_eq!(sep.dossiers[0].fields.len(), 0);
    assert_eq!(
        sep.dossiers[2].fields.get("vi_tri_luu_tru").map(String::as_str),
        Some("000042")
    );
    assert_eq!(
        sep.dossiers[3].fields.get("vi_tri_luu_tru").map(String::as_str),
        Some("000043")
    );

    assert_eq!(sep.log.len(), 3);
    assert_eq!(sep.log[0].kind, SeparatorKind::PatchT { upside_down: false });
    assert_eq!(sep.log[0].images, vec![4, 5]);
    assert_eq!(sep.log[0].opens_dossier, 1);
    assert!(matches!(&sep.log[1].kind, SeparatorKind::Barcode { value, .. } if value == "000042"));
    assert_eq!(sep.log[2].side, Side::Back);
    assert_eq!(
        sep.log[2].images,
        vec![14, 15],
        "the whole sheet goes, front included"
    );
    serde_json::to_string(&sep.log).unwrap();
}

#[test]
fn blank_sheet_separators_when_enabled_and_never_empty_dossiers() {
    let simplex = |imgs: Vec<image::GrayImage>| -> Vec<sohoa_scan::Page> {
        imgs.into_iter()
            .enumerate()
            .map(|(i, im)| page(im, i as u32 + 1, Side::Front))
            .collect()
    };
    let stream = || {
        simplex(vec![
            patch_t_sheet(DPI),
            text_page(DPI, 1),
            blank_page(DPI),
            blank_page(DPI),
            text_page(DPI, 2),
            text_page(DPI, 3),
            patch_t_sheet(DPI),
        ])
    };
    let on = SeparatorRules {
        blank_sheets: true,
        ..SeparatorRules::default()
    };
    let sep = separate(stream(), &on);
    let groups: Vec<Vec<usize>> = sep
        .dossiers
        .iter()
        .map(|d| d.pages.iter().map(|p| p.index).collect())
        .collect();
    assert_eq!(groups, vec![vec![1], vec![4, 5]]);
    assert_eq!(sep.log.len(), 4);
    assert_eq!(sep.log[1].kind, SeparatorKind::BlankSheet);

    // Off (the default): the blank pages stay in the dossier, flagged.
    let sep = separate(stream(), &SeparatorRules::default());
    assert_eq!(sep.dossiers.len(), 1);
    assert_eq!(sep.dossiers[0].pages.iter().filter(|p| p.blank.blank).count(), 2);
    assert_eq!(sep.log.len(), 2);
}

#[test]
fn upside_down_patch_t_only_when_allowed() {
    let stream = || {
        vec![
            page(text_page(DPI, 1), 1, Side::Front),
            page(image::imageops::rotate180(&patch_t_sheet(DPI)), 2, Side::Front),
            page(text_page(DPI, 2), 3, Side::Front),
        ]
    };
    assert_eq!(separate(stream(), &SeparatorRules::default()).dossiers.len(), 1);
    let r = SeparatorRules {
        patch_t_upside_down: true,
        ..SeparatorRules::default()
    };
    let sep = separate(stream(), &r);
    assert_eq!(sep.dossiers.len(), 2);
    assert_eq!(sep.log[0].kind, SeparatorKind::PatchT { upside_down: true });
}

#[test]
fn streaming_separator_decides_each_sheet_as_the_next_arrives_and_feeds_the_count_check() {
    use sohoa_scan::separate::{Separator, SeparatorEvent};
    use sohoa_scan::sheets::{ImageFacts, Plex, SheetDeclaration, check_sheets};
    let mut sep = Separator::new(SeparatorRules::default());
    assert!(sep.push(page(text_page(DPI, 1), 1, Side::Front)).is_empty());
    assert!(
        sep.push(page(blank_page(DPI), 1, Side::Back)).is_empty(),
        "same sheet: undecided"
    );
    let ev = sep.push(page(patch_t_sheet(DPI), 2, Side::Front));
    assert_eq!(ev.len(), 2);
    assert!(
        ev.iter()
            .all(|e| matches!(e, SeparatorEvent::Page { dossier: 0, .. }))
    );
    // Declared: one duplex sheet. The blank back is there, flagged, and counted.
    let facts: Vec<ImageFacts> = ev
        .iter()
        .filter_map(|e| match e {
            SeparatorEvent::Page { page, .. } => Some(ImageFacts::from(page)),
            SeparatorEvent::Separator { .. } => None,
        })
        .collect();
    let report = check_sheets(
        &SheetDeclaration {
            sheets: 1,
            plex: Plex::Duplex,
            sticky_notes: vec![],
        },
        &facts,
    );
    assert!(report.is_ok());
    assert!(report.pages[1].flags.blank_back);

    let ev = sep.push(page(text_page(DPI, 2), 3, Side::Front));
    assert!(matches!(&ev[..], [SeparatorEvent::Separator { entry, .. }] if entry.opens_dossier == 1));
    let ev = sep.finish();
    assert!(matches!(&ev[..], [SeparatorEvent::Page { dossier: 1, .. }]));
}

#[test]
fn settings_from_a_profile_become_rules() {
    use sohoa_scan::separate::SeparatorSettings;
    let s: SeparatorSettings = serde_json::from_str(
        r#"{"barcode_pattern": "^HS-(?<value>\\d{6})$", "barcode_field": "vi_tri_luu_tru", "blank_sheets": true}"#,
    )
    .unwrap();
    let rules = SeparatorRules::try_from(&s).unwrap();
    assert!(rules.patch_t && rules.blank_sheets && !rules.patch_t_upside_down);
    assert!(rules.barcode.as_ref().unwrap().pattern.is_match("HS-000001"));
    let bad = SeparatorSettings {
        barcode_pattern: Some("HS-(".into()),
        ..SeparatorSettings::default()
    };
    let err = SeparatorRules::try_from(&bad).unwrap_err();
    assert_eq!(err.code(), "scan.separator_pattern");
    assert!(
        serde_json::from_str::<SeparatorSettings>(r#"{"patch": true}"#).is_err(),
        "typos are refused"
    );
}
