//! The outbox driver: takes due messages from the store, hands them to the wire adapter, and records the
//! outcome, one transaction per transition.
//!
//! Crash safety comes from the order of writes, not from this loop: the upload URL is stored before any
//! byte is sent to it, each confirmed offset after the server confirmed it, and the receipt (with its audit
//! entry) last. Killed at any point, the next run resumes from the store and the vault's idempotency by
//! message id turns a repeated commit into the original receipt.

use std::sync::Arc;
use std::time::Duration;

use chrono::Offset as _;
use serde::Serialize;
use sohoa_store::{Actor, OutboxRow, OutboxState, Store};
use tokio::sync::Notify;

use crate::backoff::full_jitter;
use crate::config::{VaultConfig, window_wait};
use crate::protocol::{Receipt, VaultMessage};
use crate::wire::{Checkpoint, LocalFile, ResumePoint, VaultWire};
use crate::{VaultError, WireError};

/// Error codes that mean "the link is down" (as opposed to "the vault is busy"): only these rows are woken
/// early when the vault becomes reachable again; a 503 with `Retry-After` keeps its wait.
pub const NETWORK_CODES: [&str; 3] = ["vault.connect", "vault.timeout", "vault.network"];

/// What happened to one message in a pass.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Delivery {
    pub message_id: String,
    pub record_id: String,
    pub state: OutboxState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_attempt_ms: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PassReport {
    pub deliveries: Vec<Delivery>,
    /// Set when uploads are outside their window: how long until the next one opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside_window_secs: Option<u64>,
}

pub struct OutboxDriver<'a, W: VaultWire> {
    store: &'a Store,
    wire: W,
    actor: Actor,
    config: VaultConfig,
    wake: Arc<Notify>,
}

struct StoreCheckpoint<'a> {
    store: &'a Store,
    message_id: &'a str,
}

impl Checkpoint for StoreCheckpoint<'_> {
    fn progress(&self, file_index: u32, url: Option<&str>, offset: u64) -> Result<(), WireError> {
        Ok(self
            .store
            .outbox_checkpoint(self.message_id, file_index, url, offset)?)
    }
    fn uploaded(&self) -> Result<(), WireError> {
        Ok(self.store.outbox_mark_uploaded(self.message_id)?)
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn vn_time_of_day() -> chrono::NaiveTime {
    let vn = chrono::FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| chrono::Utc.fix());
    chrono::Utc::now().with_timezone(&vn).time()
}

