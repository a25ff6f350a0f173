//! The status bar's feed. One background thread keeps the latest scanner, token and vault state and emits
//! `desk-status` to the window whenever it changes, so the bar follows a pulled token within a second (the
//! PC/SC monitor wakes the thread) without the UI polling the engine.
//!
//! Scanner discovery starts worker processes, so it runs at start-up and then once a minute; the token probe
//! and the vault counts run every few seconds and on every token event.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use sohoa_engine::{Engine, ScannerStatus, TokenStatus, VaultStatus, WorkerCommand};
use tauri::{AppHandle, Emitter};

/// Event name the UI listens to.
pub const EVENT: &str = "desk-status";
const REFRESH: Duration = Duration::from_secs(5);
const SCANNER_REFRESH: Duration = Duration::from_secs(60);
/// Token probes load every PKCS#11 module and read the certificates: done on PC/SC insert/remove events,
/// and otherwise only this often (tokens that are not smart cards, e.g. SoftHSM, send no events).
const TOKEN_REFRESH: Duration = Duration::from_secs(60);

/// Pages the app's OCR has read of the job under way (the CLI's `sohoa ocr` does not report here); all
/// zero when idle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OcrProgress {
    pub queued: u64,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeskStatus {
    pub scanner: ScannerStatus,
    pub token: TokenStatus,
    pub vault: VaultStatus,
    pub ocr: OcrProgress,
}

/// The latest status, shared between the feed thread and the `desk_status` command.
#[derive(Default)]
pub struct StatusFeed {
    latest: Mutex<Option<DeskStatus>>,
    ocr: Mutex<OcrProgress>,
}

impl StatusFeed {
    pub fn latest(&self) -> Option<DeskStatus> {
        self.latest.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn ocr(&self) -> OcrProgress {
        self.ocr.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Records OCR progress and pushes it at once (the feed's own pass comes only every few seconds).
    pub fn set_ocr(&self, app: &AppHandle, progress: OcrProgress) {
        *self.ocr.lock().unwrap_or_else(PoisonError::into_inner) = progress.clone();
        let next = {
            let mut slot = self.latest.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(status) = slot.as_mut() else { return };
            status.ocr = progress;
            status.clone()
        };
        if let Err(e) = app.emit(EVENT, &next) {
            tracing::warn!(error = %e, "desk-status event not delivered");
        }
    }

    /// Stores `next`; true when it differs from what the window last saw.
    fn store(&self, next: &DeskStatus) -> bool {
        let mut slot = self.latest.lock().unwrap_or_else(PoisonError::into_inner);
        let changed = slot.as_ref() != Some(next);
        *slot = Some(next.clone());
        changed
    }
}

/// How the app starts its own scanner worker: this executable, re-run with `scan-worker` (see main.rs).
pub fn worker_command() -> Option<WorkerCommand> {
    std::env::current_exe()
        .ok()
        .map(|exe| WorkerCommand::new(exe).arg("scan-worker"))
}

/// Starts the feed thread; it lives as long as the app.
pub fn start(app: AppHandle, engine: Arc<Engine>, feed: Arc<StatusFeed>, training: bool) {
    let (wake, woken) = mpsc::channel::<()>();
    start_token_monitor(wake);
    let spawned = std::thread::Builder::new()
        .name("sohoa-status".to_owned())
        .spawn(move || {
            let mut scanner = ScannerStatus::checking();
            let mut scanner_due = Instant::now();
            let mut token = sohoa_engine::token_status(&[]);
            let mut token_due = Instant::now() + TOKEN_REFRESH;
            loop {
                if Instant::now() >= scanner_due {
                    // Shown as "checking" first: discovery can take seconds.
                    publish(&app, &feed, &engine, training, &scanner, &token);
                    scanner = sohoa_engine::scanner_status(engine.data_dir(), worker_command());
                    scanner_due = Instant::now() + SCANNER_REFRESH;
                }
                if Instant::now() >= token_due {
                    token = sohoa_engine::token_status(&[]);
                    token_due = Instant::now() + TOKEN_REFRESH;
                }
                publish(&app, &feed, &engine, training, &scanner, &token);
                match woken.recv_timeout(REFRESH) {
                    Ok(()) => token_due = Instant::now(),
                    Err(RecvTimeoutError::Timeout) => {}
                    // No monitor (pcscd absent): keep polling on the timer alone.
                    Err(RecvTimeoutError::Disconnected) => std::thread::sleep(REFRESH),
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "status feed not started");
    }
}

fn publish(
    app: &AppHandle,
    feed: &StatusFeed,
    engine: &Engine,
    training: bool,
    scanner: &ScannerStatus,
    token: &TokenStatus,
) {
    let vault = match engine.vault_status(training) {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(code = e.code(), "vault status unavailable");
            return;
        }
    };
    let next = DeskStatus {
        scanner: scanner.clone(),
        token: token.clone(),
        vault,
        ocr: feed.ocr(),
    };
    if feed.store(&next)
        && let Err(e) = app.emit(EVENT, &next)
    {
        tracing::warn!(error = %e, "desk-status event not delivered");
    }
}

/// Wakes the feed on every insert/remove so the bar changes at once; without pcscd the timer alone drives it.
fn start_token_monitor(wake: mpsc::Sender<()>) {
    let spawned = std::thread::Builder::new()
        .name("sohoa-token-events".to_owned())
        .spawn(move || match sohoa_engine::TokenMonitor::start() {
            Ok(monitor) => {
                for event in monitor.iter() {
                    if event.is_err() || wake.send(()).is_err() {
                        break;
                    }
                }
            }
            Err(e) => tracing::info!(code = e.code(), "no token events (PC/SC unavailable)"),
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "token monitor thread not started");
    }
}
