//! The invisible OCR font and the ToUnicode map shared by every font we embed.
//!
//! The text layer uses Tesseract's glyphless TrueType (`assets/fonts/glyphless.ttf`, Apache-2.0, one empty
//! glyph): every CID (= the Unicode code point, BMP only) maps to that glyph, and ToUnicode maps the CID
//! back, so Vietnamese with all its precomposed letters copies and searches exactly. PDF/A needs the font
//! embedded and its /W widths equal to the font program's, which is why the width is read from the file.

use lopdf::{Dictionary, Object, Stream, dictionary};

use crate::PdfError;

pub const GLYPHLESS_TTF: &[u8] = include_bytes!("../../../assets/fonts/glyphless.ttf");

/// Advance of the glyphless glyph in 1/1000 em, as the font program states it.
pub fn glyphless_width() -> Result<i64, PdfError> {
    let face = ttf_parser::Face::parse(GLYPHLESS_TTF, 0).map_err(|e| PdfError::Font(e.to_string()))?;
    let adv = face
        .glyph_hor_advance(ttf_parser::GlyphId(1))
        .ok_or_else(|| PdfError::Font("glyphless font has no glyph 1".into()))?;
    Ok(i64::from(adv) * 1000 / i64::from(face.units_per_em()))
}

/// A ToUnicode CMap for 2-byte codes. `pairs` maps code → Unicode scalar; with `identity` the code *is*
/// the BMP code point (ranges per high byte, surrogates skipped).
pub fn to_unicode_cmap(pairs: &[(u16, char)], identity: bool) -> Vec<u8> {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    if identity {
        let highs: Vec<u16> = (0u16..=0xFF).filter(|h| !(0xD8..=0xDF).contains(h)).collect();
        for chunk in highs.chunks(100) {
            s.push_str(&format!("{} beginbfrange\n", chunk.len()));
            for h in chunk {
                s.push_str(&format!("<{h:02X}00> <{h:02X}FF> <{h:02X}00>\n"));
            }
            s.push_str("endbfrange\n");
        }
    }
    for chunk in pairs.chunks(100) {
        s.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (code, ch) in chunk {
            let mut buf = [0u16; 2];
            let units: String = ch
                .encode_utf16(&mut buf)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            s.push_str(&format!("<{code:04X}> <{units}>\n"));
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s.into_bytes()
}

/// Objects of the glyphless Type0 font; returns the Type0 font dictionary to add to the document.
pub fn glyphless_font(doc: &mut lopdf::Document) -> Result<Object, PdfError> {
    let width = glyphless_width()?;
    let font_file = doc.add_object(Stream::new(
        dictionary! {"Length1" => GLYPHLESS_TTF.len() as i64},
        GLYPHLESS_TTF.to_vec(),
    ));
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => "GlyphLessFont",
        "Flags" => 5,
        "FontBBox" => vec![0.into(), 0.into(), width.into(), 1000.into()],
        "ItalicAngle" => 0,
        "Ascent" => 1000,
        "Descent" => 0,
        "CapHeight" => 1000,
        "StemV" => 80,
        "FontFile2" => font_file,
    });
    // Every CID → glyph 1 (the empty glyph); 64 K big-endian u16, Flate-coded into a few hundred bytes.
    let map: Vec<u8> = (0..0x10000).flat_map(|_| [0u8, 1u8]).collect();
    let cid_to_gid = doc.add_object(Stream::new(
        dictionary! {"Filter" => "FlateDecode"},
        crate::mrc::deflate(&map)?,
    ));
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "GlyphLessFont",
        "CIDSystemInfo" => dictionary!{"Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0},
        "FontDescriptor" => descriptor,
        "DW" => width,
        "CIDToGIDMap" => cid_to_gid,
    });
    let to_unicode = doc.add_object(Stream::new(
        dictionary! {"Filter" => "FlateDecode"},
        crate::mrc::deflate(&to_unicode_cmap(&[], true))?,
    ));
    let font: Dictionary = dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "GlyphLessFont",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    };
    Ok(doc.add_object(font).into())
}

/// 2-byte Identity-H codes of `text` for the glyphless font (code = BMP code point).
pub fn encode_bmp(text: &str) -> Vec<u8> {
    text.chars()
        .flat_map(|c| {
            let cp = u32::from(c);
            let code = if cp <= 0xFFFF && !(0xD800..=0xDFFF).contains(&cp) {
                cp as u16
            } else {
                0xFFFD
            };
            code.to_be_bytes()
        })
        .collect()
}
