//! Record life cycle: create, edit, attach files, trash, restore, purge.

use std::path::{Path, PathBuf};

use chrono::{FixedOffset, NaiveDate, Utc};
use sohoa_core::identity::OwnerId;
use sohoa_core::record::{Owner, RecordKind, RecordMeta, field_keys};
use sohoa_core::text::clean_text;
use sohoa_store::{NewRecord, RecordRow, RecordUpdate, VersionFile};

use crate::views::{
    FieldView, FileView, HistoryView, ImportReport, RecordDetail, RecordSummary, VersionView,
};
use crate::{Engine, EngineError, media};

/// What an officer fills in to create a record; fields use the keys of `sohoa_core::record::field_keys()`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewRecordRequest {
    pub kind: String,
    /// 12-digit personal ID, 9-digit CMND, passport or tax code; `None` for an owner without one, who is then
    /// identified by `owner_name`, `birth_year`, `id_issue_date` and `id_issuer` (seed 002, §II.2.c).
    pub owner_id: Option<String>,
    pub doc_type_code: Option<String>,
    pub fields: Vec<(String, String)>,
}

/// Keys that describe an owner without an ID number; they build the owner rather than set record fields.
const UNIDENTIFIED_KEYS: [&str; 4] = ["owner_name", "birth_year", "id_issue_date", "id_issuer"];

/// Today's date in Vietnam, which is what "in the future" means to a desk in Vietnam.
pub(crate) fn today_vn() -> NaiveDate {
    let now = Utc::now();
    FixedOffset::east_opt(7 * 3600).map_or_else(|| now.date_naive(), |vn| now.with_timezone(&vn).date_naive())
}

impl Engine {
    pub fn create_record(&self, req: &NewRecordRequest) -> Result<RecordDetail, EngineError> {
        self.create_record_by(&self.config.actor, req)
    }

    /// [`Engine::create_record`] attributed to `actor` (a signed-in account instead of the configured user).
    pub(crate) fn create_record_by(
        &self,
        actor: &sohoa_store::Actor,
        req: &NewRecordRequest,
    ) -> Result<RecordDetail, EngineError> {
        let meta = self.checked_meta(req)?;
        self.store_new_record(actor, &meta)
    }

    /// The metadata `req` describes, validated as a record would be: lets a caller that creates several
    /// records check them all before storing the first.
    pub(crate) fn checked_meta(&self, req: &NewRecordRequest) -> Result<RecordMeta, EngineError> {
        let kind: RecordKind = req
            .kind
            .parse()
            .map_err(|_| EngineError::UnknownKind(req.kind.clone()))?;
        let owner_id = req.owner_id.as_deref().map(clean_text).filter(|s| !s.is_empty());
        let (owner, rest) = match owner_id {
            Some(id) => {
                let id = OwnerId::parse(&id, &self.catalogs)?;
                (Owner::Identified { id, name: None }, req.fields.clone())
            }
            None => self.unidentified_owner(&req.fields)?,
        };
        let mut meta = RecordMeta::new(kind, owner);
        let doc_type = req
            .doc_type_code
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .or(default_doc_type(kind));
        if let Some(code) = doc_type {
            meta.set_field("doc_type", code, &self.catalogs)?;
        }
        for (key, value) in &rest {
            meta.set_field(key, value, &self.catalogs)?;
        }
        meta.validate(&self.catalogs, today_vn())
            .map_err(EngineError::Validation)?;
        Ok(meta)
    }

    pub(crate) fn store_new_record(
        &self,
        actor: &sohoa_store::Actor,
        meta: &RecordMeta,
    ) -> Result<RecordDetail, EngineError> {
        let row = self.store.create_record(actor, &to_new_record(meta)?)?;
        tracing::info!(record = %row.id, kind = meta.kind.as_str(), "record created");
        self.record_detail(&row.id)
    }

