//! The first-run check: on a data folder that has never been through it, the window opens on the doctor's
//! report before sign-in, because the IT officer installing the desk is the one who can fix a missing driver or
//! token middleware, and an officer who meets the problem later can only call them back.
//!
//! "Seen" is a marker file in the data folder rather than webview storage: it belongs to the installation (a
//! restored or moved data folder keeps it), and a fresh data folder gets the check again.

use std::io::Write;
use std::path::{Path, PathBuf};

use sohoa_engine::{DoctorOptions, DoctorReport, run_doctor};

use crate::error::ShellError;

const MARKER: &str = "first-run-done";

pub fn is_first_run(data_dir: &Path) -> bool {
    !data_dir.join(MARKER).is_file()
}

/// Written to a temporary name and renamed, so a crash never leaves a half marker that reads as "seen".
pub fn mark_done(data_dir: &Path) -> Result<(), ShellError> {
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(data_dir)?;
        let tmp = data_dir.join(format!("{MARKER}.tmp"));
        let mut file = std::fs::File::create(&tmp)?;
        writeln!(file, "SoHoa Desk {}", env!("CARGO_PKG_VERSION"))?;
        file.sync_all()?;
        std::fs::rename(&tmp, data_dir.join(MARKER))
    };
    write().map_err(|err| ShellError::io("shell.first_run", &err))
}

/// The same checks as `sohoa doctor`, with the app itself as the scanner worker (as the status bar runs it).
pub fn doctor(data_dir: PathBuf) -> DoctorReport {
    let mut options = DoctorOptions::new(data_dir);
    options.scan_worker = crate::status::worker_command();
    run_doctor(&options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_folder_is_a_first_run_until_marked() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        assert!(is_first_run(&data));
        mark_done(&data).unwrap();
        assert!(!is_first_run(&data));
        assert!(!data.join("first-run-done.tmp").exists());
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_an_error_not_a_silent_skip() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let err = mark_done(&file).unwrap_err();
        assert_eq!(err.code, "shell.first_run");
        assert!(is_first_run(&file));
    }
}
