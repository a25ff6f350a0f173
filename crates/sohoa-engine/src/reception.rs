//! What the reception screen needs besides the records themselves: the owner ID checked as it is typed, the
//! form of a record kind (fields and document types, from the same tables the CLI validates against, so the
//! screen never offers what the engine would refuse), and page images for the thumbnail strip and the viewer.

use std::io::Cursor;
use std::path::PathBuf;

use serde::Serialize;
use sohoa_core::identity::{IdError, OwnerId};
use sohoa_core::localized::Localized;
use sohoa_core::record::{InputKind, RecordKind, field_keys};

use crate::{Engine, EngineError};

/// The answer to each keystroke in the ID box. Never logged: it carries the number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerIdCheck {
    pub valid: bool,
    /// The canonical number (digits only) when valid.
    pub normalized: Option<String>,
    pub kind: Option<String>,
    pub kind_label_vi: Option<String>,
    /// What a 12-digit personal ID itself says: birth province, year and sex (Circular 07/2016).
    pub province: Option<String>,
    pub birth_year: Option<i32>,
    pub sex: Option<String>,
    pub code: Option<String>,
    pub message_vi: Option<String>,
    pub message_en: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormField {
    pub key: String,
    pub label_vi: String,
    pub label_en: String,
    pub required: bool,
    pub input: InputKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocTypeOption {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordForm {
    pub kind: String,
    pub kind_label_vi: String,
    pub kind_label_en: String,
    pub fields: Vec<FormField>,
    pub doc_types: Vec<DocTypeOption>,
}

/// A page image ready to hand to the webview.
#[derive(Debug, Clone)]
pub struct PageImage {
    pub bytes: Vec<u8>,
    pub media_type: &'static str,
}

/// Long side of a thumbnail is clamped to this: a bigger request is a full view, which gets the stored file.
const MAX_THUMB_PX: u32 = 1600;

impl Engine {
    pub fn check_owner_id(&self, text: &str) -> OwnerIdCheck {
        match OwnerId::parse_at(text, self.catalogs(), crate::records::today_vn()) {
            Ok(id) => {
                let (province, birth_year, sex) = match &id {
                    OwnerId::Personal(p) => (
                        self.catalogs()
                            .province(p.province_code())
                            .map(|p| p.name.clone()),
                        Some(p.birth_year()),
                        Some(p.sex().as_str().to_owned()),
                    ),
                    _ => (None, None, None),
                };
                OwnerIdCheck {
                    valid: true,
                    normalized: Some(id.as_str().to_owned()),
                    kind: Some(id.kind().as_str().to_owned()),
                    kind_label_vi: Some(id.kind().label_vi().to_owned()),
                    province,
                    birth_year,
                    sex,
                    code: None,
                    message_vi: None,
                    message_en: None,
                }
            }
            Err(e) => rejected(&e),
        }
    }

    pub fn record_form(&self, kind: &str) -> Result<RecordForm, EngineError> {
        let kind: RecordKind = kind
            .parse()
            .map_err(|_| EngineError::UnknownKind(kind.to_owned()))?;
        let fields = field_keys()
            .iter()
            // `x.*` stands for the open-ended specialised keys: not a field anyone types into a form.
            .filter(|d| d.kinds.contains(&kind) && !d.key.ends_with(".*"))
            .map(|d| FormField {
                key: d.key.to_owned(),
                label_vi: d.label_vi.to_owned(),
                label_en: d.label_en.to_owned(),
                required: d.required_for.contains(&kind),
                input: d.input,
            })
            .collect();
        let doc_types = self
            .catalogs()
            .document_types_for(kind)
            .map(|d| DocTypeOption {
                code: d.code.clone(),
                name_vi: d.name_vi.clone(),
                name_en: d.name_en.clone(),
            })
            .collect();
        Ok(RecordForm {
            kind: kind.as_str().to_owned(),
            kind_label_vi: kind.label_vi().to_owned(),
            kind_label_en: kind.label_en().to_owned(),
            fields,
            doc_types,
        })
    }

    /// The stored file at position `ordinal` (1-based, as in the record's views) of `version` of record `id`.
    fn page_file(
        &self,
        id: &str,
        version: u32,
        ordinal: u32,
    ) -> Result<(PathBuf, String, String), EngineError> {
        let id = self.store.resolve_id(id)?;
        let file = self
            .store
            .version_files(&id, version)?
            .into_iter()
            .find(|f| f.ordinal == ordinal && f.media_type.starts_with("image/"))
            .ok_or(EngineError::NoSuchPage { version, ordinal })?;
        Ok((self.store.blob_path(&file.sha256)?, file.sha256, file.media_type))
    }

    /// A page as the webview can show it. With `max_px`, a JPEG thumbnail whose long side is at most that,
    /// cached on disk by content hash (blobs never change, so the cache never goes stale); without, the
    /// stored file itself when the webview reads its format (PNG, JPEG), else a PNG of it (TIFF).
    pub fn page_image(
        &self,
        id: &str,
        version: u32,
        ordinal: u32,
        max_px: Option<u32>,
    ) -> Result<PageImage, EngineError> {
        let (path, sha256, media_type) = self.page_file(id, version, ordinal)?;
        self.image_of(&path, &sha256, &media_type, max_px)
    }

    /// [`Engine::page_image`] of any page file whose content hash is known (stored blobs, spooled pages).
    pub(crate) fn image_of(
        &self,
        path: &std::path::Path,
        sha256: &str,
        media_type: &str,
        max_px: Option<u32>,
    ) -> Result<PageImage, EngineError> {
        let read_err = |e: std::io::Error| EngineError::PageImage(e.to_string());
        let Some(max) = max_px.map(|m| m.clamp(32, MAX_THUMB_PX)) else {
            return match media_type {
                "image/png" => Ok(PageImage {
                    bytes: std::fs::read(path).map_err(read_err)?,
                    media_type: "image/png",
                }),
                "image/jpeg" => Ok(PageImage {
                    bytes: std::fs::read(path).map_err(read_err)?,
                    media_type: "image/jpeg",
                }),
                _ => Ok(PageImage {
                    bytes: encode(&decode(path)?, image::ImageFormat::Png)?,
                    media_type: "image/png",
                }),
            };
        };
        let cache = self.config.data_dir.join("cache").join("thumbs");
        let cached = cache.join(format!("{sha256}-{max}.jpg"));
        if let Ok(bytes) = std::fs::read(&cached) {
            return Ok(PageImage {
                bytes,
                media_type: "image/jpeg",
            });
        }
        let thumb = decode(path)?.thumbnail(max, max).into_rgb8();
        let bytes = encode(&image::DynamicImage::ImageRgb8(thumb), image::ImageFormat::Jpeg)?;
        // A cache that cannot be written (full disk) costs only speed: the thumbnail is still returned.
        let stored = std::fs::create_dir_all(&cache).and_then(|()| {
            let tmp = cache.join(format!("{sha256}-{max}.jpg.tmp"));
            std::fs::write(&tmp, &bytes)?;
            std::fs::rename(&tmp, &cached)
        });
        if let Err(e) = stored {
            tracing::warn!(error = %e, "thumbnail cache not written");
        }
        Ok(PageImage {
            bytes,
            media_type: "image/jpeg",
        })
    }
}

fn decode(path: &std::path::Path) -> Result<image::DynamicImage, EngineError> {
    image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| EngineError::PageImage(e.to_string()))?
        .decode()
        .map_err(|e| EngineError::PageImage(e.to_string()))
}

fn encode(img: &image::DynamicImage, format: image::ImageFormat) -> Result<Vec<u8>, EngineError> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format)
        .map_err(|e| EngineError::PageImage(e.to_string()))?;
    Ok(out.into_inner())
}

fn rejected(e: &IdError) -> OwnerIdCheck {
    OwnerIdCheck {
        valid: false,
        normalized: None,
        kind: None,
        kind_label_vi: None,
        province: None,
        birth_year: None,
        sex: None,
        code: Some(e.code().to_owned()),
        message_vi: Some(e.message_vi()),
        message_en: Some(e.to_string()),
    }
}
