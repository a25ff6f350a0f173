//! The Data Source Manager library: loading it, calling `DSM_Entry`, its memory functions and the
//! application callback through which sources announce `MSG_XFERREADY` (TWAIN 2 on Linux has no message
//! loop, so the callback is the only way events arrive).
#![allow(unsafe_code)]

use std::collections::VecDeque;
use std::ffi::c_void;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::ffi::*;
use crate::ScanError;

/// Memory functions handed out by `DAT_ENTRYPOINT`; TWAIN 2 sources allocate native images and
/// containers with them, so the application must free with the same functions.
#[derive(Clone, Copy)]
struct MemFns {
    alloc: MemAllocateProc,
    free: MemFreeProc,
    lock: MemLockProc,
    unlock: MemUnlockProc,
}

pub(crate) struct Dsm {
    entry: DsmEntryProc,
    mem: OnceLock<MemFns>,
    path: PathBuf,
    // Kept last so the library outlives every function pointer taken from it.
    _lib: libloading::Library,
}

impl std::fmt::Debug for Dsm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dsm").field("path", &self.path).finish()
    }
}

impl Dsm {
    /// State 1 → 2.
    pub(crate) fn load(path: &Path) -> Result<Dsm, ScanError> {
        // SAFETY: loading a TWAIN DSM runs its initialisers; that is the documented way to use it. The
        // path comes from configuration (SOHOA_TWAIN_DSM) or the platform's standard DSM name.
        let lib = unsafe { libloading::Library::new(path) }
            .map_err(|e| ScanError::Unsupported(format!("TWAIN DSM {}: {e}", path.display())))?;
        // SAFETY: `DSM_Entry` has the signature of twain.h's DSMENTRYPROC on every supported platform.
        let entry: DsmEntryProc = unsafe {
            *lib.get::<DsmEntryProc>(b"DSM_Entry\0")
                .map_err(|e| ScanError::Unsupported(format!("{} has no DSM_Entry: {e}", path.display())))?
        };
        Ok(Dsm {
            entry,
            mem: OnceLock::new(),
            path: path.to_path_buf(),
            _lib: lib,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// One `DSM_Entry` call. `data` must point to the structure the (DG, DAT, MSG) triplet expects, or be
    /// null where the spec says so; the callers in `session.rs` pair each triplet with its type.
    pub(crate) fn call(
        &self,
        origin: &mut TwIdentity,
        dest: Option<&mut TwIdentity>,
        dg: u32,
        dat: u16,
        msg: u16,
        data: *mut c_void,
    ) -> u16 {
        let dest = dest.map_or(std::ptr::null_mut(), |d| d as *mut TwIdentity);
        // SAFETY: origin/dest are live, exclusively borrowed identities; `data` matches the triplet (see
        // the doc comment); the DSM does not keep these pointers after returning.
        unsafe { (self.entry)(origin, dest, dg, dat, msg, data) }
    }

    pub(crate) fn set_entry_points(&self, ep: &TwEntryPoint) {
        if let (Some(alloc), Some(free), Some(lock), Some(unlock)) =
            (ep.mem_allocate, ep.mem_free, ep.mem_lock, ep.mem_unlock)
        {
            let _ = self.mem.set(MemFns {
                alloc,
                free,
                lock,
                unlock,
            });
        }
    }

    fn mem(&self) -> Result<MemFns, ScanError> {
        self.mem
            .get()
            .copied()
            .ok_or_else(|| ScanError::Protocol("the DSM gave no memory functions (DAT_ENTRYPOINT)".into()))
    }

    /// Allocates a container with the DSM's allocator and fills it with `bytes`.
    pub(crate) fn alloc_with(&self, bytes: &[u8]) -> Result<TwHandle, ScanError> {
        let m = self.mem()?;
        let len =
            u32::try_from(bytes.len()).map_err(|_| ScanError::Protocol("container too large".into()))?;
        // SAFETY: DSM_MemAllocate returns a handle of at least `len` bytes or null.
        let h = unsafe { (m.alloc)(len) };
        if h.is_null() {
            return Err(ScanError::Io("DSM_MemAllocate failed".into()));
        }
        // SAFETY: the handle is fresh and `len` bytes long; lock gives its address until unlock.
        unsafe {
            let p = (m.lock)(h) as *mut u8;
            if p.is_null() {
                (m.free)(h);
                return Err(ScanError::Io("DSM_MemLock failed".into()));
            }
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            (m.unlock)(h);
        }
        Ok(h)
    }

    /// Reads a handle's memory through `f` while it is locked.
    ///
    /// `f` gets the base pointer; it must only read within what the source told us the handle holds.
    pub(crate) fn with_locked<R>(&self, h: TwHandle, f: impl FnOnce(*const u8) -> R) -> Result<R, ScanError> {
        let m = self.mem()?;
        // SAFETY: `h` was returned by the source or by alloc_with and has not been freed.
        let p = unsafe { (m.lock)(h) } as *const u8;
        if p.is_null() {
            return Err(ScanError::Io("DSM_MemLock failed".into()));
        }
        let r = f(p);
        // SAFETY: paired with the lock above.
        unsafe { (m.unlock)(h) };
        Ok(r)
    }

    pub(crate) fn free(&self, h: TwHandle) {
        if h.is_null() {
            return;
        }
        if let Ok(m) = self.mem() {
            // SAFETY: `h` came from the DSM's allocator (a source's native image or our container) and is
            // freed exactly once, by the caller that owns it.
            unsafe { (m.free)(h) };
        }
    }
}

/// Events delivered by the callback, keyed by the application identity's Id (the callback's `pDest`).
struct EventQueue {
    q: Mutex<VecDeque<(u32, u16)>>,
    cv: Condvar,
}

fn events() -> &'static EventQueue {
    static Q: OnceLock<EventQueue> = OnceLock::new();
    Q.get_or_init(|| EventQueue {
        q: Mutex::new(VecDeque::new()),
        cv: Condvar::new(),
    })
}

/// The application callback (twain.h TWAINCALLBACKPROC). It only queues the message: the spec forbids
/// calling back into the DSM from inside it, and sources may call it from their own thread.
pub(crate) unsafe extern "system" fn twain_callback(
    _origin: *mut TwIdentity,
    dest: *mut TwIdentity,
    _dg: u32,
    _dat: u16,
    msg: u16,
    _data: TwMemRef,
) -> u16 {
    let app_id = if dest.is_null() {
        0
    } else {
        // SAFETY: a non-null pDest is the application identity the DSM has on record; Id is read by copy.
        unsafe { std::ptr::addr_of!((*dest).id).read_unaligned() }
    };
    post_event(app_id, msg);
    TWRC_SUCCESS
}

pub(crate) fn post_event(app_id: u32, msg: u16) {
    let e = events();
    if let Ok(mut q) = e.q.lock() {
        q.push_back((app_id, msg));
    }
    e.cv.notify_all();
}

/// Drops events left over for an application (a previous scan's late CLOSEDSREQ, for example).
pub(crate) fn clear_events(app_id: u32) {
    if let Ok(mut q) = events().q.lock() {
        q.retain(|(id, _)| *id != app_id);
    }
}

/// Waits for the next event for `app_id` (or an unaddressed one). `poll` runs between waits; on Windows
/// it pumps the message loop for sources that post window messages instead of calling back.
pub(crate) fn wait_event(
    app_id: u32,
    timeout: Duration,
    mut poll: impl FnMut() -> Option<u16>,
) -> Option<u16> {
    let e = events();
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(m) = poll() {
            return Some(m);
        }
        let Ok(mut q) = e.q.lock() else { return None };
        if let Some(pos) = q.iter().position(|(id, _)| *id == app_id || *id == 0) {
            return q.remove(pos).map(|(_, m)| m);
        }
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        let wait = (deadline - now).min(Duration::from_millis(50));
        let _ = e.cv.wait_timeout(q, wait);
    }
}

impl Dsm {
    /// Copies a capability container out of its handle: header first, then as many items as it declares.
    pub(crate) fn read_container(&self, h: TwHandle, con_type: u16) -> Result<Vec<u8>, ScanError> {
        if h.is_null() {
            return Err(ScanError::Protocol("capability without container".into()));
        }
        self.with_locked(h, |p| {
            // SAFETY: every container starts with at least 6 bytes (ItemType + one 32-bit field); the
            // enumeration/range headers are read only for those container types, whose headers are 14 and
            // 22 bytes long, then exactly the declared items.
            let head_len = match con_type {
                TWON_ENUMERATION => 14,
                TWON_RANGE => 22,
                _ => 6,
            };
            let head = unsafe { std::slice::from_raw_parts(p, head_len) }.to_vec();
            let len = super::caps::Container::byte_len(con_type, &head)
                .ok_or_else(|| ScanError::Protocol(format!("bad container type {con_type}")))?;
            // SAFETY: `len` is what the container itself declares (item count capped at 4096).
            Ok(unsafe { std::slice::from_raw_parts(p, len) }.to_vec())
        })?
    }

    /// Copies a native image (TIFF or DIB) out of its handle, reading no further than `limit` bytes.
    pub(crate) fn read_native(&self, h: TwHandle, limit: usize) -> Result<Vec<u8>, ScanError> {
        self.with_locked(h, |p| {
            let read = |off: usize, len: usize| -> Option<Vec<u8>> {
                let end = off.checked_add(len)?;
                if end > limit {
                    return None;
                }
                // SAFETY: the source wrote an image whose structure references [off, end); `limit` bounds
                // it by the size the source announced in DAT_IMAGEINFO.
                Some(unsafe { std::slice::from_raw_parts(p.add(off), len) }.to_vec())
            };
            let magic = read(0, 4).ok_or_else(|| ScanError::Protocol("empty native image".into()))?;
            let len = if super::image::is_tiff(&magic) {
                super::image::tiff_len(&read)
            } else {
                read(0, 40).and_then(|h| super::image::dib_len(&h))
            }
            .filter(|l| *l <= limit)
            .ok_or_else(|| ScanError::Protocol("native image structure out of bounds".into()))?;
            read(0, len).ok_or_else(|| ScanError::Protocol("native image out of bounds".into()))
        })?
    }
}
