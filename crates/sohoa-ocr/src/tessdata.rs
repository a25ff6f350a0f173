//! Where the `.traineddata` files are.
//!
//! Debian's `tesseract-ocr-vie` is tessdata_fast (research/ocr-archival.md §3.1); the slower
//! but more accurate tessdata_best model is used automatically when an administrator has
//! installed it, because the officer should get the best text the machine has without a
//! setting. Order: `SOHOA_TESSDATA` (explicit), a `tessdata_best` directory, then
//! `TESSDATA_PREFIX`, then `tessdata` beside the executable (where the Windows installer puts the
//! models it ships), then the distribution's directories.

use std::path::{Path, PathBuf};

use crate::error::OcrError;

/// Directories that may hold tessdata_best models, best first.
const BEST_DIRS: &[&str] = &[
    "/usr/share/tesseract-ocr/tessdata_best",
    "/usr/local/share/tessdata_best",
    "/usr/share/tessdata_best",
    "/opt/tessdata_best",
];

/// Distribution directories (Debian/Ubuntu by Tesseract major version, Fedora, Homebrew, source builds).
const SYSTEM_DIRS: &[&str] = &[
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tesseract/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
    "C:\\Program Files\\Tesseract-OCR\\tessdata",
];

/// The language data chosen for one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tessdata {
    pub dir: PathBuf,
    /// True when the directory is a tessdata_best one.
    pub best: bool,
}

fn has_lang(dir: &Path, lang: &str) -> bool {
    // "vie+eng" needs every part.
    lang.split('+')
        .all(|l| dir.join(format!("{l}.traineddata")).is_file())
}

/// A `TESSDATA_PREFIX` may name the tessdata directory itself or its parent.
fn prefix_candidates(prefix: &Path) -> [PathBuf; 2] {
    [prefix.to_path_buf(), prefix.join("tessdata")]
}

/// `tessdata` in the executable's directory: the Windows bundle ships the models as resources there, and a
/// user-installed Tesseract elsewhere on the desk must not be needed.
fn beside_exe() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join("tessdata"))
}

/// Finds the directory for `lang` (a Tesseract language string such as `vie` or `vie+eng`).
pub fn find_tessdata(lang: &str) -> Result<Tessdata, OcrError> {
    let mut searched: Vec<PathBuf> = Vec::new();
    let mut candidates: Vec<(PathBuf, bool)> = Vec::new();
    if let Some(dir) = std::env::var_os("SOHOA_TESSDATA") {
        let dir = PathBuf::from(dir);
        let best = dir.to_string_lossy().contains("best");
        candidates.push((dir, best));
    }
    candidates.extend(BEST_DIRS.iter().map(|d| (PathBuf::from(d), true)));
    if let Some(prefix) = std::env::var_os("TESSDATA_PREFIX") {
        for dir in prefix_candidates(Path::new(&prefix)) {
            let best = dir.to_string_lossy().contains("best");
            candidates.push((dir, best));
        }
    }
    if let Some(dir) = beside_exe() {
        candidates.push((dir, false));
    }
    candidates.extend(SYSTEM_DIRS.iter().map(|d| (PathBuf::from(d), false)));
    for (dir, best) in candidates {
        if has_lang(&dir, lang) {
            return Ok(Tessdata { dir, best });
        }
        searched.push(dir);
    }
    Err(OcrError::TessdataMissing {
        lang: lang.to_owned(),
        searched: searched
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_debian_vie() {
        let t = find_tessdata("vie").unwrap();
        assert!(t.dir.join("vie.traineddata").is_file());
        assert!(has_lang(&t.dir, "vie+eng") || !t.dir.join("eng.traineddata").is_file());
    }

    #[test]
    fn missing_language_lists_where_it_looked() {
        let err = find_tessdata("xxx-no-such-lang").unwrap_err();
        assert_eq!(err.code(), "ocr.tessdata_missing");
        assert!(err.to_string().contains("/usr/share/tesseract-ocr/5/tessdata"));
        assert!(err.message_vi().contains("tesseract-ocr-xxx-no-such-lang"));
        let beside = std::env::current_exe()
            .unwrap()
            .parent()
            .unwrap()
            .join("tessdata");
        assert!(err.to_string().contains(&beside.display().to_string()), "{err}");
    }

    #[test]
    fn language_present_only_with_every_part() {
        let tmp = tempfile::tempdir().unwrap();
        let best = tmp.path().join("tessdata_best");
        std::fs::create_dir(&best).unwrap();
        // An empty file stands in for a model: only presence is checked here.
        std::fs::write(best.join("zzz.traineddata"), b"").unwrap();
        assert!(has_lang(&best, "zzz"));
        assert!(!has_lang(&best, "zzz+vie"));
        assert_eq!(prefix_candidates(tmp.path())[1], tmp.path().join("tessdata"));
    }
}
