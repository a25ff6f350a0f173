//! The Decree 30/2020 copy stamp (Appendix I, Part II, I.3): top right of page 1, no signature image;
//! copy form ("SAO Y"), the copying agency, the signing time in ISO 8601 with +07:00 — Times New Roman
//! metrics (Liberation Serif, embedded as a subset), size 10, upright, black. It is the appearance of the
//! signature widget, so it is added in the signed revision and never touches the page content.

use lopdf::{Object, Stream, dictionary};

use crate::PdfError;
use crate::font::to_unicode_cmap;

pub const SERIF_TTF: &[u8] = include_bytes!("../../../../assets/fonts/LiberationSerif-Regular.ttf");
pub const FONT_SIZE: f64 = 10.0;
const LEADING: f64 = 12.0;
const PAD: f64 = 3.0;

/// Objects of the stamp, to be numbered by the caller: `font` references other new objects by the
/// ids the caller reserves through `alloc`.
pub struct Stamp {
    pub objects: Vec<(u32, Object)>,
    pub appearance: u32,
    pub width: f64,
    pub height: f64,
}

struct Shaped {
    codes: Vec<u8>,
    width: f64,
}

/// Lays out `lines` and builds the subset font and the appearance form XObject.
pub fn build(lines: &[String], mut alloc: impl FnMut() -> u32) -> Result<Stamp, PdfError> {
    let face = ttf_parser::Face::parse(SERIF_TTF, 0).map_err(|e| PdfError::Font(e.to_string()))?;
    let upem = f64::from(face.units_per_em());
    let mut remap = subsetter::GlyphRemapper::new();
    let mut widths: Vec<(u16, i64)> = Vec::new();
    let mut unicode: Vec<(u16, char)> = Vec::new();
    let mut shaped = Vec::new();
    for line in lines {
        let mut codes = Vec::new();
        let mut width = 0.0;
        for ch in line.chars() {
            let gid = face
                .glyph_index(ch)
                .ok_or_else(|| PdfError::Font(format!("Liberation Serif has no glyph for {ch:?}")))?;
            let adv = f64::from(face.glyph_hor_advance(gid).unwrap_or(0));
            let new = remap.remap(gid.0);
            if !widths.iter().any(|(g, _)| *g == new) {
                widths.push((new, (adv * 1000.0 / upem).round() as i64));
                unicode.push((new, ch));
            }
            codes.extend_from_slice(&new.to_be_bytes());
            width += adv / upem * FONT_SIZE;
        }
        shaped.push(Shaped { codes, width });
    }
    let subset = subsetter::subset(SERIF_TTF, 0, &remap).map_err(|e| PdfError::Font(e.to_string()))?;
    widths.sort_unstable();
    let w_array: Vec<Object> = widths
        .iter()
        .flat_map(|(g, w)| {
            [
                Object::Integer(i64::from(*g)),
                Object::Array(vec![Object::Integer(*w)]),
            ]
        })
        .collect();
    let scale = 1000.0 / upem;
    let bbox = face.global_bounding_box();
    let (font_file, descriptor, cid_font, to_unicode, font) = (alloc(), alloc(), alloc(), alloc(), alloc());
    let base = "SOHOAA+LiberationSerif";
    let mut objects = vec![
        (
            font_file,
            Object::Stream(Stream::new(
                dictionary! {"Length1" => subset.len() as i64, "Filter" => "FlateDecode"},
                crate::mrc::deflate(&subset)?,
            )),
        ),
        (
            descriptor,
            Object::Dictionary(dictionary! {
                "Type" => "FontDescriptor", "FontName" => base, "Flags" => 6,
                "FontBBox" => vec![
                    ((f64::from(bbox.x_min) * scale) as i64).into(), ((f64::from(bbox.y_min) * scale) as i64).into(),
                    ((f64::from(bbox.x_max) * scale) as i64).into(), ((f64::from(bbox.y_max) * scale) as i64).into()],
                "ItalicAngle" => 0,
                "Ascent" => (f64::from(face.ascender()) * scale) as i64,
                "Descent" => (f64::from(face.descender()) * scale) as i64,
                "CapHeight" => (f64::from(face.capital_height().unwrap_or(face.ascender())) * scale) as i64,
                "StemV" => 80,
                "FontFile2" => Object::Reference((font_file, 0)),
            }),
        ),
        (
            cid_font,
            Object::Dictionary(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => base,
                "CIDSystemInfo" => dictionary!{"Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0},
                "FontDescriptor" => Object::Reference((descriptor, 0)),
                "W" => w_array,
                "CIDToGIDMap" => "Identity",
            }),
        ),
        (
            to_unicode,
            Object::Stream(Stream::new(
                dictionary! {"Filter" => "FlateDecode"},
                crate::mrc::deflate(&to_unicode_cmap(&unicode, false))?,
            )),
        ),
        (
            font,
            Object::Dictionary(dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => base, "Encoding" => "Identity-H",
                "DescendantFonts" => vec![Object::Reference((cid_font, 0))],
                "ToUnicode" => Object::Reference((to_unicode, 0)),
            }),
        ),
    ];
    let width = shaped.iter().map(|s| s.width).fold(0.0, f64::max) + 2.0 * PAD;
    let height = LEADING * lines.len() as f64 + 2.0 * PAD;
    let mut content = String::from("q 0 g BT\n");
    for (i, s) in shaped.iter().enumerate() {
        let y = height - PAD - LEADING * (i as f64 + 1.0) + 2.5;
        content.push_str(&format!(
            "/FSt {FONT_SIZE} Tf 1 0 0 1 {PAD} {y:.2} Tm <{}> Tj\n",
            hex::encode_upper(&s.codes)
        ));
    }
    content.push_str("ET Q\n");
    let appearance = alloc();
    objects.push((
        appearance,
        Object::Stream(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), (width as f32).into(), (height as f32).into()],
                "Resources" => dictionary!{"Font" => dictionary!{"FSt" => Object::Reference((font, 0))}},
            },
            content.into_bytes(),
        )),
    ));
    Ok(Stamp {
        objects,
        appearance,
        width,
        height,
    })
}
