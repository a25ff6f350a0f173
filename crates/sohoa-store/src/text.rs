//! Timestamps, NFC and name rules shared by the modules.

use chrono::{DateTime, FixedOffset, Offset, SecondsFormat, Utc};
use unicode_normalization::{UnicodeNormalization, is_nfc};

use crate::StoreError;

/// Vietnam time (UTC+7, no DST): officers read these times, and Decree 30 stamps use this zone.
pub(crate) fn vn_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| Utc.fix())
}

/// RFC 3339, millisecond precision, `+07:00`: a fixed width and one offset, so string order is time order.
pub(crate) fn format_ts(t: DateTime<FixedOffset>) -> String {
    t.with_timezone(&vn_offset())
        .to_rfc3339_opts(SecondsFormat::Millis, false)
}

pub(crate) fn now_ts() -> String {
    format_ts(Utc::now().fixed_offset())
}

pub(crate) fn nfc(s: &str) -> String {
    if is_nfc(s) {
        s.to_owned()
    } else {
        s.nfc().collect()
    }
}

pub(crate) fn nfc_opt(s: &Option<String>) -> Option<String> {
    s.as_deref().map(nfc)
}

/// Normalises every string (keys included) inside a JSON value, so that metadata typed in an old
/// TCVN-era tool matches what OCR produced.
pub(crate) fn nfc_json(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(nfc(s)),
        Value::Array(items) => Value::Array(items.iter().map(nfc_json).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (nfc(k), nfc_json(v))).collect()),
        other => other.clone(),
    }
}

/// Display names of version files end up in exports and on other systems' file systems: refuse anything
/// that could act as a path or confuse a terminal.
pub(crate) fn validate_file_name(name: &str) -> Result<(), StoreError> {
    let bad = |reason| {
        Err(StoreError::InvalidName {
            name: name.to_owned(),
            reason,
        })
    };
    if name.is_empty() {
        return bad("the name is empty");
    }
    if name.len() > 255 {
        return bad("the name is longer than 255 bytes");
    }
    if name.contains('/') || name.contains('\\') {
        return bad("the name contains a path separator");
    }
    if name.chars().any(char::is_control) {
        return bad("the name contains a control character");
    }
    if name == "." || name == ".." {
        return bad("the name is a relative path component");
    }
    if name.trim() != name || name.trim().is_empty() {
        return bad("the name starts or ends with white space");
    }
    if !is_nfc(name) {
        return bad("the name is not in Unicode NFC");
    }
    Ok(())
}

/// Text fields that identify something (kind, media type, actor): non-empty, single line.
pub(crate) fn validate_label(field: &'static str, value: &str) -> Result<(), StoreError> {
    if value.trim().is_empty() {
        return Err(StoreError::InvalidInput {
            field,
            reason: "must not be empty".to_owned(),
        });
    }
    if value.chars().any(char::is_control) || value.len() > 255 {
        return Err(StoreError::InvalidInput {
            field,
            reason: "must be one line of at most 255 bytes".to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_vietnam_time_with_millis() {
        let t = DateTime::parse_from_rfc3339("2026-11-21T02:15:02.5Z").unwrap();
        assert_eq!(format_ts(t), "2026-11-21T09:15:02.500+07:00");
        let now = now_ts();
        assert_eq!(now.len(), "2026-11-21T09:15:02.500+07:00".len());
        assert!(now.ends_with("+07:00"), "{now}");
    }

    #[test]
    fn names_that_could_act_as_paths_are_refused() {
        let long = "a".repeat(256);
        for bad in [
            "",
            "..",
            ".",
            "a/b",
            "..\\x",
            "../etc/passwd",
            "a\0b",
            "a\nb",
            "\u{7}",
            " x",
            &long,
        ] {
            let err = validate_file_name(bad).unwrap_err();
            assert_eq!(err.code(), "store.invalid_name", "{bad:?}");
        }
        let nfd = "Nguye\u{302}\u{303}n.png";
        assert!(validate_file_name(nfd).is_err());
        for good in [
            "trang-001.png",
            "Nguyễn Văn A.jpg",
            "..hidden",
            "a..b.pdf",
            &"ễ".repeat(85),
        ] {
            validate_file_name(good).unwrap();
        }
    }

    #[test]
    fn json_strings_and_keys_become_nfc() {
        let v = serde_json::json!({"te\u{302}n": ["Nguye\u{302}\u{303}n", 1, null]});
        let n = nfc_json(&v);
        assert_eq!(n, serde_json::json!({"tên": ["Nguyễn", 1, null]}));
    }
}
