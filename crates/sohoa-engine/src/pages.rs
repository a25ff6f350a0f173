//! Page edits at the desk — reorder, delete, turn — each stored as a new version, so the history keeps
//! what was scanned. A turned page is a new image (re-encoded losslessly, same resolution); its OCR words
//! no longer match and are dropped, as is a signed copy of the version (it shows the pages as they were:
//! the officer signs again).

use serde::Deserialize;
use sohoa_store::{BlobRef, VersionFile};

use crate::{Engine, EngineError, OCR_MEDIA_TYPE, ocr_file_name};

/// The new page order as the ordinals of the current version's page images (a left-out page is deleted),
/// and quarter turns clockwise per ordinal (negative: anticlockwise).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageEdit {
    pub order: Vec<u32>,
    #[serde(default)]
    pub turns: Vec<(u32, i32)>,
    /// The version the ordinals were taken from (the one on the officer's screen). Given, the edit is
    /// refused (`store.version_conflict`) once another version has been committed, instead of deleting
    /// the pages that version added; absent, the version current when the edit arrives.
    #[serde(default)]
    pub version: Option<u32>,
}

impl Engine {
    /// Applies `edit` to `id`'s current version as `actor`; returns the new version number.
    pub(crate) fn edit_pages_by(
        &self,
        actor: &sohoa_store::Actor,
        id: &str,
        edit: &PageEdit,
    ) -> Result<u32, EngineError> {
        let id = self.store.resolve_id(id)?;
        let row = self.store.get_record(&id)?;
        let version = match edit.version {
            Some(v) => v,
            None => row.current_version.ok_or(EngineError::NothingToImport)?,
        };
        self.edit_pages_of(actor, &id, version, edit)
    }

    /// Applies `edit` to `version` of `id` (the one just read as current), committed only if it is still
    /// current: the edit lists every page, so committing it over a newer version would drop that version's
    /// pages.
    pub(crate) fn edit_pages_of(
        &self,
        actor: &sohoa_store::Actor,
        id: &str,
        version: u32,
        edit: &PageEdit,
    ) -> Result<u32, EngineError> {
        let files = self.store.version_files(id, version)?;
        let is_page = |f: &&sohoa_store::VersionFileRow| f.media_type.starts_with("image/");
        let pages: Vec<_> = files.iter().filter(is_page).collect();
        let mut seen = std::collections::HashSet::new();
        let mut snapshot = Vec::new();
        for &ordinal in &edit.order {
            let page = pages
                .iter()
                .find(|p| p.ordinal == ordinal)
                .filter(|_| seen.insert(ordinal))
                .ok_or(EngineError::NoSuchPage { version, ordinal })?;
            let turns = edit
                .turns
                .iter()
                .filter(|(o, _)| *o == ordinal)
                .map(|(_, t)| t)
                .sum::<i32>()
                .rem_euclid(4);
            if turns == 0 {
                snapshot.push(keep(page));
                // The page's words stay with it.
                let words = ocr_file_name(&page.name);
                if let Some(ocr) = files
                    .iter()
                    .find(|f| f.name == words && f.media_type == OCR_MEDIA_TYPE)
                {
                    snapshot.push(keep(ocr));
                }
            } else {
                snapshot.push(self.turned(page, turns)?);
            }
        }
        if snapshot.is_empty() {
            return Err(EngineError::NothingToImport);
        }
        let reason = format!(
            "sửa trang: {} trang, xoay {} / page edit: {} page(s), {} turned",
            edit.order.len(),
            edit.turns.len(),
            edit.order.len(),
            edit.turns.len()
        );
        let committed = self
            .store
            .commit_version_if(actor, id, Some(version), &snapshot, &reason)?;
        tracing::info!(record = %id, version = committed.number, "pages edited");
        Ok(committed.number)
    }

    fn turned(
        &self,
        page: &sohoa_store::VersionFileRow,
        quarter_turns: i32,
    ) -> Result<VersionFile, EngineError> {
        let path = self.store.blob_path(&page.sha256)?;
        let bytes = std::fs::read(&path).map_err(|e| EngineError::PageImage(e.to_string()))?;
        let (dpi_x, dpi_y) = sohoa_core::media::stored_dpi(&bytes).map_or((0.0, 0.0), |d| (d, d));
        let img = image::load_from_memory(&bytes).map_err(|e| EngineError::PageImage(e.to_string()))?;
        let img = match quarter_turns {
            1 => img.rotate90(),
            2 => img.rotate180(),
            _ => img.rotate270(),
        };
        let png = sohoa_scan::spool::encode_png_at(&img, dpi_x, dpi_y).map_err(EngineError::PageImage)?;
        let stored = self.store.put_blob(&mut png.as_slice())?;
        Ok(VersionFile {
            blob: stored.blob,
            name: png_name(&page.name),
            media_type: "image/png".to_owned(),
        })
    }
}

pub(crate) fn keep(f: &sohoa_store::VersionFileRow) -> VersionFile {
    VersionFile {
        blob: BlobRef {
            sha256: f.sha256.clone(),
            size: f.size,
        },
        name: f.name.clone(),
        media_type: f.media_type.clone(),
    }
}

/// A turned page is stored as PNG whatever it was; its name says so.
pub(crate) fn png_name(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    format!("{stem}.png")
}
