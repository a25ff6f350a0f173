//! Field suggestions for a scanned record: the words stored with its pages ([`crate::ocr`]) run through the
//! field extractors of sohoa-ocr, each value checked by the record's own rules, with where on which page it
//! was read and how sure the reading is. Nothing is stored here: the officer accepts what goes into the
//! record (`edit_record`), so a misread never enters the register unseen.
//!
//! Why the weakest word and not the field's confidence: an extractor's confidence is the mean over the
//! field's words, and one misread word hides in a mean — in our measurements the only wrong word had
//! confidence 59 among words of 82 and more (research/ocr-archival.md §3.2). A field is flagged when its
//! weakest word is below [`LOW_WORD_CONFIDENCE`], and that word's box is what the page view draws.

use serde::Serialize;
use sohoa_core::record::{RecordMeta, field_def};
use sohoa_core::{Localized, OwnerId};
use sohoa_ocr::{BBox, DocKind, Extraction, Extractor, Field, PageText, Profiles, Source, Status};
use sohoa_store::VersionFileRow;

use crate::records::{decode_meta, today_vn};
use crate::{Engine, EngineError, OCR_MEDIA_TYPE, ocr_file_name};

/// Tesseract word confidence (0–100) under which a field is shown for checking (see the module doc).
pub const LOW_WORD_CONFIDENCE: f32 = 80.0;

/// What the officer should do with a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attention {
    /// Read surely and passed the record's rules.
    Ok,
    /// A weak word, or a value no rule can check that disagrees with another reading: look at the page.
    Low,
    /// Breaks a rule (impossible date, bad ID number): never applied as read.
    Invalid,
}

/// Where on which page image a value was read, in that image's pixels.
#[derive(Debug, Clone, Serialize)]
pub struct PageSpot {
    pub ordinal: u32,
    pub width: u32,
    pub height: u32,
    pub bbox: BBox,
}

