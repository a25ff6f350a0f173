//! Field extraction: what the officer would otherwise retype.
//!
//! Each extractor returns [`Field`]s with value, confidence, source box and validation
//! status. Layouts and vocabularies come from [`Profiles`] (data files), the rules (check
//! digits, ID structure, dates) from code and sohoa-core.

pub mod admin;
pub mod cccd;
pub mod checks;
pub mod field;
pub mod mrz_vn;
pub mod profile;
pub mod qr;
pub mod segments;
pub mod zones;

use chrono::NaiveDate;
use image::GrayImage;
use sohoa_core::Catalogs;

use std::cell::RefCell;

use crate::engine::{OcrConfig, OcrEngine, Psm};
use crate::error::OcrError;
use crate::page::PageText;
use crate::tessdata::find_tessdata;

pub use field::{DocKind, Extraction, Field, Issue, Source, Status};
pub use profile::Profiles;

/// What the caller says the paper is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindHint {
    Auto,
    Cccd,
    CmndForm,
    AdminDoc,
    ResidenceForm,
}

impl std::str::FromStr for KindHint {
    type Err = OcrError;
    fn from_str(s: &str) -> Result<Self, OcrError> {
        Ok(match s {
            "auto" => Self::Auto,
            "cccd" => Self::Cccd,
            "cmnd-form" => Self::CmndForm,
            "admin-doc" => Self::AdminDoc,
            "residence-form" => Self::ResidenceForm,
            other => {
                return Err(OcrError::BadOption(format!(
                    "--kind '{other}' (auto, cccd, cmnd-form, admin-doc, residence-form)"
                )));
            }
        })
    }
}

const MRZ_WHITELIST: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

pub struct Extractor {
    pub profiles: Profiles,
    pub catalogs: Catalogs,
    /// Dates after this are impossible (births, issues); fixed in tests.
    pub today: NaiveDate,
    /// MRZ reader: the `eng` model, loaded on first use. The `vie` model misreads digit runs
    /// in the MRZ (measured: 6 of 30 characters wrong on a clean line; `eng` read it exactly),
    /// because its language model expects Vietnamese words.
    mrz_engine: RefCell<Option<OcrEngine>>,
}

fn crop(img: &GrayImage, zone: &profile::Zone) -> GrayImage {
    let b = profile::zone_px(zone, img.width(), img.height());
    image::imageops::crop_imm(img, b.x, b.y, b.w.max(1), b.h.max(1)).to_image()
}

impl Extractor {
    pub fn new(profiles: Profiles, catalogs: Catalogs) -> Extractor {
        Extractor {
            profiles,
            catalogs,
            today: chrono::Local::now().date_naive(),
            mrz_engine: RefCell::new(None),
        }
    }

    /// QR of a CCCD front: the profile's zone first (small, fast), then the whole image.
    pub fn read_qr(&self, img: &GrayImage) -> Option<Extraction> {
        let zone_first = self.profiles.cccd.as_ref().map(|c| crop(img, &c.qr_zone));
        let decoded = zone_first
            .as_ref()
            .and_then(qr::decode_qr)
            .or_else(|| qr::decode_qr(img))?;
        let payload = decoded.0;
        if payload.split('|').count() < 6 {
            return None;
        }
        Some(qr::parse_cccd_qr(&payload, &self.catalogs, self.today))
    }

    /// MRZ of a CCCD back: OCR of the MRZ zone restricted to the MRZ alphabet, then the
    /// whole image if the zone gave nothing.
    pub fn read_mrz(
        &self,
        engine: &mut OcrEngine,
        img: &GrayImage,
        dpi: u32,
    ) -> Result<Option<Extraction>, OcrError> {
        let mut tries = Vec::new();
        if let Some(c) = &self.profiles.cccd {
            tries.push(crop(img, &c.mrz_zone));
        }
        tries.push(img.clone());
        let mut mrz_engine = self.mrz_engine.borrow_mut();
        if mrz_engine.is_none() && find_tessdata("eng").is_ok() {
            let cfg = OcrConfig {
                lang: "eng".into(),
                tessdata: None,
            };
            *mrz_engine = OcrEngine::new(&cfg).ok();
        }
        let engine = mrz_engine.as_mut().unwrap_or(engine);
        for t in &tries {
            let page = engine.recognize_with(t, dpi, Psm::Block, Some(MRZ_WHITELIST))?;
            let ex = mrz_vn::parse_cccd_mrz(&page.text, &self.catalogs, self.today);
            if !ex.fields.is_empty() {
                return Ok(Some(ex));
            }
        }
        Ok(None)
    }

