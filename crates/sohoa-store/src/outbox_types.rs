//! The outbox's row types and how rows are read (see [`crate::outbox`] for the transitions).

use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::StoreError;

/// Where a message stands. `RetryWait` and `FailedPermanent` keep the upload position, so a retry resumes
/// where the last attempt stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    Pending,
    Uploading,
    Uploaded,
    Acknowledged,
    RetryWait,
    FailedPermanent,
}

impl OutboxState {
    pub const ALL: [OutboxState; 6] = [
        Self::Pending,
        Self::Uploading,
        Self::Uploaded,
        Self::Acknowledged,
        Self::RetryWait,
        Self::FailedPermanent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Uploading => "uploading",
            Self::Uploaded => "uploaded",
            Self::Acknowledged => "acknowledged",
            Self::RetryWait => "retry_wait",
            Self::FailedPermanent => "failed_permanent",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<OutboxState, StoreError> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("unknown outbox state {s:?}"),
            })
    }
}

/// One outbox row as read.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OutboxRow {
    pub message_id: String,
    pub record_id: String,
    pub record_version: Option<u32>,
    pub message: serde_json::Value,
    pub state: OutboxState,
    pub file_index: u32,
    pub upload_url: Option<String>,
    pub upload_offset: u64,
    pub attempts: u32,
    /// Unix milliseconds before which a `retry_wait` row is not retried.
    pub next_attempt_ms: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_code: Option<String>,
    pub receipt: Option<serde_json::Value>,
    pub transaction_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub acknowledged_at: Option<String>,
}

/// Row counts per state, for the queue display.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: u64,
    pub uploading: u64,
    pub uploaded: u64,
    pub acknowledged: u64,
    pub retry_wait: u64,
    pub failed_permanent: u64,
}

pub(crate) const COLS: &str =
    "message_id, record_id, record_version, message, state, file_index, upload_url, upload_offset,
    attempts, next_attempt_ms, last_error, last_error_code, receipt, transaction_id, created_at, updated_at,
    acknowledged_at";

/// States from which an uploader may work on a row.
pub(crate) const ACTIVE: &str = "('pending', 'uploading', 'uploaded', 'retry_wait')";

pub(crate) struct Raw {
    row: OutboxRow,
    state: String,
    message: String,
    receipt: Option<String>,
}

pub(crate) fn raw(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        message: r.get(3)?,
        state: r.get(4)?,
        receipt: r.get(12)?,
        row: OutboxRow {
            message_id: r.get(0)?,
            record_id: r.get(1)?,
            record_version: r.get(2)?,
            message: serde_json::Value::Null,
            state: OutboxState::Pending,
            file_index: r.get(5)?,
            upload_url: r.get(6)?,
            upload_offset: r.get(7)?,
            attempts: r.get(8)?,
            next_attempt_ms: r.get(9)?,
            last_error: r.get(10)?,
            last_error_code: r.get(11)?,
            receipt: None,
            transaction_id: r.get(13)?,
            created_at: r.get(14)?,
            updated_at: r.get(15)?,
            acknowledged_at: r.get(16)?,
        },
    })
}

impl Raw {
    pub(crate) fn finish(self) -> Result<OutboxRow, StoreError> {
        let corrupt = |e: serde_json::Error| StoreError::Corrupt {
            what: format!("outbox message {}: {e}", self.row.message_id),
        };
        let mut row = self.row.clone();
        row.state = OutboxState::parse(&self.state)?;
        row.message = serde_json::from_str(&self.message).map_err(corrupt)?;
        row.receipt = self
            .receipt
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(corrupt)?;
        Ok(row)
    }
}

pub(crate) fn load(conn: &Connection, message_id: &str) -> Result<OutboxRow, StoreError> {
    conn.query_row(
        &format!("SELECT {COLS} FROM outbox WHERE message_id = ?1"),
        [message_id],
        raw,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound {
        id: message_id.to_owned(),
    })?
    .finish()
}
