//! A fake TWAIN 2.4 Data Source Manager with two built-in data sources, exported as `DSM_Entry` from a
//! cdylib. It exists because no TWAIN scanner (or TWAIN sample source) can be installed on the Linux CI
//! machine; it follows the TWAIN 2.4 specification's state tables so the backend in `sohoa-scan` is held
//! to them:
//! - every triplet is checked against the session state; a wrong-state call fails with TWRC_FAILURE and
//!   TWCC_SEQERROR and is counted (`SohoaFake_SequenceErrors`);
//! - DAT_ENTRYPOINT hands out calloc/free-based memory functions; containers and native images are
//!   allocated with them, so the application must free them;
//! - MSG_XFERREADY is delivered through the registered callback from another thread, as Linux sources do;
//! - configuration is per session through custom capabilities (0x8001 sheets, 0x8002 jam at image N,
//!   0x8003 double feed at image N, 0x8004 native DIB instead of TIFF, 0x8005 unknown pending count).
#![allow(unsafe_code)]

#[path = "../../sohoa-scan/src/twain/ffi.rs"]
#[allow(dead_code)]
pub mod ffi;

pub mod caps;
mod ds;
pub mod pages;

use std::collections::HashMap;
use std::ffi::{CStr, c_char};
use std::sync::{Mutex, MutexGuard, OnceLock};

use ffi::*;

pub const SOURCE_ADF: &str = "SoHoa Fake ADF Duplex";
pub const SOURCE_FLATBED: &str = "SoHoa Fake Flatbed";

pub(crate) fn source_identities() -> Vec<TwIdentity> {
    [(SOURCE_ADF, 101), (SOURCE_FLATBED, 102)]
        .iter()
        .map(|(name, id)| {
            let mut i = TwIdentity::zeroed();
            i.id = *id;
            i.version.major_num = 2;
            i.version.minor_num = 4;
            i.version.info = str32("fake 1.0");
            i.protocol_major = 2;
            i.protocol_minor = 4;
            i.supported_groups = DG_CONTROL | DG_IMAGE | DF_DS2;
            i.manufacturer = str32("SoHoa Test");
            i.product_family = str32("Fake TWAIN");
            i.product_name = str32(name);
            i
        })
        .collect()
}

pub(crate) struct App {
    pub identity: TwIdentity,
    pub name: String,
    pub cursor: usize,
    pub cc: u16,
    pub ds: Option<ds::Source>,
}

#[derive(Default)]
pub(crate) struct Fake {
    pub apps: HashMap<u32, App>,
    pub next_id: u32,
    pub seq_errors: HashMap<String, u32>,
}

pub(crate) fn fake() -> MutexGuard<'static, Fake> {
    static F: OnceLock<Mutex<Fake>> = OnceLock::new();
    let m = F.get_or_init(|| {
        Mutex::new(Fake {
            next_id: 1,
            ..Default::default()
        })
    });
    m.lock().unwrap_or_else(|p| p.into_inner())
}

// ----- memory functions handed out by DAT_ENTRYPOINT (handles are plain calloc'd pointers) -----

unsafe extern "system" fn mem_alloc(size: u32) -> TwHandle {
    // SAFETY: calloc with a non-zero size; null on failure is what DSM_MemAllocate returns too.
    unsafe { libc::calloc(size.max(1) as usize, 1) }
}
unsafe extern "system" fn mem_free(h: TwHandle) {
    // SAFETY: handles come from mem_alloc (calloc).
    unsafe { libc::free(h) }
}
unsafe extern "system" fn mem_lock(h: TwHandle) -> TwMemRef {
    h
}
unsafe extern "system" fn mem_unlock(_h: TwHandle) {}

pub(crate) fn alloc_bytes(bytes: &[u8]) -> TwHandle {
    // SAFETY: fresh allocation of bytes.len() bytes, filled once.
    unsafe {
        let h = mem_alloc(bytes.len() as u32);
        if !h.is_null() {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), h as *mut u8, bytes.len());
        }
        h
    }
}

/// Number of out-of-sequence calls refused so far for applications whose ProductName is `name`.
#[unsafe(no_mangle)]
///
/// # Safety
/// `name` is null or a NUL-terminated string.
pub unsafe extern "C" fn SohoaFake_SequenceErrors(name: *const c_char) -> u32 {
    if name.is_null() {
        return 0;
    }
    // SAFETY: the caller passes a NUL-terminated string.
    let n = unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned();
    fake().seq_errors.get(&n).copied().unwrap_or(0)
}

/// Number of applications with the DSM open (MSG_OPENDSM without MSG_CLOSEDSM) named `name`.
#[unsafe(no_mangle)]
///
/// # Safety
/// `name` is null or a NUL-terminated string.
pub unsafe extern "C" fn SohoaFake_OpenApps(name: *const c_char) -> u32 {
    if name.is_null() {
        return 0;
    }
    // SAFETY: the caller passes a NUL-terminated string.
    let n = unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned();
    fake().apps.values().filter(|a| a.name == n).count() as u32
}

pub(crate) fn seq_error(f: &mut Fake, app_name: &str) -> (u16, u16) {
    *f.seq_errors.entry(app_name.to_owned()).or_default() += 1;
    (TWRC_FAILURE, TWCC_SEQERROR)
}

// The export and the backend's `DsmEntryProc` (which loads it) are written apart; this keeps them one signature.
const _: DsmEntryProc = DSM_Entry;

