//! The one place that asks PC/SC and the PKCS#11 modules what signing devices are present: the status bar's
//! token cell, the administrator's token list and `sohoa tokens` all read this, so they cannot disagree about
//! which modules were tried.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sohoa_sign::SignError;
use sohoa_sign::piv::ReaderInfo;
use sohoa_sign::pkcs11::Pkcs11Token;

/// What one probe saw.
#[derive(Debug)]
pub struct DeviceProbe {
    /// The PKCS#11 modules tried, in order.
    pub modules: Vec<PathBuf>,
    /// PC/SC readers (PIV cards), or why PC/SC did not answer.
    pub readers: Result<Vec<ReaderInfo>, SignError>,
    pub tokens: Vec<Pkcs11Token>,
    /// Modules that did not load or list (a wrong path, a 32-bit library, a vendor daemon not running).
    pub module_errors: Vec<(PathBuf, SignError)>,
}

/// Probes PC/SC and the given PKCS#11 modules (every known vendor module that is installed when `modules`
/// is empty). Blocks as long as the middleware does; see [`probe_with_deadline`].
pub fn probe_devices(modules: &[PathBuf]) -> DeviceProbe {
    let modules = if modules.is_empty() {
        sohoa_sign::pkcs11::installed_modules()
    } else {
        modules.to_vec()
    };
    let readers = sohoa_sign::piv::list_readers();
    let mut tokens = Vec::new();
    let mut module_errors = Vec::new();
    for m in &modules {
        match sohoa_sign::pkcs11::list_tokens(m) {
            Ok(t) => tokens.extend(t),
            Err(e) => {
                tracing::debug!(module = %m.display(), code = e.code(), "PKCS#11 module not usable");
                module_errors.push((m.clone(), e));
            }
        }
    }
    DeviceProbe {
        modules,
        readers,
        tokens,
        module_errors,
    }
}

/// One source's answer, sent back from its own thread.
enum Answer {
    Readers(Result<Vec<ReaderInfo>, SignError>),
    Module(usize, Result<Vec<Pkcs11Token>, SignError>),
}

/// [`probe_devices`] with each source (PC/SC, then each PKCS#11 module) on its own thread and one deadline
/// for all: a source that has not answered by then is reported as timed out, and what the others saw is kept.
/// A hung pcscd once hid the working SoftHSM token with it when the whole probe shared one thread. Threads
/// that miss the deadline are left to finish on their own: middleware calls cannot be interrupted safely.
/// The second value is whether any source missed the deadline.
pub(crate) fn probe_with_deadline(modules: &[PathBuf], timeout: Duration) -> (DeviceProbe, bool) {
    let modules = if modules.is_empty() {
        sohoa_sign::pkcs11::installed_modules()
    } else {
        modules.to_vec()
    };
    let deadline = Instant::now() + timeout;
    let (tx, rx) = mpsc::channel();
    let mut expected = 0usize;
    let mut spawn = |name: &str, job: Box<dyn FnOnce() -> Answer + Send>| {
        let tx = tx.clone();
        match std::thread::Builder::new().name(name.to_owned()).spawn(move || {
            let _ = tx.send(job());
        }) {
            Ok(_) => expected += 1,
            Err(e) => tracing::warn!(error = %e, "token probe thread not started"),
        }
    };
    spawn(
        "sohoa-pcsc-probe",
        Box::new(|| Answer::Readers(sohoa_sign::piv::list_readers())),
    );
    for (i, m) in modules.iter().enumerate() {
        let m = m.clone();
        spawn(
            "sohoa-pkcs11-probe",
            Box::new(move || Answer::Module(i, sohoa_sign::pkcs11::list_tokens(&m))),
        );
    }
    drop(tx);
    let mut readers = None;
    let mut per_module: Vec<Option<Result<Vec<Pkcs11Token>, SignError>>> =
        modules.iter().map(|_| None).collect();
    for _ in 0..expected {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Answer::Readers(r)) => readers = Some(r),
            Ok(Answer::Module(i, r)) => {
                if let Some(slot) = per_module.get_mut(i) {
                    *slot = Some(r);
                }
            }
            Err(_) => break,
        }
    }
    let late = || format!("no answer within {} s", timeout.as_secs());
    let timed_out = readers.is_none() || per_module.iter().any(Option::is_none);
    if timed_out {
        tracing::warn!("token probe: a source missed its deadline");
    }
    let mut tokens = Vec::new();
    let mut module_errors = Vec::new();
    for (m, answer) in modules.iter().zip(per_module) {
        match answer.unwrap_or_else(|| Err(SignError::Device(late()))) {
            Ok(t) => tokens.extend(t),
            Err(e) => {
                tracing::debug!(module = %m.display(), code = e.code(), "PKCS#11 module not usable");
                module_errors.push((m.clone(), e));
            }
        }
    }
    let probe = DeviceProbe {
        modules,
        readers: readers.unwrap_or_else(|| Err(SignError::PcscUnavailable(late()))),
        tokens,
        module_errors,
    };
    (probe, timed_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loading a module takes milliseconds; a zero deadline passes before any source can answer, so each is
    /// reported as late instead of being waited for.
    #[test]
    fn a_source_that_misses_the_deadline_is_reported_not_waited_for() {
        let module = PathBuf::from("/usr/lib/softhsm/libsofthsm2.so");
        let started = Instant::now();
        let (probe, timed_out) = probe_with_deadline(std::slice::from_ref(&module), Duration::ZERO);
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(timed_out);
        assert_eq!(probe.modules, [module]);
        let late = |e: &SignError| e.to_string().contains("no answer within 0 s");
        assert!(
            probe.module_errors.iter().all(|(_, e)| late(e)) && probe.readers.as_ref().err().is_none_or(late),
            "{probe:?}"
        );
        assert!(probe.tokens.is_empty());
    }
}
