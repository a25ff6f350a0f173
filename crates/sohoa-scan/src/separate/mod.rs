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
mod settings;

use std::collections::BTreeMap;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::{Page, Side};

pub use barcode::{Barcode, BarcodeSearch, read_barcodes, read_barcodes_with};
pub use blank::{BlankConfig, BlankVerdict, detect_blank};
pub use patch::{PatchCode, PatchDetection, detect_patch, patch_sheet};
pub use settings::{SeparatorSettings, SeparatorSettingsError};

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
    /// Pages with at most this ink ratio (see [`BlankVerdict::ink_ratio`]) get the full barcode search; denser
    /// pages only the quick one. Separator sheets are mostly paper (a Code 128 sheet measured 0.025, a page
    /// of text 0.33), and the full search cost 0.11–0.22 s per text page (A4 200–300 dpi, release): on every
    /// content page it would eat into a 60-page-a-minute feeder's budget and find more stray codes.
    pub barcode_full_search_max_ink: f64,
}

impl Default for SeparatorRules {
    fn default() -> Self {
        Self {
            patch_t: true,
            patch_t_upside_down: false,
            barcode: None,
            blank_sheets: false,
            blank: BlankConfig::default(),
            barcode_full_search_max_ink: 0.12,
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
fn classify(
    gray: &image::GrayImage,
    dpi: Option<f64>,
    rules: &SeparatorRules,
    blank: &BlankVerdict,
) -> Option<SeparatorKind> {
    if blank.blank {
        return None;
    }
    if rules.patch_t
        && let Some(d) = detect_patch(gray, dpi)
    {
        if d.code == PatchCode::PatchT {
            return Some(SeparatorKind::PatchT { upside_down: false });
        }
        if rules.patch_t_upside_down && d.reversed == PatchCode::PatchT {
            return Some(SeparatorKind::PatchT { upside_down: true });
        }
    }
    if let Some(rule) = &rules.barcode {
        let search = if blank.ink_ratio <= rules.barcode_full_search_max_ink {
            BarcodeSearch::Full
        } else {
            BarcodeSearch::Quick
        };
        let matching = |codes: Vec<Barcode>| {
            codes.into_iter().find_map(|code| {
                match_value(&rule.pattern, &code.text).map(|value| SeparatorKind::Barcode {
                    format: code.format,
                    value,
                })
            })
        };
        // The first code found usually is the separator's; look for more only if it is not.
        let first = read_barcodes_with(gray, search, false);
        if first.is_empty() {
            return None;
        }
        return matching(first).or_else(|| matching(read_barcodes_with(gray, search, true)));
    }
    None
}

/// The page's resolution if the device reported a plausible one.
fn page_dpi(page: &Page) -> Option<f64> {
    let d = (page.dpi_x + page.dpi_y) / 2.0;
    (d.is_finite() && d >= 50.0).then_some(d)
}

fn match_value(re: &Regex, text: &str) -> Option<String> {
    let caps = re.captures(text)?;
    let m = caps
        .name("value")
        .or_else(|| caps.get(1))
        .or_else(|| caps.get(0))?;
    Some(m.as_str().to_owned())
}

/// What [`Separator::push`] decides, as soon as a sheet is complete.
#[derive(Debug, Clone)]
pub enum SeparatorEvent {
    /// A page kept in dossier `dossier` (0-based, numbered in the order dossiers open).
    Page { dossier: usize, page: SeparatedPage },
    /// A separator sheet, dropped; `fields` are the values it gives the dossier it opens.
    Separator {
        entry: SeparatorEntry,
        fields: BTreeMap<String, String>,
    },
}

/// Incremental separation while the feeder runs: an archive batch of hundreds of colour pages cannot be held
/// in memory, so pages are decided one sheet at a time (a sheet is complete when the next sheet's first image
/// arrives, or at [`Separator::finish`]) and handed on.
pub struct Separator {
    rules: SeparatorRules,
    sheet: Vec<(usize, Page)>,
    next_index: usize,
    current: usize,
    current_has_pages: bool,
}

impl Separator {
    pub fn new(rules: SeparatorRules) -> Self {
        Self {
            rules,
            sheet: Vec::new(),
            next_index: 0,
            current: 0,
            current_has_pages: false,
        }
    }

    pub fn push(&mut self, page: Page) -> Vec<SeparatorEvent> {
        let mut out = Vec::new();
        if self.sheet.last().is_some_and(|(_, p)| p.sheet != page.sheet) {
            let sheet = std::mem::take(&mut self.sheet);
            self.decide(sheet, &mut out);
        }
        self.sheet.push((self.next_index, page));
        self.next_index += 1;
        out
    }

    /// The batch ended: decides the last sheet.
    pub fn finish(&mut self) -> Vec<SeparatorEvent> {
        let mut out = Vec::new();
        let sheet = std::mem::take(&mut self.sheet);
        self.decide(sheet, &mut out);
        out
    }

    fn decide(&mut self, sheet: Vec<(usize, Page)>, out: &mut Vec<SeparatorEvent>) {
        let Some(first) = sheet.first().map(|(_, p)| (p.sheet, p.side)) else {
            return;
        };
        let rules = &self.rules;
        let grays: Vec<image::GrayImage> = sheet.iter().map(|(_, p)| p.image.to_luma8()).collect();
        let verdicts: Vec<BlankVerdict> = grays.iter().map(|g| detect_blank(g, &rules.blank)).collect();
        let mut found = sheet
            .iter()
            .zip(grays.iter().zip(&verdicts))
            .find_map(|((_, p), (g, v))| classify(g, page_dpi(p), rules, v).map(|k| (p.side, k)));
        drop(grays);
        if found.is_none() && rules.blank_sheets && verdicts.iter().all(|v| v.blank) {
            found = Some((first.1, SeparatorKind::BlankSheet));
        }
        if let Some((side, kind)) = found {
            // Consecutive separators (or one first in the batch) do not make empty dossiers.
            if self.current_has_pages {
                self.current += 1;
                self.current_has_pages = false;
            }
            let mut fields = BTreeMap::new();
            if let (SeparatorKind::Barcode { value, .. }, Some(field)) =
                (&kind, rules.barcode.as_ref().and_then(|r| r.field.as_ref()))
            {
                fields.insert(field.clone(), value.clone());
            }
            // The kind only: a barcode value may be an ID number.
            tracing::info!(sheet = first.0, dossier = self.current, "separator sheet dropped");
            let entry = SeparatorEntry {
                images: sheet.iter().map(|(i, _)| *i).collect(),
                sheet: first.0,
                side,
                kind,
                opens_dossier: self.current,
            };
            out.push(SeparatorEvent::Separator { entry, fields });
            return;
        }
        for ((index, page), blank) in sheet.into_iter().zip(verdicts) {
            self.current_has_pages = true;
            out.push(SeparatorEvent::Page {
                dossier: self.current,
                page: SeparatedPage { index, page, blank },
            });
        }
    }
}

/// Splits a whole stream of pages into dossiers (small batches and tests; the engine streams through
/// [`Separator`]). Consecutive images with the same `sheet` number are one sheet (front, then back), as
/// every driver numbers them.
pub fn separate(pages: impl IntoIterator<Item = Page>, rules: &SeparatorRules) -> Separation {
    let mut sep = Separator::new(rules.clone());
    let mut events = Vec::new();
    for page in pages {
        events.extend(sep.push(page));
    }
    events.extend(sep.finish());
    let mut out = Separation::default();
    let mut pending: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    for ev in events {
        match ev {
            SeparatorEvent::Separator { entry, fields } => {
                pending.entry(entry.opens_dossier).or_default().extend(fields);
                out.log.push(entry);
            }
            SeparatorEvent::Page { dossier, page } => {
                while out.dossiers.len() <= dossier {
                    let fields = pending.remove(&out.dossiers.len()).unwrap_or_default();
                    out.dossiers.push(Dossier {
                        pages: Vec::new(),
                        fields,
                    });
                }
                if let Some(d) = out.dossiers.get_mut(dossier) {
                    d.pages.push(page);
                }
            }
        }
    }
    out
}