/// The DSM's only entry point.
///
/// # Safety
/// Called by TWAIN applications with pointers valid for the triplet, per twain.h.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn DSM_Entry(
    origin: *mut TwIdentity,
    dest: *mut TwIdentity,
    dg: u32,
    dat: u16,
    msg: u16,
    data: TwMemRef,
) -> u16 {
    if origin.is_null() {
        return TWRC_FAILURE;
    }
    // SAFETY: the application passes its identity; it is read/written by copy (packed struct).
    let mut ident = unsafe { origin.read_unaligned() };
    let dest_id = if dest.is_null() {
        None
    } else {
        Some(unsafe { std::ptr::addr_of!((*dest).id).read_unaligned() })
    };
    let mut f = fake();
    let (rc, cc) = dispatch(&mut f, &mut ident, dest_id, dg, dat, msg, data);
    // SAFETY: write back Id / SupportedGroups the DSM assigns at MSG_OPENDSM.
    unsafe { origin.write_unaligned(ident) };
    let app_id = ident.id;
    if let Some(app) = f.apps.get_mut(&app_id)
        && rc == TWRC_FAILURE
    {
        {
            match (dest_id, app.ds.as_mut()) {
                (Some(_), Some(s)) => s.cc = cc,
                _ => app.cc = cc,
            }
        }
    }
    rc
}

fn dispatch(
    f: &mut Fake,
    ident: &mut TwIdentity,
    dest: Option<u32>,
    dg: u32,
    dat: u16,
    msg: u16,
    data: TwMemRef,
) -> (u16, u16) {
    let name = from_str32(&ident.product_name);
    let app_id = ident.id;
    let known = f.apps.contains_key(&app_id) && app_id != 0;
    if (dg, dat, msg) == (DG_CONTROL, DAT_PARENT, MSG_OPENDSM) {
        if known {
            return seq_error(f, &name);
        }
        ident.id = f.next_id;
        f.next_id += 1;
        ident.supported_groups |= DF_DSM2;
        f.apps.insert(
            ident.id,
            App {
                identity: *ident,
                name,
                cursor: 0,
                cc: TWCC_SUCCESS,
                ds: None,
            },
        );
        return (TWRC_SUCCESS, TWCC_SUCCESS);
    }
    if !known {
        // State 2: only MSG_OPENDSM is allowed.
        return seq_error(f, &name);
    }
    if let Some(d) = dest {
        return ds::dispatch(f, app_id, d, dg, dat, msg, data);
    }
    let Some(app) = f.apps.get_mut(&app_id) else {
        return (TWRC_FAILURE, TWCC_BUMMER);
    };
    match (dg, dat, msg) {
        (DG_CONTROL, DAT_PARENT, MSG_CLOSEDSM) => {
            if app.ds.is_some() {
                return seq_error(f, &name);
            }
            f.apps.remove(&app_id);
            (TWRC_SUCCESS, TWCC_SUCCESS)
        }
        (DG_CONTROL, DAT_ENTRYPOINT, MSG_GET) => {
            if data.is_null() {
                return (TWRC_FAILURE, TWCC_BADVALUE);
            }
            let ep = TwEntryPoint {
                size: std::mem::size_of::<TwEntryPoint>() as u32,
                dsm_entry: Some(DSM_Entry),
                mem_allocate: Some(mem_alloc),
                mem_free: Some(mem_free),
                mem_lock: Some(mem_lock),
                mem_unlock: Some(mem_unlock),
            };
            // SAFETY: the application passes a TW_ENTRYPOINT.
            unsafe { (data as *mut TwEntryPoint).write_unaligned(ep) };
            (TWRC_SUCCESS, TWCC_SUCCESS)
        }
        (DG_CONTROL, DAT_STATUS, MSG_GET) => {
            let st = TwStatus {
                condition_code: app.cc,
                data: 0,
            };
            app.cc = TWCC_SUCCESS;
            // SAFETY: the application passes a TW_STATUS.
            unsafe { (data as *mut TwStatus).write_unaligned(st) };
            (TWRC_SUCCESS, TWCC_SUCCESS)
        }
        (DG_CONTROL, DAT_IDENTITY, MSG_GETFIRST | MSG_GETNEXT) => {
            if msg == MSG_GETFIRST {
                app.cursor = 0;
            }
            let list = source_identities();
            match list.get(app.cursor) {
                Some(i) => {
                    app.cursor += 1;
                    // SAFETY: the application passes a TW_IDENTITY.
                    unsafe { (data as *mut TwIdentity).write_unaligned(*i) };
                    (TWRC_SUCCESS, TWCC_SUCCESS)
                }
                None => (TWRC_ENDOFLIST, TWCC_SUCCESS),
            }
        }
        (DG_CONTROL, DAT_IDENTITY, MSG_OPENDS) => {
            if app.ds.is_some() {
                return seq_error(f, &name);
            }
            // SAFETY: the application passes the TW_IDENTITY of the source to open.
            let want = unsafe { (data as *mut TwIdentity).read_unaligned() };
            let wanted = from_str32(&want.product_name);
            let Some(src) = source_identities()
                .into_iter()
                .find(|i| from_str32(&i.product_name) == wanted)
            else {
                return (TWRC_FAILURE, TWCC_NODS);
            };
            // SAFETY: as above; the DSM fills in the chosen source's identity.
            unsafe { (data as *mut TwIdentity).write_unaligned(src) };
            app.ds = Some(ds::Source::new(src, wanted == SOURCE_ADF));
            (TWRC_SUCCESS, TWCC_SUCCESS)
        }
        (DG_CONTROL, DAT_IDENTITY, MSG_CLOSEDS) => match app.ds.as_ref().map(|s| s.state) {
            Some(4) => {
                app.ds = None;
                (TWRC_SUCCESS, TWCC_SUCCESS)
            }
            _ => seq_error(f, &name),
        },
        _ => (TWRC_FAILURE, TWCC_BADPROTOCOL),
    }
}
