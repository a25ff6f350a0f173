//! The one place that asks PC/SC and the PKCS#11 modules what signing devices are present: the status bar's
//! token cell, the administrator's token list and `sohoa tokens` all read this, so they cannot disagree about
//! which modules were tried.

use std::path::{Path, PathBuf};
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
    let modules = modules_to_try(modules);
    let readers = sohoa_sign::piv::list_readers();
    let answers: Vec<_> = modules
        .iter()
        .map(|m| sohoa_sign::pkcs11::list_tokens(m))
        .collect();
    DeviceProbe::assemble(modules, readers, answers)
}

/// The modules given, or every known vendor module that is installed.
fn modules_to_try(modules: &[PathBuf]) -> Vec<PathBuf> {
    if modules.is_empty() {
        sohoa_sign::pkcs11::installed_modules()
    } else {
        modules.to_vec()
    }
}

impl DeviceProbe {
    /// Each module's answer (in `modules` order) split into the tokens found and the modules that failed.
    fn assemble(
        modules: Vec<PathBuf>,
        readers: Result<Vec<ReaderInfo>, SignError>,
        answers: Vec<Result<Vec<Pkcs11Token>, SignError>>,
    ) -> DeviceProbe {
        let mut tokens = Vec::new();
        let mut module_errors = Vec::new();
        for (m, answer) in modules.iter().zip(answers) {
            match answer {
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
    probe_sources(
        modules_to_try(modules),
        timeout,
        sohoa_sign::piv::list_readers,
        sohoa_sign::pkcs11::list_tokens,
    )
}

type ReadersFn = fn() -> Result<Vec<ReaderInfo>, SignError>;
type TokensFn = fn(&Path) -> Result<Vec<Pkcs11Token>, SignError>;

/// [`probe_with_deadline`] with the two middleware calls passed in, so the test can stand a hung pcscd next
/// to a real SoftHSM module without depending on which of them happens to answer first.
fn probe_sources(
    modules: Vec<PathBuf>,
    timeout: Duration,
    list_readers: ReadersFn,
    list_tokens: TokensFn,
) -> (DeviceProbe, bool) {
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
        Box::new(move || Answer::Readers(list_readers())),
    );
    for (i, m) in modules.iter().enumerate() {
        let m = m.clone();
        spawn(
            "sohoa-pkcs11-probe",
            Box::new(move || Answer::Module(i, list_tokens(&m))),
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
    let answers = per_module
        .into_iter()
        .map(|answer| answer.unwrap_or_else(|| Err(SignError::Device(late()))))
        .collect();
    let readers = readers.unwrap_or_else(|| Err(SignError::PcscUnavailable(late())));
    let probe = DeviceProbe::assemble(modules, readers, answers);
    (probe, timed_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PC/SC daemon that never answers (the hang seen when other programs held the virtual card) next to
    /// the real SoftHSM module: the probe returns at the deadline, names PC/SC as late and keeps the module's
    /// own answer instead of blaming it too.
    #[test]
    fn a_source_that_misses_the_deadline_is_reported_not_waited_for() {
        /// A stand-in: a real pcscd cannot be made to hang on cue.
        fn hung_pcscd() -> Result<Vec<ReaderInfo>, SignError> {
            std::thread::sleep(Duration::from_secs(30));
            Ok(Vec::new())
        }
        let module = PathBuf::from("/usr/lib/softhsm/libsofthsm2.so");
        let started = Instant::now();
        let (probe, timed_out) = probe_sources(
            vec![module.clone()],
            Duration::from_secs(3),
            hung_pcscd,
            sohoa_sign::pkcs11::list_tokens,
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert!(timed_out);
        assert_eq!(probe.modules, [module]);
        let late = |e: &SignError| e.to_string().contains("no answer within 3 s");
        assert!(probe.readers.as_ref().is_err_and(late), "{probe:?}");
        assert!(!probe.module_errors.iter().any(|(_, e)| late(e)), "{probe:?}");
    }
}
