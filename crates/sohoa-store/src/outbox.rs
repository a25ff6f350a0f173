//! The vault outbox: messages waiting to leave the desk, and the receipts that prove they arrived.
//!
//! The store knows nothing of the wire protocol: a message is opaque JSON frozen at enqueue time, and an
//! upload position is an opaque URL plus a byte offset in the file at `file_index`. Every transition is one
//! IMMEDIATE transaction that first checks the state it starts from, so a zombie uploader (killed, then
//! resumed by another process) can never move a row backwards: once `acknowledged`, a row is final (a
//! trigger refuses any change), and the receipt and its audit entry commit together.

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::json;

use crate::outbox_types::{ACTIVE, COLS, load, raw};
use crate::records::check_full_id;
use crate::store::check_actor;
use crate::text::now_ts;
use crate::types::Actor;
use crate::{OutboxCounts, OutboxRow, OutboxState, Store, StoreError, audit};

/// Checks that the row is in one of `from` and returns it; the caller's transaction then changes it.
fn expect_state(
    tx: &Transaction<'_>,
    message_id: &str,
    from: &[OutboxState],
) -> Result<OutboxRow, StoreError> {
    let row = load(tx, message_id)?;
    check_state(&row, from)?;
    Ok(row)
}

fn check_state(row: &OutboxRow, from: &[OutboxState]) -> Result<(), StoreError> {
    if from.contains(&row.state) {
        return Ok(());
    }
    Err(StoreError::InvalidInput {
        field: "outbox.state",
        reason: format!(
            "message {} is {}, expected one of {:?}",
            row.message_id,
            row.state.as_str(),
            from.iter().map(|s| s.as_str()).collect::<Vec<_>>()
        ),
    })
}

const WORKING: [OutboxState; 4] = [
    OutboxState::Pending,
    OutboxState::Uploading,
    OutboxState::Uploaded,
    OutboxState::RetryWait,
];

impl Store {
    /// Queues a message for the vault. Refuses a second message for the same record version (the unique
    /// index) and a reused message id; writes `vault.enqueue` to the audit log in the same transaction.
    pub fn outbox_enqueue(
        &self,
        actor: &Actor,
        message_id: &str,
        record_id: &str,
        record_version: Option<u32>,
        message: &serde_json::Value,
    ) -> Result<OutboxRow, StoreError> {
        check_actor(actor)?;
        check_full_id(record_id)?;
        if message_id.is_empty() || message_id.len() > 64 {
            return Err(StoreError::InvalidInput {
                field: "message_id",
                reason: "must be 1 to 64 characters".to_owned(),
            });
        }
        let text = audit::canonical_json(message);
        self.write_tx(|tx| {
            let now = now_ts();
            tx.execute(
                "INSERT INTO outbox (message_id, record_id, record_version, message, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)",
                params![message_id, record_id, record_version, text, now],
            )?;
            audit::append(
                tx,
                actor,
                "vault.enqueue",
                Some(record_id),
                &json!({"message_id": message_id, "version": record_version}),
            )?;
            load(tx, message_id)
        })
    }

    pub fn outbox_get(&self, message_id: &str) -> Result<OutboxRow, StoreError> {
        self.with_conn(|conn| load(conn, message_id))
    }

