//! Archive feeder batches and desk settings.
//!
//! A batch row is written when the feeder starts and closed when it stops, so a run that died half-way is
//! still visible (state `running` with no end) and its dossiers are still tied to it. Each dossier's record
//! is linked in feed order in its own transaction, right after the record is created: a crash between the
//! two leaves an ordinary record, never a link to nothing.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Row, params};
use serde_json::{Value as Json, json};

use crate::store::{Store, check_actor};
use crate::text::{nfc, now_ts};
use crate::types::Actor;
use crate::{StoreError, audit};

/// How a batch run ended (or that it has not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchState {
    Running,
    Finished,
    /// Stopped by the operator; what was fed so far is kept.
    Stopped,
    /// Ended by an error (jam, torn connection); what was fed so far is kept.
    Failed,
}

impl BatchState {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchState::Running => "running",
            BatchState::Finished => "finished",
            BatchState::Stopped => "stopped",
            BatchState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> BatchState {
        match s {
            "finished" => BatchState::Finished,
            "stopped" => BatchState::Stopped,
            "failed" => BatchState::Failed,
            _ => BatchState::Running,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BatchRow {
    pub id: String,
    pub profile: String,
    pub device: String,
    pub state: BatchState,
    pub started_at: String,
    pub started_by: String,
    pub workstation: String,
    pub finished_at: Option<String>,
    pub sheets: u32,
    pub separators: u32,
    /// Engine-owned JSON (separator log, end reason).
    pub summary: Json,
    /// Records linked to the batch so far (counted in the same query).
    pub records: u32,
}

/// What the engine reports when a batch run ends.
#[derive(Debug, Clone)]
pub struct BatchEnd {
    pub state: BatchState,
    pub sheets: u32,
    pub separators: u32,
    pub summary: Json,
}

const COLUMNS: &str = "id, profile, device, state, started_at, started_by, workstation, finished_at, sheets, \
    separators, summary, (SELECT count(*) FROM batch_records r WHERE r.batch_id = batches.id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<BatchRow> {
    let state: String = r.get(3)?;
    let summary: String = r.get(10)?;
    Ok(BatchRow {
        id: r.get(0)?,
        profile: r.get(1)?,
        device: r.get(2)?,
        state: BatchState::parse(&state),
        started_at: r.get(4)?,
        started_by: r.get(5)?,
        workstation: r.get(6)?,
        finished_at: r.get(7)?,
        sheets: r.get(8)?,
        separators: r.get(9)?,
        summary: serde_json::from_str(&summary).unwrap_or(Json::Null),
        records: r.get(11)?,
    })
}

fn batch_not_found(id: &str) -> StoreError {
    StoreError::NotFound {
        id: format!("batch {id}"),
    }
}

impl Store {
    /// Opens a batch run; `id` is chosen by the engine (a UUID) so events can name it before this returns.
    pub fn start_batch(
        &self,
        actor: &Actor,
        id: &str,
        profile: &str,
        device: &str,
    ) -> Result<BatchRow, StoreError> {
        check_actor(actor)?;
        self.write_tx(|tx| {
            tx.execute(
                "INSERT INTO batches (id, profile, device, state, started_at, started_by, workstation)
                 VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6)",
                params![
                    id,
                    nfc(profile),
                    nfc(device),
                    now_ts(),
                    actor.user,
                    actor.workstation
                ],
            )?;
            audit::append(
                tx,
                actor,
                "batch.start",
                None,
                &json!({"batch": id, "profile": profile}),
            )?;
            tx.query_row(
                &format!("SELECT {COLUMNS} FROM batches WHERE id = ?1"),
                [id],
                from_row,
            )
            .map_err(StoreError::from)
        })
    }

    /// Ties a dossier's record to its batch as the next one in feed order; returns its position (1-based).
    pub fn link_batch_record(
        &self,
        actor: &Actor,
        batch_id: &str,
        record_id: &str,
    ) -> Result<u32, StoreError> {
        check_actor(actor)?;
        self.write_tx(|tx| {
            let seq: u32 = tx.query_row(
                "SELECT coalesce(max(seq), 0) + 1 FROM batch_records WHERE batch_id = ?1",
                [batch_id],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO batch_records (batch_id, seq, record_id) VALUES (?1, ?2, ?3)",
                params![batch_id, seq, record_id],
            )?;
            audit::append(
                tx,
                actor,
                "batch.dossier",
                Some(record_id),
                &json!({"batch": batch_id, "seq": seq}),
            )?;
            Ok(seq)
        })
    }

    /// Closes a batch run. Closing one twice is refused: the first end is the true one.
    pub fn finish_batch(&self, actor: &Actor, id: &str, end: &BatchEnd) -> Result<BatchRow, StoreError> {
        check_actor(actor)?;
        self.write_tx(|tx| {
            let changed = tx.execute(
                "UPDATE batches SET state = ?1, finished_at = ?2, sheets = ?3, separators = ?4, summary = ?5
                 WHERE id = ?6 AND state = 'running'",
                params![
                    end.state.as_str(),
                    now_ts(),
                    end.sheets,
                    end.separators,
                    audit::canonical_json(&end.summary),
                    id
                ],
            )?;
            if changed == 0 {
                let exists: bool =
                    tx.query_row("SELECT EXISTS (SELECT 1 FROM batches WHERE id = ?1)", [id], |r| {
                        r.get(0)
                    })?;
                return Err(if exists {
                    StoreError::InvalidInput {
                        field: "batch",
                        reason: format!("batch {id} has already ended"),
                    }
                } else {
                    batch_not_found(id)
                });
            }
            audit::append(
                tx,
                actor,
                "batch.end",
                None,
                &json!({"batch": id, "state": end.state.as_str(), "sheets": end.sheets,
                        "separators": end.separators}),
            )?;
            tx.query_row(
                &format!("SELECT {COLUMNS} FROM batches WHERE id = ?1"),
                [id],
                from_row,
            )
            .map_err(StoreError::from)
        })
    }

    pub fn get_batch(&self, id: &str) -> Result<BatchRow, StoreError> {
        self.with_conn(|conn| {
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM batches WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?
            .ok_or_else(|| batch_not_found(id))
        })
    }

    /// Newest first.
    pub fn list_batches(&self, limit: u32) -> Result<Vec<BatchRow>, StoreError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM batches ORDER BY started_at DESC, id DESC LIMIT ?1"
            ))?;
            let rows = stmt.query_map([limit], from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// The batch's records in feed order.
    pub fn batch_records(&self, batch_id: &str) -> Result<Vec<String>, StoreError> {
        self.with_conn(|conn| {
            let mut stmt =
                conn.prepare("SELECT record_id FROM batch_records WHERE batch_id = ?1 ORDER BY seq")?;
            let rows = stmt.query_map([batch_id], |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// The batch a record was fed in, if any.
    pub fn record_batch(&self, record_id: &str) -> Result<Option<String>, StoreError> {
        self.with_conn(|conn| {
            Ok(conn
                .query_row(
                    "SELECT batch_id FROM batch_records WHERE record_id = ?1",
                    [record_id],
                    |r| r.get(0),
                )
                .optional()?)
        })
    }

    /// Every desk setting the administrator has written.
    pub fn settings(&self) -> Result<BTreeMap<String, String>, StoreError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare("SELECT key, value FROM settings ORDER BY key")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<BTreeMap<_, _>, _>>()?)
        })
    }

    /// Writes several settings in one transaction (a form is saved whole or not at all); an empty value
    /// removes the key so the built-in default applies again. The audit entry names keys and new values:
    /// settings are desk configuration, never personal data or secrets.
    pub fn set_settings(&self, actor: &Actor, changes: &[(String, String)]) -> Result<(), StoreError> {
        check_actor(actor)?;
        for (key, _) in changes {
            crate::text::validate_label("setting key", key)?;
        }
        self.write_tx(|tx| {
            let now = now_ts();
            let mut changed = serde_json::Map::new();
            for (key, value) in changes {
                let value = nfc(value.trim());
                if value.is_empty() {
                    tx.execute("DELETE FROM settings WHERE key = ?1", [key])?;
                } else {
                    tx.execute(
                        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT(key) DO UPDATE SET value = ?2, updated_at = ?3, updated_by = ?4",
                        params![key, value, now, actor.user],
                    )?;
                }
                changed.insert(key.clone(), Json::String(value));
            }
            audit::append(tx, actor, "settings.change", None, &Json::Object(changed))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NewRecord;

    fn actor() -> Actor {
        Actor {
            user: "archivist".into(),
            workstation: "ws1".into(),
        }
    }

    fn record(store: &Store) -> String {
        store
            .create_record(
                &actor(),
                &NewRecord {
                    kind: "residence".into(),
                    title: "hồ sơ".into(),
                    metadata: json!({}),
                    search_text: String::new(),
                    owner_id: None,
                    owner_name: None,
                    doc_type_code: None,
                    storage_key: None,
                },
            )
            .unwrap()
            .id
    }

    #[test]
    fn a_batch_keeps_its_dossiers_in_feed_order_and_ends_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let b = store
            .start_batch(&actor(), "b1", "residence-bank", "demo")
            .unwrap();
        assert_eq!(b.state, BatchState::Running);
        let (r1, r2) = (record(&store), record(&store));
        assert_eq!(store.link_batch_record(&actor(), "b1", &r1).unwrap(), 1);
        assert_eq!(store.link_batch_record(&actor(), "b1", &r2).unwrap(), 2);
        // A record belongs to one batch only.
        assert!(store.link_batch_record(&actor(), "b1", &r1).is_err());
        assert_eq!(store.batch_records("b1").unwrap(), vec![r1.clone(), r2]);
        assert_eq!(store.record_batch(&r1).unwrap().as_deref(), Some("b1"));
        let end = BatchEnd {
            state: BatchState::Stopped,
            sheets: 7,
            separators: 1,
            summary: json!({"reason": "stopped"}),
        };
        let done = store.finish_batch(&actor(), "b1", &end).unwrap();
        assert_eq!(
            (done.state, done.sheets, done.separators),
            (BatchState::Stopped, 7, 1)
        );
        assert!(done.finished_at.is_some());
        assert!(store.finish_batch(&actor(), "b1", &end).is_err());
        assert!(matches!(
            store.finish_batch(&actor(), "nope", &end),
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(store.list_batches(10).unwrap().len(), 1);
        assert_eq!(store.get_batch("b1").unwrap().records, 2);
        // A record of the batch can still be trashed and purged; it leaves the batch.
        store.trash(&actor(), &r1, "nhầm").unwrap();
        store.purge(&actor(), &r1).unwrap();
        assert_eq!(store.batch_records("b1").unwrap().len(), 1);
        assert!(store.audit_verify().unwrap().is_valid());
    }

    #[test]
    fn settings_are_saved_whole_and_an_empty_value_restores_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let set = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        store
            .set_settings(
                &actor(),
                &[
                    set("agency.name", " Công an xã A "),
                    set("stats.yearly_target", "1200"),
                ],
            )
            .unwrap();
        let s = store.settings().unwrap();
        assert_eq!(s.get("agency.name").map(String::as_str), Some("Công an xã A"));
        store.set_settings(&actor(), &[set("agency.name", "")]).unwrap();
        let s = store.settings().unwrap();
        assert!(!s.contains_key("agency.name"));
        assert_eq!(s.get("stats.yearly_target").map(String::as_str), Some("1200"));
        assert!(store.set_settings(&actor(), &[set("bad\nkey", "x")]).is_err());
    }
}
