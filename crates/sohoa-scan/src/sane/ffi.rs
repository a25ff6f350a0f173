//! The SANE 1.0 C ABI, loaded at run time from `libsane.so.1`.
//!
//! Hand-written rather than bindgen-generated: the ABI is ten functions and five structs, frozen since 1998,
//! and loading it with `dlopen` (instead of linking) lets a desk without libsane still list its TWAIN, eSCL
//! and folder scanners: a missing library is "no SANE devices", never a failed start of the app.
//! Every raw call lives here; `api.rs` and the scanner thread only see safe wrappers.
#![allow(unsafe_code)]

use std::ffi::{CStr, c_char, c_int, c_void};

pub type Word = i32;
pub type Handle = *mut c_void;

pub const STATUS_GOOD: c_int = 0;
pub const STATUS_EOF: c_int = 5;

pub const ACTION_GET_VALUE: c_int = 0;
pub const ACTION_SET_VALUE: c_int = 1;

pub const INFO_INEXACT: Word = 1;
pub const INFO_RELOAD_OPTIONS: Word = 2;

pub const CAP_SOFT_SELECT: Word = 1;
pub const CAP_INACTIVE: Word = 32;

pub const TYPE_BOOL: c_int = 0;
pub const TYPE_INT: c_int = 1;
pub const TYPE_FIXED: c_int = 2;
pub const TYPE_STRING: c_int = 3;
pub const TYPE_BUTTON: c_int = 4;
pub const TYPE_GROUP: c_int = 5;

pub const CONSTRAINT_RANGE: c_int = 1;
pub const CONSTRAINT_WORD_LIST: c_int = 2;
pub const CONSTRAINT_STRING_LIST: c_int = 3;

#[repr(C)]
pub struct RawDevice {
    pub name: *const c_char,
    pub vendor: *const c_char,
    pub model: *const c_char,
    pub kind: *const c_char,
}

#[repr(C)]
pub struct RawRange {
    pub min: Word,
    pub max: Word,
    pub quant: Word,
}

#[repr(C)]
pub union RawConstraint {
    pub string_list: *const *const c_char,
    pub word_list: *const Word,
    pub range: *const RawRange,
}

#[repr(C)]
pub struct RawOptionDescriptor {
    pub name: *const c_char,
    pub title: *const c_char,
    pub desc: *const c_char,
    pub value_type: c_int,
    pub unit: c_int,
    pub size: Word,
    pub cap: Word,
    pub constraint_type: c_int,
    pub constraint: RawConstraint,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parameters {
    pub format: c_int,
    pub last_frame: Word,
    pub bytes_per_line: Word,
    pub pixels_per_line: Word,
    pub lines: Word,
    pub depth: Word,
}

type AuthCallback = Option<unsafe extern "C" fn(*const c_char, *mut c_char, *mut c_char)>;

/// The resolved entry points; the `Library` is kept alive as long as they are.
pub struct Lib {
    init: unsafe extern "C" fn(*mut Word, AuthCallback) -> c_int,
    exit: unsafe extern "C" fn(),
    get_devices: unsafe extern "C" fn(*mut *const *const RawDevice, Word) -> c_int,
    open: unsafe extern "C" fn(*const c_char, *mut Handle) -> c_int,
    close: unsafe extern "C" fn(Handle),
    get_option_descriptor: unsafe extern "C" fn(Handle, Word) -> *const RawOptionDescriptor,
    control_option: unsafe extern "C" fn(Handle, Word, c_int, *mut c_void, *mut Word) -> c_int,
    get_parameters: unsafe extern "C" fn(Handle, *mut Parameters) -> c_int,
    start: unsafe extern "C" fn(Handle) -> c_int,
    read: unsafe extern "C" fn(Handle, *mut u8, Word, *mut Word) -> c_int,
    cancel: unsafe extern "C" fn(Handle),
    _lib: libloading::Library,
}

/// Candidate file names; `SOHOA_LIBSANE` points at another build (bundles, tests).
fn candidates() -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(path) = std::env::var("SOHOA_LIBSANE") {
        // An explicit library is the only one tried: a bundle must not silently pick up the system's.
        names.push(path);
        return names;
    }
    if cfg!(target_os = "macos") {
        names.extend(["libsane.1.dylib".to_owned(), "libsane.dylib".to_owned()]);
    } else {
        names.extend(["libsane.so.1".to_owned(), "libsane.so".to_owned()]);
    }
    names
}

