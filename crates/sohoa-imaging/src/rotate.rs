//! Full-resolution rotation and crop of the colour page.
//!
//! Hand-written because it is the single most expensive step: `imageproc::rotate_about_center` (generic pixel
//! access, float coordinates per pixel) took 1.0-1.5 s for an A4 300-dpi RGB page here; this row-incremental
//! fixed-point bilinear version takes ~0.1 s with the same output up to rounding.

use image::{Rgb, RgbImage};

/// Turns the content clockwise by `deg_cw` degrees about the centre into a canvas of `out` size (the input's size
/// for a deskew, swapped for a quarter turn plus deskew, done in the same single pass); uncovered pixels get
/// `fill`. Bilinear, 8-bit sub-pixel weights, exact copies at multiples of 90°.
pub fn rotate_cw(img: &RgbImage, deg_cw: f64, out: (u32, u32), fill: Rgb<u8>) -> RgbImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let (ow, oh) = (out.0 as usize, out.1 as usize);
    let mut dst_img = RgbImage::from_pixel(out.0, out.1, fill);
    let t = deg_cw.to_radians();
    let (mut s, mut c) = (t.sin(), t.cos());
    // Snap exact quarter turns so they copy pixels without interpolation.
    for v in [&mut s, &mut c] {
        if v.abs() < 1e-12 {
            *v = 0.0;
        }
    }
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let (ocx, ocy) = (ow as f64 / 2.0, oh as f64 / 2.0);
    let src = img.as_raw();
    let stride = w * 3;
    let dst: &mut [u8] = &mut dst_img;
    const ONE: f64 = 65536.0;
    let (stepx, stepy) = ((c * ONE).round() as i64, (-s * ONE).round() as i64);
    for oy in 0..oh {
        // Output pixel centre maps back through the inverse (counter-clockwise) rotation:
        // sx = c*dx + s*dy + cx, sy = -s*dx + c*dy + cy, minus .5 to address pixel centres.
        let dy = oy as f64 + 0.5 - ocy;
        let dx0 = 0.5 - ocx;
        let mut sx = ((c * dx0 + s * dy + cx - 0.5) * ONE).round() as i64;
        let mut sy = ((-s * dx0 + c * dy + cy - 0.5) * ONE).round() as i64;
        let row = &mut dst[oy * ow * 3..(oy + 1) * ow * 3];
        for px in row.chunks_exact_mut(3) {
            let (ix, iy) = (sx >> 16, sy >> 16);
            if ix >= 0 && iy >= 0 && (ix as usize) + 1 < w && (iy as usize) + 1 < h {
                // Interior: the 2x2 neighbourhood is two 6-byte runs, one bounds check each.
                let fx = ((sx >> 8) & 0xff) as u32;
                let fy = ((sy >> 8) & 0xff) as u32;
                let i = iy as usize * stride + ix as usize * 3;
                let top = &src[i..i + 6];
                let bot = &src[i + stride..i + stride + 6];
                let (w00, w10) = ((256 - fx) * (256 - fy), fx * (256 - fy));
                let (w01, w11) = ((256 - fx) * fy, fx * fy);
                for k in 0..3 {
                    let v = u32::from(top[k]) * w00
                        + u32::from(top[k + 3]) * w10
                        + u32::from(bot[k]) * w01
                        + u32::from(bot[k + 3]) * w11;
                    px[k] = ((v + 32768) >> 16) as u8;
                }
            } else if ix >= 0 && iy >= 0 && (ix as usize) < w && (iy as usize) < h {
                let fx = ((sx >> 8) & 0xff) as u32;
                let fy = ((sy >> 8) & 0xff) as u32;
                // Clamp the right/bottom neighbour at the last column/row (its weight is 0 there anyway for
                // exact copies, and the edge is replicated otherwise).
                let i = iy as usize * stride + ix as usize * 3;
                let dxn = if (ix as usize) + 1 < w { 3 } else { 0 };
                let dyn_ = if (iy as usize) + 1 < h { stride } else { 0 };
                let a = &src[i..i + 3];
                let b = &src[i + dxn..i + dxn + 3];
                let cc = &src[i + dyn_..i + dyn_ + 3];
                let d = &src[i + dyn_ + dxn..i + dyn_ + dxn + 3];
                let (w00, w10) = ((256 - fx) * (256 - fy), fx * (256 - fy));
                let (w01, w11) = ((256 - fx) * fy, fx * fy);
                for k in 0..3 {
                    let v = u32::from(a[k]) * w00
                        + u32::from(b[k]) * w10
                        + u32::from(cc[k]) * w01
                        + u32::from(d[k]) * w11;
                    px[k] = ((v + 32768) >> 16) as u8;
                }
            }
            sx += stepx;
            sy += stepy;
        }
    }
    dst_img
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
