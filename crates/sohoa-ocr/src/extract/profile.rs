//! Extraction templates as data (`assets/extraction/*.toml`).
//!
//! A new form layout is a new TOML file, not a rebuild: the built-in files are embedded, and
//! a directory given at run time (`SOHOA_EXTRACTION_DIR` or `sohoa extract --profiles DIR`)
//! adds to or replaces them by `kind`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::OcrError;

/// Value rules a zone field is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    Text,
    Name,
    Date,
    Sex,
    Cmnd,
    PersonalId,
}

/// `[x0, y0, x1, y1]` as fractions of the page width and height.
pub type Zone = [f32; 4];

#[derive(Debug, Clone, Deserialize)]
pub struct ZoneField {
    pub key: String,
    pub label_vi: String,
    pub zone: Zone,
    /// Regex on the folded text (lower case, no diacritics) matching the printed label that
    /// precedes the value; the match and everything before it is dropped.
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default = "default_check")]
    pub check: Check,
}

fn default_check() -> Check {
    Check::Text
}

#[derive(Debug, Clone, Deserialize)]
pub struct Column {
    pub key: String,
    pub label_vi: String,
    /// Left and right edge as fractions of the page width.
    pub x: [f32; 2],
    #[serde(default = "default_check")]
    pub check: Check,
}

/// A table of repeated rows (household members), one record field group per row.
#[derive(Debug, Clone, Deserialize)]
pub struct Table {
    /// Row fields are keyed `<prefix>.<n>.<column key>`, n from 1.
    pub prefix: String,
    pub zone: Zone,
    /// Regex on the folded row text marking header rows to skip.
    #[serde(default)]
    pub header: Option<String>,
    pub columns: Vec<Column>,
}

/// A zone-based form (CMND declaration, residence declaration).
#[derive(Debug, Clone, Deserialize)]
pub struct FormProfile {
    pub kind: String,
    pub name_vi: String,
    /// Folded phrases whose presence on a page identifies the form (`kind auto`).
    pub detect: Vec<String>,
    #[serde(default, rename = "field")]
    pub fields: Vec<ZoneField>,
    #[serde(default, rename = "table")]
    pub tables: Vec<Table>,
}

/// Decree 30 document header vocabulary.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminProfile {
    pub kind: String,
    pub detect: Vec<String>,
    /// Type names in capitals (QUYẾT ĐỊNH, KẾ HOẠCH, ...).
    pub type_names: Vec<String>,
    /// Folded lines that belong to the national title and motto, never to the issuer.
    pub national_title: Vec<String>,
    /// Signer-block prefixes (`TM.`, `KT.`, ...).
    pub signer_prefixes: Vec<String>,
    /// Folded line starts that end a summary (`can cu`, `kinh gui`, ...).
    pub summary_stop: Vec<String>,
}

/// CCCD card regions.
#[derive(Debug, Clone, Deserialize)]
pub struct CccdProfile {
    pub kind: String,
    pub detect: Vec<String>,
    /// Where the QR sits on the front, searched first before the whole image.
    pub qr_zone: Zone,
    /// Where the MRZ sits on the back.
    pub mrz_zone: Zone,
}

#[derive(Debug, Clone, Default)]
pub struct Profiles {
    pub admin: Option<AdminProfile>,
    pub cccd: Option<CccdProfile>,
    pub forms: BTreeMap<String, FormProfile>,
}

const EMBEDDED: &[(&str, &str)] = &[
    (
        "admin-doc.toml",
        include_str!("../../../../assets/extraction/admin-doc.toml"),
    ),
    (
        "cccd.toml",
        include_str!("../../../../assets/extraction/cccd.toml"),
    ),
    (
        "cmnd-form.toml",
        include_str!("../../../../assets/extraction/cmnd-form.toml"),
    ),
    (
        "residence-form.toml",
        include_str!("../../../../assets/extraction/residence-form.toml"),
    ),
];

impl Profiles {
    /// The profiles shipped in `assets/extraction`.
    pub fn embedded() -> Result<Profiles, OcrError> {
        let mut p = Profiles::default();
        for (name, text) in EMBEDDED {
            p.add(name, text)?;
        }
        Ok(p)
    }

    /// Embedded profiles, then every `*.toml` in `dir` (same `kind` replaces).
    pub fn with_dir(dir: &Path) -> Result<Profiles, OcrError> {
        let mut p = Profiles::embedded()?;
        let entries = std::fs::read_dir(dir).map_err(|e| OcrError::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| OcrError::Io {
                path: f.clone(),
                source: e,
            })?;
            p.add(&f.display().to_string(), &text)?;
        }
        Ok(p)
    }

    fn add(&mut self, file: &str, text: &str) -> Result<(), OcrError> {
        let bad = |reason: String| OcrError::Profile {
            file: file.to_owned(),
            reason,
        };
        let value: toml::Table = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let kind = value
            .get("kind")
            .and_then(|k| k.as_str())
            .ok_or_else(|| bad("missing `kind`".into()))?
            .to_owned();
        match kind.as_str() {
            "admin-doc" => self.admin = Some(toml::from_str(text).map_err(|e| bad(e.to_string()))?),
            "cccd" => self.cccd = Some(toml::from_str(text).map_err(|e| bad(e.to_string()))?),
            _ => {
                let form: FormProfile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
                for f in &form.fields {
                    check_zone(&f.zone).map_err(|r| bad(format!("field {}: {r}", f.key)))?;
                    if let Some(l) = &f.label {
                        regex::Regex::new(l).map_err(|e| bad(format!("field {}: {e}", f.key)))?;
                    }
                }
                for t in &form.tables {
                    check_zone(&t.zone).map_err(|r| bad(format!("table {}: {r}", t.prefix)))?;
                }
                self.forms.insert(kind, form);
            }
        }
        Ok(())
    }

    pub fn form(&self, kind: &str) -> Option<&FormProfile> {
        self.forms.get(kind)
    }
}

fn check_zone(z: &Zone) -> Result<(), String> {
    let [x0, y0, x1, y1] = *z;
    let unit = |v: f32| (0.0..=1.0).contains(&v);
    if unit(x0) && unit(y0) && unit(x1) && unit(y1) && x0 < x1 && y0 < y1 {
        Ok(())
    } else {
        Err(format!(
            "zone {z:?} must be fractions 0-1 with x0 < x1 and y0 < y1"
        ))
    }
}

/// A zone in pixels on a page of `w` × `h`.
pub fn zone_px(z: &Zone, w: u32, h: u32) -> crate::page::BBox {
    let px = |f: f32, n: u32| ((f.clamp(0.0, 1.0) * n as f32).round()) as u32;
    let (x0, y0, x1, y1) = (px(z[0], w), px(z[1], h), px(z[2], w), px(z[3], h));
    crate::page::BBox {
        x: x0,
        y: y0,
        w: x1.saturating_sub(x0),
        h: y1.saturating_sub(y0),
    }
}
