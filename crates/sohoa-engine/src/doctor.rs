//! The first-run check (`sohoa doctor`, the desktop app's first-run screen): is everything a desk needs
//! installed and reachable, and if not, what exactly should the IT officer do about it.
//!
//! Each check runs in its own thread with a deadline: smart-card middleware, PKCS#11 modules and scanner
//! backends are vendor code that can hang, and a diagnostic tool that hangs is worse than none. A check that
//! misses its deadline is reported as such and its thread is left behind (it cannot be killed safely);
//! the report never waits for it.

mod checks;
mod devices;
mod space;

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sohoa_scan::worker::WorkerCommand;

/// What a check concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    /// Works, but something is missing or degraded (training mode, only the demo scanner, little space).
    Warn,
    /// The desk cannot do its job until this is fixed.
    Fail,
}

/// One line of the report. `id` is stable (the UI and scripts match on it); `fix_vi`/`fix_en` are `None`
/// when there is nothing to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    pub id: String,
    pub title_vi: String,
    pub title_en: String,
    pub status: CheckStatus,
    /// What was found, in plain words (paths, counts, versions).
    pub detail: String,
    pub fix_vi: Option<String>,
    pub fix_en: Option<String>,
    /// Facts for the UI (devices, modules, readers ...); `null` when there are none.
    pub data: serde_json::Value,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DoctorReport {
    /// No check failed (warnings allowed).
    pub ok: bool,
    /// No vault URL configured: nothing leaves the desk, missing trust anchors are only a warning.
    pub training_mode: bool,
    pub data_dir: PathBuf,
    pub app_version: String,
    pub counts: StatusCounts,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct StatusCounts {
    pub ok: u32,
    pub warn: u32,
    pub fail: u32,
}

/// What to check; `DoctorOptions::new` fills in what the desk would use.
#[derive(Debug, Clone)]
pub struct DoctorOptions {
    pub data_dir: PathBuf,
    pub trust_dir: PathBuf,
    /// How to start the scanner worker process (`None`: drivers run in-process).
    pub scan_worker: Option<WorkerCommand>,
    /// Deadline of the slow checks (OCR model load, scanner discovery, tokens).
    pub timeout: Duration,
    /// Deadline of the vault probe.
    pub vault_timeout: Duration,
}

impl DoctorOptions {
    pub fn new(data_dir: impl Into<PathBuf>) -> DoctorOptions {
        DoctorOptions {
            data_dir: data_dir.into(),
            trust_dir: sohoa_sign::trust::default_trust_dir(),
            scan_worker: None,
            timeout: Duration::from_secs(20),
            vault_timeout: Duration::from_secs(3),
        }
    }
}

/// The result of a check body; `run_doctor` adds the id, titles and timing.
pub(crate) struct Outcome {
    pub status: CheckStatus,
    pub detail: String,
    pub fix: Option<(String, String)>,
    pub data: serde_json::Value,
}

impl Outcome {
    pub(crate) fn ok(detail: impl Into<String>) -> Outcome {
        Outcome {
            status: CheckStatus::Ok,
            detail: detail.into(),
            fix: None,
            data: serde_json::Value::Null,
        }
    }

    pub(crate) fn bad(status: CheckStatus, detail: impl Into<String>, vi: &str, en: &str) -> Outcome {
        Outcome {
            status,
            detail: detail.into(),
            fix: Some((vi.to_owned(), en.to_owned())),
            data: serde_json::Value::Null,
        }
    }

    pub(crate) fn with_data(mut self, data: serde_json::Value) -> Outcome {
        self.data = data;
        self
    }
}

pub(crate) type Body = Box<dyn FnOnce() -> Outcome + Send>;

pub(crate) struct Spec {
    id: &'static str,
    title_vi: &'static str,
    title_en: &'static str,
    timeout: Duration,
    body: Body,
}

/// Runs every check concurrently and returns within about the longest deadline.
pub fn run_doctor(options: &DoctorOptions) -> DoctorReport {
    // Before any thread exists: Tesseract must see OMP_THREAD_LIMIT=1 (see sohoa_ocr::omp).
    sohoa_ocr::omp::limit_openmp_threads();
    let vault = sohoa_vault::VaultConfig::load(&options.data_dir);
    let training_mode = matches!(&vault, Ok(c) if c.url.is_none());
    let specs = checks::specs(options, vault, training_mode);
    let started = Instant::now();
    let mut pending = Vec::new();
    for spec in specs {
        let (tx, rx) = mpsc::channel();
        let body = spec.body;
        let spawned = std::thread::Builder::new()
            .name(format!("doctor-{}", spec.id))
            .spawn(move || {
                let t = Instant::now();
                let outcome = body();
                let _ = tx.send((outcome, t.elapsed()));
            });
        pending.push((
            spec.id,
            spec.title_vi,
            spec.title_en,
            spec.timeout,
            rx,
            spawned.is_ok(),
        ));
    }
    let mut report = DoctorReport {
        ok: true,
        training_mode,
        data_dir: options.data_dir.clone(),
        app_version: crate::APP_VERSION.to_owned(),
        counts: StatusCounts::default(),
        checks: Vec::new(),
    };
    for (id, title_vi, title_en, timeout, rx, spawned) in pending {
        let remaining = timeout.saturating_sub(started.elapsed());
        let (outcome, elapsed) = match rx.recv_timeout(remaining) {
            Ok(done) if spawned => done,
            _ => (timed_out(timeout), started.elapsed()),
        };
        match outcome.status {
            CheckStatus::Ok => report.counts.ok += 1,
            CheckStatus::Warn => report.counts.warn += 1,
            CheckStatus::Fail => report.counts.fail += 1,
        }
        let (fix_vi, fix_en) = outcome.fix.map_or((None, None), |(vi, en)| (Some(vi), Some(en)));
        report.checks.push(Check {
            id: id.to_owned(),
            title_vi: title_vi.to_owned(),
            title_en: title_en.to_owned(),
            status: outcome.status,
            detail: outcome.detail,
            fix_vi,
            fix_en,
            data: outcome.data,
            elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        });
    }
    report.ok = report.counts.fail == 0;
    tracing::info!(
        ok = report.counts.ok,
        warn = report.counts.warn,
        fail = report.counts.fail,
        "doctor"
    );
    report
}

fn timed_out(timeout: Duration) -> Outcome {
    Outcome::bad(
        CheckStatus::Fail,
        format!(
            "no answer within {} s (the driver or service hangs)",
            timeout.as_secs()
        ),
        "Kiểm tra không trả lời kịp: khởi động lại máy tính; nếu vẫn lỗi, cài lại trình điều khiển liên quan",
        "The check did not answer in time: restart the computer; if it persists, reinstall the driver concerned",
    )
}

pub(crate) fn spec(
    id: &'static str,
    title_vi: &'static str,
    title_en: &'static str,
    timeout: Duration,
    body: impl FnOnce() -> Outcome + Send + 'static,
) -> Spec {
    Spec {
        id,
        title_vi,
        title_en,
        timeout,
        body: Box::new(body),
    }
}
