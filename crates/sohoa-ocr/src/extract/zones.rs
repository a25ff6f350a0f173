//! Zone-based forms (CMND declaration, residence declaration): words whose centre falls in
//! a profile zone make up the field; the printed label is stripped by the profile's regex.

use chrono::NaiveDate;
use regex::Regex;
use sohoa_core::Catalogs;
use sohoa_core::identity::{Cmnd, PersonalId, Sex};
use sohoa_core::localized::Localized;

use super::checks::{check_name, check_nfc, parse_form_date};
use super::field::{DocKind, Extraction, Field, Issue, Source, Status};
use super::profile::{Check, FormProfile, zone_px};
use super::segments::{char_index, fold, tail_chars};
use crate::page::{BBox, PageText, Word};

/// Words of the page inside a pixel box, in Tesseract's reading order.
fn words_in<'a>(page: &'a PageText, zone: &BBox) -> Vec<&'a Word> {
    page.words().filter(|w| w.bbox.centre_in(zone)).collect()
}

/// Words grouped into visual rows by vertical centre, each row left to right. Tesseract may
/// read a table column by column, so its own lines cannot be trusted to be table rows.
fn rows(mut words: Vec<&Word>) -> Vec<Vec<&Word>> {
    words.sort_by_key(|w| w.bbox.y + w.bbox.h / 2);
    let mut out: Vec<Vec<&Word>> = Vec::new();
    for w in words {
        let cy = w.bbox.y + w.bbox.h / 2;
        match out.last_mut() {
            Some(row)
                if row.iter().any(|r| {
                    let rc = r.bbox.y + r.bbox.h / 2;
                    cy.abs_diff(rc) < r.bbox.h.max(w.bbox.h) / 2
                }) =>
            {
                row.push(w)
            }
            _ => out.push(vec![w]),
        }
    }
    for row in &mut out {
        row.sort_by_key(|w| w.bbox.x);
    }
    out
}

/// Text, mean confidence (0–1) and box of some words.
fn summarise(words: &[&Word]) -> (String, f32, Option<BBox>) {
    let text = words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let conf = words.iter().map(|w| w.confidence).sum::<f32>() / words.len().max(1) as f32 / 100.0;
    let bbox = words.iter().map(|w| w.bbox).reduce(|a, b| a.union(&b));
    (text, conf, bbox)
}

/// Drops the printed label (regex on the folded text) and stray punctuation.
fn strip_label(text: &str, label: Option<&Regex>) -> String {
    let value = match label {
        Some(re) => {
            let folded = fold(text);
            match re.find(&folded) {
                Some(m) => tail_chars(text, char_index(&folded, m.end())),
                None => text.to_owned(),
            }
        }
        None => text.to_owned(),
    };
    value
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '.' | ',' | ';' | '_' | '…'))
        .to_owned()
}

/// Applies a value rule; the field becomes Valid when a rule exists and holds.
pub(crate) fn apply_check(f: &mut Field, check: Check, cat: &Catalogs, today: NaiveDate) {
    let raw = f.value.clone();
    match check {
        Check::Text => {}
        Check::Name => check_name(f),
        Check::Date => {
            if parse_form_date(f, &raw, today).is_some() {
                f.status = Status::Valid;
            }
        }
        Check::Sex => match Sex::parse(&raw) {
            Ok(s) => {
                f.value = s.label_vi().to_owned();
                f.status = Status::Valid;
            }
            Err(e) => f.flag(Issue::new(e.code(), e.message_vi())),
        },
        Check::Cmnd => match Cmnd::parse(&raw) {
            Ok(c) => {
                f.value = c.as_str().to_owned();
                f.status = Status::Valid;
            }
            Err(e) => f.flag(Issue::new(e.code(), e.message_vi())),
        },
        Check::PersonalId => match PersonalId::parse_at(&raw, cat, today) {
            Ok(p) => {
                f.value = p.as_str().to_owned();
                f.status = Status::Valid;
            }
            Err(e) => f.flag(Issue::new(e.code(), e.message_vi())),
        },
    }
}

fn compile(re: Option<&String>) -> Option<Regex> {
    re.and_then(|r| Regex::new(r).ok())
}

/// Reads a zone form from an OCR page.
pub fn extract_form(page: &PageText, profile: &FormProfile, cat: &Catalogs, today: NaiveDate) -> Extraction {
    let kind = match profile.kind.as_str() {
        "cmnd-form" => DocKind::CmndForm,
        "residence-form" => DocKind::ResidenceForm,
        _ => DocKind::Unknown,
    };
    let mut ex = Extraction::new(kind);
    for zf in &profile.fields {
        let zone = zone_px(&zf.zone, page.width, page.height);
        let words: Vec<&Word> = rows(words_in(page, &zone)).into_iter().flatten().collect();
        let (text, zone_conf, zone_box) = summarise(&words);
        let value = strip_label(&text, compile(zf.label.as_ref()).as_ref());
        // Confidence and box of the value's own words (the tail the label was cut from): the printed label
        // is read surely and would hide a weak value word, and the officer is shown where the VALUE is.
        let n = value.split_whitespace().count();
        let (conf, bbox) = match words.get(words.len().saturating_sub(n)..) {
            Some(own) if n > 0 => {
                let (_, c, b) = summarise(own);
                (c, b)
            }
            _ => (zone_conf, zone_box),
        };
        let mut f = Field::new(&zf.key, &zf.label_vi, &value, Source::Ocr)
            .with_confidence(conf)
            .with_bbox(bbox);
        check_nfc(&mut f, &value);
        if value.is_empty() {
            f.flag(Issue::new(
                "form.field_empty",
                format!("Không đọc được «{}» trong vùng của mẫu.", zf.label_vi),
            ));
        } else {
            apply_check(&mut f, zf.check, cat, today);
        }
        ex.fields.push(f);
    }
    for table in &profile.tables {
        let zone = zone_px(&table.zone, page.width, page.height);
        let header = compile(table.header.as_ref());
        let mut n = 0;
        for row in rows(words_in(page, &zone)) {
            let (row_text, _, _) = summarise(&row);
            if header.as_ref().is_some_and(|h| h.is_match(&fold(&row_text))) {
                continue;
            }
            n += 1;
            for col in &table.columns {
                let (x0, x1) = (
                    (col.x[0] * page.width as f32) as u32,
                    (col.x[1] * page.width as f32) as u32,
                );
                let cell: Vec<&Word> = row
                    .iter()
                    .copied()
                    .filter(|w| {
                        let cx = w.bbox.x + w.bbox.w / 2;
                        cx >= x0 && cx < x1
                    })
                    .collect();
                let (text, conf, bbox) = summarise(&cell);
                let key = format!("{}.{n}.{}", table.prefix, col.key);
                let mut f = Field::new(&key, &col.label_vi, &text, Source::Ocr)
                    .with_confidence(conf)
                    .with_bbox(bbox);
                if !text.is_empty() {
                    apply_check(&mut f, col.check, cat, today);
                }
                ex.fields.push(f);
            }
        }
    }
    ex
}
