//! What the app's status bar shows at all times: which scanner answers, is a signing token in, whose certificate is on it and
//! until when, and how the vault queue stands. Read without a PIN and without touching a record.
//!
//! Token middleware is vendor code that can block (OpenSC waits on a reader another process resets), so
//! the token probe runs on its own thread with a deadline: a late answer makes the cell say "unavailable"
//! for one refresh instead of freezing the status bar.

mod probe;
mod scanner;
mod token;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{Engine, EngineError};

pub(crate) use probe::probe_with_deadline;
pub use probe::{DeviceProbe, probe_devices};
pub use scanner::{ScannerState, ScannerStatus, scanner_status};
pub use token::summarize as summarize_tokens;

/// Whether a signing device is usable from this desk right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    /// A PIV card or PKCS#11 token is present (its certificate may still be unreadable).
    Present,
    /// Readers exist, none holds a card, and no PKCS#11 module sees a token.
    Absent,
    /// pcscd answers but has no reader, and no PKCS#11 module sees a token.
    NoReader,
    /// pcscd is not running (or did not answer in time), and no PKCS#11 module sees a token.
    Unavailable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenStatus {
    pub state: TokenState,
    /// Token label or reader name.
    pub label: Option<String>,
    /// Common name of the signing certificate (NFC).
    pub holder: Option<String>,
    pub not_after: Option<DateTime<Utc>>,
    /// Whole days until `not_after` (negative once expired).
    pub days_left: Option<i64>,
    pub pin_locked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VaultStatus {
    /// No vault endpoint configured: records stay on the desk (training).
    pub training: bool,
    /// Waiting or in flight (pending, uploading, uploaded without receipt, waiting to retry).
    pub queued: u64,
    /// Refused for good; a supervisor must look at them.
    pub failed: u64,
    /// Receipt stored.
    pub delivered: u64,
    pub last_error: Option<String>,
}

/// Deadline of one token probe; the status bar refreshes every few seconds, so a slower answer is stale anyway.
pub const TOKEN_PROBE_TIMEOUT: Duration = Duration::from_secs(4);

/// Probes PC/SC readers (PIV cards) and the given PKCS#11 modules (the desk's configured module, or every
/// known vendor module that is installed when `modules` is empty).
pub fn token_status(modules: &[PathBuf]) -> TokenStatus {
    let now = Utc::now();
    let (p, _) = probe::probe_with_deadline(modules, TOKEN_PROBE_TIMEOUT);
    summarize_tokens(&p.readers, &p.tokens, now)
}

impl Engine {
    /// The vault cell of the status bar; `training` is whether this desk has no real vault configured.
    pub fn vault_status(&self, training: bool) -> Result<VaultStatus, EngineError> {
        let c = self.store.outbox_counts()?;
        Ok(VaultStatus {
            training,
            queued: c.pending + c.uploading + c.uploaded + c.retry_wait,
            failed: c.failed_permanent,
            delivered: c.acknowledged,
            last_error: self.store.outbox_last_error()?,
        })
    }
}