impl Lib {
    /// Loads libsane; `Err` carries why, for the log (the caller reports "no devices").
    pub fn load() -> Result<Lib, String> {
        let mut last = String::from("no candidate");
        for name in candidates() {
            // SAFETY: loading libsane runs its (and its backends') initialisers; libsane is a plain C
            // library without unusual constructors, and it is loaded once per scanner thread.
            match unsafe { libloading::Library::new(&name) } {
                Ok(lib) => return Lib::resolve(lib).map_err(|e| format!("{name}: {e}")),
                Err(e) => last = format!("{name}: {e}"),
            }
        }
        Err(last)
    }

    fn resolve(lib: libloading::Library) -> Result<Lib, libloading::Error> {
        // SAFETY: each symbol is looked up with the exact C signature of SANE 1.0 (sane/sane.h), and the
        // function pointers are stored next to the `Library` that keeps them valid.
        unsafe {
            Ok(Lib {
                init: *lib.get(b"sane_init\0")?,
                exit: *lib.get(b"sane_exit\0")?,
                get_devices: *lib.get(b"sane_get_devices\0")?,
                open: *lib.get(b"sane_open\0")?,
                close: *lib.get(b"sane_close\0")?,
                get_option_descriptor: *lib.get(b"sane_get_option_descriptor\0")?,
                control_option: *lib.get(b"sane_control_option\0")?,
                get_parameters: *lib.get(b"sane_get_parameters\0")?,
                start: *lib.get(b"sane_start\0")?,
                read: *lib.get(b"sane_read\0")?,
                cancel: *lib.get(b"sane_cancel\0")?,
                _lib: lib,
            })
        }
    }

    pub fn init(&self) -> c_int {
        let mut version: Word = 0;
        // SAFETY: `version` is a valid out-pointer; no authorisation callback (network backends that need
        // one then fail to open, which is reported, not crashed on).
        unsafe { (self.init)(&mut version, None) }
    }

    pub fn exit(&self) {
        // SAFETY: called once, on the scanner thread, after every handle was closed.
        unsafe { (self.exit)() }
    }

    /// (name, vendor, model, type) of every device the backends report.
    pub fn devices(&self, local_only: bool) -> Result<Vec<[String; 4]>, c_int> {
        let mut list: *const *const RawDevice = std::ptr::null();
        // SAFETY: `list` is a valid out-pointer; the returned array is owned by libsane and stays valid
        // until the next sane_get_devices/sane_exit, both of which only this thread calls.
        let status = unsafe { (self.get_devices)(&mut list, Word::from(local_only)) };
        if status != STATUS_GOOD {
            return Err(status);
        }
        let mut out = Vec::new();
        if list.is_null() {
            return Ok(out);
        }
        let mut i = 0;
        loop {
            // SAFETY: the array is NULL-terminated (SANE 1.0 §4.3.3); we stop at the first NULL.
            let dev = unsafe { *list.add(i) };
            if dev.is_null() {
                break;
            }
            // SAFETY: `dev` points at a SANE_Device owned by libsane; its strings are NUL-terminated or NULL.
            let d = unsafe { &*dev };
            out.push([cstr(d.name), cstr(d.vendor), cstr(d.model), cstr(d.kind)]);
            i += 1;
        }
        Ok(out)
    }

    pub fn open(&self, name: &CStr) -> Result<Handle, c_int> {
        let mut handle: Handle = std::ptr::null_mut();
        // SAFETY: `name` is NUL-terminated, `handle` a valid out-pointer.
        let status = unsafe { (self.open)(name.as_ptr(), &mut handle) };
        if status == STATUS_GOOD && !handle.is_null() {
            Ok(handle)
        } else if status == STATUS_GOOD {
            Err(4)
        } else {
            Err(status)
        }
    }

    pub fn close(&self, h: Handle) {
        // SAFETY: `h` came from sane_open and is closed exactly once (the thread forgets it afterwards).
        unsafe { (self.close)(h) }
    }

    /// A copy of option `n`'s descriptor, or `None` past the last option.
    pub fn option(&self, h: Handle, n: Word) -> Option<RawOption> {
        // SAFETY: `h` is an open handle; the backend returns NULL for an out-of-range index.
        let p = unsafe { (self.get_option_descriptor)(h, n) };
        if p.is_null() {
            return None;
        }
        // SAFETY: non-NULL descriptors stay valid until the next control_option with RELOAD_OPTIONS; we
        // copy everything out right now.
        let d = unsafe { &*p };
        Some(RawOption::copy(n, d))
    }

