//! Degradations with known parameters, each deterministic for a given RNG state.
//!
//! Conventions (the same as `sohoa clean --json` in design.md): an angle is the skew of the content *as scanned*,
//! positive = counter-clockwise; a quarter turn is given clockwise, and the clean-up must answer with the
//! clockwise rotation that undoes it, `(360 - cw) % 360`.

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use rand::Rng;

use crate::TestkitError;

/// Turns the page by a multiple of 90° clockwise (0, 90, 180, 270; anything else is taken modulo 360 and rounded
/// down to a quarter).
pub fn rotate_quarter(img: &RgbImage, cw: u32) -> RgbImage {
    match (cw % 360) / 90 {
        1 => image::imageops::rotate90(img),
        2 => image::imageops::rotate180(img),
        3 => image::imageops::rotate270(img),
        _ => img.clone(),
    }
}

/// How the sheet lay on the scanner: rotated by `angle_deg` (counter-clockwise positive) and surrounded by the
/// scanner bed or lid of colour `bed`, `border` pixels wide on each side [left, top, right, bottom].
#[derive(Debug, Clone, Copy)]
pub struct ScanGeometry {
    pub angle_deg: f64,
    pub border: [u32; 4],
    pub bed: Rgb<u8>,
}

/// Places the page on the scanner bed (inverse mapping with bilinear sampling and an anti-aliased paper edge).
/// With `border` all zero and a white `bed` this is a plain skew with the lid showing in the corners.
pub fn scan(img: &RgbImage, g: &ScanGeometry) -> RgbImage {
    let (w, h) = (img.width() as f64, img.height() as f64);
    let [l, t, r, b] = g.border;
    let (cw, ch) = (img.width() + l + r, img.height() + t + b);
    let (cx, cy) = (l as f64 + w / 2.0, t as f64 + h / 2.0);
    let th = g.angle_deg.to_radians();
    // Image y points down, so a counter-clockwise turn on screen is a negative angle in pixel coordinates.
    let (s, c) = ((-th).sin(), (-th).cos());
    let mut out = RgbImage::from_pixel(cw, ch, g.bed);
    for oy in 0..ch {
        for ox in 0..cw {
            let (dx, dy) = (ox as f64 + 0.5 - cx, oy as f64 + 0.5 - cy);
            // Inverse rotation: canvas -> page.
            let px = c * dx + s * dy + w / 2.0 - 0.5;
            let py = -s * dx + c * dy + h / 2.0 - 0.5;
            if px < -1.0 || py < -1.0 || px > w || py > h {
                continue;
            }
            let (x0, y0) = (px.floor(), py.floor());
            let (fx, fy) = (px - x0, py - y0);
            let mut acc = [0.0f64; 3];
            for (dxs, dys, wgt) in [
                (0.0, 0.0, (1.0 - fx) * (1.0 - fy)),
                (1.0, 0.0, fx * (1.0 - fy)),
                (0.0, 1.0, (1.0 - fx) * fy),
                (1.0, 1.0, fx * fy),
            ] {
                let (sx, sy) = (x0 + dxs, y0 + dys);
                let p = if sx < 0.0 || sy < 0.0 || sx >= w || sy >= h {
                    g.bed
                } else {
                    *img.get_pixel(sx as u32, sy as u32)
                };
                for (a, v) in acc.iter_mut().zip(p.0) {
                    *a += wgt * f64::from(v);
                }
            }
            out.put_pixel(
                ox,
                oy,
                Rgb([acc[0].round() as u8, acc[1].round() as u8, acc[2].round() as u8]),
            );
        }
    }
    out
}

/// A dark scanner bed with a little sensor noise, the usual open-lid frame.
pub fn dark_bed<R: Rng>(rng: &mut R) -> Rgb<u8> {
    let v = rng.random_range(10..60);
    Rgb([v, v, v.saturating_add(rng.random_range(0..8))])
}

