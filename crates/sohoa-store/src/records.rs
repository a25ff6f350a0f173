//! Records and their metadata revisions.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde_json::{Value as Json, json};

use crate::store::check_actor;
use crate::text::{nfc, nfc_json, nfc_opt, now_ts, validate_label};
use crate::types::{Actor, ListFilter, MetadataRevision, NewRecord, RecordRow, RecordUpdate, TrashFilter};
use crate::{Store, StoreError, audit};

/// Columns of [`RecordRow`] in order, for `FROM records r`.
pub(crate) const RECORD_COLS: &str = "r.id, r.kind, r.owner_id, r.owner_name, r.doc_type_code, r.storage_key,
    r.title, r.metadata, r.revision, r.current_version,
    (SELECT count(*) FROM version_files f WHERE f.record_id = r.id AND f.version = r.current_version),
    r.created_at, r.updated_at, r.created_by, r.trashed_at, r.trash_reason";

/// A record as read, metadata still text: parsing happens outside the row callback so that a damaged
/// value becomes a `Corrupt` error naming the record.
pub(crate) struct RawRecord {
    row: RecordRow,
    metadata: String,
}

pub(crate) fn raw_record(r: &Row<'_>) -> rusqlite::Result<RawRecord> {
    Ok(RawRecord {
        metadata: r.get(7)?,
        row: RecordRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            owner_id: r.get(2)?,
            owner_name: r.get(3)?,
            doc_type_code: r.get(4)?,
            storage_key: r.get(5)?,
            title: r.get(6)?,
            metadata: Json::Null,
            revision: r.get(8)?,
            current_version: r.get(9)?,
            page_count: r.get(10)?,
            created_at: r.get(11)?,
            updated_at: r.get(12)?,
            created_by: r.get(13)?,
            trashed_at: r.get(14)?,
            trash_reason: r.get(15)?,
        },
    })
}

impl RawRecord {
    pub(crate) fn finish(self) -> Result<RecordRow, StoreError> {
        let mut row = self.row;
        row.metadata = serde_json::from_str(&self.metadata).map_err(|e| StoreError::Corrupt {
            what: format!("metadata of record {}: {e}", row.id),
        })?;
        Ok(row)
    }
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<RecordRow, StoreError> {
    let sql = format!("SELECT {RECORD_COLS} FROM records r WHERE r.id = ?1");
    conn.query_row(&sql, [id], raw_record)
        .optional()?
        .ok_or_else(|| StoreError::NotFound { id: id.to_owned() })?
        .finish()
}

pub(crate) fn collect(
    rows: impl Iterator<Item = rusqlite::Result<RawRecord>>,
) -> Result<Vec<RecordRow>, StoreError> {
    rows.map(|r| r?.finish()).collect()
}

/// A full record id: canonical lowercase UUID text, as the store generates them.
pub(crate) fn check_full_id(id: &str) -> Result<(), StoreError> {
    match uuid::Uuid::parse_str(id) {
        Ok(u) if u.hyphenated().to_string() == id => Ok(()),
        _ => Err(StoreError::InvalidId { id: id.to_owned() }),
    }
}

/// The SQL fragment and parameters shared by listing and searching.
pub(crate) fn filter_sql(
    filter: &ListFilter,
) -> (&'static str, i64, Option<String>, Option<String>, i64, i64) {
    let trash = match filter.trash {
        TrashFilter::Exclude => 0,
        TrashFilter::Only => 1,
        TrashFilter::Include => 2,
    };
    let limit = if filter.limit == 0 {
        -1
    } else {
        i64::from(filter.limit)
    };
    (
        "((?1 = 0 AND r.trashed_at IS NULL) OR (?1 = 1 AND r.trashed_at IS NOT NULL) OR ?1 = 2)
         AND (?2 IS NULL OR r.kind = ?2) AND (?3 IS NULL OR r.owner_id = ?3)",
        trash,
        filter.kind.clone(),
        filter.owner_id.clone(),
        limit,
        i64::from(filter.offset),
    )
}

/// Editable fields after NFC normalisation, in one place so create and update treat them alike.
struct Fields {
    owner_id: Option<String>,
    owner_name: Option<String>,
    doc_type_code: Option<String>,
    storage_key: Option<String>,
    title: String,
    metadata: String,
    search_text: String,
}

impl Fields {
    fn new(u: &RecordUpdate) -> Result<Fields, StoreError> {
        let metadata =
            serde_json::to_string(&nfc_json(&u.metadata)).map_err(|e| StoreError::InvalidInput {
                field: "metadata",
                reason: e.to_string(),
            })?;
        Ok(Fields {
            owner_id: nfc_opt(&u.owner_id),
            owner_name: nfc_opt(&u.owner_name),
            doc_type_code: nfc_opt(&u.doc_type_code),
            storage_key: nfc_opt(&u.storage_key),
            title: nfc(&u.title),
            metadata,
            search_text: nfc(&u.search_text),
        })
    }
}

/// Keys (never values: they hold personal data) that differ between two states; metadata objects are
/// compared key by key.
fn changed_keys(old: &RecordRow, old_search: &str, new: &Fields) -> Vec<String> {
    let mut keys = Vec::new();
    let mut cmp = |name: &str, a: &Option<String>, b: &Option<String>| {
        if a != b {
            keys.push(name.to_owned());
        }
    };
    cmp("owner_id", &old.owner_id, &new.owner_id);
    cmp("owner_name", &old.owner_name, &new.owner_name);
    cmp("doc_type_code", &old.doc_type_code, &new.doc_type_code);
    cmp("storage_key", &old.storage_key, &new.storage_key);
    if old.title != new.title {
        keys.push("title".to_owned());
    }
    if old_search != new.search_text {
        keys.push("search_text".to_owned());
    }
    let new_meta: Json = serde_json::from_str(&new.metadata).unwrap_or(Json::Null);
    match (&old.metadata, &new_meta) {
        (Json::Object(a), Json::Object(b)) => {
            let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
            names.sort();
            names.dedup();
            keys.extend(
                names
                    .into_iter()
                    .filter(|k| a.get(*k) != b.get(*k))
                    .map(|k| format!("metadata.{k}")),
            );
        }
        (a, b) if a != b => keys.push("metadata".to_owned()),
        _ => {}
    }
    keys
}

fn present_keys(f: &Fields, metadata: &Json) -> Vec<String> {
    let mut keys: Vec<String> = [
        ("owner_id", f.owner_id.is_some()),
        ("owner_name", f.owner_name.is_some()),
        ("doc_type_code", f.doc_type_code.is_some()),
        ("storage_key", f.storage_key.is_some()),
    ]
    .into_iter()
    .filter(|(_, present)| *present)
    .map(|(k, _)| k.to_owned())
    .collect();
    if let Json::Object(map) = metadata {
        let mut names: Vec<String> = map.keys().map(|k| format!("metadata.{k}")).collect();
        names.sort();
        keys.extend(names);
    }
    keys
}

/// A new record's fields checked and normalised before any transaction, so a caller composing several
/// writes in one transaction (a split) inserts it with the same rules as [`Store::create_record`].
pub(crate) struct CheckedNew {
    id: String,
    kind: String,
    metadata: Json,
    f: Fields,
}

impl CheckedNew {
    pub(crate) fn new(new: &NewRecord) -> Result<CheckedNew, StoreError> {
        validate_label("kind", &new.kind)?;
        Ok(CheckedNew {
            id: uuid::Uuid::now_v7().hyphenated().to_string(),
            kind: nfc(&new.kind),
            metadata: new.metadata.clone(),
            f: Fields::new(&RecordUpdate::from(new.clone()))?,
        })
    }

