//! The clean-up of one page: analyse on a reduced copy, then one quarter turn, at most one resampling rotation,
//! one crop and in-place pixel repairs on the full-resolution colour image.

use image::{DynamicImage, GrayImage, Rgb, RgbImage};

use crate::blank;
use crate::despeckle;
use crate::orient;
use crate::quality::{self, Measures, Quality, QualityProfile};
use crate::reduce::{self, bed_mask, gray_reduced, percentile};
use crate::skew::{self, Points};
use crate::{CleanedPage, ImagingError};

/// What to do; the defaults are the ones `sohoa clean` uses.
#[derive(Debug, Clone)]
pub struct CleanOptions {
    /// Resolution from the file or the scanner; `None` infers it from the paper size.
    pub dpi: Option<f64>,
    pub orientation: bool,
    pub deskew: bool,
    /// Largest skew searched, degrees.
    pub max_skew: f64,
    /// Skews smaller than this are reported but not corrected, so straight pages are never resampled.
    pub min_rotation: f64,
    /// Orientation confidence below which the decision is reported as uncertain.
    pub min_orientation_confidence: f64,
    pub crop: bool,
    pub despeckle: bool,
    pub punch_holes: bool,
    /// Also produce a 1-bit-style derivative (OCR, small archives); the colour master is always kept.
    pub binarize: bool,
    pub profile: QualityProfile,
}

impl Default for CleanOptions {
    fn default() -> Self {
        Self {
            dpi: None,
            orientation: true,
            deskew: true,
            max_skew: 15.0,
            min_rotation: 0.1,
            min_orientation_confidence: 0.25,
            crop: true,
            despeckle: true,
            punch_holes: true,
            binarize: false,
            profile: QualityProfile::default(),
        }
    }
}

/// Reduction factor that brings a page to ~150 dpi for analysis (A4 long side ~1750 px).
fn factor_for(img: &RgbImage) -> u32 {
    let long = img.width().max(img.height());
    ((f64::from(long) / 1750.0).round() as u32).max(1)
}

fn ink_points(g: &GrayImage, mask: &[bool], dark_below: u8) -> Points {
    let w = g.width() as usize;
    let xy = g
        .as_raw()
        .iter()
        .enumerate()
        .filter(|&(i, &v)| v < dark_below && !mask[i])
        .map(|(i, _)| ((i % w) as f32, (i / w) as f32))
        .collect();
    Points {
        xy,
        width: g.width() as f32,
        height: g.height() as f32,
    }
}

/// Mean colour of the outermost frame of the image: what the scanner shows around the sheet.
fn frame_colour(img: &RgbImage) -> Rgb<u8> {
    let (w, h) = (img.width(), img.height());
    let mut acc = [0u64; 3];
    let mut n = 0u64;
    let mut add = |x: u32, y: u32| {
        let p = img.get_pixel(x, y).0;
        for (a, v) in acc.iter_mut().zip(p) {
            *a += u64::from(v);
        }
        n += 1;
    };
    for x in (0..w).step_by(4) {
        add(x, 0);
        add(x, h - 1);
    }
    for y in (0..h).step_by(4) {
        add(0, y);
        add(w - 1, y);
    }
    let n = n.max(1);
    Rgb([(acc[0] / n) as u8, (acc[1] / n) as u8, (acc[2] / n) as u8])
}

/// Mean colour of bright (paper) pixels, sampled.
fn paper_colour(img: &RgbImage, paper_luma: u8) -> [u8; 3] {
    let lo = paper_luma.saturating_sub(12);
    let mut acc = [0u64; 3];
    let mut n = 0u64;
    for p in img.as_raw().chunks_exact(3).step_by(7) {
        let l = reduce::luma([p[0], p[1], p[2]]);
        if l >= lo {
            for (a, v) in acc.iter_mut().zip(p) {
                *a += u64::from(*v);
            }
            n += 1;
        }
    }
    if n == 0 {
        return [255, 255, 255];
    }
    [(acc[0] / n) as u8, (acc[1] / n) as u8, (acc[2] / n) as u8]
}

/// Paper rectangle on the analysis map: rows and columns that are mostly not bed, inset by one map pixel where
/// the bed was found so no dark sliver survives. Returns [x0, y0, x1, y1] in map pixels.
fn paper_rect(mask: &[bool], w: usize, h: usize) -> [usize; 4] {
    let mut cols = vec![0usize; w];
    let mut rows = vec![0usize; h];
    for y in 0..h {
        for x in 0..w {
            if !mask[y * w + x] {
                cols[x] += 1;
                rows[y] += 1;
            }
        }
    }
    let first = |v: &[usize], n: usize| v.iter().position(|&c| c * 2 > n);
    let last = |v: &[usize], n: usize| v.iter().rposition(|&c| c * 2 > n);
    match (first(&cols, h), last(&cols, h), first(&rows, w), last(&rows, w)) {
        (Some(x0), Some(x1), Some(y0), Some(y1)) if x1 > x0 + 2 && y1 > y0 + 2 => {
            let inset = |v: usize, at_edge: bool, d: isize| {
                if at_edge { v } else { (v as isize + d) as usize }
            };
            [
                inset(x0, x0 == 0, 1),
                inset(y0, y0 == 0, 1),
                inset(x1 + 1, x1 + 1 == w, -1),
                inset(y1 + 1, y1 + 1 == h, -1),
            ]
        }
        _ => [0, 0, w, h],
    }
}