    /// `sane_control_option` on a caller-provided buffer sized from the descriptor.
    pub fn control(&self, h: Handle, n: Word, action: c_int, buf: &mut [Word]) -> (c_int, Word) {
        let mut info: Word = 0;
        // SAFETY: `buf` is word-aligned and at least the option's `size` bytes (the caller sizes it from the
        // descriptor, rounded up to whole words), so the backend never writes past it.
        let status = unsafe { (self.control_option)(h, n, action, buf.as_mut_ptr().cast(), &mut info) };
        (status, info)
    }

    pub fn parameters(&self, h: Handle) -> Result<Parameters, c_int> {
        let mut p = Parameters::default();
        // SAFETY: `p` is a valid, properly laid out out-parameter.
        let status = unsafe { (self.get_parameters)(h, &mut p) };
        if status == STATUS_GOOD { Ok(p) } else { Err(status) }
    }

    pub fn start(&self, h: Handle) -> c_int {
        // SAFETY: `h` is an open handle.
        unsafe { (self.start)(h) }
    }

    /// One `sane_read` into `buf`; returns the status and the number of bytes written.
    pub fn read(&self, h: Handle, buf: &mut [u8]) -> (c_int, usize) {
        let max = Word::try_from(buf.len()).unwrap_or(Word::MAX);
        let mut len: Word = 0;
        // SAFETY: the backend writes at most `max` bytes into `buf`, which is at least that long.
        let status = unsafe { (self.read)(h, buf.as_mut_ptr(), max, &mut len) };
        let n = usize::try_from(len).unwrap_or(0).min(buf.len());
        (status, n)
    }

    pub fn cancel(&self, h: Handle) {
        // SAFETY: `h` is an open handle; cancelling an idle handle is a no-op by the standard.
        unsafe { (self.cancel)(h) }
    }
}

fn cstr(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: SANE strings are NUL-terminated; non-UTF-8 bytes are replaced, never trusted.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// An option descriptor copied out of libsane's memory.
#[derive(Debug, Clone, PartialEq)]
pub struct RawOption {
    pub index: Word,
    pub name: String,
    pub title: String,
    pub value_type: c_int,
    pub unit: c_int,
    pub size: Word,
    pub cap: Word,
    pub constraint: Constraint,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    None,
    Range { min: Word, max: Word, quant: Word },
    Words(Vec<Word>),
    Strings(Vec<String>),
}

impl RawOption {
    fn copy(index: Word, d: &RawOptionDescriptor) -> RawOption {
        let constraint = match d.constraint_type {
            // SAFETY: the union member read matches `constraint_type` (SANE 1.0 §4.2.9.8); NULL is checked.
            CONSTRAINT_RANGE => unsafe {
                let r = d.constraint.range;
                if r.is_null() {
                    Constraint::None
                } else {
                    Constraint::Range {
                        min: (*r).min,
                        max: (*r).max,
                        quant: (*r).quant,
                    }
                }
            },
            // SAFETY: a word list's first element is its length, followed by that many words.
            CONSTRAINT_WORD_LIST => unsafe {
                let w = d.constraint.word_list;
                if w.is_null() {
                    Constraint::None
                } else {
                    let n = usize::try_from(*w).unwrap_or(0);
                    Constraint::Words((1..=n).map(|i| *w.add(i)).collect())
                }
            },
            // SAFETY: a string list is a NULL-terminated array of NUL-terminated strings.
            CONSTRAINT_STRING_LIST => unsafe {
                let mut out = Vec::new();
                let l = d.constraint.string_list;
                if !l.is_null() {
                    let mut i = 0;
                    while !(*l.add(i)).is_null() {
                        out.push(cstr(*l.add(i)));
                        i += 1;
                    }
                }
                Constraint::Strings(out)
            },
            _ => Constraint::None,
        };
        RawOption {
            index,
            name: cstr(d.name),
            title: cstr(d.title),
            value_type: d.value_type,
            unit: d.unit,
            size: d.size,
            cap: d.cap,
            constraint,
        }
    }

    pub fn active(&self) -> bool {
        self.cap & CAP_INACTIVE == 0
    }

    pub fn settable(&self) -> bool {
        self.cap & CAP_SOFT_SELECT != 0
    }
}
