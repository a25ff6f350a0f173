//! Reduced copies for analysis: every decision is taken on a small greyscale or binary copy, and only the final
//! geometric operations touch the full-resolution colour pixels. This is where the speed comes from.

use image::{GrayImage, RgbImage};

/// Integer Rec. 601 luma, the same weights the decoders use.
#[inline]
pub fn luma(p: [u8; 3]) -> u8 {
    ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8
}

/// Luma of an RGB image reduced by `f` with a box average (f = 1 gives plain luma).
pub fn gray_reduced(img: &RgbImage, f: u32) -> GrayImage {
    let f = f.max(1);
    if f == 2 && img.width() >= 2 && img.height() >= 2 {
        return gray_half(img);
    }
    let (w, h) = (img.width() / f, img.height() / f);
    let (w, h) = (w.max(1), h.max(1));
    let src = img.as_raw();
    let stride = img.width() as usize * 3;
    let mut out = GrayImage::new(w, h);
    let mut acc = vec![0u32; w as usize];
    let n = f * f;
    let (iw, ih) = (img.width(), img.height());
    for oy in 0..h {
        acc.iter_mut().for_each(|a| *a = 0);
        for dy in 0..f {
            let y = (oy * f + dy).min(ih - 1) as usize;
            let row = &src[y * stride..(y + 1) * stride];
            for (ox, a) in acc.iter_mut().enumerate() {
                let x0 = ox * f as usize;
                for dx in 0..f as usize {
                    let x = (x0 + dx).min(iw as usize - 1) * 3;
                    *a += u32::from(luma([row[x], row[x + 1], row[x + 2]]));
                }
            }
        }
        for (ox, a) in acc.iter().enumerate() {
            out.put_pixel(ox as u32, oy, image::Luma([(a / n) as u8]));
        }
    }
    out
}

/// The common case (300 dpi to ~150 dpi) without per-pixel index clamping: two source rows at a time.
fn gray_half(img: &RgbImage) -> GrayImage {
    let (w, h) = (img.width() / 2, img.height() / 2);
    let stride = img.width() as usize * 3;
    let src = img.as_raw();
    let mut out = vec![0u8; w as usize * h as usize];
    for (oy, orow) in out.chunks_exact_mut(w as usize).enumerate() {
        let r0 = &src[2 * oy * stride..(2 * oy + 1) * stride];
        let r1 = &src[(2 * oy + 1) * stride..(2 * oy + 2) * stride];
        for ((o, a), b) in orow.iter_mut().zip(r0.chunks_exact(6)).zip(r1.chunks_exact(6)) {
            let sum = |p: &[u8]| u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29;
            let v = sum(&a[..3]) + sum(&a[3..]) + sum(&b[..3]) + sum(&b[3..]);
            *o = (v >> 10) as u8;
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Histogram percentile (0-100) over the pixels where `mask` is false (all pixels without a mask).
pub fn percentile(img: &GrayImage, mask: Option<&[bool]>, pct: f64) -> u8 {
    let mut hist = [0u64; 256];
    for (i, p) in img.as_raw().iter().enumerate() {
        if mask.is_none_or(|m| !m[i]) {
            hist[*p as usize] += 1;
        }
    }
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 255;
    }
    let target = (total as f64 * pct / 100.0).ceil() as u64;
    let mut acc = 0;
    for (v, c) in hist.iter().enumerate() {
        acc += c;
        if acc >= target.max(1) {
            return v as u8;
        }
    }
    255
}

/// Marks dark pixels connected to the image border: the scanner bed or lid seen around the sheet. `mask[i]` true
/// means "not paper". Text never reaches the border of a scan because paper has margins; content that does is
/// reported as clipped by the quality check.
pub fn bed_mask(img: &GrayImage, dark_below: u8) -> Vec<bool> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let px = img.as_raw();
    let mut mask = vec![false; w * h];
    let mut stack = Vec::new();
    let seed = |i: usize, stack: &mut Vec<usize>, mask: &mut Vec<bool>| {
        if !mask[i] && px[i] < dark_below {
            mask[i] = true;
            stack.push(i);
        }
    };
    for x in 0..w {
        seed(x, &mut stack, &mut mask);
        seed((h - 1) * w + x, &mut stack, &mut mask);
    }
    for y in 0..h {
        seed(y * w, &mut stack, &mut mask);
        seed(y * w + w - 1, &mut stack, &mut mask);
    }
    while let Some(i) = stack.pop() {
        let (x, y) = (i % w, i / w);
        if x > 0 {
            seed(i - 1, &mut stack, &mut mask);
        }
        if x + 1 < w {
            seed(i + 1, &mut stack, &mut mask);
        }
        if y > 0 {
            seed(i - w, &mut stack, &mut mask);
        }
        if y + 1 < h {
            seed(i + w, &mut stack, &mut mask);
        }
    }
    mask
}
