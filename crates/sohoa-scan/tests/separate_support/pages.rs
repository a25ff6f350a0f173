//! Generated test pages: paper, "text" lines, Kodak patch bars, barcodes, rotation.
#![allow(dead_code)]

use image::{DynamicImage, GrayImage, Luma};
use rxing::{BarcodeFormat, MultiFormatWriter, Writer};
use sohoa_scan::{Page, Side};

pub const PAPER: u8 = 242;
pub const INK: u8 = 25;

/// A4 at `dpi`.
pub fn blank_page(dpi: u32) -> GrayImage {
    let w = (8.27 * f64::from(dpi)) as u32;
    let h = (11.69 * f64::from(dpi)) as u32;
    GrayImage::from_pixel(w, h, Luma([PAPER]))
}

pub fn rect(img: &mut GrayImage, x: u32, y: u32, w: u32, h: u32, v: u8) {
    for yy in y..(y + h).min(img.height()) {
        for xx in x..(x + w).min(img.width()) {
            img.put_pixel(xx, yy, Luma([v]));
        }
    }
}

/// Lines of "words": dark blocks of varying width, like a typed page seen from afar. `seed` varies the layout.
pub fn text_page(dpi: u32, seed: u32) -> GrayImage {
    let mut img = blank_page(dpi);
    let mm = f64::from(dpi) / 25.4;
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut rnd = move |n: u32| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state % n
    };
    let line_h = (2.5 * mm) as u32;
    let mut y = (25.0 * mm) as u32;
    let bottom = img.height() - (25.0 * mm) as u32;
    while y < bottom {
        let mut x = (20.0 * mm) as u32;
        let right = img.width() - (20.0 * mm) as u32;
        while x < right {
            let word = ((3 + rnd(12)) as f64 * mm * 1.5) as u32;
            // Letters: thin vertical strokes inside the word box.
            let mut sx = x;
            while sx < (x + word).min(right) {
                let stroke = (0.4 * mm) as u32 + 1;
                rect(&mut img, sx, y + rnd(2), stroke, line_h - rnd(2), INK);
                sx += stroke + (0.5 * mm) as u32 + rnd(2);
            }
            x += word + (2.0 * mm) as u32;
        }
        y += (6.0 * mm) as u32;
    }
    img
}

/// Draws a patch code, bars parallel to the top edge, 2.5 in long, starting `top_in` inches from the top.
/// `wide` lists the four bars from the leading edge (true = wide).
pub fn draw_patch(img: &mut GrayImage, dpi: u32, wide: [bool; 4], top_in: f64) {
    let d = f64::from(dpi);
    let mut y = top_in * d;
    let x = (img.width() as f64 - 2.5 * d) / 2.0;
    for (i, &w) in wide.iter().enumerate() {
        let bar = if w { 0.20 } else { 0.08 } * d;
        rect(
            img,
            x as u32,
            y.round() as u32,
            (2.5 * d) as u32,
            (y + bar).round() as u32 - y.round() as u32,
            INK,
        );
        y += bar;
        if i < 3 {
            y += 0.08 * d;
        }
    }
}

pub const PATCH_T: [bool; 4] = [false, true, false, true];
pub const PATCH_2: [bool; 4] = [true, false, false, true];

pub fn patch_t_sheet(dpi: u32) -> GrayImage {
    let mut img = blank_page(dpi);
    draw_patch(&mut img, dpi, PATCH_T, 1.0);
    img
}

/// Draws a barcode made by rxing's writer, `module` pixels per module; 1D codes get `bar_h` pixels of height.
pub fn draw_barcode(
    img: &mut GrayImage,
    text: &str,
    format: BarcodeFormat,
    x: u32,
    y: u32,
    module: u32,
    bar_h: u32,
) {
    let m = MultiFormatWriter.encode(text, &format, 0, 0).unwrap();
    let oned = m.getHeight() == 1;
    for my in 0..m.getHeight() {
        for mx in 0..m.getWidth() {
            if m.get(mx, my) {
                let h = if oned { bar_h } else { module };
                rect(img, x + mx * module, y + my * module, module, h, INK);
            }
        }
    }
}

/// Rotates about the centre by `deg` (counter-clockwise), bilinear, paper colour outside.
pub fn rotate(img: &GrayImage, deg: f64) -> GrayImage {
    let (w, h) = img.dimensions();
    let (c, s) = (deg.to_radians().cos(), deg.to_radians().sin());
    let (cx, cy) = (f64::from(w) / 2.0, f64::from(h) / 2.0);
    GrayImage::from_fn(w, h, |x, y| {
        let dx = f64::from(x) - cx;
        let dy = f64::from(y) - cy;
        let sx = c * dx - s * dy + cx;
        let sy = s * dx + c * dy + cy;
        if sx < 0.0 || sy < 0.0 || sx >= f64::from(w - 1) || sy >= f64::from(h - 1) {
            return Luma([PAPER]);
        }
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let p = |xx: f64, yy: f64| f64::from(img.get_pixel(xx as u32, yy as u32).0[0]);
        let v = p(x0, y0) * (1.0 - fx) * (1.0 - fy)
            + p(x0 + 1.0, y0) * fx * (1.0 - fy)
            + p(x0, y0 + 1.0) * (1.0 - fx) * fy
            + p(x0 + 1.0, y0 + 1.0) * fx * fy;
        Luma([v.round() as u8])
    })
}

/// Light deterministic noise so thresholds meet something like a scan.
pub fn noise(img: &mut GrayImage, seed: u32, amp: u8) {
    let mut st = seed | 1;
    for p in img.pixels_mut() {
        st ^= st << 13;
        st ^= st >> 17;
        st ^= st << 5;
        let n = (st % (2 * u32::from(amp) + 1)) as i32 - i32::from(amp);
        p.0[0] = (i32::from(p.0[0]) + n).clamp(0, 255) as u8;
    }
}

pub fn page(img: GrayImage, sheet: u32, side: Side) -> Page {
    Page {
        sheet,
        side,
        image: DynamicImage::ImageLuma8(img),
        dpi_x: 100.0,
        dpi_y: 100.0,
    }
}

/// 3x3 box blur, `passes` times: the softness of a real scan at low resolution.
pub fn blur(img: &GrayImage, passes: u32) -> GrayImage {
    let mut cur = img.clone();
    for _ in 0..passes {
        let (w, h) = cur.dimensions();
        let src = cur.clone();
        for y in 1..h - 1 {
            for x in 1..w - 1 {
                let mut sum = 0u32;
                for dy in 0..3 {
                    for dx in 0..3 {
                        sum += u32::from(src.get_pixel(x + dx - 1, y + dy - 1).0[0]);
                    }
                }
                cur.put_pixel(x, y, Luma([(sum / 9) as u8]));
            }
        }
    }
    cur
}
