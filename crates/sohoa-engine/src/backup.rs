//! Backups of the open data directory and restores into another one; the store does the work, the engine
//! adds the application's version to the manifest.

use std::path::Path;

use sohoa_store::{BackupReport, RestoreOptions, RestoreReport};

use crate::{Engine, EngineError};

/// The program version written into every backup's manifest.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

impl Engine {
    /// A consistent backup of this data directory while it stays in use (see `sohoa_store::Store::backup`).
    pub fn backup(&self, out: &Path) -> Result<BackupReport, EngineError> {
        Ok(self.store.backup(out, APP_VERSION)?)
    }
}

/// Restores `from` into `data_dir` (not opened by this process) and verifies the result.
pub fn restore_backup(from: &Path, data_dir: &Path, force: bool) -> Result<RestoreReport, EngineError> {
    Ok(sohoa_store::restore(from, data_dir, RestoreOptions { force })?)
}
