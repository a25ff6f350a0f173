//! Bed left inside the crop rectangle: the wedges of a skewed sheet whose corners were beyond the
//! scanned area, and the bed's colour filled into the corners uncovered by the deskew.
//!
//! The crop is a rectangle of rows and columns that are mostly paper (crop, never resize: the page keeps
//! its scale), so when the scan cut a corner of the sheet, a dark wedge stays in the page. Tesseract reads
//! the wedge's slanted edge as a line of letters (`anagạàặnngẠẶnsxc` on generated seed 7113) and may give
//! up on text beside it. The wedge is painted with the paper colour; text is never painted: only the
//! *opening* of the bed mask is (erosion then dilation by a square), which keeps the large bed regions
//! and drops anything thinner than the square — letter strokes that touch the bed where the scan cut
//! through a line of text.

use image::{GrayImage, Rgb, RgbImage};

/// Half-size of the square, in analysis pixels (~150 dpi): strokes up to ~4 px wide there (8 px at 300 dpi,
/// bold 14 pt is ~5) are never part of the opening.
const RADIUS: usize = 2;

/// Erosion (`all`) or dilation (not `all`) of `m` by a (2r+1)-square, separably. Outside the map counts as
/// bed for the erosion (the bed goes on beyond the scanned area) and as nothing for the dilation.
fn morph(m: &[bool], w: usize, h: usize, r: usize, all: bool) -> Vec<bool> {
    let hit = |v: bool| v != all;
    let pass = |src: &[bool], len: usize, step: usize, lines: usize, line_step: usize| {
        let mut out = vec![false; src.len()];
        for l in 0..lines {
            let base = l * line_step;
            // Count of "hits" (false for erosion, true for dilation) in the window [i-r, i+r].
            let at = |i: isize| -> bool {
                if i < 0 || i as usize >= len {
                    all
                } else {
                    src[base + i as usize * step]
                }
            };
            let mut count = (-(r as isize)..=r as isize).filter(|&i| hit(at(i))).count();
            for i in 0..len {
                out[base + i * step] = if all { count == 0 } else { count > 0 };
                if hit(at(i as isize - r as isize)) {
                    count -= 1;
                }
                if hit(at((i + r + 1) as isize)) {
                    count += 1;
                }
            }
        }
        out
    };
    let rows = pass(m, w, 1, h, w);
    pass(&rows, h, w, w, 1)
}

/// The bed mask's large regions (bed pixels that a (2·RADIUS+1)-square fits around), grown by one pixel
/// onto pixels of `map` that are not dark: the analysis pixels straddling the bed's edge average bed and
/// paper, so they are not in the mask, yet their full-resolution pixels hold a dashed rim of bed.
pub fn bed_regions(mask: &[bool], map: &GrayImage, dark_below: u8) -> Vec<bool> {
    let (w, h) = (map.width() as usize, map.height() as usize);
    let eroded = morph(mask, w, h, RADIUS, true);
    let opened = morph(&eroded, w, h, RADIUS, false);
    let grown = morph(&opened, w, h, 1, false);
    opened
        .iter()
        .zip(grown)
        .zip(map.as_raw())
        .map(|((&o, g), &v)| o || (g && v >= dark_below))
        .collect()
}

/// Paints, inside the crop `rect` = [x0, y0, x1, y1] (analysis pixels), the bed `regions` with the paper
/// colour: on the cropped full-resolution `img` (analysis pixel = `f` x `f` pixels, the crop started at
/// analysis pixel (x0, y0)) and on the cropped analysis `map`. Returns the analysis pixels painted.
#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename the same values
pub fn paint(
    img: &mut RgbImage,
    map: &mut GrayImage,
    regions: &[bool],
    mw: usize,
    rect: [usize; 4],
    f: u32,
    paper: [u8; 3],
    paper_luma: u8,
) -> usize {
    let [x0, y0, x1, y1] = rect;
    let f = f as usize;
    let (iw, ih) = (img.width() as usize, img.height() as usize);
    let mut painted = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            if !regions[y * mw + x] {
                continue;
            }
            painted += 1;
            let (mx, my) = ((x - x0) as u32, (y - y0) as u32);
            if mx < map.width() && my < map.height() {
                map.put_pixel(mx, my, image::Luma([paper_luma]));
            }
            let (px, py) = ((x - x0) * f, (y - y0) * f);
            for yy in py..(py + f).min(ih) {
                for xx in px..(px + f).min(iw) {
                    img.put_pixel(xx as u32, yy as u32, Rgb(paper));
                }
            }
        }
    }
    painted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_keeps_the_wedge_and_drops_strokes_touching_it() {
        let (w, h) = (40, 30);
        let mut m = vec![false; w * h];
        // A wedge along the left edge, 10 px wide, and a 2-px stroke running out of it to the right.
        for y in 0..h {
            for x in 0..10 {
                m[y * w + x] = true;
            }
        }
        for x in 10..30 {
            m[15 * w + x] = true;
            m[16 * w + x] = true;
        }
        let map = GrayImage::from_fn(w as u32, h as u32, |x, y| {
            image::Luma([if m[y as usize * w + x as usize] { 30 } else { 240 }])
        });
        let r = bed_regions(&m, &map, 128);
        assert!(
            (0..h).all(|y| (0..10).all(|x| r[y * w + x])),
            "wedge not kept whole"
        );
        assert!(
            (10..30).all(|x| !r[15 * w + x] && !r[16 * w + x]),
            "stroke painted"
        );
        // The rim: one paper pixel beside the wedge is painted (it straddles the edge at full resolution),
        // the next is not.
        assert!(r[5 * w + 10] && !r[5 * w + 11]);
    }
}
