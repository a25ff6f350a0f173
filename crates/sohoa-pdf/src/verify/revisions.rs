//! What happened after a signed revision: nothing, validation data only (DSS, timestamps — what B-LT
//! and B-LTA add, and what DocMDP P=2 allows), or real modifications of the signed content.

use lopdf::{Document, Object};
use x509_cert::Certificate;

/// Certificates stored in the catalog's /DSS.
pub fn dss_certs(doc: &Document) -> Vec<Certificate> {
    let Ok(cat) = doc.catalog() else { return vec![] };
    let dss = match cat.get(b"DSS") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok(),
        Ok(Object::Dictionary(d)) => Some(d),
        _ => None,
    };
    let Some(Ok(Object::Array(certs))) = dss.map(|d| d.get(b"Certs")) else {
        return vec![];
    };
    certs
        .iter()
        .filter_map(|o| o.as_reference().ok())
        .filter_map(|id| doc.get_object(id).ok()?.as_stream().ok())
        .filter_map(|s| {
            <Certificate as der::Decode>::from_der(
                &s.decompressed_content().unwrap_or_else(|_| s.content.clone()),
            )
            .ok()
        })
        .collect()
}

/// Classifies the bytes after `end` (the end of a signed revision).
pub fn changes_after(bytes: &[u8], end: usize) -> (String, Vec<String>) {
    if bytes.len() <= end || bytes[end..].iter().all(u8::is_ascii_whitespace) {
        return ("none".into(), vec![]);
    }
    let (Ok(old), Ok(new)) = (Document::load_mem(&bytes[..end]), Document::load_mem(bytes)) else {
        return ("modified".into(), vec!["unparseable later revision".into()]);
    };
    let root = old.trailer.get(b"Root").and_then(Object::as_reference).ok();
    let mut changed = Vec::new();
    let mut disallowed = false;
    for (id, obj) in &new.objects {
        let before = old.objects.get(id);
        if before.map(|b| format!("{b:?}")) == Some(format!("{obj:?}")) {
            continue;
        }
        let kind = match (before, obj) {
            (None, Object::Stream(_)) => "new stream",
            (None, Object::Dictionary(d))
                if d.has(b"Certs") || d.has(b"VRI") || d.has(b"OCSPs") || d.has(b"CRLs") =>
            {
                "new DSS"
            }
            (None, Object::Dictionary(d))
                if matches!(
                    d.get(b"Type").and_then(Object::as_name),
                    Ok(b"Sig" | b"DocTimeStamp")
                ) =>
            {
                "new signature"
            }
            (None, _) => "new object",
            (Some(Object::Dictionary(a)), Object::Dictionary(b)) if Some(*id) == root => {
                let mut a2 = a.clone();
                let mut b2 = b.clone();
                a2.remove(b"DSS");
                b2.remove(b"DSS");
                if format!("{a2:?}") == format!("{b2:?}") {
                    "catalog: DSS"
                } else {
                    "catalog changed"
                }
            }
            _ => "changed",
        };
        if !matches!(
            kind,
            "new stream" | "new DSS" | "catalog: DSS" | "new object" | "new signature"
        ) {
            disallowed = true;
        }
        changed.push(format!("{} {}: {kind}", id.0, id.1));
    }
    let verdict = if disallowed { "modified" } else { "validation-data" };
    (verdict.into(), changed)
}
