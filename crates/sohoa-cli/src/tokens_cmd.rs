//! `sohoa tokens`: what signing devices the desk sees (support staff diagnose token trouble with it), and
//! `--watch`, the insert/remove events the desktop app shows.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::json;
use sohoa_core::text::nfc;
use sohoa_sign::{CertInfo, SignError, TokenEventKind, TokenMonitor};

use crate::output::print_json;

/// Exit codes for signing failures, in the classes the CLI documents.
pub fn sign_exit_code(e: &SignError) -> u8 {
    match e {
        SignError::KeySpec(_) => 2,
        SignError::NoToken(_)
        | SignError::NoReader(_)
        | SignError::ModuleMissing { .. }
        | SignError::NoCertificate => 4,
        SignError::TokenRemoved
        | SignError::Device(_)
        | SignError::PcscUnavailable(_)
        | SignError::ModuleLoad { .. }
        | SignError::TrustStore(_) => 6,
        _ => 3,
    }
}

/// One line on stderr (Vietnamese — English [code]), a JSON object on stdout with `--json`.
pub fn report_sign_error(e: &SignError, json: bool) -> ExitCode {
    if json {
        let body = json!({"ok": false, "error": {
            "code": e.code(), "message": e.message_vi(), "message_en": e.to_string(), "retry": e.retry()
        }});
        println!("{body}");
    }
    eprintln!("sohoa: {} — {} [{}]", e.message_vi(), e, e.code());
    ExitCode::from(sign_exit_code(e))
}

pub fn tokens(
    modules: &[PathBuf],
    watch: bool,
    watch_for: Option<u64>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if watch {
        return Ok(match watch_events(watch_for, json) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => report_sign_error(&e, json),
        });
    }
    // The same probe as the app's status bar and token list (sohoa_engine::probe_devices).
    let probe = sohoa_engine::probe_devices(modules);
    let (readers, pcsc_error) = match probe.readers {
        Ok(r) => (r, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let paths = probe.modules;
    let tokens = probe.tokens;
    let module_errors: Vec<(String, SignError)> = probe
        .module_errors
        .into_iter()
        .map(|(p, e)| (p.display().to_string(), e))
        .collect();
    if json {
        print_json(&json!({
            "readers": readers,
            "pcsc_error": pcsc_error.as_ref().map(|e| json!({"code": e.code(), "message": e.message_vi()})),
            "modules": paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "module_errors": module_errors.iter().map(|(p, e)| json!({"module": p, "code": e.code(), "message": e.message_vi()})).collect::<Vec<_>>(),
            "tokens": tokens,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("Đầu đọc thẻ (PC/SC):");
    match &pcsc_error {
        Some(e) => println!("  {} [{}]", e.message_vi(), e.code()),
        None if readers.is_empty() => println!("  (không có đầu đọc nào)"),
        None => {}
    }
    for r in &readers {
        let state = match (r.card_present, r.piv) {
            (false, _) => "trống".to_owned(),
            (true, true) => format!(
                "thẻ PIV{}",
                r.pin_retries
                    .map(|n| format!(", còn {n} lần thử PIN"))
                    .unwrap_or_default()
            ),
            (true, false) => "có thẻ (không phải PIV)".to_owned(),
        };
        println!("  {} — {state}", r.reader);
        for c in &r.certificates {
            print_cert(c);
        }
    }
    println!("Thiết bị ký số (PKCS#11):");
    if paths.is_empty() {
        println!("  (chưa cài trình điều khiển PKCS#11 nào)");
    }
    for (p, e) in &module_errors {
        println!("  {p}: {} [{}]", e.message_vi(), e.code());
    }
    for t in &tokens {
        let lock = if t.pin_locked {
            " — ĐÃ KHÓA PIN"
        } else if t.pin_final_try {
            " — còn 1 lần thử PIN"
        } else if t.pin_count_low {
            " — sắp hết lần thử PIN"
        } else {
            ""
        };
        println!(
            "  «{}» ({} {}) qua {}{lock}",
            nfc(&t.label),
            t.manufacturer,
            t.model,
            t.module
        );
        for c in &t.certificates {
            print_cert(c);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_cert(c: &CertInfo) {
    let key = match c.key {
        Some(sohoa_sign::KeyKind::Rsa { bits }) => format!("RSA-{bits}"),
        Some(sohoa_sign::KeyKind::Ec { curve }) => format!("EC {curve:?}"),
        None => "?".to_owned(),
    };
    println!("    Chứng thư: {}", nfc(&c.subject));
    println!("      Cấp bởi: {}", nfc(&c.issuer));
    println!(
        "      Hiệu lực: {} → {}  ·  Khóa: {key}  ·  Mục đích: {}",
        c.not_before.format("%Y-%m-%d"),
        c.not_after.format("%Y-%m-%d"),
        c.key_usage
            .as_ref()
            .map_or_else(|| "(không giới hạn)".to_owned(), |u| u.join(", "))
    );
}

/// Prints events until interrupted, or for `watch_for` seconds (scripts and tests).
fn watch_events(watch_for: Option<u64>, json: bool) -> Result<(), SignError> {
    let monitor = TokenMonitor::start()?;
    let deadline = watch_for.map(|s| Instant::now() + Duration::from_secs(s));
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(());
        }
        let Some(ev) = monitor.next_timeout(Duration::from_millis(200)) else {
            continue;
        };
        let ev = ev?;
        if json {
            println!("{}", serde_json::to_string(&ev).unwrap_or_default());
        } else {
            let what = match ev.kind {
                TokenEventKind::Inserted if ev.initial => "đang cắm",
                TokenEventKind::Inserted => "vừa cắm vào",
                TokenEventKind::Removed => "vừa rút ra",
                TokenEventKind::ReaderAdded => "đầu đọc mới",
                TokenEventKind::ReaderRemoved => "đầu đọc bị tháo",
            };
            println!(
                "{} — {what}{}",
                ev.reader,
                ev.atr.map(|a| format!(" (ATR {a})")).unwrap_or_default()
            );
        }
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
    }
}

/// Opens a `pkcs11:` or `piv` key for `sohoa sign`: PIN from the environment variable named by
/// `--pin-env`, certificate checked against the trust anchors (`SOHOA_TRUST_DIR` or `assets/trust`, and the
/// desk's `<data dir>/trust` the administrator manages in the app — as the app signs) before anything is
/// signed.
pub fn open_token_signer(
    spec: &sohoa_sign::KeySpec,
    pin_env: Option<&str>,
    desk: &std::path::Path,
) -> Result<Box<dyn sohoa_sign::Signer>, SignError> {
    let var = pin_env.ok_or_else(|| SignError::PinMissing("--pin-env".to_owned()))?;
    let pin = sohoa_sign::Pin::from_env(var)?;
    let store = sohoa_engine::desk_trust_store(desk)?;
    sohoa_sign::open_signer(spec, pin, &store)
}