/// Cleans one page. Pure: no files, no store.
pub fn clean(input: &DynamicImage, opts: &CleanOptions) -> Result<CleanedPage, ImagingError> {
    if input.width() == 0 || input.height() == 0 {
        return Err(ImagingError::Empty);
    }
    let was_gray = !input.color().has_color();
    let mut img = match input {
        DynamicImage::ImageRgb8(rgb) => rgb.clone(),
        other => other.to_rgb8(),
    };
    let f = factor_for(&img);
    let g = gray_reduced(&img, f);
    let paper_luma = percentile(&g, None, 90.0);
    let dark_below = ((f64::from(paper_luma) * 0.55) as u8).max(8);
    let mask = bed_mask(&g, dark_below);

    // 1. Orientation and skew from ink points of the page as scanned.
    let pts = ink_points(&g, &mask, dark_below);
    // A blank page has no lines to level and no up or down: leave it as scanned.
    // Punch holes are the only big marks on many blank backs; judge without them.
    let guess_dpi = opts.dpi.unwrap_or(150.0 * f64::from(f));
    let early_holes = despeckle::find_holes(&g, dark_below, f, guess_dpi);
    let pre_blank = if early_holes.is_empty() {
        blank::detect(&g, dark_below).blank
    } else {
        let mut g0 = g.clone();
        despeckle::fill_holes_gray(&mut g0, &early_holes, f, paper_luma);
        blank::detect(&g0, dark_below).blank
    };
    let geo = if (opts.orientation || opts.deskew) && !pre_blank {
        orient::analyse(&pts, opts.max_skew)
    } else {
        orient::Geometry {
            orientation: 0,
            orientation_confidence: if pre_blank { 0.0 } else { 1.0 },
            skew_degrees: 0.0,
            skew_confidence: 0.0,
        }
    };
    // An uncertain turn is not made: turning an upright page upside down loses all its text to OCR, while a
    // page left as scanned is only flagged (`orientation_uncertain`) for the officer to turn by hand.
    let orientation = if opts.orientation && geo.orientation_confidence >= opts.min_orientation_confidence {
        geo.orientation
    } else {
        0
    };
    let cut_by_scan = if pre_blank {
        Vec::new()
    } else {
        quality::clipped_scan_edges(&g, dark_below, orientation)
    };
    let skew_degrees = if opts.deskew { geo.skew_degrees } else { 0.0 };
    // Uncovered corners after deskew get the bed's colour, so the crop sees them as bed.
    let bed_px: Vec<u8> = g
        .as_raw()
        .iter()
        .zip(&mask)
        .filter(|(_, m)| **m)
        .map(|(v, _)| *v)
        .collect();
    let fill = if bed_px.len() * 500 > mask.len() {
        let v = (bed_px.iter().map(|&v| u64::from(v)).sum::<u64>() / bed_px.len() as u64) as u8;
        Rgb([v, v, v])
    } else {
        frame_colour(&img)
    };
    let rotated = opts.deskew && skew_degrees.abs() >= opts.min_rotation;
    let out_size = if orientation % 180 == 90 {
        (img.height(), img.width())
    } else {
        (img.width(), img.height())
    };
    if rotated {
        // One resampling pass for quarter turn and deskew together; the content leans counter-clockwise by
        // `skew_degrees`, so it is turned clockwise by that much.
        img = crate::rotate::rotate_cw(&img, f64::from(orientation) + skew_degrees, out_size, fill);
    } else {
        img = match orientation {
            90 => image::imageops::rotate90(&img),
            180 => image::imageops::rotate180(&img),
            270 => image::imageops::rotate270(&img),
            _ => img,
        };
    }

    // 2. Crop to the paper on a fresh analysis map of the upright page.
    let g2 = if orientation != 0 || rotated {
        gray_reduced(&img, f)
    } else {
        g
    };
    let (mw, mh) = (g2.width() as usize, g2.height() as usize);
    let [mut x0, mut y0, mut x1, mut y1] = [0, 0, mw, mh];
    let mut bed_left = None;
    if opts.crop {
        let mask2 = bed_mask(&g2, dark_below);
        [x0, y0, x1, y1] = paper_rect(&mask2, mw, mh);
        // Most pages have no bed inside the rectangle (the crop is inset past it); skip the morphology then.
        let inside = (y0..y1).any(|y| mask2[y * mw + x0..y * mw + x1].iter().any(|&m| m));
        if inside {
            bed_left = Some(crate::border::bed_regions(&mask2, &g2, dark_below));
        }
    }
    let full = |v: usize, limit: u32| ((v as u32) * f).min(limit);
    let crop = if [x0, y0, x1, y1] == [0, 0, mw, mh] {
        [0, 0, img.width(), img.height()]
    } else {
        let (cx0, cy0) = (full(x0, img.width()), full(y0, img.height()));
        let (cx1, cy1) = (full(x1, img.width()), full(y1, img.height()));
        [cx0, cy0, cx1 - cx0, cy1 - cy0]
    };
    if crop != [0, 0, img.width(), img.height()] {
        img = crate::rotate::crop(&img, crop);
    }
    let mut map =
        image::imageops::crop_imm(&g2, x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32).to_image();

    // 3. Resolution, then repairs that depend on it.
    let dpi = opts
        .dpi
        .or_else(|| quality::dpi_from_paper(img.width(), img.height()));
    let work_dpi = dpi.unwrap_or(300.0);
    let paper = paper_colour(&img, paper_luma);
    // Bed the rectangular crop had to keep (corners of the sheet beyond the scanned area): paper, not ink.
    if let Some(regions) = &bed_left {
        let n = crate::border::paint(
            &mut img,
            &mut map,
            regions,
            mw,
            [x0, y0, x1, y1],
            f,
            paper,
            paper_luma,
        );
        tracing::debug!(painted = n, "bed left inside the crop");
    }
    let mut holes = Vec::new();
    if opts.punch_holes {
        holes = despeckle::find_holes(&map, dark_below, f, work_dpi);
        despeckle::fill_holes(&mut img, &holes, paper, 2.0 * work_dpi / 300.0 + f64::from(f));
        despeckle::fill_holes_gray(&mut map, &holes, f, paper_luma);
    }
    let specks = if opts.despeckle {
        despeckle::remove_specks(
            &mut img,
            dark_below,
            despeckle::max_speck_area(work_dpi),
            paper,
            work_dpi,
        )
    } else {
        0
    };

    // 4. Verdicts.
    let b = blank::detect(&map, dark_below);
    tracing::debug!(
        ink = b.ink_fraction,
        marks = b.marks,
        blank = b.blank,
        "blank check"
    );
    let no_mask = vec![false; map.as_raw().len()];
    let residual = if b.blank {
        0.0
    } else {
        // A check, not a correction: a 30k-point subsample is accurate to ~0.02°.
        let mut p = ink_points(&map, &no_mask, dark_below);
        let stride = (p.xy.len() / 30_000).max(1);
        p.xy = p.xy.into_iter().step_by(stride).collect();
        skew::estimate(&p, 1.0).degrees
    };
    let ink_level = ink_level(&map, dark_below);
    let contrast = f64::from(paper_luma.saturating_sub(ink_level)) / 255.0;
    let sharp = if b.blank {
        0.0
    } else {
        quality::sharpness(&img, paper_luma, ink_level)
    };
    let uncertain = opts.orientation
        && !pre_blank
        && !b.blank
        && geo.orientation_confidence < opts.min_orientation_confidence;
    let quality: Quality = quality::judge(
        Measures {
            dpi,
            sharpness: sharp,
            contrast,
            residual_skew: residual,
            clipped: {
                let mut edges = quality::clipped_edges(&map, dark_below);
                for e in cut_by_scan {
                    if !edges.contains(&e) {
                        edges.push(e);
                    }
                }
                edges
            },
            blank: b.blank,
            orientation_uncertain: uncertain,
        },
        &opts.profile,
    );
    let binary = opts.binarize.then(|| binarize(&img, paper_luma, ink_level));
    let image = if was_gray {
        DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(img).to_luma8())
    } else {
        DynamicImage::ImageRgb8(img)
    };
    Ok(CleanedPage {
        image,
        binary,
        orientation,
        orientation_confidence: geo.orientation_confidence,
        orientation_uncertain: uncertain,
        skew_degrees,
        skew_confidence: geo.skew_confidence,
        rotated,
        crop,
        blank: b.blank,
        blank_confidence: b.confidence,
        ink_fraction: b.ink_fraction,
        quality,
        specks_removed: specks,
        holes_removed: holes.len() as u32,
    })
}

/// Typical ink grey: the median of the ink pixels (paper level when there is no ink).
fn ink_level(map: &GrayImage, dark_below: u8) -> u8 {
    let mut hist = [0u32; 256];
    for &v in map.as_raw() {
        if v < dark_below {
            hist[v as usize] += 1;
        }
    }
    let total: u32 = hist.iter().sum();
    if total == 0 {
        return dark_below;
    }
    let mut acc = 0;
    for (v, &c) in hist.iter().enumerate() {
        acc += c;
        if acc * 2 >= total {
            return v as u8;
        }
    }
    dark_below
}

/// Black-on-white derivative: threshold halfway between ink and paper (global; the page is already levelled
/// and tint-independent through the paper level).
fn binarize(img: &RgbImage, paper: u8, ink: u8) -> GrayImage {
    let t = ((u16::from(paper) + u16::from(ink)) / 2) as u8;
    let mut out = GrayImage::new(img.width(), img.height());
    for (o, p) in out.as_mut().iter_mut().zip(img.as_raw().chunks_exact(3)) {
        *o = if reduce::luma([p[0], p[1], p[2]]) < t {
            0
        } else {
            255
        };
    }
    out
}
