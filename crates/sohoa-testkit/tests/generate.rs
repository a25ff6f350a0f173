#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use image::Rgb;
use sohoa_testkit::cases::{CaseMix, case};
use sohoa_testkit::degrade::{self, ScanGeometry};
use sohoa_testkit::{PageSpec, render_page};
use unicode_normalization::UnicodeNormalization;

fn dark(p: &Rgb<u8>) -> bool {
    (p.0[0] as u32 + p.0[1] as u32 + p.0[2] as u32) < 300
}

#[test]
fn page_is_a4_with_nfc_vietnamese_text_and_ink() {
    let page = render_page(&PageSpec::default()).unwrap();
    assert_eq!(page.image.dimensions(), (2480, 3508));
    assert!(page.lines.len() > 20, "{} lines", page.lines.len());
    let text = page.text();
    assert_eq!(text, text.nfc().collect::<String>());
    assert!(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    let ink = page.image.pixels().filter(|p| dark(p)).count();
    let frac = ink as f64 / (2480.0 * 3508.0);
    assert!((0.01..0.2).contains(&frac), "ink fraction {frac}");
    // The seal is red.
    assert!(
        page.image
            .pixels()
            .any(|p| p.0[0] > 150 && p.0[1] < 80 && p.0[2] < 80)
    );
    // Every glyph box with ink lies on the page and has dark pixels.
    for g in page.glyphs.iter().filter(|g| g.bbox[2] > 2 && g.bbox[3] > 2) {
        let [x, y, w, h] = g.bbox;
        let n = (y..y + h)
            .flat_map(|yy| (x..x + w).map(move |xx| (xx, yy)))
            .filter(|&(xx, yy)| dark(page.image.get_pixel(xx, yy)))
            .count();
        assert!(n > 0, "glyph {} has no ink", g.ch);
    }
}

#[test]
fn same_seed_same_pixels_other_seed_other_text() {
    let a = case(3, &CaseMix::default()).unwrap();
    let b = case(3, &CaseMix::default()).unwrap();
    assert!(a.image == b.image);
    assert_eq!(a.truth, b.truth);
    let p1 = render_page(&PageSpec {
        seed: 1,
        ..PageSpec::default()
    })
    .unwrap();
    let p2 = render_page(&PageSpec {
        seed: 2,
        ..PageSpec::default()
    })
    .unwrap();
    assert_ne!(p1.text(), p2.text());
}

#[test]
fn scan_geometry_turns_counter_clockwise_and_adds_border() {
    // A horizontal black bar; after a +10° (counter-clockwise) turn its right end must be higher than its left.
    let mut img = image::RgbImage::from_pixel(400, 400, Rgb([255, 255, 255]));
    for y in 195..205 {
        for x in 50..350 {
            img.put_pixel(x, y, Rgb([0, 0, 0]));
        }
    }
    let g = ScanGeometry {
        angle_deg: 10.0,
        border: [20, 30, 40, 50],
        bed: Rgb([200, 200, 200]),
    };
    let out = degrade::scan(&img, &g);
    assert_eq!(out.dimensions(), (460, 480));
    let col_mean_y = |x: u32| {
        let ys: Vec<u32> = (40..440).filter(|&y| out.get_pixel(x, y).0[0] < 100).collect();
        ys.iter().sum::<u32>() as f64 / ys.len() as f64
    };
    let (left, right) = (col_mean_y(120), col_mean_y(320));
    let measured = ((left - right) / 200.0).atan().to_degrees();
    assert!((measured - 10.0).abs() < 0.3, "measured {measured}");
    assert_eq!(out.get_pixel(5, 5).0, [200, 200, 200]);
}

#[test]
fn blank_back_is_faint_and_mirrored() {
    let page = render_page(&PageSpec::default()).unwrap();
    let back = degrade::blank_back(&page.image, 0.2, Rgb([250, 248, 240]), 1.5);
    let min = back.pixels().map(|p| p.0[0]).min().unwrap();
    assert!(min >= 190, "bleed-through too dark: {min}");
    assert!(min < 245, "no bleed-through at all");
}
