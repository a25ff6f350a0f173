//! Randomised but reproducible test cases: a page, the degradations applied to it and the answers a clean-up must
//! give. A held-out set is the same generator with other seeds, so nothing here is tuned to particular seeds.

use image::{Rgb, RgbImage};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::degrade::{self, ScanGeometry};
use crate::{Glyph, PageSpec, TestkitError, TextLine, render_page};

/// What was done to the page, i.e. what the clean-up should find.
#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    /// Clockwise rotation that makes the page upright again (design.md's `orientation`).
    pub orientation: u32,
    /// Skew of the content as scanned, degrees, counter-clockwise positive (design.md's `skew_degrees`).
    pub skew_degrees: f64,
    /// True for the blank back of a sheet (possibly with bleed-through).
    pub blank: bool,
    /// Dark scanner border width [left, top, right, bottom] in pixels before any quarter turn; zeros if none.
    pub border: [u32; 4],
    /// Size of the paper itself in pixels (upright), which crop must keep at 100 % scale.
    pub paper_size: (u32, u32),
    pub dpi: u32,
    /// Ground-truth text (NFC), empty for a blank back.
    pub lines: Vec<TextLine>,
    /// Human-readable list of the degradations, for test failure messages.
    pub label: String,
}

/// One generated scan with its truth.
pub struct Case {
    pub image: RgbImage,
    pub truth: Truth,
}

/// Knobs for [`case`]; the defaults are the mix the imaging tests and the held-out set use.
#[derive(Debug, Clone)]
pub struct CaseMix {
    pub dpi: u32,
    /// Largest |skew| in degrees.
    pub max_skew: f64,
    pub p_blank: f64,
    pub p_quarter: f64,
    pub p_border: f64,
    pub p_noise: f64,
    pub p_blur: f64,
    pub p_jpeg: f64,
    pub p_tint: f64,
    pub p_holes: f64,
}

impl Default for CaseMix {
    fn default() -> Self {
        Self {
            dpi: 300,
            max_skew: 15.0,
            p_blank: 0.2,
            p_quarter: 0.5,
            p_border: 0.5,
            p_noise: 0.3,
            p_blur: 0.3,
            p_jpeg: 0.3,
            p_tint: 0.3,
            p_holes: 0.25,
        }
    }
}

impl CaseMix {
    /// What a page looks like after clean-up (upright, unskewed, no border, no holes) with the scanner's noise,
    /// blur, JPEG and tint left: what sohoa-imaging hands to OCR.
    pub fn after_cleanup() -> Self {
        Self {
            max_skew: 0.0,
            p_quarter: 0.0,
            p_border: 0.0,
            p_holes: 0.0,
            ..Self::default()
        }
    }
}

impl Truth {
    /// The ground-truth text, lines joined by `\n` (NFC; empty for a blank back).
    pub fn text(&self) -> String {
        crate::join_lines(&self.lines)
    }
}

/// Generates the case for `seed` (same seed, same pixels).
pub fn case(seed: u64, mix: &CaseMix) -> Result<Case, TestkitError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x005e_ed0f_50ba);
    let dpi = mix.dpi;
    let mut label = Vec::new();
    let blank = rng.random_bool(mix.p_blank);
    let spec = PageSpec {
        seed,
        dpi,
        font_pt: None,
        fill: rng.random_range(0.35..1.0),
        seal: rng.random_bool(0.5),
    };
    let front = render_page(&spec)?;
    let paper_size = front.image.dimensions();
    let paper = if rng.random_bool(mix.p_tint) {
        let t = Rgb([
            rng.random_range(215..250),
            rng.random_range(210..245),
            rng.random_range(185..235),
        ]);
        label.push(format!("tint{:?}", t.0));
        t
    } else {
        Rgb([255, 255, 255])
    };
    let (mut img, lines) = if blank {
        let strength = rng.random_range(0.08..0.35);
        label.push(format!("blank-back bleed={strength:.2}"));
        (
            degrade::blank_back(&front.image, strength, paper, rng.random_range(0.8..2.5)),
            Vec::new(),
        )
    } else {
        let mut img = front.image;
        if paper != Rgb([255, 255, 255]) {
            degrade::tint(&mut img, paper);
        }
        (img, front.lines)
    };
    let bordered = rng.random_bool(mix.p_border);
    let bed = if bordered {
        degrade::dark_bed(&mut rng)
    } else {
        Rgb([250, 250, 250])
    };
    if rng.random_bool(mix.p_holes) {
        let through = if bordered { bed } else { Rgb([235, 235, 235]) };
        let n = if rng.random_bool(0.5) { 2 } else { 4 };
        degrade::punch_holes(&mut img, dpi, n, rng.random_range(5.0..6.5), through);
        label.push(format!("holes={n}"));
    }
    // Blank backs are skewed too (the skew of a blank page is not judged, but its corners show the bed).
    let skew = (rng.random_range(-mix.max_skew..=mix.max_skew) * 100.0).round() / 100.0;
    let border = if bordered {
        let mut b = [0u32; 4];
        for v in &mut b {
            *v = (rng.random_range(0.0..12.0) * dpi as f64 / 25.4) as u32;
        }
        label.push(format!("border={b:?}"));
        b
    } else {
        [0; 4]
    };
    if skew != 0.0 || bordered {
        label.push(format!("skew={skew}"));
        img = degrade::scan(
            &img,
            &ScanGeometry {
                angle_deg: skew,
                border,
                bed,
            },
        );
    }
    // The scan canvas is the paper plus the border, so a skewed sheet loses its corners like on a real bed;
    // what left the canvas was never scanned and is not in the truth (a reader cannot be asked for it).
    let lines = if skew != 0.0 {
        let (kept, lost) = visible_lines(lines, &front.glyphs, paper_size, skew, border);
        if lost > 0 {
            label.push(format!("{lost} chars off the scan"));
        }
        kept
    } else {
        lines
    };
    let quarter = if !blank && rng.random_bool(mix.p_quarter) {
        [90, 180, 270][rng.random_range(0..3)]
    } else {
        0
    };
    if quarter != 0 {
        img = degrade::rotate_quarter(&img, quarter);
        label.push(format!("turned {quarter} cw"));
    }
    if rng.random_bool(mix.p_blur) {
        let s = rng.random_range(0.5..1.6);
        img = degrade::blur(&img, s);
        label.push(format!("blur={s:.2}"));
    }
    if rng.random_bool(mix.p_noise) {
        let d = rng.random_range(0.0005..0.004);
        degrade::salt_pepper(&mut img, d, &mut rng);
        label.push(format!("noise={d:.4}"));
    }
    if rng.random_bool(mix.p_jpeg) {
        let q = rng.random_range(30..85);
        img = degrade::jpeg(&img, q)?;
        label.push(format!("jpeg={q}"));
    }
    Ok(Case {
        image: img,
        truth: Truth {
            orientation: (360 - quarter) % 360,
            skew_degrees: skew,
            blank,
            border,
            paper_size,
            dpi,
            lines,
            label: format!("seed {seed}: {}", label.join(", ")),
        },
    })
}

