//! Schema-1 rules beyond JSON shape. The desk checks its own messages with the same code the vault runs,
//! so a message the vault would refuse is caught before it is queued.

use chrono::{DateTime, NaiveDate};
use unicode_normalization::is_nfc;

use crate::protocol::{
    MAX_FILES, MessageOwner, OwnerType, SCHEMA_VERSION, SchemaError, VaultMessage, schema_error as bad,
};

/// Largest single file a message may declare (the server may set a lower limit).
pub const MAX_FILE_SIZE: u64 = 2 * 1024 * 1024 * 1024;

/// Media types a vault document may consist of.
pub const MEDIA_TYPES: [&str; 4] = ["application/pdf", "image/png", "image/jpeg", "image/tiff"];

const KINDS: [&str; 4] = ["result", "residence", "id-card", "info-only"];

pub fn validate(m: &VaultMessage) -> Result<(), SchemaError> {
    let e = &m.envelope;
    if e.schema_version != SCHEMA_VERSION {
        return Err(bad(
            "envelope.schema_version",
            format!(
                "version {} is not supported (expected {SCHEMA_VERSION})",
                e.schema_version
            ),
        ));
    }
    uuid("envelope.message_id", &e.message_id)?;
    timestamp_vn("envelope.created_at", &e.created_at)?;
    label("envelope.sender.agency_code", &e.sender.agency_code, 40)?;
    label("envelope.sender.workstation", &e.sender.workstation, 64)?;
    label("envelope.sender.officer", &e.sender.officer, 64)?;
    if let Some(a) = &e.audit_anchor {
        hex64("envelope.audit_anchor.hash", &a.hash)?;
    }
    owner(&m.owner)?;
    document(m)?;
    files(m)?;
    if let Some(sig) = &m.signature {
        label("signature.format", &sig.format, 20)?;
        if sig.format != "PAdES" {
            return Err(bad("signature.format", "only PAdES is accepted"));
        }
        for (name, v) in [
            ("signature.sub_filter", &sig.sub_filter),
            ("signature.signer", &sig.signer),
            ("signature.certificate_serial", &sig.certificate_serial),
            ("signature.issuer", &sig.issuer),
        ] {
            opt_text(name, v, 500)?;
        }
        if let Some(t) = &sig.signing_time {
            DateTime::parse_from_rfc3339(t).map_err(|e| bad("signature.signing_time", e.to_string()))?;
        }
        for o in &sig.signed_files {
            if !m.files.iter().any(|f| f.ordinal == *o) {
                return Err(bad("signature.signed_files", format!("no file with ordinal {o}")));
            }
        }
    }
    Ok(())
}

fn owner(o: &MessageOwner) -> Result<(), SchemaError> {
    opt_text("owner.name", &o.name, 200)?;
    match &o.id_number {
        Some(id) => {
            let ok_len = (6..=20).contains(&id.len());
            if !ok_len || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(bad("owner.id_number", "6 to 20 letters, digits or '-'"));
            }
            if o.owner_type == OwnerType::Person
                && o.id_kind.as_deref() == Some("personal-id")
                && !(id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(bad("owner.id_number", "a personal ID has 12 digits"));
            }
        }
        None => {
            if o.owner_type == OwnerType::Organisation {
                return Err(bad("owner.id_number", "an organisation needs its code"));
            }
            if o.name.is_none()
                || o.birth_year.is_none()
                || o.id_issue_date.is_none()
                || o.id_issuer.is_none()
            {
                return Err(bad(
                    "owner",
                    "a person without an ID number needs name, birth_year, id_issue_date and id_issuer",
                ));
            }
        }
    }
    if let Some(k) = &o.id_kind
        && !["personal-id", "cmnd", "passport", "tax-code"].contains(&k.as_str())
    {
        return Err(bad("owner.id_kind", "personal-id, cmnd, passport or tax-code"));
    }
    if let Some(d) = &o.id_issue_date {
        date("owner.id_issue_date", d)?;
    }
    if let Some(y) = o.birth_year
        && !(1850..=2200).contains(&y)
    {
        return Err(bad("owner.birth_year", "out of range"));
    }
    opt_text("owner.id_issuer", &o.id_issuer, 200)
}

fn document(m: &VaultMessage) -> Result<(), SchemaError> {
    let d = &m.document;
    if !KINDS.contains(&d.record_kind.as_str()) {
        return Err(bad(
            "document.record_kind",
            "result, residence, id-card or info-only",
        ));
    }
    uuid("document.record_id", &d.record_id)?;
    if d.type_code.is_empty()
        || d.type_code.len() > 50
        || !d
            .type_code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    {
        return Err(bad(
            "document.type_code",
            "1 to 50 letters, digits, '.', '_' or '-'",
        ));
    }
    match (&m.owner.id_number, &d.storage_key) {
        (Some(id), Some(key)) if *key == format!("{id}.{}", d.type_code) => {}
        (Some(_), _) => return Err(bad("document.storage_key", "must be <owner id>.<type code>")),
        (None, Some(_)) => {
            return Err(bad(
                "document.storage_key",
                "an owner without an ID has no storage key",
            ));
        }
        (None, None) => {}
    }
    opt_text("document.name", &d.name, 500)?;
    opt_text("document.summary", &d.summary, 2000)?;
    opt_text("document.scope", &d.scope, 500)?;
    opt_text("document.procedure_code", &d.procedure_code, 30)?;
    let from = d
        .valid_from
        .as_deref()
        .map(|s| date("document.valid_from", s))
        .transpose()?;
    let to = d
        .valid_to
        .as_deref()
        .map(|s| date("document.valid_to", s))
        .transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(bad("document.valid_to", "ends before it starts"));
    }
    if d.valid_indefinite && to.is_some() {
        return Err(bad("document.valid_to", "an indefinite validity has no end date"));
    }
    for (k, v) in d.archival.iter().chain(d.details.iter()) {
        json_text(&format!("document.{k}"), v, 0)?;
    }
    Ok(())
}

