//! Page quality for the review queue, measured by `sohoa-imaging` on the stored page image and cached by
//! the blob's hash (`cache/quality/<sha256>.json`): blobs never change, so an entry never goes stale, and a
//! queue of hundreds of records reads files after the first look instead of decoding every page again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sohoa_imaging::{CleanOptions, DecodeLimits, QualityProfile, Verdict};

use crate::Engine;

/// The imaging profile (`sohoa-imaging/src/profiles.toml`) whose thresholds fit a record's papers:
/// handwritten declaration forms carry fainter ink than printed documents, and a card copy needs the
/// resolution its QR code and MRZ are read at. Unknown types keep the general thresholds.
pub(crate) fn profile_for(doc_type: Option<&str>) -> &'static str {
    match doc_type.map(str::trim) {
        Some("KQ-CCCD" | "KQ-CMND") => "id-card",
        Some(c) if c.starts_with("HK") || c.starts_with("CMND-") || matches!(c, "CT01" | "CC01" | "CC02") => {
            "handwritten-form"
        }
        Some(c) if c.starts_with("KQ-") || c == "CT07" => "admin-doc",
        _ => "default",
    }
}

/// One page's verdict and the measurements behind it (`sohoa clean --json`'s `quality` object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageQuality {
    /// `ok`, `warn` or `fail`.
    pub verdict: Verdict,
    /// Stable codes: `low_dpi`, `dpi_unknown`, `blurred`, `low_contrast`, `residual_skew`,
    /// `orientation_uncertain`, `blank`, `clipped_left|top|right|bottom`, and `unreadable` when the stored
    /// image cannot be decoded at all.
    pub reasons: Vec<String>,
    pub dpi: Option<f64>,
    pub sharpness: f64,
    pub contrast: f64,
    pub residual_skew: f64,
    pub clipped: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct CacheEntry {
    profile: String,
    quality: PageQuality,
}

fn round(v: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (v * k).round() / k
}

/// Measures one stored page. Despeckling and punch-hole repair change pixels but not the verdict's inputs,
/// so they are switched off; orientation, deskew and crop stay because the residual skew, the paper size
/// (resolution) and clipped edges are measured on their result. `sohoa-imaging` has no metrics-only entry
/// point, so this is the cheapest call it offers.
fn measure(path: &Path, profile: &str) -> PageQuality {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return unreadable(&e.to_string()),
    };
    let image = match sohoa_imaging::decode_bytes(&bytes, &DecodeLimits::default()) {
        Ok(i) => i,
        Err(e) => return unreadable(&e.to_string()),
    };
    let opts = CleanOptions {
        dpi: sohoa_core::media::stored_dpi(&bytes),
        despeckle: false,
        punch_holes: false,
        binarize: false,
        profile: QualityProfile::named(profile).unwrap_or_default(),
        ..CleanOptions::default()
    };
    match sohoa_imaging::clean(&image, &opts) {
        Ok(page) => {
            let q = page.quality;
            PageQuality {
                verdict: q.verdict,
                reasons: q.reasons,
                dpi: q.dpi.map(|d| round(d, 1)),
                sharpness: round(q.sharpness, 3),
                contrast: round(q.contrast, 3),
                residual_skew: round(q.residual_skew, 3),
                clipped: q.clipped,
            }
        }
        Err(e) => unreadable(&e.to_string()),
    }
}

/// A page the supervisor must look at by hand; never cached (a transient read error must not stick).
fn unreadable(why: &str) -> PageQuality {
    tracing::warn!(error = why, "page quality not measured");
    PageQuality {
        verdict: Verdict::Fail,
        reasons: vec!["unreadable".to_owned()],
        dpi: None,
        sharpness: 0.0,
        contrast: 0.0,
        residual_skew: 0.0,
        clipped: Vec::new(),
    }
}

impl Engine {
    fn quality_cache_dir(&self) -> PathBuf {
        self.config.data_dir.join("cache").join("quality")
    }

    /// One entry per page and profile: the same image in records of two kinds keeps both verdicts.
    fn quality_cache_file(&self, sha256: &str, profile: &str) -> PathBuf {
        self.quality_cache_dir().join(format!("{sha256}.{profile}.json"))
    }

