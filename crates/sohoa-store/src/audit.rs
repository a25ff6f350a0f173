//! The append-only, hash-chained audit log.
//!
//! Each entry's hash covers a length-prefixed encoding of every column (seq, at, user, workstation,
//! action, record_id, the stored details text, prev_hash), and prev_hash is the previous entry's hash
//! (64 zeros for the first). Changing any byte of any stored entry therefore breaks that entry's own hash,
//! which the verifier reports at that entry. Triggers refuse UPDATE/DELETE, and `audit_head` (moved in the
//! same transaction as each insert) catches a truncated tail. What the chain alone cannot catch is a
//! complete, consistent rewrite by someone with write access to the file: anchor `head_hash` elsewhere
//! (e.g. in vault receipts) for that.
//!
//! Details are written by the store for its own actions and hold record ids, version numbers, blob hashes
//! and the *keys* of changed fields, never owner ID numbers or names.

use rusqlite::types::Value;
use rusqlite::{Connection, Transaction, params};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::text::now_ts;
use crate::types::{Actor, AuditEntry, AuditReport, BrokenEntry};
use crate::{StoreError, text};

pub(crate) const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// JSON with object keys sorted at every level and no insignificant white space, so the same details
/// always hash the same whatever map type serde_json was built with.
pub(crate) fn canonical_json(v: &Json) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Json, out: &mut String) {
    match v {
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Json::String((*k).clone()).to_string());
                out.push(':');
                if let Some(value) = map.get(*k) {
                    write_canonical(value, out);
                }
            }
            out.push('}');
        }
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The columns an entry's hash covers, exactly as stored.
pub(crate) struct HashInput<'a> {
    pub seq: u64,
    pub at: &'a str,
    pub user: &'a str,
    pub workstation: &'a str,
    pub action: &'a str,
    pub record_id: Option<&'a str>,
    pub details: &'a str,
    pub prev_hash: &'a str,
}

pub(crate) fn entry_hash(e: &HashInput<'_>) -> String {
    let mut h = Sha256::new();
    h.update(b"sohoa.audit.v1\0");
    h.update(e.seq.to_be_bytes());
    for field in [e.at, e.user, e.workstation, e.action] {
        put_field(&mut h, field);
    }
    match e.record_id {
        None => h.update([0u8]),
        Some(id) => {
            h.update([1u8]);
            put_field(&mut h, id);
        }
    }
    put_field(&mut h, e.details);
    put_field(&mut h, e.prev_hash);
    hex::encode(h.finalize())
}

fn put_field(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_be_bytes());
    h.update(s.as_bytes());
}

/// Appends one entry inside the caller's transaction, so the entry commits or rolls back with the change.
pub(crate) fn append(
    tx: &Transaction<'_>,
    actor: &Actor,
    action: &str,
    record_id: Option<&str>,
    details: &Json,
) -> Result<AuditEntry, StoreError> {
    text::validate_label("action", action)?;
    let (head_seq, prev_hash): (u64, String) =
        tx.query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let seq = head_seq + 1;
    let at = now_ts();
    let details_text = canonical_json(details);
    let hash = entry_hash(&HashInput {
        seq,
        at: &at,
        user: &actor.user,
        workstation: &actor.workstation,
        action,
        record_id,
        details: &details_text,
        prev_hash: &prev_hash,
    });
    tx.execute(
        "INSERT INTO audit_log (seq, at, user, workstation, action, record_id, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            seq,
            at,
            actor.user,
            actor.workstation,
            action,
            record_id,
            details_text,
            prev_hash,
            hash
        ],
    )?;
    tx.execute(
        "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1",
        params![seq, hash],
    )?;
    Ok(AuditEntry {
        seq,
        at,
        user: actor.user.clone(),
        workstation: actor.workstation.clone(),
        action: action.to_owned(),
        record_id: record_id.map(str::to_owned),
        details: serde_json::from_str(&details_text).unwrap_or(Json::Null),
        prev_hash,
        hash,
    })
}

