//! Batch separation for archive work: one stack in the feeder, one record per dossier.
//!
//! Separator sheets (Patch T, a barcode whose value matches the batch's regex, or, when asked for, a sheet
//! blank on every side) end the current dossier and are logged, never stored as pages. Decisions are made per
//! *sheet*: a separator found on either side drops the whole sheet, as production capture software does, so
//! the back of a Patch T sheet never becomes the first page of the next dossier.
//!
//! A failed separator read merges two dossiers; a stray barcode on a content page must not split one. Hence
//! the regex on barcode values, and the log, which the QC step shows next to the thumbnails.

mod barcode;
mod blank;
mod gray;
mod patch;

use std::collections::BTreeMap;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::{Page, Side};

pub use barcode::{Barcode, read_barcodes};
pub use blank::{BlankConfig, BlankVerdict, detect_blank};
pub use patch::{PatchCode, PatchDetection, detect_patch};

/// A separator-sheet barcode rule.
#[derive(Debug, Clone)]
pub struct BarcodeRule {
    /// Whole barcode text must match (anchor it yourself); the capture group named `value`, else group 1,
    /// else the whole match, is the value logged and put into `field`.
    pub pattern: Regex,
    /// Record field the value fills for the dossier that follows (e.g. a storage-location code).
    pub field: Option<String>,
}

/// Which separators a batch uses (a dossier-type profile's separation settings).
#[derive(Debug, Clone)]
pub struct SeparatorRules {
    pub patch_t: bool,
    /// Also take a Patch T read backwards (a sheet fed upside down). Off by default: backwards, T reads as
    /// Patch 3, so with this on a genuine Patch 3 sheet would separate too.
    pub patch_t_upside_down: bool,
    pub barcode: Option<BarcodeRule>,
    /// A sheet blank on all its scanned sides is a separator. Off by default: an empty page in a dossier is
    /// rarer than a blank separator sheet only in some archives.
    pub blank_sheets: bool,
    pub blank: BlankConfig,
}

impl Default for SeparatorRules {
    fn default() -> Self {
        Self {
            patch_t: true,
            patch_t_upside_down: false,
            barcode: None,
            blank_sheets: false,
            blank: BlankConfig::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum SeparatorKind {
    PatchT { upside_down: bool },
    Barcode { format: String, value: String },
    BlankSheet,
}

/// One separator sheet, as the batch log records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeparatorEntry {
    /// Positions in the input stream (0-based) of the images of the dropped sheet.
    pub images: Vec<usize>,
    pub sheet: u32,
    /// Side the separator was read on.
    pub side: Side,
    pub kind: SeparatorKind,
    /// Index of the dossier the separator opens (the one after it).
    pub opens_dossier: usize,
}

/// A page kept in a dossier, with its position in the input stream and its blank verdict (blank backs stay,
/// flagged).
#[derive(Debug, Clone)]
pub struct SeparatedPage {
    pub index: usize,
    pub page: Page,
    pub blank: BlankVerdict,
}

#[derive(Debug, Clone, Default)]
pub struct Dossier {
    pub pages: Vec<SeparatedPage>,
    /// Values taken from the separator barcode that opened this dossier, by field name.
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub struct Separation {
    pub dossiers: Vec<Dossier>,
    pub log: Vec<SeparatorEntry>,
}

/// What one image says about separation.
fn classify(page: &Page, rules: &SeparatorRules, blank: &BlankVerdict) -> Option<SeparatorKind> {
    let gray = page.image.to_luma8();
    if blank.blank {
        return None;
    }
    if rules.patch_t
        && let Some(d) = detect_patch(&gray)
    {
        if d.code == PatchCode::PatchT {
            return Some(SeparatorKind::PatchT { upside_down: false });
        }
        if rules.patch_t_upside_down && d.reversed == PatchCode::PatchT {
            return Some(SeparatorKind::PatchT { upside_down: true });
        }
    }
    if let Some(rule) = &rules.barcode {
        for code in read_barcodes(&gray) {
            if let Some(value) = match_value(&rule.pattern, &code.text) {
                return Some(SeparatorKind::Barcode {
                    format: code.format,
                    value,
                });
            }
        }
    }
    None
}

fn match_value(re: &Regex, text: &str) -> Option<String> {
    let caps = re.captures(text)?;
    let m = caps
        .name("value")
        .or_else(|| caps.get(1))
        .or_else(|| caps.get(0))?;
    Some(m.as_str().to_owned())
}

/// Splits a stream of pages into dossiers. Consecutive images with the same `sheet` number are one sheet
/// (front, then back), as every driver numbers them.
pub fn separate(pages: impl IntoIterator<Item = Page>, rules: &SeparatorRules) -> Separation {
    let mut out = Separation {
        dossiers: vec![Dossier::default()],
        log: Vec::new(),
    };
    let mut sheet: Vec<(usize, Page)> = Vec::new();
    for (index, page) in pages.into_iter().enumerate() {
        if sheet.last().is_some_and(|(_, p)| p.sheet != page.sheet) {
            flush_sheet(std::mem::take(&mut sheet), rules, &mut out);
        }
        sheet.push((index, page));
    }
    flush_sheet(sheet, rules, &mut out);
    // A trailing separator (or an empty stream) leaves an empty last dossier; it is no dossier.
    if out.dossiers.last().is_some_and(|d| d.pages.is_empty()) {
        out.dossiers.pop();
    }
    out
}

fn flush_sheet(sheet: Vec<(usize, Page)>, rules: &SeparatorRules, out: &mut Separation) {
    if sheet.is_empty() {
        return;
    }
    let verdicts: Vec<BlankVerdict> = sheet
        .iter()
        .map(|(_, p)| detect_blank(&p.image.to_luma8(), &rules.blank))
        .collect();
    let mut found = sheet
        .iter()
        .zip(&verdicts)
        .find_map(|((_, p), v)| classify(p, rules, v).map(|k| (p.side, k)));
    if found.is_none() && rules.blank_sheets && verdicts.iter().all(|v| v.blank) {
        found = Some((sheet[0].1.side, SeparatorKind::BlankSheet));
    }
    if let Some((side, kind)) = found {
        // Consecutive separators (or one first in the batch) do not make empty dossiers.
        let current_empty = out.dossiers.last().is_some_and(|d| d.pages.is_empty());
        if !current_empty {
            out.dossiers.push(Dossier::default());
        }
        let opens = out.dossiers.len() - 1;
        if let (SeparatorKind::Barcode { value, .. }, Some(field)) =
            (&kind, rules.barcode.as_ref().and_then(|r| r.field.as_ref()))
            && let Some(d) = out.dossiers.last_mut()
        {
            d.fields.insert(field.clone(), value.clone());
        }
        tracing::info!(sheet = sheet[0].1.sheet, kind = ?kind, "separator sheet dropped");
        out.log.push(SeparatorEntry {
            images: sheet.iter().map(|(i, _)| *i).collect(),
            sheet: sheet[0].1.sheet,
            side,
            kind,
            opens_dossier: opens,
        });
        return;
    }
    if let Some(d) = out.dossiers.last_mut() {
        for ((index, page), blank) in sheet.into_iter().zip(verdicts) {
            d.pages.push(SeparatedPage { index, page, blank });
        }
    }
}
