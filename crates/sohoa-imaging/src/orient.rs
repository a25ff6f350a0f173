//! Orientation without OCR: which way the text lines run (projection sharpness of the two directions), then
//! which way is up from the ink above versus below each line's x-height band. Latin script has far more ink above
//! the band (ascenders, capitals) than below (descenders), and Vietnamese adds a tone mark above most syllables,
//! so the asymmetry is strong; Leptonica's orientation detector rests on the same fact.
//!
//! Measured against Tesseract OSD on the generated set (see the crate README): same answers where OSD is confident,
//! an answer on short pages where OSD gives up, and about a hundredth of its time, so OSD is not called.

use crate::skew::{self, Points, SkewFit};

/// Orientation and skew found on a page, in the design.md conventions.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    /// Clockwise turn that makes the page upright.
    pub orientation: u32,
    /// Confidence of the orientation, 0 (a coin toss) to 1.
    pub orientation_confidence: f64,
    /// Skew of the content as scanned, counter-clockwise positive.
    pub skew_degrees: f64,
    /// Confidence of the skew, 0-1.
    pub skew_confidence: f64,
}

/// Ink above vs below the x-height bands of the lines of points already levelled at `deg`; > 1 means upright.
pub fn up_ratio(p: &Points, deg: f64) -> f64 {
    let prof = skew::profile(&p.xy, p.width, p.height, deg, 1.0);
    let max = prof.iter().copied().fold(0.0f32, f32::max);
    if max <= 0.0 {
        return 1.0;
    }
    let (mut above, mut below) = (0.0f64, 0.0f64);
    let n = prof.len();
    let mut i = 0;
    while i < n {
        if prof[i] <= max * 0.03 {
            i += 1;
            continue;
        }
        // One run of rows with ink: a line, or a few lines touching through stacked diacritics.
        let start = i;
        while i < n && prof[i] > max * 0.03 {
            i += 1;
        }
        let end = i;
        let run = &prof[start..end];
        let run_max = run.iter().copied().fold(0.0f32, f32::max);
        let mut cores = Vec::new();
        let mut j = 0;
        while j < run.len() {
            if run[j] >= run_max * 0.5 {
                let c0 = j;
                while j < run.len() && run[j] >= run_max * 0.5 {
                    j += 1;
                }
                if j - c0 >= 3 {
                    cores.push((c0, j));
                }
            } else {
                j += 1;
            }
        }
        for (k, &(c0, c1)) in cores.iter().enumerate() {
            let reach = ((c1 - c0) as f64 * 0.7).ceil() as usize;
            let lo = if k == 0 { 0 } else { cores[k - 1].1 };
            let hi = cores.get(k + 1).map_or(run.len(), |c| c.0);
            let a0 = c0.saturating_sub(reach).max(lo);
            let b1 = (c1 + reach).min(hi);
            above += run[a0..c0].iter().map(|&v| f64::from(v)).sum::<f64>();
            below += run[c1..b1].iter().map(|&v| f64::from(v)).sum::<f64>();
        }
    }
    (above + 1.0) / (below + 1.0)
}

/// Finds orientation and skew from ink points of the page as scanned.
pub fn analyse(p: &Points, max_skew: f64) -> Geometry {
    if p.xy.len() < 200 {
        return Geometry {
            orientation: 0,
            orientation_confidence: 0.0,
            skew_degrees: 0.0,
            skew_confidence: 0.0,
        };
    }
    let (_, s_h) = skew::coarse_best(p, max_skew);
    let turned = p.turned(90);
    let (_, s_v) = skew::coarse_best(&turned, max_skew);
    let (frame, base, dir_ratio) = if s_h >= s_v {
        (p, 0u32, s_h / s_v.max(1e-9))
    } else {
        (&turned, 90u32, s_v / s_h.max(1e-9))
    };
    let fit: SkewFit = skew::estimate(frame, max_skew);
    let r = up_ratio(frame, fit.degrees);
    let orientation = if r >= 1.0 { base } else { (base + 180) % 360 };
    // Confidence: both the direction contrast and the up/down asymmetry must be clear.
    let dir_conf = ((dir_ratio - 1.0) / 1.0).clamp(0.0, 1.0);
    let ud_conf = (r.ln().abs() / 0.7).clamp(0.0, 1.0);
    let skew_conf = if fit.coarse_mean > 0.0 {
        ((fit.coarse_best / fit.coarse_mean - 1.0) / 1.0).clamp(0.0, 1.0)
    } else {
        0.0
    };
    tracing::debug!(
        dir_ratio,
        up_ratio = r,
        skew = fit.degrees,
        "orientation analysis"
    );
    Geometry {
        orientation,
        orientation_confidence: dir_conf.min(ud_conf),
        skew_degrees: fit.degrees,
        skew_confidence: skew_conf,
    }
}
