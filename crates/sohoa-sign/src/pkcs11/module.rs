//! Finding and loading PKCS#11 modules.
//!
//! Vietnamese CAs ship their own modules and the workstation cannot know which one an agency's token
//! needs, so without a configured path we probe the names public Vietnamese signing software probes
//! (research note signing.md §1.3), then OpenSC (PIV, ePass2003, IDPrime, ...), and take the first module
//! that sees a token. A module is initialised once per process and kept: a second `C_Initialize` fails and
//! a `C_Finalize` would close every other user's sessions.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};

use crate::SignError;

pub const OPENSC_MODULE: &str = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";
pub const SOFTHSM_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// Vendor module file names from public Vietnamese signing code (Windows DLLs), in probe order.
const VN_WINDOWS_DLLS: &[&str] = &[
    "vnpt-ca_csp11.dll",
    "VNPT-CA_v34.dll",
    "vnptca_p11_v10.dll",
    "vnptca_p11_v9.dll",
    "vnptca_p11_v8.dll",
    "vnptca_p11_v7.dll",
    "vnptca_p11_v6.dll",
    "vnpt-ca_cl_v1.dll",
    "viettel-ca_v6.dll",
    "viettel-ca_v5.dll",
    "viettel-ca_v4.dll",
    "viettel-ca_v3.dll",
    "viettel-ca_v2.dll",
    "viettel-ca_v2_s.x64.dll",
    "viettel-ca_v1.dll",
    "eTPKCS11.dll",
    "eps2003csp11.dll",
    "BkavCA.dll",
    "bkavcaetoken_p11.dll",
    "fpt-ca.dll",
    "fptca_v3.dll",
    "SignatureP11.dll",
    "ShuttleCsp11_3003.dll",
    "CA2_csp11.dll",
    "wdpkcs.dll",
    "ngp11v211.dll",
    "st3csp11.dll",
    "gclib.dll",
    "opensc-pkcs11.dll",
];

/// Linux modules: SafeNet's client (some Viettel tokens), OpenSC, then SoftHSM (test and training desks).
const LINUX_MODULES: &[&str] = &[
    "/usr/lib/libeTPkcs11.so",
    "/usr/lib/x86_64-linux-gnu/libeTPkcs11.so",
    OPENSC_MODULE,
    "/usr/lib/opensc-pkcs11.so",
    SOFTHSM_MODULE,
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
];

/// The probed modules that are installed on this desk, in probing order.
pub fn installed_modules() -> Vec<PathBuf> {
    candidate_modules().into_iter().filter(|p| p.is_file()).collect()
}

/// Every path probed on this platform, in order.
pub fn candidate_modules() -> Vec<PathBuf> {
    if cfg!(windows) {
        let root = std::env::var_os("SystemRoot").map_or_else(|| PathBuf::from(r"C:\Windows"), PathBuf::from);
        let dirs = [root.join("System32"), root.join("SysWOW64")];
        dirs.iter()
            .flat_map(|d| VN_WINDOWS_DLLS.iter().map(move |n| d.join(n)))
            .collect()
    } else {
        LINUX_MODULES.iter().map(PathBuf::from).collect()
    }
}

/// Short names accepted in `--key pkcs11:NAME`.
pub fn resolve_alias(name: &str) -> Option<PathBuf> {
    match name {
        "opensc" => Some(PathBuf::from(OPENSC_MODULE)),
        "softhsm" | "softhsm2" => Some(PathBuf::from(SOFTHSM_MODULE)),
        _ => None,
    }
}

fn cache() -> &'static Mutex<HashMap<PathBuf, Pkcs11>> {
    static C: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    C.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The process-wide, initialised instance of the module at `path`.
pub fn shared_module(path: &Path) -> Result<Pkcs11, SignError> {
    let mut c = match cache().lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    if let Some(m) = c.get(path) {
        return Ok(m.clone());
    }
    if !path.exists() {
        return Err(SignError::ModuleMissing {
            tried: vec![path.display().to_string()],
        });
    }
    let m = Pkcs11::new(path).map_err(|e| SignError::ModuleLoad {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    match m.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => {
            return Err(SignError::ModuleLoad {
                path: path.display().to_string(),
                reason: e.to_string(),
            });
        }
    }
    tracing::info!(module = %path.display(), "PKCS#11 module loaded");
    c.insert(path.to_path_buf(), m.clone());
    Ok(m)
}

/// Probes the candidates; returns the first module that sees a token (with `label`, when given).
pub fn probe(label: Option<&str>) -> Result<(PathBuf, Pkcs11), SignError> {
    let candidates = candidate_modules();
    let mut any_loaded = false;
    for path in &candidates {
        if !path.exists() {
            continue;
        }
        let m = match shared_module(path) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(module = %path.display(), error = %e, "PKCS#11 module skipped");
                continue;
            }
        };
        any_loaded = true;
        let Ok(slots) = m.get_slots_with_token() else {
            continue;
        };
        let hit = slots.iter().any(|s| {
            m.get_token_info(*s)
                .map(|t| label.is_none_or(|l| t.label().trim() == l))
                .unwrap_or(false)
        });
        if hit {
            return Ok((path.clone(), m));
        }
    }
    if any_loaded {
        Err(SignError::NoToken(label.map(str::to_owned)))
    } else {
        Err(SignError::ModuleMissing {
            tried: candidates.iter().map(|p| p.display().to_string()).collect(),
        })
    }
}
