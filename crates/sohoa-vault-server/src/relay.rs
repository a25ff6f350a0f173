//! District relay: a vault that stores what commune desks send and forwards it upstream through its own
//! outbox (the `forward` table, same states as the desk's outbox).
//!
//! The desk's message id travels unchanged, so the upstream vault's idempotency makes a relay that crashes
//! mid-forward harmless. The relay answers desks with result code `R` ("accepted for forwarding"); the
//! upstream receipt is kept in `forward.upstream_receipt` and served at `GET /v1/messages/{id}/receipt`.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::{OptionalExtension, params};
use sohoa_vault::{
    Checkpoint, LocalFile, ResumePoint, TusWire, VaultConfig, VaultMessage, VaultWire, WireError,
};
use tokio::sync::Notify;

use crate::{AppState, authorise, internal, refuse};

/// Result code of a relay receipt: stored at the district, forwarding upstream.
pub const RESULT_RELAYED: &str = "R";

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS forward (
    message_id TEXT PRIMARY KEY REFERENCES messages(message_id),
    state TEXT NOT NULL CHECK (state IN
        ('pending', 'uploading', 'uploaded', 'acknowledged', 'retry_wait', 'failed_permanent')),
    file_index INTEGER NOT NULL DEFAULT 0,
    upload_url TEXT,
    upload_offset INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    upstream_receipt TEXT,
    CHECK ((state = 'acknowledged') = (upstream_receipt IS NOT NULL))
) STRICT;
CREATE TRIGGER IF NOT EXISTS forward_acknowledged_final BEFORE UPDATE ON forward WHEN OLD.state = 'acknowledged'
BEGIN SELECT RAISE(ABORT, 'a forwarded message never changes after the upstream receipt'); END;
"#;

/// The upstream vault a relay forwards to.
#[derive(Clone)]
pub struct Upstream {
    pub config: VaultConfig,
}

struct ForwardRow {
    message_id: String,
    state: String,
    file_index: u32,
    upload_url: Option<String>,
    attempts: u32,
}

struct ForwardCheckpoint<'a> {
    state: &'a AppState,
    message_id: &'a str,
}

fn store_err(e: anyhow::Error) -> WireError {
    WireError::Local(format!("relay index: {e:#}"))
}

impl Checkpoint for ForwardCheckpoint<'_> {
    fn progress(&self, file_index: u32, url: Option<&str>, offset: u64) -> Result<(), WireError> {
        self.state
            .index()
            .conn
            .execute(
                "UPDATE forward SET state = 'uploading', file_index = ?2, upload_url = ?3, upload_offset = ?4
                 WHERE message_id = ?1 AND state <> 'acknowledged'",
                params![self.message_id, file_index, url, offset],
            )
            .map(|_| ())
            .map_err(|e| store_err(e.into()))
    }
    fn uploaded(&self) -> Result<(), WireError> {
        self.state
            .index()
            .conn
            .execute(
                "UPDATE forward SET state = 'uploaded' WHERE message_id = ?1 AND state <> 'acknowledged'",
                [self.message_id],
            )
            .map(|_| ())
            .map_err(|e| store_err(e.into()))
    }
}

/// Forwards due messages until the server stops; `wake` is signalled by each new commit.
pub(crate) async fn forwarder(state: Arc<AppState>, upstream: Upstream, wake: Arc<Notify>) {
    let wire = match TusWire::new(&upstream.config) {
        Ok(w) => w,
        Err(e) => {
            tracing::error!(error = %e, "relay: cannot reach upstream, forwarding disabled");
            return;
        }
    };
    loop {
        let due = match due_rows(&state) {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "relay: cannot read the forward queue");
                Vec::new()
            }
        };
        for row in due {
            if let Err(e) = forward_one(&state, &wire, &upstream.config, row).await {
                tracing::error!(error = %format!("{e:#}"), "relay: forwarding failed");
            }
        }
        let nap = next_wake(&state).unwrap_or(Duration::from_secs(5));
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(nap) => {}
        }
    }
}

