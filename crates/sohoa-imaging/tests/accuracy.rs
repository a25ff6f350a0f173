#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The done-when criteria of issue 4 on pages generated from real Vietnamese text (sohoa-testkit).

use image::{DynamicImage, Rgb};
use sohoa_imaging::{CleanOptions, clean};
use sohoa_testkit::cases::{CaseMix, case};
use sohoa_testkit::degrade::{self, ScanGeometry};
use sohoa_testkit::{PageSpec, render_page};

fn run(img: image::RgbImage) -> sohoa_imaging::CleanedPage {
    clean(&DynamicImage::ImageRgb8(img), &CleanOptions::default()).unwrap()
}

/// The random mix (skew, turns, borders, noise, blur, JPEG, tint, holes, blank backs) over `seeds`.
fn random_mix(seeds: std::ops::RangeInclusive<u64>) {
    let (mut err, mut n) = (0.0, 0);
    let mut failures = Vec::new();
    for seed in seeds {
        let c = case(seed, &CaseMix::default()).unwrap();
        let out = run(c.image);
        let t = &c.truth;
        if out.blank != t.blank {
            failures.push(format!("blank {} for {}", out.blank, t.label));
        }
        if !t.blank {
            n += 1;
            err += (out.skew_degrees - t.skew_degrees).abs();
            if out.orientation != t.orientation {
                failures.push(format!("orientation {} for {}", out.orientation, t.label));
            }
        }
    }
    let mean = err / f64::from(n.max(1));
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(mean <= 0.1, "mean |skew error| {mean}");
}

// Split in two so the halves run in parallel under nextest.
#[test]
fn random_mix_meets_the_targets_a() {
    random_mix(1..=10);
}

#[test]
fn random_mix_meets_the_targets_b() {
    random_mix(11..=20);
}

/// Known skews across the whole ±15° range, one page each, no other degradation.
#[test]
fn skews_from_minus_15_to_15() {
    let page = render_page(&PageSpec {
        seed: 11,
        seal: false,
        ..PageSpec::default()
    })
    .unwrap();
    let mut errs = Vec::new();
    for k in -6..=6 {
        let angle = f64::from(k) * 2.5 + 0.13;
        let g = ScanGeometry {
            angle_deg: angle,
            border: [0; 4],
            bed: Rgb([250, 250, 250]),
        };
        let out = run(degrade::scan(&page.image, &g));
        assert_eq!(out.orientation, 0, "angle {angle}");
        errs.push((out.skew_degrees - angle).abs());
    }
    let mean = errs.iter().sum::<f64>() / errs.len() as f64;
    let max = errs.iter().copied().fold(0.0, f64::max);
    assert!(mean <= 0.1 && max <= 0.2, "mean {mean} max {max}: {errs:?}");
}

/// Every quarter turn, combined with a skew, is undone.
#[test]
fn quarter_turns_are_undone() {
    let page = render_page(&PageSpec {
        seed: 5,
        fill: 0.6,
        ..PageSpec::default()
    })
    .unwrap();
    let g = ScanGeometry {
        angle_deg: -3.4,
        border: [40, 60, 30, 20],
        bed: Rgb([30, 30, 30]),
    };
    let scanned = degrade::scan(&page.image, &g);
    for cw in [0, 90, 180, 270] {
        let out = run(degrade::rotate_quarter(&scanned, cw));
        assert_eq!(out.orientation, (360 - cw) % 360, "turned {cw}");
        assert!(
            (out.skew_degrees + 3.4).abs() <= 0.1,
            "turned {cw}: skew {}",
            out.skew_degrees
        );
        assert!(!out.orientation_uncertain);
    }
}

/// Blank backs with bleed-through on tinted paper are flagged; sparse text pages are not.
#[test]
fn blank_backs_flagged_sparse_text_not() {
    let front = render_page(&PageSpec {
        seed: 9,
        ..PageSpec::default()
    })
    .unwrap();
    for (i, strength) in [0.1f32, 0.2, 0.3, 0.38].into_iter().enumerate() {
        let tint = [
            Rgb([255, 255, 255]),
            Rgb([240, 232, 205]),
            Rgb([225, 235, 245]),
            Rgb([245, 240, 200]),
        ][i];
        let mut back = degrade::blank_back(&front.image, strength, tint, 1.5);
        degrade::punch_holes(&mut back, 300, 2, 6.0, Rgb([20, 20, 20]));
        let back = degrade::jpeg(&back, 60).unwrap();
        let out = run(back);
        assert!(
            out.blank,
            "bleed {strength} not flagged (ink {})",
            out.ink_fraction
        );
        assert!(out.blank_confidence > 0.5);
        assert!(out.quality.reasons.contains(&"blank".to_owned()));
        assert_eq!(out.orientation, 0, "a blank page is never turned");
    }
    // Tilted on a dark bed, with dark punch holes: still blank, still not turned.
    let mut back = degrade::blank_back(&front.image, 0.3, Rgb([240, 236, 220]), 1.5);
    degrade::punch_holes(&mut back, 300, 4, 6.0, Rgb([25, 25, 25]));
    let g = ScanGeometry {
        angle_deg: -7.5,
        border: [30, 80, 120, 40],
        bed: Rgb([25, 25, 25]),
    };
    let out = run(degrade::scan(&back, &g));
    assert!(
        out.blank && out.orientation == 0,
        "tilted blank back: blank {} orientation {}",
        out.blank,
        out.orientation
    );
    // A page with only the header and one line of body text is not blank.
    let sparse = render_page(&PageSpec {
        seed: 3,
        fill: 0.02,
        seal: false,
        ..PageSpec::default()
    })
    .unwrap();
    let out = run(sparse.image);
    assert!(!out.blank, "sparse page flagged blank (ink {})", out.ink_fraction);
}

