//! The one seam between the outbox and a vault's wire protocol.
//!
//! The ministry's interface is not public (research/platform.md §1): whatever it turns out to be (an NDXP
//! JSON service with base64 files, a SOAP adapter …), it plugs in by implementing [`VaultWire`]. The outbox
//! only ever sees an opaque resume position (`file_index`, `url`, `offset`) and a [`Receipt`].

use std::future::Future;
use std::path::PathBuf;

use crate::WireError;
use crate::protocol::{FileEntry, Receipt, VaultMessage};

/// A file of the message on the local disk (a blob of the store).
#[derive(Debug, Clone)]
pub struct LocalFile {
    pub path: PathBuf,
    pub entry: FileEntry,
}

/// Where the last attempt stopped, as the outbox recorded it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResumePoint {
    pub file_index: u32,
    pub url: Option<String>,
    pub offset: u64,
    /// All files were transferred; only the commit remains.
    pub uploaded: bool,
}

/// Persists progress durably before the adapter goes on: an adapter must call `progress` with a new upload
/// URL before sending any byte to it, and after every acknowledged chunk.
pub trait Checkpoint: Send + Sync {
    fn progress(&self, file_index: u32, url: Option<&str>, offset: u64) -> Result<(), WireError>;
    fn uploaded(&self) -> Result<(), WireError>;
}

/// A vault's wire protocol. `deliver` must be idempotent by `message.envelope.message_id`: called again
/// after any interruption, it resumes from `resume` and returns the original receipt if the vault already
/// accepted the message.
pub trait VaultWire: Send + Sync {
    fn deliver(
        &self,
        message: &VaultMessage,
        files: &[LocalFile],
        resume: &ResumePoint,
        checkpoint: &dyn Checkpoint,
    ) -> impl Future<Output = Result<Receipt, WireError>> + Send;

    /// A cheap reachability check (connect only), used to wake the outbox when the network comes back.
    fn reachable(&self) -> impl Future<Output = bool> + Send;
}
