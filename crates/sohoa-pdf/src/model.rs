//! What the writer consumes: page images with their resolution, the OCR words found on them, and the
//! record's metadata. Defined here (not in the OCR crate) so the PDF stage can be fed by any OCR engine or
//! by a JSON file written earlier (`sohoa ocr` writes one per page).

use serde::{Deserialize, Serialize};

/// One recognised word, its box in image pixels (origin top left, `[x0, y0, x1, y1]`, x1/y1 exclusive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcrWord {
    pub text: String,
    #[serde(alias = "box")]
    pub bbox: [u32; 4],
}

/// The words of one page as stored next to it; `dpi` is the resolution the boxes are measured in.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OcrPage {
    #[serde(default)]
    pub dpi: Option<f32>,
    #[serde(default)]
    pub words: Vec<OcrWord>,
}

/// A page to place at 100 % scale: the page size is derived from the pixel size and `dpi`.
#[derive(Debug, Clone)]
pub struct PageInput {
    pub image: image::RgbImage,
    pub dpi: f32,
    pub words: Vec<OcrWord>,
}

/// Document-level metadata written to XMP; `record` carries the record's fields (key → value) in the
/// SoHoa extension schema so the vault and other tools can read them without our database.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocumentMeta {
    pub title: String,
    pub description: Option<String>,
    /// The agency that made the copy.
    pub creator: Option<String>,
    pub record_id: Option<String>,
    pub record: Vec<(String, String)>,
    /// BCP 47 language of the text layer.
    pub lang: Option<String>,
}

/// How page images are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "mode")]
pub enum ImageMode {
    /// Lossless 1-bit ink mask (CCITT G4) + low-resolution colour foreground and background: small, text
    /// and seal edges exact. The default for documents.
    Mrc { background_dpi: f32, jpeg_quality: u8 },
    /// The whole page as one colour JPEG, for photographs where ink segmentation makes no sense.
    Jpeg { quality: u8 },
}

impl Default for ImageMode {
    fn default() -> Self {
        ImageMode::Mrc {
            background_dpi: 100.0,
            jpeg_quality: 50,
        }
    }
}

/// Options of [`crate::write_pdfa`].
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    pub image_mode: ImageMode,
    /// Creation time (XMP); `None` = now in Vietnam time. Fixed in tests for reproducible files.
    pub created: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl OcrPage {
    /// Reads the words of a page from JSON: either our flat form (`{"dpi", "words": [{"text", "bbox":
    /// [x0,y0,x1,y1]}]}`) or `sohoa ocr`'s page tree (`blocks → paragraphs → lines → words`, boxes as
    /// `{x,y,w,h}`, with `width`/`height`). Boxes are rescaled when the OCR ran on an image of another
    /// size than `image_size` (e.g. a cleaned, cropped copy of the same resolution keeps scale 1).
    pub fn from_json(text: &str, image_size: Option<(u32, u32)>) -> Result<OcrPage, crate::PdfError> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| crate::PdfError::BadImage(format!("OCR JSON: {e}")))?;
        let mut words = Vec::new();
        collect_words(&v, &mut words);
        let dpi = v.get("dpi").and_then(serde_json::Value::as_f64).map(|d| d as f32);
        if let (Some((iw, ih)), Some(jw), Some(jh)) = (
            image_size,
            v.get("width").and_then(serde_json::Value::as_u64),
            v.get("height").and_then(serde_json::Value::as_u64),
        ) {
            if jw > 0 && jh > 0 && (u64::from(iw) != jw || u64::from(ih) != jh) {
                let (sx, sy) = (f64::from(iw) / jw as f64, f64::from(ih) / jh as f64);
                for w in &mut words {
                    let [x0, y0, x1, y1] = w.bbox;
                    w.bbox = [
                        (f64::from(x0) * sx) as u32,
                        (f64::from(y0) * sy) as u32,
                        (f64::from(x1) * sx) as u32,
                        (f64::from(y1) * sy) as u32,
                    ];
                }
            }
        }
        Ok(OcrPage { dpi, words })
    }
}

fn collect_words(v: &serde_json::Value, out: &mut Vec<OcrWord>) {
    match v {
        serde_json::Value::Object(map) => {
            if let (Some(text), Some(b)) = (
                map.get("text").and_then(|t| t.as_str()),
                map.get("bbox").or_else(|| map.get("box")),
            ) {
                if map.get("words").is_none() && map.get("lines").is_none() {
                    if let Some(bbox) = parse_box(b) {
                        out.push(OcrWord {
                            text: text.to_owned(),
                            bbox,
                        });
                    }
                    return;
                }
            }
            for (_, child) in map {
                collect_words(child, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_words(i, out)),
        _ => {}
    }
}

fn parse_box(b: &serde_json::Value) -> Option<[u32; 4]> {
    let n = |v: &serde_json::Value| v.as_f64().map(|f| f.max(0.0) as u32);
    if let Some(a) = b.as_array() {
        return match a.as_slice() {
            [x0, y0, x1, y1] => Some([n(x0)?, n(y0)?, n(x1)?, n(y1)?]),
            _ => None,
        };
    }
    let (x, y, w, h) = (n(b.get("x")?)?, n(b.get("y")?)?, n(b.get("w")?)?, n(b.get("h")?)?);
    Some([x, y, x + w, y + h])
}
