//! A sheet skewed on the bed so far that the scan cut its corners: the crop keeps every printed glyph
//! that was scanned — the right ends of the header and date lines beside the cut corner included — and
//! leaves no dark bed inside the page (Tesseract reads a bed wedge's edge as a line of letters).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use image::{DynamicImage, Rgb, RgbImage};
use sohoa_imaging::{CleanOptions, clean};
use sohoa_testkit::degrade::{self, ScanGeometry};
use sohoa_testkit::{PageSpec, render_page};

fn luma(p: Rgb<u8>) -> u32 {
    (u32::from(p.0[0]) * 77 + u32::from(p.0[1]) * 150 + u32::from(p.0[2]) * 29) >> 8
}

fn dark_in(img: &RgbImage, x: i64, y: i64, w: i64, h: i64) -> usize {
    let mut n = 0;
    for yy in y.max(0)..(y + h).min(i64::from(img.height())) {
        for xx in x.max(0)..(x + w).min(i64::from(img.width())) {
            if luma(*img.get_pixel(xx as u32, yy as u32)) < 128 {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn cut_corners_leave_no_bed_and_all_scanned_text() {
    let page = render_page(&PageSpec {
        seed: 7107,
        ..PageSpec::default()
    })
    .unwrap();
    let (skew, border) = (-13.45f64, [60u32, 8, 10, 60]);
    let scan = degrade::scan(
        &page.image,
        &ScanGeometry {
            angle_deg: skew,
            border,
            bed: Rgb([30, 30, 34]),
        },
    );
    let out = clean(&DynamicImage::ImageRgb8(scan.clone()), &CleanOptions::default()).unwrap();
    assert!((out.skew_degrees - skew).abs() < 0.1, "skew {}", out.skew_degrees);
    let img = out.image.to_rgb8();
    let (ow, oh) = img.dimensions();

    // No bed left: the page's outer 20-px frame is paper (before painting the cut corners' wedges, 10-20 %
    // of it was bed).
    let band = 20;
    let frame = (ow * oh - (ow - 2 * band) * (oh - 2 * band)) as usize;
    let dark_frame = dark_in(&img, 0, 0, i64::from(ow), i64::from(band))
        + dark_in(&img, 0, i64::from(oh - band), i64::from(ow), i64::from(band))
        + dark_in(
            &img,
            0,
            i64::from(band),
            i64::from(band),
            i64::from(oh - 2 * band),
        )
        + dark_in(
            &img,
            i64::from(ow - band),
            i64::from(band),
            i64::from(band),
            i64::from(oh - 2 * band),
        );
    assert!(
        dark_frame * 1000 < frame,
        "{dark_frame} of {frame} frame pixels are dark (bed left in the page)"
    );

    // Every glyph the scan holds whole is in the output with its ink. Page point p lands on the scan at
    // P0 + M (p - centre) (M turns by the skew, P0 is the paper centre on the canvas); the clean-up turns
    // back about the canvas centre C, so it lands at C + M⁻¹ (P0 - C) + (p - centre) minus the crop offset.
    let (w, h) = (f64::from(page.image.width()), f64::from(page.image.height()));
    let [l, t, r, b] = border.map(f64::from);
    let (cw, ch) = (w + l + r, h + t + b);
    let th = (-skew).to_radians();
    let (s, c) = (th.sin(), th.cos());
    let on_scan = |x: f64, y: f64| {
        let (u, v) = (x - w / 2.0, y - h / 2.0);
        let (sx, sy) = (l + w / 2.0 + c * u - s * v, t + h / 2.0 + s * u + c * v);
        sx >= 4.0 && sy >= 4.0 && sx < cw - 4.0 && sy < ch - 4.0
    };
    let (p0x, p0y) = (l + w / 2.0 - cw / 2.0, t + h / 2.0 - ch / 2.0);
    let (dx, dy) = (
        cw / 2.0 + c * p0x + s * p0y - w / 2.0 - f64::from(out.crop[0]),
        ch / 2.0 - s * p0x + c * p0y - h / 2.0 - f64::from(out.crop[1]),
    );
    let (mut whole, mut missing, mut cut) = (0, Vec::new(), 0);
    for g in page.glyphs.iter().filter(|g| g.bbox[2] > 3 && g.bbox[3] > 3) {
        let [x, y, gw, gh] = g.bbox.map(f64::from);
        if ![(x, y), (x + gw, y), (x, y + gh), (x + gw, y + gh)]
            .iter()
            .all(|&(px, py)| on_scan(px, py))
        {
            cut += 1;
            continue;
        }
        whole += 1;
        let expected = dark_in(&page.image, x as i64, y as i64, gw as i64, gh as i64);
        let got = dark_in(
            &img,
            (x + dx) as i64 - 3,
            (y + dy) as i64 - 3,
            gw as i64 + 6,
            gh as i64 + 6,
        );
        if got * 2 < expected {
            missing.push(format!("{} line {} ({got}/{expected})", g.ch, g.line));
        }
    }
    // The geometry does cut text (the header's right end), and the rest is all there.
    assert!(cut > 0 && whole > 1000, "cut {cut}, whole {whole}");
    assert!(
        missing.is_empty(),
        "{} glyphs lost ink: {missing:?}",
        missing.len()
    );
}

/// Text the scan cut off is reported (`clipped_right`): after deskew the cut runs slanted through the page,
/// so only the scan as it came shows it. A sheet that lies wholly on the bed is not reported.
#[test]
fn text_cut_by_the_scan_edge_is_reported() {
    let page = render_page(&PageSpec {
        seed: 7107,
        ..PageSpec::default()
    })
    .unwrap();
    let scanned = |border: [u32; 4]| {
        let scan = degrade::scan(
            &page.image,
            &ScanGeometry {
                angle_deg: -13.45,
                border,
                bed: Rgb([250, 250, 250]),
            },
        );
        clean(&DynamicImage::ImageRgb8(scan), &CleanOptions::default()).unwrap()
    };
    // White lid, no border: the top-right corner with the ends of the motto and the date is off the scan.
    let cut = scanned([0; 4]);
    assert!(
        cut.quality.clipped.contains(&"right".to_owned()),
        "{:?}",
        cut.quality
    );
    assert!(cut.quality.reasons.contains(&"clipped_right".to_owned()));
    // A bed large enough for the turned sheet: nothing is cut.
    let whole = scanned([500, 500, 500, 500]);
    assert!(whole.quality.clipped.is_empty(), "{:?}", whole.quality);
}
