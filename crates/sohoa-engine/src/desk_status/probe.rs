//! The one place that asks PC/SC and the PKCS#11 modules what signing devices are present: the status bar's
//! token cell, the administrator's token list and `sohoa tokens` all read this, so they cannot disagree about
//! which modules were tried.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

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

/// [`probe_devices`] on its own thread; `None` when it misses `timeout` (the thread is left to finish on its
/// own: middleware calls cannot be interrupted safely).
pub(crate) fn probe_with_deadline(modules: &[PathBuf], timeout: Duration) -> Option<DeviceProbe> {
    let modules = modules.to_vec();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("sohoa-token-probe".to_owned())
        .spawn(move || {
            let _ = tx.send(probe_devices(&modules));
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "token probe thread not started");
        return None;
    }
    let got = rx.recv_timeout(timeout).ok();
    if got.is_none() {
        tracing::warn!("token probe missed its deadline");
    }
    got
}
