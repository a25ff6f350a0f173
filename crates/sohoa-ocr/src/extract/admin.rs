//! Decree 30 administrative document header → document name, number, date, summary, issuer
//! and signer (research/ocr-archival.md §1.5). Vocabulary comes from the `admin-doc` profile.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::checks::flag_not_nfc;
use super::field::{DocKind, Extraction, Field, Issue, Source, Status};
use super::profile::AdminProfile;
use super::segments::{Segment, char_index, fold, tail_chars};

// Regexes are literals; a failure to compile is a programming error caught by the tests, and
// `Regex::new` cannot fail on them at run time. `None` keeps lints happy without panicking.
static NUMBER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    // "so" folded; OCR often reads the colon as ';' or '.', and spaces around '/' and '-'.
    Regex::new(r"^\s*so\s*[:;.]?\s*(\d{1,5})\s*/\s*([a-z0-9đ]+(?:\s*-\s*[a-z0-9đ]+)*)").ok()
});
static DATE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})").ok());

fn field(key: &str, label: &str, value: &str, segs: &[&Segment]) -> Field {
    let conf = segs.iter().map(|s| s.confidence).sum::<f32>() / segs.len().max(1) as f32;
    let bbox = segs.iter().filter_map(|s| s.bbox).reduce(|a, b| a.union(&b));
    let mut f = Field::new(key, label, value.trim(), Source::Ocr)
        .with_confidence(conf)
        .with_bbox(bbox);
    if segs.iter().any(|s| !s.was_nfc) {
        flag_not_nfc(&mut f);
    }
    f
}

/// A field whose value is the segments' texts joined by spaces (a heading or summary over several lines).
fn joined_field(key: &str, label: &str, segs: &[&Segment]) -> Field {
    let text = segs.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ");
    field(key, label, &text, segs)
}