pub(crate) fn entries(conn: &Connection, record_id: Option<&str>) -> Result<Vec<AuditEntry>, StoreError> {
    let sql = "SELECT seq, at, user, workstation, action, record_id, details, prev_hash, hash FROM audit_log
               WHERE (?1 IS NULL OR record_id = ?1) ORDER BY seq";
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([record_id], |r| {
        let details: String = r.get(6)?;
        Ok(AuditEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            user: r.get(2)?,
            workstation: r.get(3)?,
            action: r.get(4)?,
            record_id: r.get(5)?,
            details: serde_json::from_str(&details).unwrap_or(Json::String(details)),
            prev_hash: r.get(7)?,
            hash: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Walks the whole chain in seq order and names the first entry that does not hold. Rows are read as raw
/// SQLite values so that a damaged row is reported at its position instead of aborting the walk.
pub(crate) fn verify(conn: &Connection) -> Result<AuditReport, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, user, workstation, action, record_id, details, prev_hash, hash FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq: u64 = 1;
    let mut prev_hash = ZERO_HASH.to_owned();
    let mut first_broken = None;
    while let Some(row) = rows.next()? {
        let values: Result<Vec<Value>, String> = (0..9)
            .map(|i| {
                row.get::<_, Value>(i)
                    .map_err(|e| format!("column {i} is unreadable: {e}"))
            })
            .collect();
        match values.and_then(|v| check_entry(&v, expected_seq, &prev_hash)) {
            Ok(hash) => prev_hash = hash,
            Err(reason) => {
                first_broken = Some(BrokenEntry {
                    seq: expected_seq,
                    reason,
                });
                break;
            }
        }
        expected_seq += 1;
    }
    let entries = expected_seq - 1;
    if first_broken.is_none() {
        first_broken = check_head(conn, entries, &prev_hash)?;
    }
    Ok(AuditReport {
        entries,
        head_hash: prev_hash,
        first_broken,
    })
}

fn check_entry(v: &[Value], expected_seq: u64, prev_hash: &str) -> Result<String, String> {
    let seq = match v.first() {
        Some(Value::Integer(i)) => *i,
        other => return Err(format!("seq is not an integer ({other:?})")),
    };
    if seq != expected_seq as i64 {
        return Err(format!("seq gap: expected entry {expected_seq}, found {seq}"));
    }
    let text = |i: usize, name: &str| match v.get(i) {
        Some(Value::Text(s)) => Ok(s.as_str()),
        other => Err(format!("{name} is not text ({})", type_name(other))),
    };
    let record_id = match v.get(5) {
        Some(Value::Null) => None,
        Some(Value::Text(s)) => Some(s.as_str()),
        other => {
            return Err(format!(
                "record_id is neither text nor null ({})",
                type_name(other)
            ));
        }
    };
    let input = HashInput {
        seq: expected_seq,
        at: text(1, "at")?,
        user: text(2, "user")?,
        workstation: text(3, "workstation")?,
        action: text(4, "action")?,
        record_id,
        details: text(6, "details")?,
        prev_hash: text(7, "prev_hash")?,
    };
    let stored_hash = text(8, "hash")?;
    if input.prev_hash != prev_hash {
        return Err("prev_hash mismatch: does not match the previous entry's hash".to_owned());
    }
    if entry_hash(&input) != stored_hash {
        return Err("hash mismatch: the entry's content was changed".to_owned());
    }
    if serde_json::from_str::<Json>(input.details).is_err() {
        return Err("details are not valid JSON".to_owned());
    }
    Ok(stored_hash.to_owned())
}

fn type_name(v: Option<&Value>) -> &'static str {
    match v {
        None => "missing",
        Some(Value::Null) => "null",
        Some(Value::Integer(_)) => "integer",
        Some(Value::Real(_)) => "real",
        Some(Value::Text(_)) => "text",
        Some(Value::Blob(_)) => "blob",
    }
}

/// The head row must name the last entry: anything else means entries were removed from the end.
fn check_head(conn: &Connection, entries: u64, last_hash: &str) -> Result<Option<BrokenEntry>, StoreError> {
    let head: Option<(Value, Value)> = {
        let mut stmt = conn.prepare("SELECT seq, hash FROM audit_head WHERE id = 1")?;
        let mut rows = stmt.query([])?;
        match rows.next()? {
            Some(r) => Some((r.get(0)?, r.get(1)?)),
            None => None,
        }
    };
    let broken = |seq: u64, reason: String| Ok(Some(BrokenEntry { seq, reason }));
    match head {
        None => broken(entries + 1, "the audit head row is missing".to_owned()),
        Some((Value::Integer(seq), Value::Text(hash))) => {
            if seq < 0 || seq as u64 != entries {
                let at = if seq > entries as i64 {
                    entries + 1
                } else {
                    seq.max(0) as u64
                };
                broken(
                    at,
                    format!(
                        "truncated or inconsistent log: the head names entry {seq}, the log has {entries}"
                    ),
                )
            } else if hash != last_hash {
                broken(
                    entries,
                    "the audit head's hash does not match the last entry".to_owned(),
                )
            } else {
                Ok(None)
            }
        }
        Some(_) => broken(entries + 1, "the audit head row is damaged".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v = serde_json::json!({"b": [{"z": 1, "a": "ễ"}], "a": null, "c": 1.5});
        assert_eq!(canonical_json(&v), r#"{"a":null,"b":[{"a":"ễ","z":1}],"c":1.5}"#);
    }

    #[test]
    fn every_hashed_field_changes_the_hash() {
        let base = HashInput {
            seq: 3,
            at: "2026-01-01T00:00:00.000+07:00",
            user: "u",
            workstation: "w",
            action: "record.create",
            record_id: Some("r"),
            details: "{}",
            prev_hash: ZERO_HASH,
        };
        let h = entry_hash(&base);
        let variants = [
            HashInput { seq: 4, ..base },
            HashInput {
                at: "2026-01-01T00:00:00.001+07:00",
                ..base
            },
            HashInput { user: "v", ..base },
            HashInput {
                workstation: "x",
                ..base
            },
            HashInput {
                action: "record.update",
                ..base
            },
            HashInput {
                record_id: None,
                ..base
            },
            HashInput {
                record_id: Some(""),
                ..base
            },
            HashInput {
                details: "{ }",
                ..base
            },
            HashInput {
                prev_hash: "1",
                ..base
            },
            // Length prefixes: moving a byte between adjacent fields changes the hash.
            HashInput {
                user: "uw",
                workstation: "",
                ..base
            },
        ];
        for v in &variants {
            assert_ne!(entry_hash(v), h);
        }
    }
}
