//! Per-page quality verdict for the supervisor's review. Thresholds are data (`profiles.toml`, one table per
//! document type) so an archive can tighten them without a release.

use std::collections::BTreeMap;

use image::{GrayImage, RgbImage};
use serde::{Deserialize, Serialize};

use crate::ImagingError;
use crate::reduce::luma;

/// Thresholds of one document type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityProfile {
    pub dpi_fail: f64,
    pub dpi_warn: f64,
    pub sharpness_fail: f64,
    pub sharpness_warn: f64,
    pub contrast_fail: f64,
    pub contrast_warn: f64,
    pub residual_skew_fail: f64,
    pub residual_skew_warn: f64,
    /// Content cut off at an edge fails the page (ID cards) instead of warning.
    pub clipped_fails: bool,
}

const BUILTIN: &str = include_str!("profiles.toml");

/// The built-in profiles, or those of a TOML text of the same shape.
pub fn profiles(toml_text: Option<&str>) -> Result<BTreeMap<String, QualityProfile>, ImagingError> {
    toml::from_str(toml_text.unwrap_or(BUILTIN)).map_err(|e| ImagingError::BadProfiles(e.to_string()))
}

impl QualityProfile {
    /// A built-in profile by document-type name (`default`, `admin-doc`, `id-card`, `handwritten-form`).
    pub fn named(name: &str) -> Result<Self, ImagingError> {
        profiles(None)?
            .remove(name)
            .ok_or_else(|| ImagingError::UnknownProfile(name.to_owned()))
    }
}

