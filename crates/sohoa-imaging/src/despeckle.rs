//! Despeckle and punch-hole clean-up.
//!
//! Specks are removed only when they are far smaller than the smallest Vietnamese mark: the dot below (ạ, ặ, ị)
//! of 12 pt text at 300 dpi is about 20-25 pixels and a tone mark more, while scanner dust and salt-and-pepper
//! noise are 1-6 pixels. The size limit scales with the resolution, and nothing bigger is ever touched, so
//! diacritics survive by construction (the tests measure it on rendered ỗ, ặ, ữ).

use image::{GrayImage, RgbImage};

use crate::cc::components;
use crate::reduce::luma;

/// Largest speck (pixels) removed at `dpi`.
pub fn max_speck_area(dpi: f64) -> u32 {
    let k = dpi / 300.0;
    ((6.0 * k * k).round() as u32).max(1)
}

/// Paints isolated dark specks of at most `max_area` pixels (and at most 3 px across at 300 dpi) with `paper`.
/// Returns how many were removed. One byte of state per pixel and a flood fill that stops collecting pixels
/// past `max_area` keep this at a few tens of milliseconds per A4 page.
pub fn remove_specks(img: &mut RgbImage, dark_below: u8, max_area: u32, paper: [u8; 3], dpi: f64) -> u32 {
    let (w, h) = (img.width() as usize, img.height() as usize);
    // 0 = paper, 1 = unvisited ink, 2 = visited ink.
    let mut state: Vec<u8> = img
        .as_raw()
        .chunks_exact(3)
        .map(|p| u8::from(luma([p[0], p[1], p[2]]) < dark_below))
        .collect();
    let max_side = ((3.0 * dpi / 300.0).round() as usize).max(1);
    let limit = max_area as usize;
    let mut kill: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut pixels: Vec<usize> = Vec::with_capacity(limit + 1);
    let mut count = 0;
    let mut start = 0;
    while start < state.len() {
        // Skip paper quickly.
        match state[start..].iter().position(|&v| v == 1) {
            Some(off) => start += off,
            None => break,
        }
        state[start] = 2;
        stack.push(start);
        pixels.clear();
        let (mut x0, mut x1, mut y0, mut y1) = (usize::MAX, 0, usize::MAX, 0);
        let mut area = 0usize;
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            area += 1;
            if area <= limit {
                pixels.push(i);
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
            let (xl, xh) = (x.saturating_sub(1), (x + 1).min(w - 1));
            let (yl, yh) = (y.saturating_sub(1), (y + 1).min(h - 1));
            for ny in yl..=yh {
                for nx in xl..=xh {
                    let j = ny * w + nx;
                    if state[j] == 1 {
                        state[j] = 2;
                        stack.push(j);
                    }
                }
            }
        }
        if area <= limit && x1 - x0 < max_side && y1 - y0 < max_side {
            kill.extend_from_slice(&pixels);
            count += 1;
        }
        start += 1;
    }
    let raw: &mut [u8] = img;
    for i in kill {
        raw[i * 3..i * 3 + 3].copy_from_slice(&paper);
    }
    count
}

/// A filing hole found on the analysis map: centre and radius in full-resolution pixels.
#[derive(Debug, Clone, Copy)]
pub struct Hole {
    pub cx: f64,
    pub cy: f64,
    pub r: f64,
}

/// Finds punch holes on the reduced map `g` (scale factor `f` to full resolution): solid, round, dark blobs of
/// 4-9 mm diameter whose centre lies within 25 mm of an edge.
pub fn find_holes(g: &GrayImage, dark_below: u8, f: u32, dpi: f64) -> Vec<Hole> {
    let (w, h) = (g.width() as usize, g.height() as usize);
    let on: Vec<bool> = g.as_raw().iter().map(|&v| v < dark_below).collect();
    let px_per_mm = dpi / 25.4 / f64::from(f);
    let (dmin, dmax, band) = (4.0 * px_per_mm, 9.0 * px_per_mm, 25.0 * px_per_mm);
    let mut holes = Vec::new();
    components(&on, w, h, 0, |c, _| {
        let (cw, ch) = (f64::from(c.width()), f64::from(c.height()));
        let fill = f64::from(c.area) / (cw * ch).max(1.0);
        let round = (cw / ch.max(1.0) - 1.0).abs() < 0.25;
        let (cx, cy) = (f64::from(c.x0) + cw / 2.0, f64::from(c.y0) + ch / 2.0);
        let near_edge = cx < band || cy < band || (w as f64 - cx) < band || (h as f64 - cy) < band;
        if round && near_edge && cw >= dmin && cw <= dmax && (0.65..0.92).contains(&fill) {
            let s = f64::from(f);
            holes.push(Hole {
                cx: cx * s,
                cy: cy * s,
                r: cw.max(ch) / 2.0 * s,
            });
        }
    });
    holes
}

/// Paints each hole (with a small rim for its anti-aliased edge) in the paper colour.
pub fn fill_holes(img: &mut RgbImage, holes: &[Hole], paper: [u8; 3], rim: f64) {
    for hole in holes {
        let r = hole.r + rim;
        let (x0, x1) = ((hole.cx - r).floor().max(0.0) as u32, (hole.cx + r).ceil() as u32);
        let (y0, y1) = ((hole.cy - r).floor().max(0.0) as u32, (hole.cy + r).ceil() as u32);
        for y in y0..y1.min(img.height()) {
            for x in x0..x1.min(img.width()) {
                let (dx, dy) = (f64::from(x) + 0.5 - hole.cx, f64::from(y) + 0.5 - hole.cy);
                if dx * dx + dy * dy <= r * r {
                    img.put_pixel(x, y, image::Rgb(paper));
                }
            }
        }
    }
}

/// The same on the analysis map.
pub fn fill_holes_gray(g: &mut GrayImage, holes: &[Hole], f: u32, paper: u8) {
    let s = f64::from(f);
    for hole in holes {
        let (cx, cy, r) = (hole.cx / s, hole.cy / s, hole.r / s + 1.5);
        let (x0, x1) = ((cx - r).floor().max(0.0) as u32, (cx + r).ceil() as u32);
        let (y0, y1) = ((cy - r).floor().max(0.0) as u32, (cy + r).ceil() as u32);
        for y in y0..y1.min(g.height()) {
            for x in x0..x1.min(g.width()) {
                let (dx, dy) = (f64::from(x) + 0.5 - cx, f64::from(y) + 0.5 - cy);
                if dx * dx + dy * dy <= r * r {
                    g.put_pixel(x, y, image::Luma([paper]));
                }
            }
        }
    }
}
