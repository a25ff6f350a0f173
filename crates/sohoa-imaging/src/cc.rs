//! Connected components of a binary map (8-connectivity), the building block of despeckle, punch-hole,
//! blank and clipped-content decisions.

/// One component: pixel count and bounding box (inclusive min, exclusive max).
#[derive(Debug, Clone, Copy)]
pub struct Component {
    pub area: u32,
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

impl Component {
    pub fn width(&self) -> u32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> u32 {
        self.y1 - self.y0
    }
}

/// Labels the `true` pixels of `on` (row-major, `w` x `h`) and calls `visit` with each component and its pixel
/// indices (only the first `keep_pixels` indices are passed; larger components are still measured fully).
pub fn components(
    on: &[bool],
    w: usize,
    h: usize,
    keep_pixels: usize,
    mut visit: impl FnMut(&Component, &[usize]),
) {
    let mut seen = vec![false; on.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut pixels: Vec<usize> = Vec::new();
    for start in 0..on.len() {
        if !on[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        pixels.clear();
        let (sx, sy) = ((start % w) as u32, (start / w) as u32);
        let mut c = Component {
            area: 0,
            x0: sx,
            y0: sy,
            x1: sx + 1,
            y1: sy + 1,
        };
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            c.area += 1;
            c.x0 = c.x0.min(x as u32);
            c.x1 = c.x1.max(x as u32 + 1);
            c.y0 = c.y0.min(y as u32);
            c.y1 = c.y1.max(y as u32 + 1);
            if pixels.len() < keep_pixels {
                pixels.push(i);
            }
            let (xl, xh) = (x.saturating_sub(1), (x + 1).min(w - 1));
            let (yl, yh) = (y.saturating_sub(1), (y + 1).min(h - 1));
            for ny in yl..=yh {
                for nx in xl..=xh {
                    let j = ny * w + nx;
                    if on[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        visit(&c, &pixels);
    }
}