    /// Applies field edits atomically: all are validated together and stored as one new revision.
    pub fn edit_record(
        &self,
        id: &str,
        edits: &[(String, String)],
        expected_revision: Option<u32>,
    ) -> Result<RecordDetail, EngineError> {
        self.edit_record_by(&self.config.actor, id, edits, expected_revision)
    }

    /// [`Engine::edit_record`] with the revision attributed to `actor` (the signed-in officer).
    pub(crate) fn edit_record_by(
        &self,
        actor: &sohoa_store::Actor,
        id: &str,
        edits: &[(String, String)],
        expected_revision: Option<u32>,
    ) -> Result<RecordDetail, EngineError> {
        let id = self.store.resolve_id(id)?;
        let row = self.store.get_record(&id)?;
        let mut meta = decode_meta(&row)?;
        for (key, value) in edits {
            if key == "owner_id" {
                let owner_id = OwnerId::parse(&clean_text(value), &self.catalogs)?;
                meta.owner = Owner::Identified {
                    id: owner_id,
                    name: meta.owner_name(),
                };
            } else {
                meta.set_field(key, value, &self.catalogs)?;
            }
        }
        self.store_meta(actor, &id, &meta, expected_revision)?;
        let keys: Vec<&str> = edits.iter().map(|(k, _)| k.as_str()).collect();
        tracing::info!(record = %id, fields = ?keys, "record edited");
        self.record_detail(&id)
    }

    /// The last steps of every metadata edit (on screen, on the command line, from a workbook): the record
    /// validated as a whole, then one store revision with its audit entry (`Conflict` if the record is no
    /// longer at `expected_revision`).
    pub(crate) fn store_meta(
        &self,
        actor: &sohoa_store::Actor,
        id: &str,
        meta: &RecordMeta,
        expected_revision: Option<u32>,
    ) -> Result<RecordRow, EngineError> {
        meta.validate(&self.catalogs, today_vn())
            .map_err(EngineError::Validation)?;
        let update = RecordUpdate::from(to_new_record(meta)?);
        Ok(self.store.update_record(actor, id, &update, expected_revision)?)
    }

    pub fn record_detail(&self, id: &str) -> Result<RecordDetail, EngineError> {
        let id = self.store.resolve_id(id)?;
        let row = self.store.get_record(&id)?;
        let meta = decode_meta(&row)?;
        let defs = field_keys();
        let fields = meta
            .fields()
            .into_iter()
            .map(|(key, value)| {
                let def = defs.iter().find(|d| {
                    d.key == key || (d.key.ends_with('*') && key.starts_with(d.key.trim_end_matches('*')))
                });
                FieldView {
                    label_vi: def.map_or_else(|| key.clone(), |d| d.label_vi.to_owned()),
                    label_en: def.map_or_else(|| key.clone(), |d| d.label_en.to_owned()),
                    key,
                    value,
                }
            })
            .collect();
        let mut versions = Vec::new();
        for v in self.store.versions(&id)? {
            let files = self
                .store
                .version_files(&id, v.number)?
                .into_iter()
                .map(file_view)
                .collect();
            versions.push(VersionView {
                number: v.number,
                created_at: v.created_at,
                actor: v.actor,
                reason: v.reason,
                files,
            });
        }
        let history = self
            .store
            .audit_entries(Some(&id))?
            .into_iter()
            .map(|e| HistoryView {
                summary_vi: crate::views::history_summary_vi(&e.action),
                seq: e.seq,
                at: e.at,
                user: e.user,
                action: e.action,
            })
            .collect();
        Ok(RecordDetail {
            summary: summary(&row),
            fields,
            versions,
            history,
        })
    }

    pub fn trash_record(&self, id: &str, reason: &str) -> Result<RecordSummary, EngineError> {
        let id = self.store.resolve_id(id)?;
        Ok(summary(&self.store.trash(
            &self.config.actor,
            &id,
            &clean_text(reason),
        )?))
    }

    pub fn restore_record(&self, id: &str) -> Result<RecordSummary, EngineError> {
        let id = self.store.resolve_id(id)?;
        Ok(summary(&self.store.restore(&self.config.actor, &id)?))
    }

