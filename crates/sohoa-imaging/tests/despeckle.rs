#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Despeckle removes noise but never a Vietnamese diacritic.

use image::{DynamicImage, Rgb, RgbImage};
use rand::SeedableRng;
use sohoa_imaging::{CleanOptions, clean};
use sohoa_testkit::degrade;
use sohoa_testkit::{PageSpec, render_page};

fn dark(img: &RgbImage, x: u32, y: u32) -> bool {
    let p = img.get_pixel(x, y).0;
    (u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) < 330
}

/// Dark components (8-connected) inside a box, with their pixel count.
fn components(img: &RgbImage, b: [u32; 4]) -> (usize, usize) {
    let [x, y, w, h] = b;
    let (w, h) = (w as usize + 2, h as usize + 2);
    let mut on = vec![false; w * h];
    let mut pixels = 0;
    for yy in 0..h {
        for xx in 0..w {
            let (px, py) = (x as usize + xx, y as usize + yy);
            if px >= 1 && py >= 1 && dark(img, px as u32 - 1, py as u32 - 1) {
                on[yy * w + xx] = true;
                pixels += 1;
            }
        }
    }
    let mut seen = vec![false; w * h];
    let mut count = 0;
    for s in 0..on.len() {
        if !on[s] || seen[s] {
            continue;
        }
        count += 1;
        let mut stack = vec![s];
        seen[s] = true;
        while let Some(i) = stack.pop() {
            let (cx, cy) = ((i % w) as i64, (i / w) as i64);
            for dy in -1..=1 {
                for dx in -1..=1 {
                    let (nx, ny) = (cx + dx, cy + dy);
                    if nx >= 0 && ny >= 0 && (nx as usize) < w && (ny as usize) < h {
                        let j = ny as usize * w + nx as usize;
                        if on[j] && !seen[j] {
                            seen[j] = true;
                            stack.push(j);
                        }
                    }
                }
            }
        }
    }
    (count, pixels)
}

#[test]
fn diacritics_survive_despeckle_noise_goes() {
    for dpi in [300u32, 200] {
        let page = render_page(&PageSpec {
            seed: 21,
            dpi,
            font_pt: Some(12.0),
            seal: false,
            ..PageSpec::default()
        })
        .unwrap();
        let mut noisy = page.image.clone();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        degrade::salt_pepper(&mut noisy, 0.003, &mut rng);
        let opts = CleanOptions {
            dpi: Some(f64::from(dpi)),
            ..CleanOptions::default()
        };
        let out = clean(&DynamicImage::ImageRgb8(noisy.clone()), &opts).unwrap();
        assert!(!out.rotated && out.orientation == 0, "page was moved");
        assert_eq!(out.crop, [0, 0, page.image.width(), page.image.height()]);
        let img = out.image.to_rgb8();
        let marks: Vec<_> = page
            .glyphs
            .iter()
            .filter(|g| "ỗặữạịọụẹậộợựệễỡẽ".contains(g.ch) && g.bbox[2] > 0)
            .collect();
        assert!(
            marks.len() >= 10,
            "only {} diacritic letters on the page",
            marks.len()
        );
        for g in &marks {
            let (c0, p0) = components(&page.image, g.bbox);
            let (c1, p1) = components(&img, g.bbox);
            assert!(
                c1 >= c0,
                "{} at {:?} ({dpi} dpi): {c0} parts before, {c1} after",
                g.ch,
                g.bbox
            );
            assert!(p1 * 100 >= p0 * 97, "{} lost ink: {p0} -> {p1}", g.ch);
        }
        // Pepper noise on blank paper (the right margin) is gone.
        let mm = |v: f64| (v * f64::from(dpi) / 25.4) as u32;
        let (w, h) = page.image.dimensions();
        let region = [w - mm(16.0), h / 4, mm(12.0), h / 2];
        let before = components(&noisy, region).0;
        let after = components(&img, region).0;
        assert!(
            before > 50 && after * 20 < before,
            "{dpi} dpi: specks {before} -> {after}"
        );
        assert!(out.specks_removed > 1000);
    }
}

#[test]
fn punch_holes_are_removed_text_is_not() {
    let page = render_page(&PageSpec {
        seed: 8,
        ..PageSpec::default()
    })
    .unwrap();
    let mut img = page.image.clone();
    degrade::punch_holes(&mut img, 300, 2, 6.0, Rgb([15, 15, 15]));
    let out = clean(&DynamicImage::ImageRgb8(img), &CleanOptions::default()).unwrap();
    assert_eq!(out.holes_removed, 2);
    let res = out.image.to_rgb8();
    let x = (12.0 * 300.0 / 25.4) as u32;
    let y = res.height() / 2 - (40.0 * 300.0 / 25.4) as u32;
    assert!(!dark(&res, x, y), "hole still there");
    // Text pixels are unchanged apart from speck removal.
    let text_dark_before = page.image.pixels().filter(|p| p.0[0] < 100).count();
    let text_dark_after = res.pixels().filter(|p| p.0[0] < 100).count();
    assert!(text_dark_after * 100 >= text_dark_before * 99);
}
