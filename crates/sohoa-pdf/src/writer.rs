//! Assembles the PDF/A-2b: one page per scan at 100 % scale (MediaBox = pixels / dpi × 72 pt), the image
//! layers, the invisible text layer, XMP, the sRGB output intent and the document ID.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, dictionary};

use crate::font;
use crate::mrc::{self, EncodedImage, ImageFilter};
use crate::{DocumentMeta, ImageMode, PageInput, PdfError, WriteOptions};

pub const SRGB_ICC: &[u8] = include_bytes!("../../../assets/icc/sRGB-v2-lcms.icc");

fn image_xobject(img: &EncodedImage, extra: Dictionary) -> Stream {
    let mut dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => i64::from(img.width),
        "Height" => i64::from(img.height),
        "ColorSpace" => "DeviceRGB",
        "BitsPerComponent" => 8,
        "Filter" => match img.filter { ImageFilter::Dct => "DCTDecode", ImageFilter::Flate => "FlateDecode" },
    };
    dict.extend(&extra);
    Stream::new(dict, img.data.clone()).with_compression(false)
}

fn num(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Invisible text (render mode 3), each word stretched (Tz) over its box so selection matches the image.
fn text_layer(page: &PageInput, width_units: f64) -> String {
    let k = 72.0 / f64::from(page.dpi);
    let page_h = f64::from(page.image.height());
    let mut out = String::from("BT\n3 Tr\n");
    for w in &page.words {
        let text = sohoa_core::text::nfc(w.text.trim());
        let n = text.chars().count();
        let [x0, y0, x1, y1] = w.bbox;
        if n == 0 || x1 <= x0 || y1 <= y0 {
            continue;
        }
        let size = (f64::from(y1 - y0) * k).max(1.0);
        let box_w = f64::from(x1 - x0) * k;
        let natural = n as f64 * width_units / 1000.0 * size;
        let tz = (box_w / natural * 100.0).clamp(1.0, 10_000.0);
        // Baseline a fifth of the box above its bottom: descenders (g, p, y) hang below it.
        let base = (page_h - f64::from(y1)) * k + size * 0.2;
        out.push_str(&format!(
            "/FOcr {} Tf {} Tz 1 0 0 1 {} {} Tm <{}> Tj\n",
            num(size),
            num(tz),
            num(f64::from(x0) * k),
            num(base),
            hex::encode_upper(font::encode_bmp(&text))
        ));
    }
    out.push_str("ET\n");
    out
}

fn add_page(
    doc: &mut Document,
    pages_id: ObjectId,
    font: &Object,
    page: &PageInput,
    mode: ImageMode,
) -> Result<ObjectId, PdfError> {
    if !(page.dpi.is_finite() && page.dpi >= 50.0) {
        return Err(PdfError::BadImage(format!(
            "implausible resolution {} dpi",
            page.dpi
        )));
    }
    let k = 72.0 / f64::from(page.dpi);
    let (w_pt, h_pt) = (
        f64::from(page.image.width()) * k,
        f64::from(page.image.height()) * k,
    );
    let mut xobjects = Dictionary::new();
    let mut content = String::new();
    let place = |name: &str| format!("q {} 0 0 {} 0 0 cm /{name} Do Q\n", num(w_pt), num(h_pt));
    match mode {
        ImageMode::Mrc {
            background_dpi,
            jpeg_quality,
        } => {
            let layers = mrc::split(&page.image, page.dpi, background_dpi, jpeg_quality)?;
            let mask = doc.add_object(
                Stream::new(
                    dictionary! {
                        "Type" => "XObject", "Subtype" => "Image",
                        "Width" => i64::from(layers.width), "Height" => i64::from(layers.height),
                        "ImageMask" => true, "BitsPerComponent" => 1,
                        "Filter" => "CCITTFaxDecode",
                        "DecodeParms" => dictionary!{"K" => -1, "Columns" => i64::from(layers.width), "Rows" => i64::from(layers.height), "BlackIs1" => false},
                    },
                    layers.mask_g4,
                )
                .with_compression(false),
            );
            let bg = doc.add_object(image_xobject(&layers.background, Dictionary::new()));
            let fg = doc.add_object(image_xobject(&layers.foreground, dictionary! {"Mask" => mask}));
            xobjects.set("Bg", bg);
            xobjects.set("Fg", fg);
            content.push_str(&place("Bg"));
            content.push_str(&place("Fg"));
        }
        ImageMode::Jpeg { quality } => {
            let img = EncodedImage {
                width: page.image.width(),
                height: page.image.height(),
                data: mrc::encode_jpeg(&page.image, quality)?,
                filter: ImageFilter::Dct,
            };
            let id = doc.add_object(image_xobject(&img, Dictionary::new()));
            xobjects.set("Im0", id);
            content.push_str(&place("Im0"));
        }
    }
    content.push_str(&text_layer(page, font::glyphless_width()? as f64));
    let content_id = doc.add_object(Stream::new(
        dictionary! {"Filter" => "FlateDecode"},
        mrc::deflate(content.as_bytes())?,
    ));
    let media_box: Vec<Object> = vec![0.into(), 0.into(), (w_pt as f32).into(), (h_pt as f32).into()];
    Ok(doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => media_box,
        "Resources" => dictionary!{"XObject" => xobjects, "Font" => dictionary!{"FOcr" => font.clone()}},
        "Contents" => content_id,
    }))
}

