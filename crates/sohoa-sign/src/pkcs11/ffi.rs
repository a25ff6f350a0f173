//! The one PKCS#11 call cryptoki cannot make for us: `C_Sign` on an operation already started with
//! `C_SignInit`. Keys marked CKA_ALWAYS_AUTHENTICATE need `C_SignInit`, then `C_Login(CKU_CONTEXT_SPECIFIC)`,
//! then `C_Sign`; cryptoki's `Session::sign` does init and sign in one call, and its multi-part API is
//! refused by tokens for raw CKM_RSA_PKCS / CKM_ECDSA.
#![allow(unsafe_code)]

use std::path::Path;

use cryptoki_sys::{CK_FUNCTION_LIST, CK_RV, CK_SESSION_HANDLE, CK_ULONG, CKR_OK};

/// The module's function list, loaded a second time by path: the dynamic loader returns the same
/// library instance, so sessions opened through cryptoki are valid here.
pub(crate) struct RawModule {
    _lib: cryptoki_sys::Pkcs11,
    list: *mut CK_FUNCTION_LIST,
}

// SAFETY: the function list is immutable module data; PKCS#11 modules initialised with OS locking
// (CKF_OS_LOCKING_OK, as cryptoki is initialised here) may be called from any thread.
unsafe impl Send for RawModule {}

impl RawModule {
    pub(crate) fn load(path: &Path) -> Result<Self, String> {
        // SAFETY: loading a PKCS#11 module runs its initialisers; the same module is already loaded by
        // cryptoki in this process, so nothing new runs.
        let lib = unsafe { cryptoki_sys::Pkcs11::new(path) }.map_err(|e| e.to_string())?;
        let mut list: *mut CK_FUNCTION_LIST = std::ptr::null_mut();
        // SAFETY: C_GetFunctionList writes one pointer to a static function table into `list`.
        let rv = unsafe { lib.C_GetFunctionList(&mut list) };
        if rv != CKR_OK || list.is_null() {
            return Err(format!("C_GetFunctionList returned {rv:#x}"));
        }
        Ok(RawModule { _lib: lib, list })
    }

    /// Single-part `C_Sign` on the operation `C_SignInit` started in `session`; `max_len` must hold the
    /// signature (no length query, which some modules mishandle after a context-specific login).
    pub(crate) fn sign(
        &self,
        session: CK_SESSION_HANDLE,
        data: &[u8],
        max_len: usize,
    ) -> Result<Vec<u8>, CK_RV> {
        // SAFETY: `list` points to the module's static function table (checked non-null at load).
        let Some(c_sign) = (unsafe { (*self.list).C_Sign }) else {
            return Err(cryptoki_sys::CKR_FUNCTION_NOT_SUPPORTED);
        };
        let mut out = vec![0u8; max_len];
        let mut out_len = max_len as CK_ULONG;
        // SAFETY: `data` and `out` are valid for the lengths passed; the module writes at most `out_len`
        // bytes and stores the real length back; the session handle comes from a live cryptoki Session.
        let rv = unsafe {
            c_sign(
                session,
                data.as_ptr() as *mut u8,
                data.len() as CK_ULONG,
                out.as_mut_ptr(),
                &mut out_len,
            )
        };
        if rv != CKR_OK {
            return Err(rv);
        }
        out.truncate(out_len as usize);
        Ok(out)
    }
}