impl Default for QualityProfile {
    fn default() -> Self {
        Self {
            dpi_fail: 200.0,
            dpi_warn: 250.0,
            sharpness_fail: 0.22,
            sharpness_warn: 0.32,
            contrast_fail: 0.2,
            contrast_warn: 0.35,
            residual_skew_fail: 1.0,
            residual_skew_warn: 0.3,
            clipped_fails: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    Warn,
    Fail,
}

/// Quality measurements and the verdict (design.md's `quality` object plus extra evidence).
#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    /// Effective resolution; `None` when neither the file nor the paper size tells.
    pub dpi: Option<f64>,
    pub sharpness: f64,
    pub contrast: f64,
    pub residual_skew: f64,
    /// Edges where ink is cut off: "left", "top", "right", "bottom".
    pub clipped: Vec<String>,
    pub verdict: Verdict,
    /// Stable machine codes such as `low_dpi`, `blurred`, `low_contrast`, `residual_skew`, `clipped_left`,
    /// `orientation_uncertain`, `dpi_unknown`, `blank`.
    pub reasons: Vec<String>,
}

/// Paper sizes (mm, portrait) used to infer the resolution when the file does not carry it.
const PAPER: &[(f64, f64)] = &[
    (210.0, 297.0),
    (148.0, 210.0),
    (215.9, 279.4),
    (215.9, 355.6),
    (297.0, 420.0),
];

/// Resolution inferred from the cropped paper size, when its aspect ratio matches a known paper within 2 %.
pub fn dpi_from_paper(w: u32, h: u32) -> Option<f64> {
    let (s, l) = (f64::from(w.min(h)), f64::from(w.max(h)));
    PAPER.iter().find_map(|&(pw, ph)| {
        let aspect = (s / l) / (pw / ph);
        ((aspect - 1.0).abs() < 0.02).then(|| l / ph * 25.4)
    })
}

/// Median steepness of paper/ink edges on sampled rows and columns, as a fraction of the page contrast.
/// Sharp print crosses the mid level in one pixel step; blur spreads it, so the step shrinks.
pub fn sharpness(img: &RgbImage, paper: u8, ink: u8) -> f64 {
    let span = f64::from(paper.saturating_sub(ink));
    if span < 20.0 {
        return 0.0;
    }
    let mid = ((u16::from(paper) + u16::from(ink)) / 2) as u8;
    let (w, h) = (img.width(), img.height());
    let mut hist = [0u32; 256];
    let raw = img.as_raw();
    let lum = |row: &[u8], x: u32| {
        let i = x as usize * 3;
        luma([row[i], row[i + 1], row[i + 2]])
    };
    let mut add = |a: u8, b: u8| {
        if (a < mid) != (b < mid) {
            hist[a.abs_diff(b) as usize] += 1;
        }
    };
    for y in (h / 20..h - h / 20).step_by(4) {
        let row = &raw[(y * w) as usize * 3..((y + 1) * w) as usize * 3];
        let mut prev = lum(row, w / 20);
        for x in w / 20 + 1..w - w / 20 {
            let v = lum(row, x);
            add(prev, v);
            prev = v;
        }
    }
    let total: u32 = hist.iter().sum();
    if total < 50 {
        return 0.0;
    }
    let mut acc = 0;
    for (d, &c) in hist.iter().enumerate() {
        acc += c;
        if acc * 2 >= total {
            return (d as f64 / span).min(1.0);
        }
    }
    0.0
}

/// Edges of the scan (as scanned) cutting ink, named in the frame of the page after the clockwise quarter turn
/// `orientation`. A skewed sheet whose corner lay beyond the scanned area loses the ends of its header lines
/// there; once the page is deskewed the cut runs slanted through the page, away from every edge of the
/// result, so only the scan as it came can show it.
pub fn clipped_scan_edges(g: &GrayImage, dark_below: u8, orientation: u32) -> Vec<String> {
    const EDGES: [&str; 4] = ["left", "top", "right", "bottom"];
    let turn = (orientation / 90) as usize;
    clipped_edges(g, dark_below)
        .iter()
        .filter_map(|e| EDGES.iter().position(|n| n == e))
        .map(|i| EDGES[(i + turn) % 4].to_owned())
        .collect()
}

/// Edges where an ink component touches the border of the analysis map without running along it (a run along
/// the edge is a leftover of the scanner bed, not content).
pub fn clipped_edges(g: &GrayImage, dark_below: u8) -> Vec<String> {
    let (w, h) = (g.width() as usize, g.height() as usize);
    let on: Vec<bool> = g.as_raw().iter().map(|&v| v < dark_below).collect();
    let mut edges = [false; 4];
    crate::cc::components(&on, w, h, 0, |c, _| {
        if c.area < 6 {
            return;
        }
        let (x0, y0, x1, y1) = (c.x0 as usize, c.y0 as usize, c.x1 as usize, c.y1 as usize);
        // A corner wedge (bed left after deskew) touches two edges; cut-off text touches one.
        if [x0 == 0, y0 == 0, x1 == w, y1 == h]
            .iter()
            .filter(|t| **t)
            .count()
            >= 2
        {
            return;
        }
        let short_h = (c.width() as usize) < w / 4;
        let short_v = (c.height() as usize) < h / 4;
        if x0 == 0 && short_v && c.width() > 1 {
            edges[0] = true;
        }
        if y0 == 0 && short_h && c.height() > 1 {
            edges[1] = true;
        }
        if x1 == w && short_v && c.width() > 1 {
            edges[2] = true;
        }
        if y1 == h && short_h && c.height() > 1 {
            edges[3] = true;
        }
    });
    ["left", "top", "right", "bottom"]
        .iter()
        .zip(edges)
        .filter(|(_, e)| *e)
        .map(|(n, _)| (*n).to_owned())
        .collect()
}

/// Inputs of the verdict.
pub struct Measures {
    pub dpi: Option<f64>,
    pub sharpness: f64,
    pub contrast: f64,
    pub residual_skew: f64,
    pub clipped: Vec<String>,
    pub blank: bool,
    pub orientation_uncertain: bool,
}

/// Applies a profile's thresholds.
pub fn judge(m: Measures, p: &QualityProfile) -> Quality {
    let mut verdict = Verdict::Ok;
    let mut reasons = Vec::new();
    let mut flag = |v: Verdict, why: &str, reasons: &mut Vec<String>| {
        verdict = verdict.max(v);
        reasons.push(why.to_owned());
    };
    match m.dpi {
        None => flag(Verdict::Warn, "dpi_unknown", &mut reasons),
        Some(d) if d < p.dpi_fail => flag(Verdict::Fail, "low_dpi", &mut reasons),
        Some(d) if d < p.dpi_warn => flag(Verdict::Warn, "low_dpi", &mut reasons),
        Some(_) => {}
    }
    if m.blank {
        // Sharpness and contrast mean nothing without ink; the blank flag itself asks for a look.
        flag(Verdict::Warn, "blank", &mut reasons);
    } else {
        if m.sharpness < p.sharpness_fail {
            flag(Verdict::Fail, "blurred", &mut reasons);
        } else if m.sharpness < p.sharpness_warn {
            flag(Verdict::Warn, "blurred", &mut reasons);
        }
        if m.contrast < p.contrast_fail {
            flag(Verdict::Fail, "low_contrast", &mut reasons);
        } else if m.contrast < p.contrast_warn {
            flag(Verdict::Warn, "low_contrast", &mut reasons);
        }
        if m.residual_skew.abs() >= p.residual_skew_fail {
            flag(Verdict::Fail, "residual_skew", &mut reasons);
        } else if m.residual_skew.abs() >= p.residual_skew_warn {
            flag(Verdict::Warn, "residual_skew", &mut reasons);
        }
        if m.orientation_uncertain {
            flag(Verdict::Warn, "orientation_uncertain", &mut reasons);
        }
    }
    for e in &m.clipped {
        let v = if p.clipped_fails {
            Verdict::Fail
        } else {
            Verdict::Warn
        };
        flag(v, &format!("clipped_{e}"), &mut reasons);
    }
    Quality {
        dpi: m.dpi,
        sharpness: m.sharpness,
        contrast: m.contrast,
        residual_skew: m.residual_skew,
        clipped: m.clipped,
        verdict,
        reasons,
    }
}
