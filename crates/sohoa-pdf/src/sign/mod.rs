//! PAdES signing as an incremental update: the original bytes are never rewritten; the signed revision
//! appends the copy stamp (the widget's appearance), the signature dictionary with a reserved /Contents,
//! the field, the updated page and AcroForm, and a classic xref section chained by /Prev.

pub mod certcheck;
pub mod cms;
pub mod ltv;
pub mod objwrite;
pub mod stamp;
pub mod tsa;

use lopdf::{Dictionary, Document, Object, dictionary};
use serde::Serialize;
use sha2::Digest as _;
use sohoa_sign::Signer;

use crate::PdfError;
use objwrite::Update;

/// Copy forms of Decree 30/2020, art. 25.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CopyForm {
    #[default]
    SaoY,
    SaoLuc,
    TrichSao,
}

impl CopyForm {
    pub fn label(self) -> &'static str {
        match self {
            CopyForm::SaoY => "SAO Y",
            CopyForm::SaoLuc => "SAO LỤC",
            CopyForm::TrichSao => "TRÍCH SAO",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SignOptions {
    /// The copying agency's name shown in the stamp.
    pub agency: String,
    pub copy_form: CopyForm,
    /// RFC 3161 TSA; `None` signs at B-B (offline desks), upgraded later.
    pub tsa_url: Option<String>,
    /// Signing time; `None` = now (Vietnam time). The stamp shows exactly this instant, as does /M.
    pub time: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// PAdES baseline level reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Level {
    #[serde(rename = "B-B")]
    BB,
    #[serde(rename = "B-T")]
    BT,
    #[serde(rename = "B-LT")]
    BLT,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::BB => "B-B",
            Level::BT => "B-T",
            Level::BLT => "B-LT",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SignOutcome {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub level: Level,
    /// ISO 8601 with +07:00, as shown in the stamp.
    pub signing_time: String,
    pub field: String,
    pub signer: String,
    pub cms_bytes: usize,
    pub reserved_bytes: usize,
}

/// The last `startxref` value of a file.
pub fn last_startxref(bytes: &[u8]) -> Result<usize, PdfError> {
    let pos = bytes
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or_else(|| PdfError::Parse("no startxref".into()))?;
    let tail = &bytes[pos + 9..];
    let digits: String = tail
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    digits
        .parse()
        .map_err(|_| PdfError::Parse("bad startxref".into()))
}

/// The parts of the last revision an update needs.
pub struct Base {
    pub doc: Document,
    pub prev: usize,
    pub next_id: u32,
    pub root: (u32, u16),
}

pub fn open_base(input: &[u8]) -> Result<Base, PdfError> {
    let doc = Document::load_mem(input)?;
    if doc.trailer.has(b"Encrypt") {
        return Err(PdfError::Unsupported("encrypted PDF".into()));
    }
    let prev = last_startxref(input)?;
    if input.get(prev..prev + 4) != Some(b"xref") {
        return Err(PdfError::Unsupported(
            "cross-reference stream; rebuild the file with `sohoa pdf` first".into(),
        ));
    }
    let size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .max(0) as u32;
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| PdfError::Parse("no /Root".into()))?;
    Ok(Base {
        next_id: size.max(doc.max_id + 1),
        prev,
        root,
        doc,
    })
}

/// Trailer of an update: same /Root, /Info and /ID as the base (PDF/A needs the ID kept).
pub fn update_trailer(base: &Base, size: u32) -> Dictionary {
    let mut t = dictionary! {"Size" => i64::from(size), "Root" => Object::Reference(base.root)};
    for key in [b"Info".as_slice(), b"ID"] {
        if let Ok(v) = base.doc.trailer.get(key) {
            t.set(key, v.clone());
        }
    }
    t
}

fn pdf_date(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    let off = t.offset().local_minus_utc();
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.abs();
    format!(
        "D:{}{}{:02}'{:02}'",
        t.format("%Y%m%d%H%M%S"),
        sign,
        off / 3600,
        (off % 3600) / 60
    )
}

const CONTENTS_PLACEHOLDER_OFFSET_MARK: &[u8] = b"/Contents <";
const BYTERANGE_PLACEHOLDER: &str = "/ByteRange [0 1000000000 1000000000 1000000000]";

/// Signs `input` (a PDF, typically our PDF/A) through `signer`.
pub fn sign_pdf(input: &[u8], signer: &mut dyn Signer, opts: &SignOptions) -> Result<SignOutcome, PdfError> {
    let time = opts
        .time
        .unwrap_or_else(crate::now_vn)
        .with_timezone(&crate::vn_offset());
    // Whole seconds: the stamp, /M and ISO 8601 must show the same instant.
    let time = chrono::DateTime::from_timestamp(time.timestamp(), 0)
        .map(|t| t.with_timezone(&crate::vn_offset()))
        .unwrap_or(time);
    let cert = certcheck::check_signing_certificate(signer.certificate(), time.timestamp())?;
    let signer_name = certcheck::subject_cn(&cert);
    let cert_total: usize = signer.certificate().len() + signer.chain().iter().map(Vec::len).sum::<usize>();
    let mut reserve = 3000 + cert_total + if opts.tsa_url.is_some() { 12_000 } else { 0 };
    for _attempt in 0..2 {
        match sign_with_reserve(input, signer, opts, time, reserve, &signer_name) {
            Err(PdfError::ContentsTooSmall { needed, .. }) => reserve = needed + needed / 4,
            other => return other,
        }
    }
    Err(PdfError::ContentsTooSmall {
        needed: reserve,
        reserved: reserve,
    })
}

fn sign_with_reserve(
    input: &[u8],
    signer: &mut dyn Signer,
    opts: &SignOptions,
    time: chrono::DateTime<chrono::FixedOffset>,
    reserve: usize,
    signer_name: &str,
) -> Result<SignOutcome, PdfError> {
    let base = open_base(input)?;
    let doc = &base.doc;
    let mut next = base.next_id;
    let mut alloc = || {
        next += 1;
        next - 1
    };
    let iso = time.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let lines = vec![
        opts.copy_form.label().to_owned(),
        sohoa_core::text::nfc(opts.agency.trim()),
        format!("Thời gian ký: {iso}"),
    ];
    let stamp = stamp::build(&lines, &mut alloc)?;
    let sig_id = alloc();
    let field_id = alloc();

    let page_id = *doc
        .get_pages()
        .values()
        .next()
        .ok_or_else(|| PdfError::Parse("no pages".into()))?;
    let mut page = doc.get_dictionary(page_id)?.clone();
    let media = page
        .get(b"MediaBox")
        .ok()
        .and_then(|m| {
            m.as_array()
                .ok()
                .map(|a| a.iter().filter_map(|o| o.as_float().ok()).collect::<Vec<f32>>())
        })
        .filter(|a| a.len() == 4)
        .ok_or_else(|| PdfError::Unsupported("page 1 has no direct MediaBox".into()))?;
    // Hug the corner: the top margin of a paper document is ~15–20 mm, and the national title sits just
    // below it on the right, so a 3-line stamp 4 pt from the edge stays clear of the page content.
    let (x1, y1) = (media[2] - 8.0, media[3] - 4.0);
    let rect: Vec<Object> = vec![
        (x1 - stamp.width as f32).into(),
        (y1 - stamp.height as f32).into(),
        x1.into(),
        y1.into(),
    ];

    // Field name unique among existing fields.
    let mut catalog = doc.get_dictionary(base.root)?.clone();
    let (acro_id, mut acro) = match catalog.get(b"AcroForm") {
        Ok(Object::Reference(id)) => (Some(*id), doc.get_dictionary(*id)?.clone()),
        Ok(Object::Dictionary(d)) => (None, d.clone()),
        _ => (None, Dictionary::new()),
    };
    let mut fields = array_entry(doc, &acro, b"Fields");
    let field_name = format!("Signature{}", fields.len() + 1);
    fields.push(Object::Reference((field_id, 0)));
    acro.set("Fields", fields);
    acro.set("SigFlags", 3);

    let mut annots = array_entry(doc, &page, b"Annots");
    annots.push(Object::Reference((field_id, 0)));
    page.set("Annots", annots);

    let mut upd = Update::new(input);
    for (id, obj) in &stamp.objects {
        upd.object_value(*id, obj);
    }
    let sig_body = format!(
        "<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M ({}) /Reason ({})\n{BYTERANGE_PLACEHOLDER}\n/Contents <{}>>>",
        pdf_date(&time),
        "Sao y ban dien tu",
        "0".repeat(reserve * 2)
    );
    let sig_start = upd.object(sig_id, sig_body.as_bytes());
    let widget = dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "FT" => "Sig",
        "T" => Object::string_literal(field_name.as_str()),
        "V" => Object::Reference((sig_id, 0)),
        "Rect" => rect,
        "P" => Object::Reference(page_id),
        "F" => 132,
        "AP" => dictionary!{"N" => Object::Reference((stamp.appearance, 0))},
    };
    upd.object_value(field_id, &Object::Dictionary(widget));
    upd.object_value(page_id.0, &Object::Dictionary(page));
    match acro_id {
        Some(id) => {
            upd.object_value(id.0, &Object::Dictionary(acro));
        }
        None => {
            catalog.set("AcroForm", acro);
            upd.object_value(base.root.0, &Object::Dictionary(catalog));
        }
    }
    let trailer = update_trailer(&base, next);
    let mut out = upd.finish(trailer, base.prev);

    // Patch the ByteRange, then hash everything but the /Contents hex string (delimiters excluded).
    let rel = find(&out[sig_start..], CONTENTS_PLACEHOLDER_OFFSET_MARK)
        .ok_or_else(|| PdfError::Encode("lost /Contents".into()))?;
    let a = sig_start + rel + CONTENTS_PLACEHOLDER_OFFSET_MARK.len() - 1;
    let b = a + 2 + reserve * 2;
    let br_at = sig_start
        + find(&out[sig_start..], BYTERANGE_PLACEHOLDER.as_bytes())
            .ok_or_else(|| PdfError::Encode("lost /ByteRange".into()))?;
    let br = format!("/ByteRange [0 {a} {b} {}]", out.len() - b);
    let padded = format!("{br:<width$}", width = BYTERANGE_PLACEHOLDER.len());
    out[br_at..br_at + padded.len()].copy_from_slice(padded.as_bytes());
    let mut h = sha2::Sha256::new();
    h.update(&out[..a]);
    h.update(&out[b..]);
    let digest = h.finalize();

    let mut cms_der = cms::build_signed_data(signer, cms::OID_DATA, None, &digest, None)?;
    let mut level = Level::BB;
    if let Some(url) = &opts.tsa_url {
        let sig_value = cms::signature_value(&cms_der)?;
        let token = tsa::request_timestamp(url, &sha2::Sha256::digest(&sig_value))?;
        let attr = cms::attribute(cms::OID_TIMESTAMP_TOKEN, der::Decode::from_der(&token)?)?;
        cms_der = cms::add_unsigned_attribute(&cms_der, attr)?;
        level = Level::BT;
    }
    if cms_der.len() > reserve {
        return Err(PdfError::ContentsTooSmall {
            needed: cms_der.len(),
            reserved: reserve,
        });
    }
    let hex = hex::encode_upper(&cms_der);
    out[a + 1..a + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(SignOutcome {
        bytes: out,
        level,
        signing_time: iso,
        field: field_name,
        signer: signer_name.to_owned(),
        cms_bytes: cms_der.len(),
        reserved_bytes: reserve,
    })
}

/// An array entry of `dict`, direct or through a reference; empty when absent.
fn array_entry(doc: &Document, dict: &Dictionary, key: &[u8]) -> Vec<Object> {
    match dict.get(key) {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(id)) => doc
            .get_object(*id)
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