fn due_rows(state: &AppState) -> anyhow::Result<Vec<ForwardRow>> {
    let index = state.index();
    let mut stmt = index.conn.prepare(
        "SELECT message_id, state, file_index, upload_url, attempts FROM forward
         WHERE state IN ('pending', 'uploading', 'uploaded', 'retry_wait') AND next_attempt_ms <= ?1
         ORDER BY rowid LIMIT 32",
    )?;
    let rows = stmt.query_map([sohoa_vault::now_ms()], |r| {
        Ok(ForwardRow {
            message_id: r.get(0)?,
            state: r.get(1)?,
            file_index: r.get(2)?,
            upload_url: r.get(3)?,
            attempts: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn next_wake(state: &AppState) -> anyhow::Result<Duration> {
    let at: Option<i64> = state.index().conn.query_row(
        "SELECT min(next_attempt_ms) FROM forward WHERE state IN ('pending', 'uploading', 'uploaded', 'retry_wait')",
        [],
        |r| r.get(0),
    )?;
    Ok(at.map_or(Duration::from_secs(5), |at| {
        Duration::from_millis((at - sohoa_vault::now_ms()).clamp(5, 5_000) as u64)
    }))
}

async fn forward_one(
    state: &AppState,
    wire: &TusWire,
    config: &VaultConfig,
    row: ForwardRow,
) -> anyhow::Result<()> {
    let (text, files) = {
        let index = state.index();
        let (text, _) = index
            .message(&row.message_id)?
            .ok_or_else(|| anyhow::anyhow!("forward row without message {}", row.message_id))?;
        let msg: VaultMessage = serde_json::from_str(&text)?;
        let files: Vec<LocalFile> = msg
            .files
            .iter()
            .map(|f| LocalFile {
                path: index.file_path(&f.sha256),
                entry: f.clone(),
            })
            .collect();
        (msg, files)
    };
    let resume = ResumePoint {
        file_index: row.file_index,
        url: row.upload_url.clone(),
        offset: 0,
        uploaded: row.state == "uploaded",
    };
    let cp = ForwardCheckpoint {
        state,
        message_id: &row.message_id,
    };
    let outcome = wire.deliver(&text, &files, &resume, &cp).await;
    let index = state.index();
    match outcome {
        Ok(receipt) => {
            index.conn.execute(
                "UPDATE forward SET state = 'acknowledged', upstream_receipt = ?2 WHERE message_id = ?1
                 AND state <> 'acknowledged'",
                params![row.message_id, serde_json::to_string(&receipt)?],
            )?;
            tracing::info!(message = %row.message_id, upstream = %receipt.transaction_id, "relay: forwarded");
        }
        Err(e) if e.is_retryable() => {
            let retry_after = match &e {
                WireError::Transient { retry_after, .. } => *retry_after,
                _ => None,
            };
            let wait = sohoa_vault::full_jitter(
                &mut rand::rng(),
                row.attempts,
                config.backoff_base,
                config.backoff_cap,
                retry_after,
            );
            index.conn.execute(
                "UPDATE forward SET state = 'retry_wait', attempts = attempts + 1, next_attempt_ms = ?2,
                 last_error = ?3 WHERE message_id = ?1 AND state <> 'acknowledged'",
                params![
                    row.message_id,
                    sohoa_vault::now_ms() + wait.as_millis() as i64,
                    e.to_string()
                ],
            )?;
        }
        Err(e) => {
            index.conn.execute(
                "UPDATE forward SET state = 'failed_permanent', attempts = attempts + 1, last_error = ?2
                 WHERE message_id = ?1 AND state <> 'acknowledged'",
                params![row.message_id, e.to_string()],
            )?;
            tracing::error!(message = %row.message_id, code = %e.code(), "relay: upstream refused the message");
        }
    }
    Ok(())
}

/// The relay's receipt and, once there, the upstream one.
pub(crate) async fn receipt(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = authorise(&state, &headers) {
        return r;
    }
    let index = state.index();
    let found = (|| -> anyhow::Result<Option<serde_json::Value>> {
        let Some((_, receipt)) = index.message(&id)? else {
            return Ok(None);
        };
        let forward: Option<(String, Option<String>, Option<String>)> = index
            .conn
            .query_row(
                "SELECT state, upstream_receipt, last_error FROM forward WHERE message_id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let upstream = forward
            .as_ref()
            .and_then(|(_, u, _)| u.as_deref())
            .map(serde_json::from_str::<serde_json::Value>)
            .transpose()?;
        Ok(Some(serde_json::json!({
            "receipt": serde_json::from_str::<serde_json::Value>(&receipt)?,
            "forward_state": forward.as_ref().map(|(s, _, _)| s.clone()),
            "forward_error": forward.and_then(|(_, _, e)| e),
            "upstream_receipt": upstream,
        })))
    })();
    match found {
        Ok(Some(v)) => Json(v).into_response(),
        Ok(None) => refuse(
            StatusCode::NOT_FOUND,
            "message.not_found",
            "Không có thông điệp này",
            "no such message",
        ),
        Err(e) => internal(e),
    }
}