/// The lines as far as they are on the scan: characters whose ink box has its centre outside the canvas of
/// [`degrade::scan`] (paper turned by `skew` degrees about its centre, `border` around it) are removed. A line
/// whose glyphs do not match its text one to one is kept whole. Returns the lines and the characters removed.
fn visible_lines(
    lines: Vec<TextLine>,
    glyphs: &[Glyph],
    paper: (u32, u32),
    skew: f64,
    border: [u32; 4],
) -> (Vec<TextLine>, usize) {
    let (w, h) = (f64::from(paper.0), f64::from(paper.1));
    let [l, t, r, b] = border.map(f64::from);
    let (cw, ch) = (w + l + r, h + t + b);
    // Forward map of degrade::scan's inverse (canvas -> page with sin/cos of -skew): page -> canvas.
    let th = (-skew).to_radians();
    let (s, c) = (th.sin(), th.cos());
    let on_canvas = |x: f64, y: f64| {
        let (u, v) = (x - w / 2.0, y - h / 2.0);
        let (cx, cy) = (l + w / 2.0 + c * u - s * v, t + h / 2.0 + s * u + c * v);
        cx >= 0.0 && cy >= 0.0 && cx < cw && cy < ch
    };
    let mut lost = 0;
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.into_iter().enumerate() {
        let gs: Vec<&Glyph> = glyphs.iter().filter(|g| g.line == i).collect();
        if gs.len() != line.text.chars().count() || gs.iter().zip(line.text.chars()).any(|(g, ch)| g.ch != ch)
        {
            out.push(line);
            continue;
        }
        let mut text = String::with_capacity(line.text.len());
        let before = lost;
        for g in gs {
            let [x, y, gw, gh] = g.bbox.map(f64::from);
            if gw == 0.0 || on_canvas(x + gw / 2.0, y + gh / 2.0) {
                text.push(g.ch);
            } else {
                lost += 1;
            }
        }
        if lost == before {
            out.push(line);
            continue;
        }
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            out.push(TextLine {
                text,
                bbox: line.bbox,
            });
        }
    }
    (out, lost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_drops_only_what_left_the_scan() {
        // Seed 7107 (scan mix): skew -13.45° without border turns the top-right header out of the canvas;
        // the motto line ends "VIỆT NAM" on paper and "VIỆT N" on the scan.
        let c = case(7107, &CaseMix::default()).unwrap();
        assert!(c.truth.label.contains("chars off the scan"), "{}", c.truth.label);
        let motto = c
            .truth
            .lines
            .iter()
            .find(|l| l.text.starts_with("CỘNG HÒA"))
            .unwrap();
        assert!(motto.text.ends_with("VIỆT N"), "{}", motto.text);
        // A straight page loses nothing: its truth is the page text.
        let straight = case(
            7107,
            &CaseMix {
                max_skew: 0.0,
                ..CaseMix::default()
            },
        )
        .unwrap();
        assert!(!straight.truth.label.contains("off the scan"));
        assert!(straight.truth.lines.iter().any(|l| l.text.ends_with("VIỆT NAM")));
        let n = |t: &Truth| t.text().chars().count();
        assert!(n(&c.truth) + 5 < n(&straight.truth));
    }
}
