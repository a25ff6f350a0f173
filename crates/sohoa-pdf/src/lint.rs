//! In-house PDF/A-2b lint: the rules of ISO 19005-2 level b that our writer and signer rely on, checked
//! on any file (veraPDF needs Java, which the desk machines do not have). Not a full validator: it
//! reports what it checked, so a pass means "these rules hold", never "certified PDF/A".

use lopdf::{Dictionary, Document, Object};
use serde::Serialize;

/// One broken rule; `rule` names the ISO 19005-2 clause.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Violation {
    pub rule: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LintReport {
    pub checked: Vec<&'static str>,
    pub violations: Vec<Violation>,
}

impl LintReport {
    pub fn ok(&self) -> bool {
        self.violations.is_empty()
    }
}

pub const RULES: &[&str] = &[
    "6.1.2 header: %PDF-1.x (x<=7) and a binary comment line",
    "6.1.3 trailer: /ID present, no /Encrypt; nothing but EOL after the last %%EOF",
    "6.1.7 streams: no external /F, /FFilter, /FDecodeParms; no LZWDecode or Crypt filter",
    "6.2.2 output intent: GTS_PDFA1 with an embedded ICC profile whose /N matches its header",
    "6.2.8 images: no /Alternates, /OPI, /Interpolate true; no JBIG2 (project rule: no lossy risk)",
    "6.2.11 fonts: every font embedded; Type0 descendant CIDFontType2 has /CIDToGIDMap; ToUnicode present",
    "6.3 annotations: print flag set, not hidden/invisible/noview, appearance only /N",
    "6.5/6.6 actions: no JavaScript, Launch, /AA, embedded files",
    "6.6.2 metadata: catalog /Metadata unfiltered XMP with pdfaid part 2 conformance B; custom namespaces declared",
];

fn v(out: &mut Vec<Violation>, rule: &'static str, message: impl Into<String>) {
    out.push(Violation {
        rule,
        message: message.into(),
    });
}

