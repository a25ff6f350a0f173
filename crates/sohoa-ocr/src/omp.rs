//! OpenMP thread limit for Tesseract.
//!
//! Debian's libtesseract is built with OpenMP: each LSTM call opens a parallel region of
//! several threads. With one engine per core already busy, those extra threads fight for the
//! same cores and make OCR several times slower (research/ocr-archival.md §3; Tesseract's own
//! docs recommend `OMP_THREAD_LIMIT=1` for parallel page processing). Parallelism comes from
//! our worker pool instead, one engine per core.
//!
//! libgomp reads its environment when it is loaded, which for a dynamically linked
//! libtesseract is at program start, so setting the variable in-process only takes effect
//! for OpenMP runtimes loaded later. Binaries therefore call [`reexec_with_thread_limit`]
//! first thing in `main`, which restarts the process once with the variable set; the
//! in-process [`limit_openmp_threads`] covers the other cases (and documents intent).
#![allow(unsafe_code)]

use std::sync::Once;

pub const VAR: &str = "OMP_THREAD_LIMIT";
static SET: Once = Once::new();

/// True when this process started with `OMP_THREAD_LIMIT=1`.
pub fn thread_limit_in_effect() -> bool {
    std::env::var(VAR).is_ok_and(|v| v.trim() == "1")
}

/// Sets `OMP_THREAD_LIMIT=1` in this process, once, before any engine is created.
pub fn limit_openmp_threads() {
    SET.call_once(|| {
        if !thread_limit_in_effect() {
            // SAFETY: std::env::set_var is unsafe because another thread may read the
            // environment at the same time. This runs once, before the first Tesseract engine
            // exists (OcrEngine::new calls it first), and binaries call it at the top of main
            // before spawning threads; our own workers only start after it returns.
            unsafe { std::env::set_var(VAR, "1") };
        }
    });
}

/// Restarts the current executable with `OMP_THREAD_LIMIT=1` if it was not started with it
/// (Unix only; elsewhere it only sets the variable in-process). Returns normally when no
/// restart was needed or the restart failed, in which case OCR runs, just slower. Call it
/// at the very start of `main`, before any thread exists.
pub fn reexec_with_thread_limit() {
    if thread_limit_in_effect() {
        return;
    }
    limit_openmp_threads();
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        if let Ok(exe) = std::env::current_exe() {
            let err = std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env(VAR, "1")
                .exec();
            tracing::warn!("could not restart with {VAR}=1: {err}");
        }
    }
}