    /// Header of an administrative document from an OCR'd page.
    pub fn admin_from_page(&self, page: &PageText) -> Extraction {
        match &self.profiles.admin {
            Some(p) => admin::extract_admin(&segments::from_page(page), page.width, p, self.today),
            None => missing_profile(DocKind::AdminDoc),
        }
    }

    /// Header of an administrative document from plain text (one line per line).
    pub fn admin_from_text(&self, text: &str) -> Extraction {
        match &self.profiles.admin {
            Some(p) => admin::extract_admin(&segments::from_text(text), 0, p, self.today),
            None => missing_profile(DocKind::AdminDoc),
        }
    }

    pub fn form_from_page(&self, page: &PageText, kind: &str) -> Extraction {
        match self.profiles.form(kind) {
            Some(p) => zones::extract_form(page, p, &self.catalogs, self.today),
            None => missing_profile(DocKind::Unknown),
        }
    }

    /// Which kind an OCR'd page looks like, from the profiles' `detect` phrases. Forms are
    /// tried before the administrative header because forms carry the national title too.
    pub fn detect(&self, page: &PageText) -> DocKind {
        let folded = segments::fold(&page.text.replace('\n', " "));
        let hit = |phrases: &[String]| phrases.iter().any(|p| folded.contains(p.as_str()));
        if self.profiles.cccd.as_ref().is_some_and(|c| hit(&c.detect)) {
            return DocKind::Cccd;
        }
        for (kind, form) in &self.profiles.forms {
            if hit(&form.detect) {
                return match kind.as_str() {
                    "cmnd-form" => DocKind::CmndForm,
                    "residence-form" => DocKind::ResidenceForm,
                    _ => DocKind::Unknown,
                };
            }
        }
        if self.profiles.admin.as_ref().is_some_and(|a| hit(&a.detect)) {
            return DocKind::AdminDoc;
        }
        DocKind::Unknown
    }

    /// Extracts the fields of one paper from its page images (a CCCD's front and back are
    /// two pages of one paper; the readings are cross-checked).
    pub fn extract(
        &self,
        engine: &mut OcrEngine,
        pages: &[(GrayImage, u32)],
        hint: KindHint,
    ) -> Result<Extraction, OcrError> {
        let mut qr_ex = None;
        let mut mrz_ex = None;
        let mut other: Option<Extraction> = None;
        for (img, dpi) in pages {
            if matches!(hint, KindHint::Auto | KindHint::Cccd)
                && let Some(q) = self.read_qr(img)
            {
                qr_ex.get_or_insert(q);
                continue;
            }
            if hint == KindHint::Cccd {
                if let Some(m) = self.read_mrz(engine, img, *dpi)? {
                    mrz_ex.get_or_insert(m);
                }
                continue;
            }
            let page = engine.recognize(img, *dpi)?;
            let kind = match hint {
                KindHint::CmndForm => DocKind::CmndForm,
                KindHint::AdminDoc => DocKind::AdminDoc,
                KindHint::ResidenceForm => DocKind::ResidenceForm,
                _ => self.detect(&page),
            };
            let ex = match kind {
                DocKind::Cccd => {
                    if let Some(m) = self.read_mrz(engine, img, *dpi)? {
                        mrz_ex.get_or_insert(m);
                    }
                    continue;
                }
                DocKind::CmndForm => self.form_from_page(&page, "cmnd-form"),
                DocKind::ResidenceForm => self.form_from_page(&page, "residence-form"),
                DocKind::AdminDoc => self.admin_from_page(&page),
                DocKind::Unknown => continue,
            };
            if other.is_none() {
                other = Some(ex);
            }
        }
        if qr_ex.is_some() || mrz_ex.is_some() {
            return Ok(cccd::merge_cccd(qr_ex, mrz_ex));
        }
        Ok(other.unwrap_or_else(|| {
            let mut ex = Extraction::new(DocKind::Unknown);
            ex.issues.push(Issue::new(
                "extract.unknown_kind",
                "Không nhận ra loại giấy tờ; hãy chọn loại (--kind).",
            ));
            ex
        }))
    }
}

fn missing_profile(kind: DocKind) -> Extraction {
    let mut ex = Extraction::new(kind);
    ex.issues.push(Issue::new(
        "extract.no_profile",
        "Thiếu mẫu trích xuất cho loại giấy tờ này (assets/extraction).",
    ));
    ex
}