    /// Rows of one state (or all), oldest first.
    pub fn outbox_list(&self, state: Option<OutboxState>) -> Result<Vec<OutboxRow>, StoreError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLS} FROM outbox WHERE (?1 IS NULL OR state = ?1) ORDER BY created_at, message_id"
            ))?;
            let rows = stmt.query_map([state.map(OutboxState::as_str)], raw)?;
            rows.map(|r| r?.finish()).collect()
        })
    }

    /// The (record, version) of every message ever queued, without reading the messages themselves.
    pub fn outbox_record_versions(&self) -> Result<Vec<(String, Option<u32>)>, StoreError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare("SELECT record_id, record_version FROM outbox")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The latest transport or vault error of a message still waiting or refused, for the status bar.
    pub fn outbox_last_error(&self) -> Result<Option<String>, StoreError> {
        self.with_conn(|conn| {
            Ok(conn
                .query_row(
                    "SELECT last_error FROM outbox WHERE last_error IS NOT NULL
                     AND state IN ('retry_wait', 'failed_permanent') ORDER BY updated_at DESC LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .optional()?)
        })
    }

    /// Rows an uploader should work on now: everything active except `retry_wait` rows still waiting.
    pub fn outbox_due(&self, now_ms: i64, limit: u32) -> Result<Vec<OutboxRow>, StoreError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLS} FROM outbox WHERE state IN {ACTIVE}
                 AND (state <> 'retry_wait' OR next_attempt_ms <= ?1)
                 ORDER BY created_at, message_id LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![now_ms, limit], raw)?;
            rows.map(|r| r?.finish()).collect()
        })
    }

    /// When the earliest waiting row becomes due (None when nothing waits).
    pub fn outbox_next_wake_ms(&self) -> Result<Option<i64>, StoreError> {
        self.with_conn(|conn| {
            Ok(conn.query_row(
                "SELECT min(next_attempt_ms) FROM outbox WHERE state = 'retry_wait'",
                [],
                |r| r.get(0),
            )?)
        })
    }

    pub fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare("SELECT state, count(*) FROM outbox GROUP BY state")?;
            let mut counts = OutboxCounts::default();
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?;
            for row in rows {
                let (state, n) = row?;
                match OutboxState::parse(&state)? {
                    OutboxState::Pending => counts.pending = n,
                    OutboxState::Uploading => counts.uploading = n,
                    OutboxState::Uploaded => counts.uploaded = n,
                    OutboxState::Acknowledged => counts.acknowledged = n,
                    OutboxState::RetryWait => counts.retry_wait = n,
                    OutboxState::FailedPermanent => counts.failed_permanent = n,
                }
            }
            Ok(counts)
        })
    }

    /// Records upload progress: the file being sent, its upload URL (persisted before any byte is sent to
    /// it) and the offset the server confirmed.
    pub fn outbox_checkpoint(
        &self,
        message_id: &str,
        file_index: u32,
        upload_url: Option<&str>,
        offset: u64,
    ) -> Result<(), StoreError> {
        self.write_tx(|tx| {
            expect_state(tx, message_id, &WORKING)?;
            tx.execute(
                "UPDATE outbox SET state = 'uploading', file_index = ?2, upload_url = ?3, upload_offset = ?4,
                 updated_at = ?5 WHERE message_id = ?1",
                params![message_id, file_index, upload_url, offset, now_ts()],
            )?;
            Ok(())
        })
    }

    /// Every file is on the server; only the commit (which returns the receipt) remains.
    pub fn outbox_mark_uploaded(&self, message_id: &str) -> Result<(), StoreError> {
        self.write_tx(|tx| {
            expect_state(tx, message_id, &WORKING)?;
            tx.execute(
                "UPDATE outbox SET state = 'uploaded', updated_at = ?2 WHERE message_id = ?1",
                params![message_id, now_ts()],
            )?;
            Ok(())
        })
    }

    /// A retryable failure: wait until `next_attempt_ms`, keeping the upload position.
    pub fn outbox_retry_later(
        &self,
        message_id: &str,
        next_attempt_ms: i64,
        code: &str,
        error: &str,
    ) -> Result<OutboxRow, StoreError> {
        self.write_tx(|tx| {
            expect_state(tx, message_id, &WORKING)?;
            tx.execute(
                "UPDATE outbox SET state = 'retry_wait', attempts = attempts + 1, next_attempt_ms = ?2,
                 last_error_code = ?3, last_error = ?4, updated_at = ?5 WHERE message_id = ?1",
                params![message_id, next_attempt_ms, code, error, now_ts()],
            )?;
            load(tx, message_id)
        })
    }

    /// Makes waiting rows whose last error has one of `codes` due now (the network came back: backoff is
    /// for a dead link, not a live one). Rows waiting on a server's `Retry-After` keep their time.
    pub fn outbox_wake(&self, now_ms: i64, codes: &[&str]) -> Result<u64, StoreError> {
        self.write_tx(|tx| {
            let mut n = 0;
            for code in codes {
                n += tx.execute(
                    "UPDATE outbox SET next_attempt_ms = ?1
                     WHERE state = 'retry_wait' AND next_attempt_ms > ?1 AND last_error_code = ?2",
                    params![now_ms, code],
                )?;
            }
            Ok(n as u64)
        })
    }

    /// The vault refused the message: a human must look at it. Audited with the reason.
    pub fn outbox_fail(
        &self,
        actor: &Actor,
        message_id: &str,
        code: &str,
        reason: &str,
    ) -> Result<OutboxRow, StoreError> {
        check_actor(actor)?;
        self.write_tx(|tx| {
            let row = expect_state(tx, message_id, &WORKING)?;
            tx.execute(
                "UPDATE outbox SET state = 'failed_permanent', attempts = attempts + 1, last_error_code = ?2,
                 last_error = ?3, next_attempt_ms = NULL, updated_at = ?4 WHERE message_id = ?1",
                params![message_id, code, reason, now_ts()],
            )?;
            audit::append(
                tx,
                actor,
                "vault.rejected",
                Some(&row.record_id),
                &json!({"message_id": message_id, "code": code, "reason": reason}),
            )?;
            load(tx, message_id)
        })
    }

    /// An officer fixed the cause of a permanent failure and sends the same message again.
    pub fn outbox_requeue(&self, actor: &Actor, message_id: &str) -> Result<OutboxRow, StoreError> {
        check_actor(actor)?;
        self.write_tx(|tx| {
            let row = expect_state(tx, message_id, &[OutboxState::FailedPermanent])?;
            tx.execute(
                "UPDATE outbox SET state = 'pending', file_index = 0, upload_url = NULL, upload_offset = 0,
                 updated_at = ?2 WHERE message_id = ?1",
                params![message_id, now_ts()],
            )?;
            audit::append(
                tx,
                actor,
                "vault.requeue",
                Some(&row.record_id),
                &json!({"message_id": message_id}),
            )?;
            load(tx, message_id)
        })
    }

    /// Stores the vault's receipt: from here on the record counts as delivered. The receipt and its audit
    /// entry commit in one transaction. Acknowledging an already acknowledged row with the same
    /// transaction id is a no-op (an uploader that crashed after committing); a different one is refused.
    pub fn outbox_acknowledge(
        &self,
        actor: &Actor,
        message_id: &str,
        transaction_id: &str,
        receipt: &serde_json::Value,
    ) -> Result<OutboxRow, StoreError> {
        check_actor(actor)?;
        if transaction_id.trim().is_empty() {
            return Err(StoreError::InvalidInput {
                field: "transaction_id",
                reason: "a receipt without a transaction id proves nothing".to_owned(),
            });
        }
        let text = audit::canonical_json(receipt);
        self.write_tx(|tx| {
            let row = load(tx, message_id)?;
            if row.state == OutboxState::Acknowledged {
                if row.transaction_id.as_deref() == Some(transaction_id) {
                    return Ok(row);
                }
                return Err(StoreError::InvalidInput {
                    field: "transaction_id",
                    reason: format!("message {message_id} already has a different receipt"),
                });
            }
            check_state(&row, &WORKING)?;
            tx.execute(
                "UPDATE outbox SET state = 'acknowledged', receipt = ?2, transaction_id = ?3,
                 acknowledged_at = ?4, updated_at = ?4, next_attempt_ms = NULL WHERE message_id = ?1",
                params![message_id, text, transaction_id, now_ts()],
            )?;
            audit::append(
                tx,
                actor,
                "vault.receipt",
                Some(&row.record_id),
                &json!({"message_id": message_id, "transaction_id": transaction_id}),
            )?;
            load(tx, message_id)
        })
    }

    /// The current audit head (sequence number and hash), anchored in outgoing messages so the vault holds
    /// a copy the desk cannot rewrite.
    pub fn audit_head(&self) -> Result<(u64, String), StoreError> {
        self.with_conn(|conn| {
            Ok(
                conn.query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?,
            )
        })
    }
}