fn name_list(obj: Option<&Object>, doc: &Document) -> Vec<Vec<u8>> {
    let obj = obj.map(|o| deref(doc, o));
    match obj {
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| deref(doc, o).as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        _ => vec![],
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

fn check_dict(doc: &Document, d: &Dictionary, out: &mut Vec<Violation>) {
    if d.has(b"JS")
        || matches!(
            d.get(b"S").and_then(Object::as_name),
            Ok(b"JavaScript" | b"Launch")
        )
    {
        v(out, "6.5", "JavaScript or Launch action");
    }
    if d.has(b"AA") {
        v(out, "6.5", "additional actions (/AA)");
    }
    if d.has(b"EmbeddedFiles") {
        v(out, "6.8", "embedded files");
    }
    match d.get(b"Type").and_then(Object::as_name) {
        Ok(b"Annot") => check_annot(d, out),
        Ok(b"ExtGState") if d.has(b"TR") => v(out, "6.2.5", "transfer function (/TR) in a graphics state"),
        _ => {}
    }
    if matches!(
        d.get(b"Subtype").and_then(Object::as_name),
        Ok(b"Widget" | b"Text" | b"FreeText" | b"Link")
    ) && !d.has(b"Type")
    {
        check_annot(d, out);
    }
    if matches!(d.get(b"Type").and_then(Object::as_name), Ok(b"FontDescriptor"))
        && !(d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"))
    {
        v(
            out,
            "6.2.11.4",
            format!(
                "font {} not embedded",
                String::from_utf8_lossy(d.get(b"FontName").and_then(Object::as_name).unwrap_or(b"?"))
            ),
        );
    }
    if matches!(d.get(b"Subtype").and_then(Object::as_name), Ok(b"CIDFontType2")) && !d.has(b"CIDToGIDMap") {
        v(out, "6.2.11.3.2", "CIDFontType2 without /CIDToGIDMap");
    }
    if matches!(
        d.get(b"Subtype").and_then(Object::as_name),
        Ok(b"Type0" | b"TrueType" | b"Type1")
    ) && d.has(b"BaseFont")
        && !d.has(b"ToUnicode")
    {
        v(out, "6.2.11.7", "font without ToUnicode (text would not copy)");
    }
    let _ = doc;
}

fn check_annot(d: &Dictionary, out: &mut Vec<Violation>) {
    let flags = d.get(b"F").and_then(Object::as_i64).unwrap_or(0);
    if flags & 4 == 0 || flags & (1 | 2 | 32) != 0 {
        v(
            out,
            "6.3.2",
            format!("annotation flags {flags}: print must be set, hidden/invisible/noview clear"),
        );
    }
    if let Ok(Object::Dictionary(ap)) = d.get(b"AP") {
        if ap.has(b"D") || ap.has(b"R") {
            v(out, "6.3.3", "annotation appearance with /D or /R");
        }
    }
}

fn check_stream(doc: &Document, s: &lopdf::Stream, out: &mut Vec<Violation>) {
    let d = &s.dict;
    check_dict(doc, d, out);
    if d.has(b"F") || d.has(b"FFilter") || d.has(b"FDecodeParms") {
        v(out, "6.1.7.1", "stream refers to an external file");
    }
    for f in name_list(d.get(b"Filter").ok(), doc) {
        match f.as_slice() {
            b"LZWDecode" => v(out, "6.1.7.2", "LZW filter"),
            b"Crypt" => v(out, "6.1.7.2", "Crypt filter"),
            b"JBIG2Decode" => v(
                out,
                "project",
                "JBIG2 image (not allowed here: lossy substitution risk)",
            ),
            _ => {}
        }
    }
    if matches!(d.get(b"Subtype").and_then(Object::as_name), Ok(b"Image")) {
        if d.has(b"Alternates") || d.has(b"OPI") {
            v(out, "6.2.8", "image with /Alternates or /OPI");
        }
        if matches!(d.get(b"Interpolate"), Ok(Object::Boolean(true))) {
            v(out, "6.2.8", "image with /Interpolate true");
        }
    }
    if d.has(b"OPI") || matches!(d.get(b"Subtype").and_then(Object::as_name), Ok(b"PS")) {
        v(out, "6.2.9", "PostScript XObject or OPI");
    }
}

fn check_metadata(doc: &Document, catalog: &Dictionary, out: &mut Vec<Violation>) {
    let Some(stream) = catalog
        .get(b"Metadata")
        .ok()
        .and_then(|o| o.as_reference().ok())
        .and_then(|id| doc.get_object(id).ok())
        .and_then(|o| o.as_stream().ok())
    else {
        return v(out, "6.6.2.1", "catalog has no /Metadata stream");
    };
    if stream.dict.has(b"Filter") {
        v(out, "6.6.2.1", "metadata stream is filtered");
    }
    let xmp = String::from_utf8_lossy(&stream.content);
    let part = xmp.contains("<pdfaid:part>2</pdfaid:part>") || xmp.contains("pdfaid:part=\"2\"");
    let conf = xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>")
        || xmp.contains("pdfaid:conformance=\"B\"");
    if !(part && conf) {
        v(out, "6.6.4", "XMP lacks pdfaid:part 2 / conformance B");
    }
    if xmp.contains(crate::xmp::SOHOA_NS)
        && !xmp.contains(&format!(
            "<pdfaSchema:namespaceURI>{}</pdfaSchema:namespaceURI>",
            crate::xmp::SOHOA_NS
        ))
    {
        v(
            out,
            "6.6.2.3",
            "SoHoa namespace used without a PDF/A extension schema",
        );
    }
}

fn check_output_intent(doc: &Document, catalog: &Dictionary, out: &mut Vec<Violation>) {
    let intents = match catalog.get(b"OutputIntents").map(|o| deref(doc, o)) {
        Ok(Object::Array(a)) => a.clone(),
        _ => return v(out, "6.2.3", "no /OutputIntents (device colours need one)"),
    };
    let mut found = false;
    for i in &intents {
        let Ok(d) = deref(doc, i).as_dict() else { continue };
        if !matches!(d.get(b"S").and_then(Object::as_name), Ok(b"GTS_PDFA1")) {
            continue;
        }
        found = true;
        let Some(icc) = d
            .get(b"DestOutputProfile")
            .ok()
            .and_then(|o| o.as_reference().ok())
            .and_then(|id| doc.get_object(id).ok())
            .and_then(|o| o.as_stream().ok())
        else {
            v(
                out,
                "6.2.3",
                "GTS_PDFA1 output intent without an embedded ICC profile",
            );
            continue;
        };
        let data = icc.decompressed_content().unwrap_or_else(|_| icc.content.clone());
        let n = icc.dict.get(b"N").and_then(Object::as_i64).unwrap_or(0);
        let space = data.get(16..20).unwrap_or_default();
        let expect = match space {
            b"RGB " => 3,
            b"GRAY" => 1,
            b"CMYK" => 4,
            _ => -1,
        };
        if n != expect {
            v(
                out,
                "6.2.3",
                format!("ICC profile /N {n} does not match its colour space"),
            );
        }
        if data.get(8).copied().unwrap_or(0) > 4 {
            v(out, "6.2.3", "ICC profile newer than version 4");
        }
    }
    if !found {
        v(out, "6.2.3", "no GTS_PDFA1 output intent");
    }
}

/// Checks `bytes` against [`RULES`].
pub fn lint(bytes: &[u8]) -> LintReport {
    let mut out = Vec::new();
    let header_ok = bytes.len() > 15
        && bytes.starts_with(b"%PDF-1.")
        && (b'0'..=b'7').contains(&bytes[7])
        && matches!(bytes.get(8), Some(b'\n' | b'\r'));
    if !header_ok {
        v(&mut out, "6.1.2", "header is not %PDF-1.0 … %PDF-1.7");
    }
    let second = bytes
        .iter()
        .position(|&b| b == b'\n')
        .map(|p| &bytes[p + 1..])
        .unwrap_or_default();
    if !(second.first() == Some(&b'%') && second.get(1..5).is_some_and(|b| b.iter().all(|&c| c >= 128))) {
        v(&mut out, "6.1.2", "no binary comment line after the header");
    }
    let tail_ok = bytes
        .windows(5)
        .rposition(|w| w == b"%%EOF")
        .is_some_and(|p| bytes[p + 5..].iter().all(|&b| b == b'\r' || b == b'\n'));
    if !tail_ok {
        v(&mut out, "6.1.3", "data after the last %%EOF");
    }
    let doc = match Document::load_mem(bytes) {
        Ok(d) => d,
        Err(e) => {
            v(&mut out, "6.1", format!("cannot parse: {e}"));
            return LintReport {
                checked: RULES.to_vec(),
                violations: out,
            };
        }
    };
    if !matches!(doc.trailer.get(b"ID"), Ok(Object::Array(a)) if a.len() == 2) {
        v(&mut out, "6.1.3", "trailer has no /ID");
    }
    if doc.trailer.has(b"Encrypt") {
        v(&mut out, "6.1.3", "document is encrypted");
    }
    match doc.catalog() {
        Ok(cat) => {
            if cat.has(b"OpenAction") || cat.has(b"AA") {
                v(&mut out, "6.5", "catalog has /OpenAction or /AA");
            }
            check_metadata(&doc, cat, &mut out);
            check_output_intent(&doc, cat, &mut out);
        }
        Err(e) => v(&mut out, "6.1", format!("no catalog: {e}")),
    }
    for obj in doc.objects.values() {
        match obj {
            Object::Dictionary(d) => check_dict(&doc, d, &mut out),
            Object::Stream(s) => check_stream(&doc, s, &mut out),
            _ => {}
        }
    }
    out.sort_by(|a, b| (a.rule, &a.message).cmp(&(b.rule, &b.message)));
    out.dedup();
    LintReport {
        checked: RULES.to_vec(),
        violations: out,
    }
}