fn is_upper(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

/// Sentence case for a type name (`QUYẾT ĐỊNH` → `Quyết định`), the form record names use.
fn sentence_case(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut c = lower.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Extracts header fields from segments in reading order (see [`super::segments`]).
pub fn extract_admin(
    segs: &[Segment],
    page_width: u32,
    profile: &AdminProfile,
    today: NaiveDate,
) -> Extraction {
    let mut ex = Extraction::new(DocKind::AdminDoc);
    let (Some(number_re), Some(date_re)) = (NUMBER.as_ref(), DATE.as_ref()) else {
        return ex;
    };
    let folded: Vec<String> = segs.iter().map(|s| fold(&s.text)).collect();
    let is_title = |i: usize| {
        profile
            .national_title
            .iter()
            .any(|t| folded[i].contains(t.as_str()))
    };

    // Number and notation.
    let number_at = folded.iter().position(|f| number_re.is_match(f));
    if let Some(i) = number_at
        && let Some(c) = number_re.captures(&folded[i])
        && let (Some(n), Some(notation)) = (c.get(1), c.get(2))
    {
        let start = char_index(&folded[i], notation.start());
        let len = notation.as_str().chars().count();
        let original: String = tail_chars(&segs[i].text, start).chars().take(len).collect();
        let notation: String = original.chars().filter(|c| !c.is_whitespace()).collect();
        ex.fields.push(
            field("archival.code_number", "Số của văn bản", n.as_str(), &[&segs[i]])
                .with_status(Status::Valid),
        );
        let mut f = field(
            "archival.code_notation",
            "Ký hiệu của văn bản",
            &notation.to_uppercase(),
            &[&segs[i]],
        );
        if notation.chars().any(|c| c.is_lowercase()) {
            f.flag(Issue::new(
                "admin.notation_case",
                "Ký hiệu văn bản phải viết hoa; kết quả nhận dạng có chữ thường, cần kiểm tra.",
            ));
        } else if f.status != Status::Invalid {
            f.status = Status::Valid;
        }
        ex.fields.push(f);
    }

    // Place and date.
    if let Some(i) = folded.iter().position(|f| date_re.is_match(f))
        && let Some(c) = date_re.captures(&folded[i])
        && let (Some(whole), Some(d), Some(m), Some(y)) = (c.get(0), c.get(1), c.get(2), c.get(3))
    {
        let place: String = segs[i]
            .text
            .chars()
            .take(char_index(&folded[i], whole.start()))
            .collect();
        let place = place.trim().trim_end_matches(',').trim();
        if !place.is_empty() {
            ex.fields.push(field("place", "Địa danh", place, &[&segs[i]]));
        }
        let raw = format!("{}/{}/{}", d.as_str(), m.as_str(), y.as_str());
        let mut f = field(
            "archival.issued_date",
            "Ngày, tháng, năm văn bản",
            &raw,
            &[&segs[i]],
        );
        if super::checks::parse_form_date(&mut f, &raw, today).is_some() && f.status != Status::Invalid {
            f.status = Status::Valid;
        }
        ex.fields.push(f);
    }

    // Issuer: upper-case left-column segments above the number line, not the national title.
    let limit = number_at.unwrap_or(segs.len().min(4));
    let issuer: Vec<usize> = (0..limit)
        .filter(|&i| is_upper(&segs[i].text) && !is_title(i) && segs[i].maybe_left(page_width))
        .collect();
    match issuer.as_slice() {
        [] => {}
        [only] => ex.fields.push(field(
            "archival.organ_name",
            "Cơ quan ban hành",
            &segs[*only].text,
            &[&segs[*only]],
        )),
        [parent, rest @ ..] => {
            ex.fields.push(field(
                "parent_organ",
                "Cơ quan chủ quản",
                &segs[*parent].text,
                &[&segs[*parent]],
            ));
            let parts: Vec<&Segment> = rest.iter().map(|&i| &segs[i]).collect();
            ex.fields
                .push(joined_field("archival.organ_name", "Cơ quan ban hành", &parts));
        }
    }

    // Type name and summary, or a letter's "V/v".
    let after = number_at.map_or(0, |i| i + 1);
    let type_folded: Vec<String> = profile.type_names.iter().map(|t| fold(t)).collect();
    let type_at = (after..segs.len())
        .find(|&i| is_upper(&segs[i].text) && type_folded.iter().any(|t| folded[i].trim() == t.as_str()));
    let vv_at = (after..segs.len()).find(|&i| folded[i].starts_with("v/v") || folded[i].starts_with("v/v."));
    let stops = |i: usize| {
        profile
            .summary_stop
            .iter()
            .any(|s| folded[i].starts_with(s.as_str()))
            || is_title(i)
            || date_re.is_match(&folded[i])
    };
    if let Some(t) = type_at {
        let name = sentence_case(&segs[t].text);
        ex.fields.push(field(
            "archival.type_name",
            "Tên loại văn bản",
            &segs[t].text,
            &[&segs[t]],
        ));
        ex.fields
            .push(field("doc_name", "Tên giấy tờ", &name, &[&segs[t]]));
        let mut parts: Vec<&Segment> = Vec::new();
        for (i, seg) in segs.iter().enumerate().take(t + 4).skip(t + 1) {
            if stops(i) {
                break;
            }
            parts.push(seg);
            if !seg.text.ends_with(|c: char| c.is_alphabetic() || c == ',') {
                break;
            }
        }
        if !parts.is_empty() {
            ex.fields
                .push(joined_field("summary", "Trích yếu nội dung", &parts));
        }
    } else if let Some(v) = vv_at {
        ex.fields
            .push(field("doc_name", "Tên giấy tờ", "Công văn", &[&segs[v]]));
        let mut parts: Vec<&Segment> = vec![&segs[v]];
        for (i, seg) in segs.iter().enumerate().take(v + 3).skip(v + 1) {
            if stops(i) || is_upper(&seg.text) || !seg.maybe_left(page_width) {
                break;
            }
            parts.push(seg);
        }
        ex.fields
            .push(joined_field("summary", "Trích yếu nội dung", &parts));
    }

    signer(&mut ex, segs, &folded, page_width, profile);
    for key in ["archival.code_number", "archival.issued_date", "doc_name"] {
        if ex.get(key).is_none() {
            ex.issues.push(Issue::new(
                "admin.field_missing",
                format!("Không tìm thấy «{key}» trong phần đầu văn bản."),
            ));
        }
    }
    ex
}

/// The signer block: a `TM.`/`KT.`-style line (or a position in capitals) in the right half
/// after the body, then the name as the last mixed-case line of that block.
fn signer(ex: &mut Extraction, segs: &[Segment], folded: &[String], width: u32, p: &AdminProfile) {
    let start = segs.len() / 3;
    let Some(pos_at) = (start..segs.len()).rev().find(|&i| {
        segs[i].maybe_right(width)
            && is_upper(&segs[i].text)
            && p.signer_prefixes
                .iter()
                .any(|pre| segs[i].text.starts_with(pre.as_str()))
    }) else {
        return;
    };
    // A prefix line (`KT. GIÁM ĐỐC`) may be followed by the actual position (`PHÓ GIÁM ĐỐC`).
    let mut first = pos_at;
    while first > start
        && is_upper(&segs[first - 1].text)
        && segs[first - 1].maybe_right(width)
        && p.signer_prefixes
            .iter()
            .any(|pre| segs[first - 1].text.starts_with(pre.as_str()))
    {
        first -= 1;
    }
    let pos: Vec<&Segment> = (first..=pos_at).map(|i| &segs[i]).collect();
    ex.fields
        .push(joined_field("archival.signer_position", "Chức vụ người ký", &pos));
    let name = (pos_at + 1..segs.len()).find(|&i| {
        segs[i].maybe_right(width)
            && !is_upper(&segs[i].text)
            && !folded[i].starts_with('(')
            && segs[i].text.split_whitespace().count() >= 2
            && segs[i]
                .text
                .split_whitespace()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
    });
    if let Some(n) = name {
        let mut f = field(
            "archival.signer_name",
            "Họ và tên người ký",
            &segs[n].text,
            &[&segs[n]],
        );
        super::checks::check_name(&mut f);
        ex.fields.push(f);
    }
}
