//! Full-resolution rotation and crop of the colour page.
//!
//! Hand-written because it is the single most expensive step: `imageproc::rotate_about_center` (generic pixel
//! access, float coordinates per pixel) took 1.0-1.5 s for an A4 300-dpi RGB page here; this row-incremental
//! fixed-point bilinear version takes ~0.1 s with the same output up to rounding.

use image::{Rgb, RgbImage};

/// Turns the content clockwise by `deg_cw` degrees about the centre, keeping the canvas size; uncovered pixels get
/// `fill`. Bilinear, 8-bit sub-pixel weights.
pub fn rotate_cw(img: &RgbImage, deg_cw: f64, fill: Rgb<u8>) -> RgbImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut out = RgbImage::from_pixel(w as u32, h as u32, fill);
    let t = deg_cw.to_radians();
    let (s, c) = (t.sin(), t.cos());
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let src = img.as_raw();
    let stride = w * 3;
    let dst: &mut [u8] = &mut out;
    const ONE: f64 = 65536.0;
    for oy in 0..h {
        // Output pixel centre (ox + .5, oy + .5) maps back through the inverse (counter-clockwise) rotation:
        // sx = c*dx + s*dy + cx, sy = -s*dx + c*dy + cy, minus .5 to address pixel centres.
        let dy = oy as f64 + 0.5 - cy;
        let dx0 = 0.5 - cx;
        let mut sx = ((c * dx0 + s * dy + cx - 0.5) * ONE) as i64;
        let mut sy = ((-s * dx0 + c * dy + cy - 0.5) * ONE) as i64;
        let (stepx, stepy) = ((c * ONE) as i64, (-s * ONE) as i64);
        let row = &mut dst[oy * stride..(oy + 1) * stride];
        for px in row.chunks_exact_mut(3) {
            let (ix, iy) = (sx >> 16, sy >> 16);
            if ix >= 0 && iy >= 0 && (ix as usize) + 1 < w && (iy as usize) + 1 < h {
                let fx = ((sx >> 8) & 0xff) as u32;
                let fy = ((sy >> 8) & 0xff) as u32;
                let i = iy as usize * stride + ix as usize * 3;
                let j = i + stride;
                let (w00, w10) = ((256 - fx) * (256 - fy), fx * (256 - fy));
                let (w01, w11) = ((256 - fx) * fy, fx * fy);
                for k in 0..3 {
                    let v = u32::from(src[i + k]) * w00
                        + u32::from(src[i + 3 + k]) * w10
                        + u32::from(src[j + k]) * w01
                        + u32::from(src[j + 3 + k]) * w11;
                    px[k] = ((v + 32768) >> 16) as u8;
                }
            }
            sx += stepx;
            sy += stepy;
        }
    }
    out
}

/// Copies the rectangle [x, y, w, h] (clamped to the image) row by row.
pub fn crop(img: &RgbImage, r: [u32; 4]) -> RgbImage {
    let x = r[0].min(img.width());
    let y = r[1].min(img.height());
    let w = r[2].min(img.width() - x).max(1);
    let h = r[3].min(img.height() - y).max(1);
    let stride = img.width() as usize * 3;
    let src = img.as_raw();
    let mut buf = Vec::with_capacity(w as usize * h as usize * 3);
    for row in y..y + h {
        let start = row as usize * stride + x as usize * 3;
        buf.extend_from_slice(&src[start..start + w as usize * 3]);
    }
    RgbImage::from_raw(w, h, buf).unwrap_or_else(|| RgbImage::new(w, h))
}