    pub fn purge_record(&self, id: &str) -> Result<sohoa_store::PurgeReport, EngineError> {
        let id = self.store.resolve_id(id)?;
        Ok(self.store.purge(&self.config.actor, &id)?)
    }

    /// Attaches files as pages after the current ones, as one new version: all files are checked and stored
    /// before the version is committed, so a bad file leaves the record exactly as it was.
    pub fn import_files(&self, id: &str, paths: &[PathBuf]) -> Result<ImportReport, EngineError> {
        self.import_files_by(&self.config.actor, id, paths)
    }

    /// [`Engine::import_files`] attributed to `actor` (the signed-in officer in the app).
    pub(crate) fn import_files_by(
        &self,
        actor: &sohoa_store::Actor,
        id: &str,
        paths: &[PathBuf],
    ) -> Result<ImportReport, EngineError> {
        self.import_files_at_by(actor, id, paths, None)
    }

    /// [`Engine::import_files_by`] with the new files placed as `insert_at` says (`None`: after the last
    /// file of the current version), still as one version.
    pub(crate) fn import_files_at_by(
        &self,
        actor: &sohoa_store::Actor,
        id: &str,
        paths: &[PathBuf],
        insert_at: Option<Placement>,
    ) -> Result<ImportReport, EngineError> {
        if paths.is_empty() {
            return Err(EngineError::NothingToImport);
        }
        let id = self.store.resolve_id(id)?;
        let row = self.store.get_record(&id)?;
        if row.kind == RecordKind::InfoOnly.as_str() {
            return Err(EngineError::InfoOnlyHasNoFiles);
        }
        if row.trashed_at.is_some() {
            return Err(sohoa_store::StoreError::InTrash { id: id.clone() }.into());
        }
        let checked = paths
            .iter()
            .map(|p| {
                media::inspect(p)
                    .map(|m| (p, m))
                    .map_err(|problem| EngineError::File {
                        path: p.clone(),
                        problem,
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;

        // A position means something only in the version it was chosen on; appending works on whatever
        // is current now. Either way the commit is refused if that version is no longer current.
        let base = insert_at.map_or(row.current_version, |p| p.of);
        let mut snapshot: Vec<VersionFile> = match base {
            Some(n) => self
                .store
                .version_files(&id, n)?
                .iter()
                .map(crate::pages::keep)
                .collect(),
            None => Vec::new(),
        };
        // The desk's signed copy shows exactly the pages it was made from: a new page makes it stale, so it is
        // left out of the new version (the officer signs again), as page edits and rescans do.
        if checked.iter().any(|(_, m)| m.mime().starts_with("image/")) {
            snapshot.retain(|f| !crate::signing::is_signed_copy(&f.name, &f.media_type));
        }
        let at = crate::page_ops::insert_index(&snapshot, insert_at.and_then(|p| p.at))?;
        let mut taken = crate::page_ops::names(&snapshot);
        let mut deduplicated = 0;
        let mut added_files = Vec::with_capacity(checked.len());
        for (path, media) in checked {
            let blob = self.store.put_blob_from_path(path)?;
            if blob.existed {
                deduplicated += 1;
            }
            let mut name = display_name(path);
            // Scans are all called page-0001.png…: a second scan's pages are renamed so that each page's
            // OCR words (found by name) stay its own.
            if media.mime().starts_with("image/") {
                name = crate::page_ops::unique_name(&name, &mut taken);
            }
            added_files.push(VersionFile {
                blob: blob.blob,
                name,
                media_type: media.mime().to_owned(),
            });
        }
        let count = added_files.len();
        snapshot.splice(at..at, added_files);
        let reason = format!("nhập {} tệp / import of {} file(s)", paths.len(), paths.len());
        let version = self
            .store
            .commit_version_if(actor, &id, base, &snapshot, &reason)?;
        let added = self
            .store
            .version_files(&id, version.number)?
            .into_iter()
            .skip(at)
            .take(count)
            .map(file_view)
            .collect();
        tracing::info!(record = %id, version = version.number, files = paths.len(), "files imported");
        Ok(ImportReport {
            record_id: id,
            version: version.number,
            added,
            deduplicated,
        })
    }

    fn unidentified_owner(
        &self,
        fields: &[(String, String)],
    ) -> Result<(Owner, Vec<(String, String)>), EngineError> {
        let get = |key: &str| {
            fields
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let owner = Owner::unidentified_from_fields(
            get("owner_name"),
            get("birth_year"),
            get("id_issue_date"),
            get("id_issuer"),
        )
        .map_err(EngineError::Field)?;
        let rest = fields
            .iter()
            .filter(|(k, _)| !UNIDENTIFIED_KEYS.contains(&k.as_str()))
            .cloned()
            .collect();
        Ok((owner, rest))
    }
}

/// Where imported files go: into version `of` of the record (`None`: it had none), the version the
/// officer chose the position on or a signed copy was made from, before its page image `at` (0-based;
/// `None` or the page count: after the last file).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placement {
    pub at: Option<u32>,
    pub of: Option<u32>,
}

/// The ID-card bank is, by definition (seed 004), the bank of 9-digit CMND declaration forms: an archivist
/// keying hundreds of them a day should not have to repeat the type. Other kinds must name theirs.
fn default_doc_type(kind: RecordKind) -> Option<&'static str> {
    (kind == RecordKind::IdCard).then_some("CMND-TK")
}

/// The stored display name of an imported file: the base name only (a path never leaks into the record),
/// NFC, with control characters dropped.
fn display_name(path: &Path) -> String {
    let raw = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = clean_text(&raw);
    if name.is_empty() || name == "." || name == ".." {
        "page".to_owned()
    } else {
        name
    }
}

pub(crate) fn decode_meta(row: &RecordRow) -> Result<RecordMeta, EngineError> {
    serde_json::from_value(row.metadata.clone()).map_err(|e| {
        sohoa_store::StoreError::Corrupt {
            what: format!("record {} metadata: {e}", row.id),
        }
        .into()
    })
}

pub(crate) fn to_new_record(meta: &RecordMeta) -> Result<NewRecord, EngineError> {
    let metadata = serde_json::to_value(meta).map_err(|e| sohoa_store::StoreError::Corrupt {
        what: format!("metadata encoding: {e}"),
    })?;
    Ok(NewRecord {
        kind: meta.kind.as_str().to_owned(),
        owner_id: meta.owner_id().map(|id| id.as_str().to_owned()),
        owner_name: meta.owner_name(),
        doc_type_code: meta.doc_type_code.clone(),
        storage_key: meta.storage_key(),
        title: meta.title(),
        metadata,
        search_text: meta.search_text(),
    })
}

pub(crate) fn summary(row: &RecordRow) -> RecordSummary {
    let kind_label_vi = row
        .kind
        .parse::<RecordKind>()
        .map_or_else(|_| row.kind.clone(), |k| k.label_vi().to_owned());
    RecordSummary {
        id: row.id.clone(),
        kind: row.kind.clone(),
        kind_label_vi,
        title: row.title.clone(),
        owner_id: row.owner_id.clone(),
        owner_name: row.owner_name.clone(),
        doc_type_code: row.doc_type_code.clone(),
        storage_key: row.storage_key.clone(),
        revision: row.revision,
        current_version: row.current_version,
        page_count: row.page_count,
        created_at: row.created_at.clone(),
        updated_at: row.updated_at.clone(),
        trashed: row.trashed_at.is_some(),
    }
}

fn file_view(f: sohoa_store::VersionFileRow) -> FileView {
    FileView {
        signed_copy: crate::signing::is_signed_copy(&f.name, &f.media_type),
        ordinal: f.ordinal,
        name: f.name,
        media_type: f.media_type,
        size: f.size,
        sha256: f.sha256,
    }
}