impl<'a, W: VaultWire> OutboxDriver<'a, W> {
    pub fn new(store: &'a Store, wire: W, actor: Actor, config: VaultConfig) -> OutboxDriver<'a, W> {
        OutboxDriver {
            store,
            wire,
            actor,
            config,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Signal this (e.g. from the OS "network up" event in the desktop app) to end a wait at once.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    pub fn wire(&self) -> &W {
        &self.wire
    }

    /// One pass over everything due now. Rows that fail transiently are scheduled, not waited for.
    pub async fn run_once(&self) -> Result<PassReport, VaultError> {
        if let Some(wait) = window_wait(&self.config.windows, vn_time_of_day()) {
            return Ok(PassReport {
                deliveries: Vec::new(),
                outside_window_secs: Some(wait.as_secs()),
            });
        }
        let mut report = PassReport::default();
        let mut seen = std::collections::HashSet::new();
        loop {
            let due = self.store.outbox_due(now_ms(), 64)?;
            let fresh: Vec<OutboxRow> = due
                .into_iter()
                .filter(|r| !seen.contains(&r.message_id))
                .collect();
            if fresh.is_empty() {
                return Ok(report);
            }
            for row in fresh {
                seen.insert(row.message_id.clone());
                report.deliveries.push(self.deliver_row(row).await?);
            }
        }
    }

    /// Runs until `stop` resolves: passes, then sleeps until the next row is due, the waker fires, or the
    /// network probe finds the vault reachable again.
    pub async fn run(
        &self,
        mut on_delivery: impl FnMut(&Delivery),
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<(), VaultError> {
        tokio::pin!(stop);
        loop {
            let pass = self.run_once().await?;
            pass.deliveries.iter().for_each(&mut on_delivery);
            let sleep_for = match pass.outside_window_secs {
                Some(s) => Duration::from_secs(s),
                None => self.until_next_due()?,
            };
            let network_down = self
                .store
                .outbox_list(Some(OutboxState::RetryWait))?
                .iter()
                .any(|r| {
                    r.last_error_code
                        .as_deref()
                        .is_some_and(|c| NETWORK_CODES.contains(&c))
                });
            let nap = if network_down {
                sleep_for.min(self.config.probe_interval)
            } else {
                sleep_for
            };
            tokio::select! {
                () = &mut stop => return Ok(()),
                () = self.wake.notified() => {
                    self.store.outbox_wake(now_ms(), &NETWORK_CODES)?;
                }
                () = tokio::time::sleep(nap) => {
                    if network_down && nap < sleep_for && self.wire.reachable().await {
                        let n = self.store.outbox_wake(now_ms(), &NETWORK_CODES)?;
                        tracing::info!(woken = n, "vault reachable again: retrying now");
                    }
                }
            }
        }
    }

    fn until_next_due(&self) -> Result<Duration, VaultError> {
        Ok(match self.store.outbox_next_wake_ms()? {
            Some(at) => Duration::from_millis((at - now_ms()).clamp(0, 3_600_000) as u64),
            None => Duration::from_secs(3600),
        })
    }

    async fn deliver_row(&self, row: OutboxRow) -> Result<Delivery, VaultError> {
        let id = row.message_id.clone();
        // A record moved to the trash before it left is held back (it may have been entered by mistake);
        // restoring it lets the message go.
        if self.store.get_record(&row.record_id)?.trashed_at.is_some() {
            let mut held = delivery(&row, None);
            held.error_code = Some("vault.record_in_trash".to_owned());
            held.error = Some("the record is in the trash: held back until restored".to_owned());
            return Ok(held);
        }
        let message: VaultMessage = match serde_json::from_value(row.message.clone()) {
            Ok(m) => m,
            Err(e) => {
                let r = self
                    .store
                    .outbox_fail(&self.actor, &id, "vault.local_message", &e.to_string())?;
                return Ok(delivery(&r, None));
            }
        };
        let files = match self.local_files(&message) {
            Ok(f) => f,
            Err(e) => return self.settle(&row, Err(e)),
        };
        let resume = ResumePoint {
            file_index: row.file_index,
            url: row.upload_url.clone(),
            offset: row.upload_offset,
            uploaded: row.state == OutboxState::Uploaded,
        };
        let cp = StoreCheckpoint {
            store: self.store,
            message_id: &id,
        };
        let outcome = self.wire.deliver(&message, &files, &resume, &cp).await;
        match self.settle(&row, outcome) {
            // Another uploader (the desktop app and `sohoa sync` at once) moved the row on meanwhile: its
            // transition stands, ours is dropped; the vault's idempotency kept the two from duplicating.
            Err(VaultError::Store(sohoa_store::StoreError::InvalidInput {
                field: "outbox.state",
                ..
            })) => {
                tracing::info!(message = %id, "outbox row moved on by another uploader");
                Ok(delivery(&self.store.outbox_get(&id)?, None))
            }
            other => other,
        }
    }

    fn settle(&self, row: &OutboxRow, outcome: Result<Receipt, WireError>) -> Result<Delivery, VaultError> {
        let id = &row.message_id;
        match outcome {
            Ok(receipt) => {
                let value = serde_json::to_value(&receipt).map_err(|e| VaultError::Runtime(e.to_string()))?;
                let r = self
                    .store
                    .outbox_acknowledge(&self.actor, id, &receipt.transaction_id, &value)?;
                tracing::info!(message = %id, transaction = %receipt.transaction_id, "vault receipt stored");
                Ok(delivery(&r, Some(receipt)))
            }
            Err(WireError::Store(e)) => Err(e.into()),
            Err(e) if e.is_retryable() => {
                let retry_after = match &e {
                    WireError::Transient { retry_after, .. } => *retry_after,
                    _ => None,
                };
                let wait = full_jitter(
                    &mut rand::rng(),
                    row.attempts,
                    self.config.backoff_base,
                    self.config.backoff_cap,
                    retry_after,
                );
                let at = now_ms() + wait.as_millis() as i64;
                let r = self.store.outbox_retry_later(id, at, &e.code(), &e.to_string())?;
                tracing::warn!(message = %id, code = %e.code(), wait_ms = wait.as_millis() as u64, "delivery postponed");
                Ok(delivery(&r, None))
            }
            Err(e) => {
                let r = self
                    .store
                    .outbox_fail(&self.actor, id, &e.code(), &e.to_string())?;
                tracing::info!(message = %id, code = %e.code(), "vault refused the message: needs an officer");
                Ok(delivery(&r, None))
            }
        }
    }

    fn local_files(&self, m: &VaultMessage) -> Result<Vec<LocalFile>, WireError> {
        m.files
            .iter()
            .map(|f| {
                let path = self.store.blob_path(&f.sha256)?;
                if !path.is_file() {
                    return Err(WireError::Local(format!(
                        "file {} (blob {}) is missing",
                        f.ordinal, f.sha256
                    )));
                }
                Ok(LocalFile {
                    path,
                    entry: f.clone(),
                })
            })
            .collect()
    }
}

fn delivery(r: &OutboxRow, receipt: Option<Receipt>) -> Delivery {
    let failed = matches!(r.state, OutboxState::RetryWait | OutboxState::FailedPermanent);
    Delivery {
        message_id: r.message_id.clone(),
        record_id: r.record_id.clone(),
        state: r.state,
        receipt,
        error_code: if failed { r.last_error_code.clone() } else { None },
        error: if failed { r.last_error.clone() } else { None },
        next_attempt_ms: if r.state == OutboxState::RetryWait {
            r.next_attempt_ms
        } else {
            None
        },
    }
}