/// Builds the PDF/A-2b file in memory.
pub fn write_pdfa(
    pages: &[PageInput],
    meta: &DocumentMeta,
    opts: &WriteOptions,
) -> Result<Vec<u8>, PdfError> {
    if pages.is_empty() {
        return Err(PdfError::NoPages);
    }
    let created = opts.created.unwrap_or_else(crate::now_vn);
    let mut doc = Document::with_version("1.7");
    doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    doc.binary_mark = vec![0xE2, 0xE3, 0xCF, 0xD3];
    let pages_id = doc.new_object_id();
    let font = font::glyphless_font(&mut doc)?;
    let mut kids = Vec::with_capacity(pages.len());
    for page in pages {
        kids.push(Object::Reference(add_page(
            &mut doc,
            pages_id,
            &font,
            page,
            opts.image_mode,
        )?));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {"Type" => "Pages", "Kids" => kids, "Count" => count}),
    );

    let doc_uuid = uuid::Uuid::now_v7();
    let xmp = crate::xmp::packet(
        meta,
        &created.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        &doc_uuid.to_string(),
    );
    let metadata = doc.add_object(
        Stream::new(dictionary! {"Type" => "Metadata", "Subtype" => "XML"}, xmp).with_compression(false),
    );
    let icc = doc.add_object(Stream::new(
        dictionary! {"N" => 3, "Filter" => "FlateDecode"},
        mrc::deflate(SRGB_ICC)?,
    ));
    let intent = dictionary! {
        "Type" => "OutputIntent",
        "S" => "GTS_PDFA1",
        "OutputConditionIdentifier" => Object::string_literal("sRGB IEC61966-2.1"),
        "Info" => Object::string_literal("sRGB IEC61966-2.1"),
        "DestOutputProfile" => icc,
    };
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Metadata" => metadata,
        "OutputIntents" => vec![Object::Dictionary(intent)],
        "Lang" => Object::string_literal(meta.lang.clone().unwrap_or_else(|| "vi-VN".into())),
    });
    doc.trailer.set("Root", catalog);
    let id_bytes = doc_uuid.as_bytes().to_vec();
    doc.trailer.set(
        "ID",
        vec![
            Object::String(id_bytes.clone(), StringFormat::Hexadecimal),
            Object::String(id_bytes, StringFormat::Hexadecimal),
        ],
    );
    let mut out = Vec::new();
    doc.save_to(&mut out)?;
    Ok(out)
}