fn files(m: &VaultMessage) -> Result<(), SchemaError> {
    if m.files.len() > MAX_FILES {
        return Err(bad("files", format!("more than {MAX_FILES} files")));
    }
    let info_only = m.document.record_kind == "info-only";
    if info_only && !m.files.is_empty() {
        return Err(bad("files", "an information-only record has no files"));
    }
    if !info_only && m.files.is_empty() {
        return Err(bad("files", "a digitized document needs at least one file"));
    }
    for (i, f) in m.files.iter().enumerate() {
        let at = format!("files[{i}]");
        if f.ordinal as usize != i + 1 {
            return Err(bad(format!("{at}.ordinal"), "ordinals run 1, 2, 3 … in order"));
        }
        file_name(&format!("{at}.name"), &f.name)?;
        if !MEDIA_TYPES.contains(&f.media_type.as_str()) {
            return Err(bad(format!("{at}.media_type"), "PDF, PNG, JPEG or TIFF"));
        }
        if f.size == 0 || f.size > MAX_FILE_SIZE {
            return Err(bad(format!("{at}.size"), "empty or too large"));
        }
        hex64(&format!("{at}.sha256"), &f.sha256)?;
    }
    Ok(())
}

/// A display name that can never act as a path on any system the file may reach.
pub fn file_name(field: &str, name: &str) -> Result<(), SchemaError> {
    if name.is_empty() || name.len() > 255 {
        return Err(bad(field, "1 to 255 bytes"));
    }
    if name == "." || name == ".." || name.contains("..") {
        return Err(bad(field, "'..' is not allowed in a file name"));
    }
    if name
        .chars()
        .any(|c| c.is_control() || matches!(c, '/' | '\\' | ':' | '\0'))
    {
        return Err(bad(
            field,
            "no path separators, drive letters or control characters",
        ));
    }
    if !is_nfc(name) {
        return Err(bad(field, "must be Unicode NFC"));
    }
    Ok(())
}

fn uuid(field: &str, s: &str) -> Result<(), SchemaError> {
    match uuid::Uuid::parse_str(s) {
        Ok(u) if u.hyphenated().to_string() == s => Ok(()),
        _ => Err(bad(field, "a lowercase hyphenated UUID")),
    }
}

fn timestamp_vn(field: &str, s: &str) -> Result<(), SchemaError> {
    let t = DateTime::parse_from_rfc3339(s).map_err(|e| bad(field, e.to_string()))?;
    if t.offset().local_minus_utc() != 7 * 3600 {
        return Err(bad(field, "must carry the Vietnam offset +07:00"));
    }
    Ok(())
}

fn date(field: &str, s: &str) -> Result<NaiveDate, SchemaError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad(field, "a date YYYY-MM-DD"))
}

fn hex64(field: &str, s: &str) -> Result<(), SchemaError> {
    if s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(bad(field, "64 lowercase hex digits"))
    }
}

fn label(field: &str, s: &str, max: usize) -> Result<(), SchemaError> {
    if s.trim().is_empty() {
        return Err(bad(field, "required"));
    }
    text(field, s, max)
}

fn opt_text(field: &str, s: &Option<String>, max: usize) -> Result<(), SchemaError> {
    s.as_deref().map_or(Ok(()), |s| text(field, s, max))
}

fn text(field: &str, s: &str, max: usize) -> Result<(), SchemaError> {
    if s.chars().count() > max {
        return Err(bad(field, format!("longer than {max} characters")));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(bad(field, "control characters"));
    }
    if !is_nfc(s) {
        return Err(bad(field, "must be Unicode NFC"));
    }
    Ok(())
}

/// Free-form sections: every string NFC and bounded, nesting bounded.
fn json_text(field: &str, v: &serde_json::Value, depth: u32) -> Result<(), SchemaError> {
    if depth > 8 {
        return Err(bad(field, "nested too deeply"));
    }
    match v {
        serde_json::Value::String(s) => text(field, s, 2000),
        serde_json::Value::Array(items) => items.iter().try_for_each(|i| json_text(field, i, depth + 1)),
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, i)| {
            text(field, k, 100)?;
            json_text(field, i, depth + 1)
        }),
        _ => Ok(()),
    }
}