    /// Inserts the record with its `record.create` audit entry inside the caller's transaction.
    pub(crate) fn insert(&self, tx: &Transaction<'_>, actor: &Actor) -> Result<RecordRow, StoreError> {
        let (id, kind, f) = (&self.id, &self.kind, &self.f);
        let now = now_ts();
        tx.execute(
            "INSERT INTO records (id, kind, owner_id, owner_name, doc_type_code, storage_key, title, metadata,
                search_text, revision, current_version, created_at, created_by, updated_at, revised_at,
                revised_by, revised_ws)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, NULL, ?10, ?11, ?10, ?10, ?11, ?12)",
            params![
                id, kind, f.owner_id, f.owner_name, f.doc_type_code, f.storage_key, f.title, f.metadata,
                f.search_text, now, actor.user, actor.workstation
            ],
        )?;
        let details =
            json!({"kind": kind, "revision": 1, "fields": present_keys(f, &nfc_json(&self.metadata))});
        audit::append(tx, actor, "record.create", Some(id), &details)?;
        load(tx, id)
    }
}

impl Store {
    pub fn create_record(&self, actor: &Actor, new: &NewRecord) -> Result<RecordRow, StoreError> {
        check_actor(actor)?;
        let new = CheckedNew::new(new)?;
        let row = self.write_tx(|tx| new.insert(tx, actor))?;
        tracing::info!(record = %row.id, kind = %row.kind, "record created");
        Ok(row)
    }

