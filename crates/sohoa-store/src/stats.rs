//! Read-only queries behind the supervisor's statistics and exports.
//!
//! One query per question, over the whole period at once: a dashboard over a year of a busy desk must not
//! issue one query per record. Period bounds are timestamps in the store's own format (RFC 3339, `+07:00`,
//! fixed width, see `text::format_ts`), so comparing them as strings compares them as times.

use rusqlite::params;
use serde::Serialize;

use crate::StoreError;
use crate::store::Store;

/// The SQL test for "this file is a page image" — the same rule the engine applies (`image/*`): the OCR
/// words (`application/json`) and the signed copy (`application/pdf`) are derived from pages, not pages.
const IS_PAGE: &str = "media_type LIKE 'image/%'";

/// A live record's first digitization: the first version that held a page image.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DigitizedRecord {
    pub record_id: String,
    pub kind: String,
    pub doc_type_code: Option<String>,
    /// The version number and time of the first version with a page image, and who stored it.
    pub first_version: u32,
    pub digitized_at: String,
    pub digitized_by: String,
    /// Page images in the record's current version (what the record holds now, after rescans and edits).
    pub pages: u32,
}

/// A live record as listed in an export, with the page count of its current version.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CreatedRecord {
    pub record_id: String,
    pub kind: String,
    pub doc_type_code: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub current_version: Option<u32>,
    pub pages: u32,
}

/// The newest outbox message of a record (what its delivery state is now).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LatestDelivery {
    pub record_id: String,
    pub record_version: Option<u32>,
    /// The outbox state name (`pending`, `acknowledged`, ...).
    pub state: String,
}

impl Store {
    /// Live (not trashed) records whose first version with a page image was stored in `[from_ts, to_ts)`.
    pub fn digitized_between(&self, from_ts: &str, to_ts: &str) -> Result<Vec<DigitizedRecord>, StoreError> {
        self.with_conn(|conn| {
            let sql = format!(
                "WITH first AS (
                    SELECT v.record_id, min(v.number) AS number FROM versions v
                    WHERE EXISTS (SELECT 1 FROM version_files f
                                  WHERE f.record_id = v.record_id AND f.version = v.number AND f.{IS_PAGE})
                    GROUP BY v.record_id)
                 SELECT r.id, r.kind, r.doc_type_code, v.number, v.created_at, v.user,
                    (SELECT count(*) FROM version_files f
                     WHERE f.record_id = r.id AND f.version = r.current_version AND f.{IS_PAGE})
                 FROM first JOIN records r ON r.id = first.record_id
                 JOIN versions v ON v.record_id = first.record_id AND v.number = first.number
                 WHERE r.trashed_at IS NULL AND v.created_at >= ?1 AND v.created_at < ?2
                 ORDER BY v.created_at, r.id"
            );
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map(params![from_ts, to_ts], |r| {
                Ok(DigitizedRecord {
                    record_id: r.get(0)?,
                    kind: r.get(1)?,
                    doc_type_code: r.get(2)?,
                    first_version: r.get(3)?,
                    digitized_at: r.get(4)?,
                    digitized_by: r.get(5)?,
                    pages: r.get(6)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Live records created in `[from_ts, to_ts)`, oldest first.
    pub fn created_between(&self, from_ts: &str, to_ts: &str) -> Result<Vec<CreatedRecord>, StoreError> {
        self.with_conn(|conn| {
            let sql = format!(
                "SELECT r.id, r.kind, r.doc_type_code, r.created_at, r.created_by, r.current_version,
                    (SELECT count(*) FROM version_files f
                     WHERE f.record_id = r.id AND f.version = r.current_version AND f.{IS_PAGE})
                 FROM records r
                 WHERE r.trashed_at IS NULL AND r.created_at >= ?1 AND r.created_at < ?2
                 ORDER BY r.created_at, r.id"
            );
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map(params![from_ts, to_ts], |r| {
                Ok(CreatedRecord {
                    record_id: r.get(0)?,
                    kind: r.get(1)?,
                    doc_type_code: r.get(2)?,
                    created_at: r.get(3)?,
                    created_by: r.get(4)?,
                    current_version: r.get(5)?,
                    pages: r.get(6)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// The newest outbox message of every record that has one.
    pub fn latest_deliveries(&self) -> Result<Vec<LatestDelivery>, StoreError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare(
                "SELECT o.record_id, o.record_version, o.state FROM outbox o
                 WHERE o.rowid = (SELECT o2.rowid FROM outbox o2 WHERE o2.record_id = o.record_id
                                  ORDER BY o2.created_at DESC, o2.rowid DESC LIMIT 1)",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(LatestDelivery {
                    record_id: r.get(0)?,
                    record_version: r.get(1)?,
                    state: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Messages whose vault receipt was stored in `[from_ts, to_ts)`.
    pub fn acknowledged_between(&self, from_ts: &str, to_ts: &str) -> Result<u64, StoreError> {
        self.with_conn(|conn| {
            Ok(conn.query_row(
                "SELECT count(*) FROM outbox WHERE state = 'acknowledged'
                 AND acknowledged_at >= ?1 AND acknowledged_at < ?2",
                params![from_ts, to_ts],
                |r| r.get(0),
            )?)
        })
    }
}
