//! `sohoa-desk`: the desktop app. Everything lives in the library so tests can reach it.
// Without this a Windows release build would open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    // The app is also its own scanner worker: native drivers run in a child process started as
    // `sohoa-desk scan-worker --driver …`, so a crashing vendor driver cannot take the window down.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("scan-worker") {
        return sohoa_engine::scan_worker_main(args.get(1..).unwrap_or_default());
    }
    // Before any thread exists (the window, the status feed): Tesseract must start with OMP_THREAD_LIMIT=1.
    sohoa_engine::reexec_with_thread_limit();
    match sohoa_desk_lib::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sohoa-desk: {e:#}");
            ExitCode::FAILURE
        }
    }
}
