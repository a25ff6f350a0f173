//! The XMP packet: PDF/A identification, Dublin Core, and the record's fields in the SoHoa schema.
//!
//! PDF/A-2 only accepts properties of predefined schemas unless the packet itself declares the extra
//! schema (`pdfaExtension:schemas`, ISO 19005-2 §6.6.2.3); the declaration below lists every property we
//! write, so a validator can check each one.

use crate::DocumentMeta;

pub const SOHOA_NS: &str = "https://sohoa-desk.invalid/ns/record/1.0/";
pub const PRODUCER: &str = concat!("SoHoa Desk sohoa-pdf ", env!("CARGO_PKG_VERSION"));

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// XML-safe property name for a record field key (`owner_id` stays, `số` → `s_`).
pub fn property_name(key: &str) -> String {
    let mut name: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert(0, 'f');
    }
    name
}

fn property_decl(name: &str, description: &str) -> String {
    format!(
        "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{}</pdfaProperty:name>\
         <pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>\
         <pdfaProperty:description>{}</pdfaProperty:description></rdf:li>\n",
        escape(name),
        escape(description)
    )
}

/// The complete packet (UTF-8, with padding so a later tool can update it in place).
pub fn packet(meta: &DocumentMeta, created: &str, document_id: &str) -> Vec<u8> {
    let lang = meta.lang.as_deref().unwrap_or("vi-VN");
    let mut record_props = String::new();
    let mut decls = String::new();
    if let Some(id) = &meta.record_id {
        record_props.push_str(&format!("<sohoa:recordId>{}</sohoa:recordId>\n", escape(id)));
        decls.push_str(&property_decl("recordId", "SoHoa Desk record identifier"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (k, v) in &meta.record {
        let name = property_name(k);
        if name == "recordId" || !seen.insert(name.clone()) {
            continue;
        }
        record_props.push_str(&format!("<sohoa:{name}>{}</sohoa:{name}>\n", escape(v)));
        decls.push_str(&property_decl(&name, &format!("Record field {k}")));
    }
    let extension = if decls.is_empty() {
        String::new()
    } else {
        format!(
            "<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
             xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n\
             <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n\
             <pdfaSchema:schema>SoHoa Desk record metadata</pdfaSchema:schema>\n\
             <pdfaSchema:namespaceURI>{SOHOA_NS}</pdfaSchema:namespaceURI>\n\
             <pdfaSchema:prefix>sohoa</pdfaSchema:prefix>\n\
             <pdfaSchema:property><rdf:Seq>\n{decls}</rdf:Seq></pdfaSchema:property>\n\
             </rdf:li></rdf:Bag></pdfaExtension:schemas>\n</rdf:Description>\n\
             <rdf:Description rdf:about=\"\" xmlns:sohoa=\"{SOHOA_NS}\">\n{record_props}</rdf:Description>\n"
        )
    };
    let description = meta
        .description
        .as_deref()
        .map(|d| format!("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n", escape(d)))
        .unwrap_or_default();
    let creator = meta
        .creator
        .as_deref()
        .map(|c| {
            format!(
                "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
                escape(c)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n\
<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n</rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n\
<dc:format>application/pdf</dc:format>\n\
<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n{description}{creator}\
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n</rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n\
<xmp:CreateDate>{created}</xmp:CreateDate>\n<xmp:ModifyDate>{created}</xmp:ModifyDate>\n\
<xmp:MetadataDate>{created}</xmp:MetadataDate>\n<xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>\n</rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n<pdf:Producer>{PRODUCER}</pdf:Producer>\n</rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\">\n\
<xmpMM:DocumentID>uuid:{document_id}</xmpMM:DocumentID>\n<xmpMM:InstanceID>uuid:{document_id}</xmpMM:InstanceID>\n</rdf:Description>\n\
{extension}</rdf:RDF>\n</x:xmpmeta>\n",
        title = escape(&meta.title),
        lang = escape(lang),
    );
    let mut out = body.into_bytes();
    for _ in 0..20 {
        out.extend_from_slice(&[b' '; 99]);
        out.push(b'\n');
    }
    out.extend_from_slice(b"<?xpacket end=\"w\"?>");
    out
}
