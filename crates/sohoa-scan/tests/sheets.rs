#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sohoa_scan::Side;
use sohoa_scan::sheets::{
    CountMismatch, ImageFacts, Plex, SheetDeclaration, SheetSide, StickyRole, check_sheets,
};

fn imgs(blank: &[bool]) -> Vec<ImageFacts> {
    blank.iter().map(|&blank| ImageFacts { blank }).collect()
}

fn side(sheet: u32, side: Side) -> SheetSide {
    SheetSide { sheet, side }
}

#[test]
fn duplex_count_matches_and_blank_backs_are_kept_flagged() {
    let decl = SheetDeclaration {
        sheets: 3,
        plex: Plex::Duplex,
        sticky_notes: vec![],
    };
    let r = check_sheets(&decl, &imgs(&[false, true, false, false, false, true]));
    assert!(r.is_ok());
    assert_eq!((r.expected_images, r.received_images), (6, 6));
    assert_eq!(r.pages.len(), 6, "blank pages are never dropped");
    let flagged: Vec<usize> = r
        .pages
        .iter()
        .filter(|p| p.flags.blank_back)
        .map(|p| p.index)
        .collect();
    assert_eq!(flagged, vec![1, 5]);
    assert_eq!(r.pages[1].place, Some(side(1, Side::Back)));
    assert_eq!(r.pages[4].place, Some(side(3, Side::Front)));
    assert!(!r.all_backs_blank);
    assert!(r.missing.is_empty());
}

#[test]
fn missing_image_is_a_typed_mismatch_with_both_numbers() {
    let decl = SheetDeclaration {
        sheets: 4,
        plex: Plex::Duplex,
        sticky_notes: vec![],
    };
    let r = check_sheets(&decl, &imgs(&[false; 7]));
    assert_eq!(
        r.count,
        Err(CountMismatch {
            expected: 8,
            received: 7
        })
    );
    let err = r.count.unwrap_err();
    assert_eq!(err.code(), "scan.count_missing");
    assert!(err.message_vi().contains("cần 8"), "{}", err.message_vi());
    assert_eq!(r.missing, vec![side(4, Side::Back)]);
    assert_eq!(r.pages.len(), 7);
}

#[test]
fn extra_images_are_kept_and_flagged_unexpected() {
    let decl = SheetDeclaration {
        sheets: 2,
        plex: Plex::Simplex,
        sticky_notes: vec![],
    };
    // A simplex declaration but the ADF ran duplex: twice the images.
    let r = check_sheets(&decl, &imgs(&[false, true, false, true]));
    let err = r.count.unwrap_err();
    assert_eq!((err.expected, err.received), (2, 4));
    assert_eq!(err.code(), "scan.count_extra");
    assert_eq!(r.pages.iter().filter(|p| p.flags.unexpected).count(), 2);
    assert_eq!(r.pages.len(), 4);
}

#[test]
fn sticky_note_side_expects_two_linked_scans() {
    let decl = SheetDeclaration {
        sheets: 2,
        plex: Plex::Duplex,
        sticky_notes: vec![side(1, Side::Front)],
    };
    let r = check_sheets(&decl, &imgs(&[false, false, true, false, true]));
    assert!(r.is_ok(), "{:?}", r.count);
    assert_eq!(r.expected_images, 5);
    assert_eq!(r.sticky_pairs.len(), 1);
    let pair = r.sticky_pairs[0];
    assert_eq!(pair.place, side(1, Side::Front));
    assert_eq!((pair.with_note, pair.without_note), (0, 1));
    assert_eq!(r.pages[0].sticky, Some(StickyRole::WithNote));
    assert_eq!(r.pages[1].sticky, Some(StickyRole::WithoutNote));
    assert_eq!(r.pages[2].place, Some(side(1, Side::Back)));
    assert!(r.pages[2].flags.blank_back);
    assert!(
        r.all_backs_blank,
        "both backs blank: the officer may rescan one-sided"
    );
}

#[test]
fn sticky_note_scan_forgotten_is_a_mismatch() {
    let decl = SheetDeclaration {
        sheets: 1,
        plex: Plex::Simplex,
        sticky_notes: vec![side(1, Side::Front)],
    };
    let r = check_sheets(&decl, &imgs(&[false]));
    assert_eq!(
        r.count,
        Err(CountMismatch {
            expected: 2,
            received: 1
        })
    );
    assert!(r.sticky_pairs.is_empty(), "half a pair is not linked");
    assert_eq!(r.missing, vec![side(1, Side::Front)]);
}

#[test]
fn sticky_note_on_undeclared_side_does_not_raise_the_count() {
    let decl = SheetDeclaration {
        sheets: 1,
        plex: Plex::Simplex,
        sticky_notes: vec![side(1, Side::Back), side(5, Side::Front)],
    };
    let r = check_sheets(&decl, &imgs(&[true]));
    assert!(r.is_ok());
    assert!(r.pages[0].flags.blank_front);
    assert!(!r.all_backs_blank);
}

#[test]
fn report_serialises_for_the_ui() {
    let decl = SheetDeclaration {
        sheets: 1,
        plex: Plex::Duplex,
        sticky_notes: vec![],
    };
    let r = check_sheets(&decl, &imgs(&[false]));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["count"]["Err"]["expected"], 2);
    assert_eq!(json["missing"][0]["side"], "back");
}

#[test]
fn summary_for_the_officer() {
    let decl = SheetDeclaration {
        sheets: 3,
        plex: Plex::Duplex,
        sticky_notes: vec![side(2, Side::Front)],
    };
    let r = check_sheets(&decl, &imgs(&[false, true, false, false, false, false, true]));
    assert_eq!(
        r.summary_vi(&decl),
        "3 tờ × 2 mặt + 1 ảnh giấy ghi chú = 7 ảnh; đã nhận 7 ảnh; 2 mặt sau trắng (giữ lại, đã đánh dấu)"
    );
    let r = check_sheets(&decl, &imgs(&[false; 5]));
    assert!(
        r.summary_vi(&decl)
            .contains("đã nhận 5 ảnh — Thiếu ảnh: cần 7 ảnh nhưng chỉ nhận được 5 (thiếu 2)"),
        "{}",
        r.summary_vi(&decl)
    );
}