/// Crop removes the dark bed and keeps 100 % scale: the paper comes back pixel for pixel.
#[test]
fn crop_removes_bed_and_keeps_scale() {
    let page = render_page(&PageSpec {
        seed: 4,
        ..PageSpec::default()
    })
    .unwrap();
    let g = ScanGeometry {
        angle_deg: 0.0,
        border: [90, 40, 60, 120],
        bed: Rgb([25, 25, 28]),
    };
    let out = run(degrade::scan(&page.image, &g));
    let [x, y, w, h] = out.crop;
    let (pw, ph) = page.image.dimensions();
    // Within the inset of one analysis pixel (2 px at 300 dpi) on each side.
    assert!(x.abs_diff(90) <= 4 && y.abs_diff(40) <= 4, "crop {:?}", out.crop);
    assert!(w.abs_diff(pw) <= 6 && h.abs_diff(ph) <= 6, "crop {:?}", out.crop);
    let img = out.image.to_rgb8();
    assert_eq!(img.dimensions(), (w, h));
    // Same pixels at the same scale: compare a text region of the original at the crop offset.
    let (dx, dy) = (90 - x as i64, 40 - y as i64);
    let mut diff = 0u64;
    let mut n = 0u64;
    for yy in (400..3000).step_by(3) {
        for xx in (400..2000).step_by(3) {
            let a = page.image.get_pixel(xx, yy).0[0];
            let b = img.get_pixel((xx as i64 + dx) as u32, (yy as i64 + dy) as u32).0[0];
            diff += u64::from(a.abs_diff(b));
            n += 1;
        }
    }
    assert!(
        (diff as f64 / n as f64) < 1.0,
        "content moved or rescaled: mean diff {}",
        diff as f64 / n as f64
    );
    // No dark bed left along the edges.
    let edge_dark = (0..h).filter(|&yy| img.get_pixel(0, yy).0[0] < 100).count();
    assert!(
        edge_dark < (h / 50) as usize,
        "{edge_dark} dark pixels on the left edge"
    );
}

/// A straight page is not resampled and keeps its red seal.
#[test]
fn straight_page_untouched_and_seal_kept() {
    let page = render_page(&PageSpec {
        seed: 2,
        ..PageSpec::default()
    })
    .unwrap();
    let out = run(page.image.clone());
    assert!(!out.rotated);
    assert_eq!(out.crop, [0, 0, 2480, 3508]);
    let img = out.image.to_rgb8();
    let red = img
        .pixels()
        .filter(|p| p.0[0] > 150 && p.0[1] < 80 && p.0[2] < 80)
        .count();
    assert!(red > 1000, "seal lost: {red} red pixels");
    assert_eq!(
        out.quality.verdict,
        sohoa_imaging::Verdict::Ok,
        "{:?}",
        out.quality
    );
    assert!((out.quality.dpi.unwrap() - 300.0).abs() < 3.0);
}

/// The black-and-white derivative exists only on request and is strictly two-level; the master stays colour.
#[test]
fn binary_derivative_only_on_demand() {
    let page = render_page(&PageSpec {
        seed: 12,
        fill: 0.3,
        ..PageSpec::default()
    })
    .unwrap();
    let img = DynamicImage::ImageRgb8(page.image);
    let plain = clean(&img, &CleanOptions::default()).unwrap();
    assert!(plain.binary.is_none());
    let opts = CleanOptions {
        binarize: true,
        ..CleanOptions::default()
    };
    let out = clean(&img, &opts).unwrap();
    let bw = out.binary.unwrap();
    assert_eq!(bw.dimensions(), (out.image.width(), out.image.height()));
    assert!(bw.pixels().all(|p| p.0[0] == 0 || p.0[0] == 255));
    let black = bw.pixels().filter(|p| p.0[0] == 0).count();
    assert!(black > 10_000, "{black} black pixels");
    assert!(out.image.color().has_color());
}