    fn cached_quality(&self, sha256: &str, profile: &str) -> Option<PageQuality> {
        let bytes = std::fs::read(self.quality_cache_file(sha256, profile)).ok()?;
        let entry: CacheEntry = serde_json::from_slice(&bytes).ok()?;
        (entry.profile == profile).then_some(entry.quality)
    }

    /// A cache that cannot be written (full disk) costs only speed.
    fn store_quality(&self, sha256: &str, profile: &str, quality: &PageQuality) {
        let dir = self.quality_cache_dir();
        let entry = CacheEntry {
            profile: profile.to_owned(),
            quality: quality.clone(),
        };
        let written = serde_json::to_vec(&entry)
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                std::fs::create_dir_all(&dir)?;
                let tmp = dir.join(format!("{sha256}.{}.tmp", uuid::Uuid::now_v7().simple()));
                std::fs::write(&tmp, bytes)?;
                std::fs::rename(&tmp, self.quality_cache_file(sha256, profile))
            });
        if let Err(e) = written {
            tracing::warn!(error = %e, "quality cache not written");
        }
    }

    /// Quality of each `(blob, profile)` in `pages` (same order). Cache misses are measured on a few threads
    /// at once (one full page each in memory), so the first look at a large queue uses the machine's cores.
    pub(crate) fn page_qualities(&self, pages: &[(String, &'static str)]) -> Vec<PageQuality> {
        let mut out: Vec<Option<PageQuality>> =
            pages.iter().map(|(s, p)| self.cached_quality(s, p)).collect();
        let mut missing: Vec<usize> = (0..pages.len()).filter(|&i| out[i].is_none()).collect();
        // The same image twice in a queue is measured once per profile.
        let mut seen = std::collections::HashSet::new();
        missing.retain(|&i| seen.insert(&pages[i]));
        if !missing.is_empty() {
            let workers = std::thread::available_parallelism()
                .map_or(1, usize::from)
                .min(missing.len());
            let next = std::sync::atomic::AtomicUsize::new(0);
            let measured = std::sync::Mutex::new(Vec::new());
            std::thread::scope(|scope| {
                for _ in 0..workers {
                    scope.spawn(|| {
                        loop {
                            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(&i) = missing.get(k) else { break };
                            let (sha, profile) = &pages[i];
                            let q = match self.store.blob_path(sha) {
                                Ok(path) => measure(&path, profile),
                                Err(e) => unreadable(&e.to_string()),
                            };
                            if !q.reasons.iter().any(|r| r == "unreadable") {
                                self.store_quality(sha, profile, &q);
                            }
                            measured
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .push((pages[i].clone(), q));
                        }
                    });
                }
            });
            let measured = measured
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for (i, slot) in out.iter_mut().enumerate() {
                if slot.is_none() {
                    *slot = measured
                        .iter()
                        .find(|(page, _)| *page == pages[i])
                        .map(|(_, q)| q.clone());
                }
            }
        }
        out.into_iter()
            .map(|q| q.unwrap_or_else(|| unreadable("not measured")))
            .collect()
    }
}

/// Stands in until the queue's pages are measured together.
pub(super) fn placeholder() -> PageQuality {
    PageQuality {
        verdict: Verdict::Ok,
        reasons: Vec::new(),
        dpi: None,
        sharpness: 0.0,
        contrast: 0.0,
        residual_skew: 0.0,
        clipped: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::profile_for;

    #[test]
    fn each_kind_of_paper_is_judged_by_its_own_thresholds() {
        assert_eq!(profile_for(Some("CMND-TK")), "handwritten-form");
        assert_eq!(profile_for(Some("HK01")), "handwritten-form");
        assert_eq!(profile_for(Some("CT01")), "handwritten-form");
        assert_eq!(profile_for(Some("KQ-CCCD")), "id-card");
        assert_eq!(profile_for(Some("KQ-CONDAU")), "admin-doc");
        assert_eq!(profile_for(Some("CT-HD-THUE")), "default");
        assert_eq!(profile_for(None), "default");
        // Every name is a profile sohoa-imaging knows: a typo would silently fall back to the defaults.
        for code in ["CMND-TK", "KQ-CCCD", "KQ-CONDAU", "KHAC"] {
            assert!(
                sohoa_imaging::QualityProfile::named(profile_for(Some(code))).is_ok(),
                "{code}"
            );
        }
    }
}