    /// Replaces the editable fields as one new revision; the previous state goes to the history. With
    /// `expected_revision`, refuses (Conflict) if someone else changed the record since it was read. An
    /// update that changes nothing returns the record as it is, without a revision or audit entry.
    pub fn update_record(
        &self,
        actor: &Actor,
        id: &str,
        upd: &RecordUpdate,
        expected_revision: Option<u32>,
    ) -> Result<RecordRow, StoreError> {
        check_actor(actor)?;
        check_full_id(id)?;
        let f = Fields::new(upd)?;
        let (row, changed) = self.write_tx(|tx| {
            let old = load(tx, id)?;
            if old.trashed_at.is_some() {
                return Err(StoreError::InTrash { id: id.to_owned() });
            }
            if let Some(expected) = expected_revision
                && expected != old.revision
            {
                return Err(StoreError::Conflict {
                    expected,
                    actual: old.revision,
                });
            }
            let old_search: String =
                tx.query_row("SELECT search_text FROM records WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
            let changed = changed_keys(&old, &old_search, &f);
            if changed.is_empty() {
                return Ok((old, changed));
            }
            tx.execute(
                "INSERT INTO record_revisions (record_id, revision, owner_id, owner_name, doc_type_code,
                    storage_key, title, metadata, at, user, workstation)
                 SELECT id, revision, owner_id, owner_name, doc_type_code, storage_key, title, metadata,
                    revised_at, revised_by, revised_ws FROM records WHERE id = ?1",
                [id],
            )?;
            let now = now_ts();
            let revision = old.revision + 1;
            tx.execute(
                "UPDATE records SET owner_id = ?2, owner_name = ?3, doc_type_code = ?4, storage_key = ?5,
                    title = ?6, metadata = ?7, search_text = ?8, revision = ?9, updated_at = ?10,
                    revised_at = ?10, revised_by = ?11, revised_ws = ?12
                 WHERE id = ?1",
                params![
                    id,
                    f.owner_id,
                    f.owner_name,
                    f.doc_type_code,
                    f.storage_key,
                    f.title,
                    f.metadata,
                    f.search_text,
                    revision,
                    now,
                    actor.user,
                    actor.workstation
                ],
            )?;
            audit::append(
                tx,
                actor,
                "record.update",
                Some(id),
                &json!({"revision": revision, "changed": changed}),
            )?;
            Ok((load(tx, id)?, changed))
        })?;
        if !changed.is_empty() {
            tracing::info!(record = %id, revision = row.revision, fields = ?changed, "record updated");
        }
        Ok(row)
    }

    /// A record by full id; trashed records are returned too (with `trashed_at` set).
    pub fn get_record(&self, id: &str) -> Result<RecordRow, StoreError> {
        check_full_id(id)?;
        self.with_conn(|conn| load(conn, id))
    }

    /// Full id from a full id or a unique prefix of at least 6 characters (what officers type).
    pub fn resolve_id(&self, id_or_prefix: &str) -> Result<String, StoreError> {
        let p = id_or_prefix.trim().to_ascii_lowercase();
        let invalid = || StoreError::InvalidId {
            id: id_or_prefix.to_owned(),
        };
        if p.len() < 6 || p.len() > 36 || !p.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(invalid());
        }
        if p.len() == 36 {
            check_full_id(&p).map_err(|_| invalid())?;
        }
        let (count, first): (u64, Option<String>) = self.with_conn(|conn| {
            Ok(conn.query_row(
                "SELECT count(*), min(id) FROM records WHERE id >= ?1 AND id < ?1 || 'g'",
                [&p],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })?;
        match (count, first) {
            (1, Some(id)) => Ok(id),
            (0, _) | (_, None) => Err(StoreError::NotFound { id: p }),
            (count, _) => Err(StoreError::Ambiguous { prefix: p, count }),
        }
    }

    /// Records newest first, honouring the filter.
    pub fn list_records(&self, filter: &ListFilter) -> Result<Vec<RecordRow>, StoreError> {
        let (cond, trash, kind, owner, limit, offset) = filter_sql(filter);
        let sql = format!(
            "SELECT {RECORD_COLS} FROM records r WHERE {cond} ORDER BY r.rid DESC LIMIT ?4 OFFSET ?5"
        );
        self.with_conn(|conn| {
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map(params![trash, kind, owner, limit, offset], raw_record)?;
            collect(rows)
        })
    }

    pub fn count_records(&self, trash: TrashFilter) -> Result<u64, StoreError> {
        let (cond, trash, ..) = filter_sql(&ListFilter {
            trash,
            ..ListFilter::default()
        });
        let sql = format!("SELECT count(*) FROM records r WHERE {cond}");
        self.with_conn(|conn| {
            Ok(conn.query_row(&sql, params![trash, None::<String>, None::<String>], |r| r.get(0))?)
        })
    }

    /// Every earlier state of the record's editable fields, oldest first, with who wrote it and when.
    pub fn metadata_history(&self, id: &str) -> Result<Vec<MetadataRevision>, StoreError> {
        check_full_id(id)?;
        self.with_conn(|conn| {
            load(conn, id)?;
            let mut stmt = conn.prepare(
                "SELECT record_id, revision, owner_id, owner_name, doc_type_code, storage_key, title, metadata,
                    at, user, workstation
                 FROM record_revisions WHERE record_id = ?1 ORDER BY revision",
            )?;
            let rows = stmt.query_map([id], |r| {
                let metadata: String = r.get(7)?;
                Ok((
                    metadata,
                    MetadataRevision {
                        record_id: r.get(0)?,
                        revision: r.get(1)?,
                        owner_id: r.get(2)?,
                        owner_name: r.get(3)?,
                        doc_type_code: r.get(4)?,
                        storage_key: r.get(5)?,
                        title: r.get(6)?,
                        metadata: Json::Null,
                        at: r.get(8)?,
                        user: r.get(9)?,
                        workstation: r.get(10)?,
                    },
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (text, mut rev) = row?;
                rev.metadata = serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                    what: format!("revision {} of record {id}: {e}", rev.revision),
                })?;
                out.push(rev);
            }
            Ok(out)
        })
    }
}