/// Sets a `density` fraction of pixels to black or white (half each).
pub fn salt_pepper<R: Rng>(img: &mut RgbImage, density: f64, rng: &mut R) {
    let n = (img.width() as f64 * img.height() as f64 * density) as u64;
    for _ in 0..n {
        let x = rng.random_range(0..img.width());
        let y = rng.random_range(0..img.height());
        let v = if rng.random_bool(0.5) { 0 } else { 255 };
        img.put_pixel(x, y, Rgb([v, v, v]));
    }
}

/// Gaussian blur of standard deviation `sigma` pixels (defocus, a dirty scanner glass).
pub fn blur(img: &RgbImage, sigma: f32) -> RgbImage {
    if sigma <= 0.0 {
        return img.clone();
    }
    imageproc::filter::gaussian_blur_f32(img, sigma)
}

/// Round trip through a JPEG encoder at `quality` (1-100): block and ringing artefacts like cheap scanners produce.
pub fn jpeg(img: &RgbImage, quality: u8) -> Result<RgbImage, TestkitError> {
    let mut buf = Vec::new();
    JpegEncoder::new_with_quality(&mut buf, quality.clamp(1, 100))
        .encode_image(img)
        .map_err(|e| TestkitError::Codec(e.to_string()))?;
    let back = image::load_from_memory_with_format(&buf, image::ImageFormat::Jpeg)
        .map_err(|e| TestkitError::Codec(e.to_string()))?;
    Ok(back.to_rgb8())
}

/// Multiplies the page by a paper colour (recycled, yellowed or blue-grey forms).
pub fn tint(img: &mut RgbImage, paper: Rgb<u8>) {
    for p in img.pixels_mut() {
        for k in 0..3 {
            p.0[k] = ((p.0[k] as u32 * paper.0[k] as u32) / 255) as u8;
        }
    }
}

/// The blank back of a printed sheet: the front shows through mirrored and diffuse, at `strength` (0-1) of its
/// darkness, on paper of colour `paper`.
pub fn blank_back(front: &RgbImage, strength: f32, paper: Rgb<u8>, sigma: f32) -> RgbImage {
    let mirrored = image::imageops::flip_horizontal(front);
    let soft = blur(&mirrored, sigma);
    let mut out = RgbImage::from_pixel(front.width(), front.height(), paper);
    for (o, s) in out.pixels_mut().zip(soft.pixels()) {
        let dark = 1.0 - (s.0[0] as f32 + s.0[1] as f32 + s.0[2] as f32) / 765.0;
        let keep = 1.0 - strength.clamp(0.0, 1.0) * dark;
        for k in 0..3 {
            o.0[k] = (o.0[k] as f32 * keep).round() as u8;
        }
    }
    out
}

/// Filing punch holes: `count` circles of `diameter_mm` along the left edge, 12 mm in, coloured `through` (what
/// the scanner lid shows through the hole: dark for an open lid, near white for a closed one).
pub fn punch_holes(img: &mut RgbImage, dpi: u32, count: u32, diameter_mm: f32, through: Rgb<u8>) {
    let px = |mm: f32| mm * dpi as f32 / 25.4;
    let r = px(diameter_mm) / 2.0;
    let cx = px(12.0);
    let mid = img.height() as f32 / 2.0;
    let spacing = px(80.0);
    for i in 0..count {
        let cy = mid + (i as f32 - (count as f32 - 1.0) / 2.0) * spacing;
        let (y0, y1) = ((cy - r - 1.0).max(0.0) as u32, (cy + r + 1.0) as u32);
        let (x0, x1) = ((cx - r - 1.0).max(0.0) as u32, (cx + r + 1.0) as u32);
        for y in y0..y1.min(img.height()) {
            for x in x0..x1.min(img.width()) {
                let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
                let a = (r - (dx * dx + dy * dy).sqrt() + 0.5).clamp(0.0, 1.0);
                if a > 0.0 {
                    let p = img.get_pixel_mut(x, y);
                    for k in 0..3 {
                        p.0[k] = (p.0[k] as f32 * (1.0 - a) + through.0[k] as f32 * a).round() as u8;
                    }
                }
            }
        }
    }
}