/// The least sure word of a field.
#[derive(Debug, Clone, Serialize)]
pub struct WeakWord {
    pub text: String,
    /// 0–100, Tesseract's.
    pub confidence: f32,
    pub bbox: BBox,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldSuggestion {
    /// The record field key (`full_name`, `archival.issued_date`, `member`, …).
    pub key: String,
    pub label_vi: String,
    pub label_en: String,
    /// In the form the record stores it (dates `YYYY-MM-DD`, sex `nam`/`nữ`, NFC).
    pub value: String,
    /// 0–1, the extractor's.
    pub confidence: f32,
    pub source: Source,
    pub attention: Attention,
    /// Why the value needs a look, Vietnamese.
    pub issues: Vec<String>,
    pub spot: Option<PageSpot>,
    pub weakest: Option<WeakWord>,
    /// The record's value now; equal to `value` when the suggestion changes nothing.
    pub current: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldSuggestions {
    pub record_id: String,
    /// The version whose words were read.
    pub version: Option<u32>,
    /// The kind of paper recognised first (`cmnd-form`, `residence-form`, `admin-doc`, `cccd`).
    pub document: Option<String>,
    pub pages_read: usize,
    /// Page images without words yet (OCR not run on them).
    pub pages_unread: usize,
    pub fields: Vec<FieldSuggestion>,
}

impl Engine {
    /// Suggestions for `id`'s current version from the words stored with its pages; pages without words
    /// are counted, not read (OCR is the officer's F6, with its progress and cancel).
    pub fn suggest_fields(&self, id: &str) -> Result<FieldSuggestions, EngineError> {
        let id = self.store.resolve_id(id)?;
        let row = self.store.get_record(&id)?;
        let meta = decode_meta(&row)?;
        let mut out = FieldSuggestions {
            record_id: id.clone(),
            version: row.current_version,
            document: None,
            pages_read: 0,
            pages_unread: 0,
            fields: Vec::new(),
        };
        let Some(version) = row.current_version else {
            return Ok(out);
        };
        let files = self.store.version_files(&id, version)?;
        let mut images: Vec<&VersionFileRow> = files
            .iter()
            .filter(|f| f.media_type.starts_with("image/"))
            .collect();
        images.sort_by_key(|f| f.ordinal);
        let mut extractor = Extractor::new(
            Profiles::embedded().map_err(|e| EngineError::Suggest(e.to_string()))?,
            self.catalogs.clone(),
        );
        extractor.today = today_vn();
        for image in images {
            let Some(page) = self.stored_page(&files, &image.name)? else {
                out.pages_unread += 1;
                continue;
            };
            out.pages_read += 1;
            let Some((kind, ex)) = self.extract_page(&extractor, image, &page)? else {
                continue;
            };
            out.document.get_or_insert_with(|| kind.as_str().to_owned());
            let spot = |b: BBox| PageSpot {
                ordinal: image.ordinal,
                width: page.width,
                height: page.height,
                bbox: b,
            };
            for s in suggestions_of(&ex, &page, &meta, &self.catalogs) {
                // A value read on an earlier page wins; household members add up over pages.
                if s.0.key != "member" && out.fields.iter().any(|f| f.key == s.0.key) {
                    continue;
                }
                let (mut s, bbox) = s;
                s.spot = bbox.map(spot);
                out.fields.push(s);
            }
        }
        // Numbers and names read are personal data: only counts are logged.
        tracing::info!(record = %id, pages = out.pages_read, fields = out.fields.len(), "field suggestions");
        Ok(out)
    }

    fn stored_page(
        &self,
        files: &[VersionFileRow],
        image_name: &str,
    ) -> Result<Option<PageText>, EngineError> {
        let name = ocr_file_name(image_name);
        let Some(f) = files
            .iter()
            .find(|f| f.name == name && f.media_type == OCR_MEDIA_TYPE)
        else {
            return Ok(None);
        };
        let bytes = std::fs::read(self.store.blob_path(&f.sha256)?)
            .map_err(|e| EngineError::Suggest(format!("{name}: {e}")))?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| EngineError::Suggest(format!("{name}: {e}")))
    }

    /// The extraction of one page by the kind its text shows; a CCCD is read from its QR code (the image),
    /// since its printed text is too small for the page OCR.
    fn extract_page(
        &self,
        extractor: &Extractor,
        image: &VersionFileRow,
        page: &PageText,
    ) -> Result<Option<(DocKind, Extraction)>, EngineError> {
        let kind = extractor.detect(page);
        let ex = match kind {
            DocKind::CmndForm => extractor.form_from_page(page, "cmnd-form"),
            DocKind::ResidenceForm => extractor.form_from_page(page, "residence-form"),
            DocKind::AdminDoc => extractor.admin_from_page(page),
            DocKind::Cccd => {
                let bytes = std::fs::read(self.store.blob_path(&image.sha256)?)
                    .map_err(|e| EngineError::PageImage(e.to_string()))?;
                let gray = image::load_from_memory(&bytes)
                    .map_err(|e| EngineError::PageImage(e.to_string()))?
                    .to_luma8();
                match extractor.read_qr(&gray) {
                    Some(ex) => ex,
                    None => return Ok(None),
                }
            }
            DocKind::Unknown => return Ok(None),
        };
        Ok(Some((kind, ex)))
    }
}

/// The extraction's fields that `meta`'s kind has, each checked by setting it on a copy of the record
/// (the record's own rules, and its canonical form of the value), with the box it was read from.
fn suggestions_of(
    ex: &Extraction,
    page: &PageText,
    meta: &RecordMeta,
    cat: &sohoa_core::Catalogs,
) -> Vec<(FieldSuggestion, Option<BBox>)> {
    let current = meta.fields();
    let mut out = Vec::new();
    for (key, field, bbox) in record_fields(ex) {
        let Some(def) = field_def(&key).filter(|d| d.kinds.contains(&meta.kind)) else {
            continue;
        };
        let mut issues: Vec<String> = field.issues.iter().map(|i| i.message_vi.clone()).collect();
        let mut invalid = field.status == Status::Invalid;
        let value = match canonical(meta, &key, &field.value, cat) {
            Ok(v) => v,
            Err(why) => {
                invalid = true;
                issues.push(why);
                field.value.clone()
            }
        };
        let now = if key == "member" {
            current.iter().find(|(k, v)| k == "member" && *v == value)
        } else {
            current.iter().find(|(k, _)| *k == key)
        }
        .map(|(_, v)| v.clone());
        if key == "owner_id" && now.as_deref().is_some_and(|n| n != value) {
            issues.push("Khác số định danh đã nhập cho hồ sơ".to_owned());
        }
        let weakest = bbox.and_then(|b| weakest_word(page, &b));
        let weak = weakest
            .as_ref()
            .is_some_and(|w| w.confidence < LOW_WORD_CONFIDENCE)
            || field.confidence * 100.0 < LOW_WORD_CONFIDENCE;
        let attention = if invalid {
            Attention::Invalid
        } else if weak || !issues.is_empty() {
            Attention::Low
        } else {
            Attention::Ok
        };
        out.push((
            FieldSuggestion {
                key,
                label_vi: def.label_vi.to_owned(),
                label_en: def.label_en.to_owned(),
                value,
                confidence: field.confidence,
                source: field.source,
                attention,
                issues,
                spot: None,
                weakest,
                current: now,
            },
            bbox,
        ));
    }
    out
}

/// The extraction's fields under record keys: household-member rows (`member.N.column`) become one
/// `member` value each, in the record's `name;id;relation;registered;left` form.
fn record_fields(ex: &Extraction) -> Vec<(String, Field, Option<BBox>)> {
    let mut out: Vec<(String, Field, Option<BBox>)> = Vec::new();
    let mut rows: Vec<(String, Vec<&Field>)> = Vec::new();
    for f in ex
        .fields
        .iter()
        .filter(|f| !f.key.is_empty() && !f.value.trim().is_empty())
    {
        match f.key.strip_prefix("member.").and_then(|r| r.split_once('.')) {
            Some((n, _)) => match rows.iter_mut().find(|(m, _)| m == n) {
                Some((_, cells)) => cells.push(f),
                None => rows.push((n.to_owned(), vec![f])),
            },
            None => out.push((f.key.clone(), f.clone(), f.bbox)),
        }
    }
    for (n, cells) in rows {
        let cell = |col: &str| {
            cells
                .iter()
                .find(|c| c.key == format!("member.{n}.{col}"))
                .map_or("", |c| c.value.as_str())
        };
        let value = [
            cell("full_name"),
            "",
            cell("relation"),
            cell("registered"),
            cell("left"),
        ]
        .join(";");
        let mut member = Field::new("member", "Nhân khẩu", value, Source::Ocr);
        member.confidence = cells.iter().map(|c| c.confidence).fold(1.0, f32::min);
        member.status = if cells.iter().any(|c| c.status == Status::Invalid) {
            Status::Invalid
        } else {
            Status::Unverified
        };
        member.issues = cells.iter().flat_map(|c| c.issues.clone()).collect();
        let bbox = cells.iter().filter_map(|c| c.bbox).reduce(|a, b| a.union(&b));
        out.push(("member".to_owned(), member, bbox));
    }
    out
}

/// `value` as the record would store it under `key`, or why the record refuses it (Vietnamese).
fn canonical(
    meta: &RecordMeta,
    key: &str,
    value: &str,
    cat: &sohoa_core::Catalogs,
) -> Result<String, String> {
    if key == "owner_id" {
        return OwnerId::parse(value, cat)
            .map(|id| id.as_str().to_owned())
            .map_err(|e| e.message_vi());
    }
    let mut probe = meta.clone();
    if key == "member" {
        probe.set_field("member", "", cat).map_err(|e| e.message_vi())?;
    }
    probe.set_field(key, value, cat).map_err(|e| e.message_vi())?;
    Ok(probe
        .fields()
        .into_iter()
        .rev()
        .find(|(k, _)| k == key)
        .map_or_else(|| value.to_owned(), |(_, v)| v))
}

/// The least sure word whose centre lies in `bbox`.
fn weakest_word(page: &PageText, bbox: &BBox) -> Option<WeakWord> {
    page.blocks
        .iter()
        .flat_map(|b| &b.paragraphs)
        .flat_map(|p| &p.lines)
        .flat_map(|l| &l.words)
        .filter(|w| w.bbox.centre_in(bbox))
        .min_by(|a, b| a.confidence.total_cmp(&b.confidence))
        .map(|w| WeakWord {
            text: w.text.clone(),
            confidence: w.confidence,
            bbox: w.bbox,
        })
}

#[cfg(test)]
#[path = "suggest_tests.rs"]
mod tests;
