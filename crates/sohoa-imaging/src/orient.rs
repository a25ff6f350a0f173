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

/// Line pitch in bins: the first autocorrelation peak of the profile (8-150 bins) that reaches 60 % of the
/// highest one. Taking the highest alone picks two or three pitches on pages with regular paragraph gaps.
fn line_pitch(prof: &[f32]) -> usize {
    let n = prof.len();
    let mean = prof.iter().sum::<f32>() / n.max(1) as f32;
    let d: Vec<f32> = prof.iter().map(|v| v - mean).collect();
    let top = 150.min(n / 2);
    if top <= 10 {
        return 8;
    }
    let ac: Vec<f32> = (0..top)
        .map(|lag| {
            if lag < 7 {
                return f32::MIN;
            }
            d[..n - lag].iter().zip(&d[lag..]).map(|(a, b)| a * b).sum()
        })
        .collect();
    let best = ac[8..].iter().copied().fold(f32::MIN, f32::max);
    (8..top - 1)
        .find(|&l| ac[l] >= ac[l - 1] && ac[l] >= ac[l + 1] && ac[l] >= best * 0.6)
        .unwrap_or(8)
}

/// Ink above vs below the x-height bands of the lines of points already levelled at `deg`; > 1 means upright.
///
/// Lines are found as peaks of the profile smoothed over a third of the line pitch (which fills the dip between
/// the x-line and the baseline of serif text). Around each peak, half a pitch either side, the x-height band is
/// the span of rows with at least half the line's peak ink; ink in equal windows of half its height above and
/// below it is summed.
pub fn up_ratio(p: &Points, deg: f64) -> f64 {
    let prof = skew::profile(&p.xy, p.width, p.height, deg, 1.0);
    let n = prof.len();
    if n < 32 {
        return 1.0;
    }
    let pitch = line_pitch(&prof);
    let half = pitch / 2;
    let win = (pitch / 3).max(1);
    let mut smooth = vec![0.0f32; n];
    let mut acc = 0.0f32;
    for i in 0..n + win {
        if i < n {
            acc += prof[i];
        }
        if i >= win {
            acc -= prof[i - win];
        }
        if i >= win / 2 && i - win / 2 < n {
            smooth[i - win / 2] = acc;
        }
    }
    let gmax = smooth.iter().copied().fold(0.0f32, f32::max);
    let (mut above, mut below) = (0.0f64, 0.0f64);
    for m in 0..n {
        let (lo, hi) = (m.saturating_sub(half), (m + half).min(n - 1));
        let v = smooth[m];
        if v < gmax * 0.15 || smooth[lo..=hi].iter().any(|&s| s > v) {
            continue;
        }
        // Plateaus: count a peak once, at its first row.
        if m > 0 && smooth[m - 1] == v {
            continue;
        }
        let seg = &prof[lo..=hi];
        let seg_max = seg.iter().copied().fold(0.0f32, f32::max);
        let (Some(c0), Some(c1)) = (
            seg.iter().position(|&x| x >= seg_max * 0.5),
            seg.iter().rposition(|&x| x >= seg_max * 0.5),
        ) else {
            continue;
        };
        // Half the band height either side: all of the ascenders, capitals and descenders, the lower part of the
        // tone marks, and none of the neighbouring lines' marks (with 1.35 leading they start ~0.7 band below).
        let reach = (c1 - c0 + 1).div_ceil(2);
        tracing::trace!(line = lo + c0, band = c1 - c0 + 1, pitch, "line");
        above += seg[c0.saturating_sub(reach)..c0]
            .iter()
            .map(|&x| f64::from(x))
            .sum::<f64>();
        below += seg[c1 + 1..(c1 + 1 + reach).min(seg.len())]
            .iter()
            .map(|&x| f64::from(x))
            .sum::<f64>();
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
    let ch = skew::coarse_best(p, max_skew);
    let turned = p.turned(90);
    let cv = skew::coarse_best(&turned, max_skew);
    let (s_h, s_v) = (ch.1, cv.1);
    let (frame, base, dir_ratio, coarse) = if s_h >= s_v {
        (p, 0u32, s_h / s_v.max(1e-9), ch)
    } else {
        (&turned, 90u32, s_v / s_h.max(1e-9), cv)
    };
    let fit: SkewFit = skew::estimate_from(frame, max_skew, Some(coarse));
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
