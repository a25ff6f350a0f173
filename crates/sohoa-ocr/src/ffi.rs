//! The few Tesseract C API calls we make, through `tesseract-sys` (the bindings leptess itself uses).
//!
//! Why not leptess's `TessApi`: its handle is private and its `recognize` passes no progress monitor, so a
//! page being recognised could not be cancelled. Tesseract's C API has `TessMonitorSetCancelFunc`: the
//! recogniser asks the callback before each word, so an officer closing a batch stops the page at once
//! instead of after the seconds a dense page takes.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

use tesseract_sys::{
    TessBaseAPI, TessBaseAPICreate, TessBaseAPIDelete, TessBaseAPIGetIterator, TessBaseAPIGetTsvText,
    TessBaseAPIInit3, TessBaseAPIRecognize, TessBaseAPISetImage, TessBaseAPISetSourceResolution,
    TessBaseAPISetVariable, TessDeleteText, TessMonitorCreate, TessMonitorDelete, TessMonitorSetCancelFunc,
    TessMonitorSetCancelThis, TessPageIteratorBoundingBox, TessPageIteratorIsAtBeginningOf,
    TessPageIteratorLevel, TessPageIteratorLevel_RIL_SYMBOL, TessPageIteratorLevel_RIL_WORD,
    TessResultIteratorDelete, TessResultIteratorGetPageIterator, TessResultIteratorGetUTF8Text,
    TessResultIteratorNext,
};

use crate::page::BBox;
use crate::superscript::Symbol;

/// One Tesseract instance. Only `&mut self` methods touch it, so one thread uses it at a time.
pub(crate) struct Api {
    handle: *mut TessBaseAPI,
}

// SAFETY: a TessBaseAPI has no thread affinity; it must only not be used by two threads at once, which
// `&mut self` on every call guarantees. Each pool worker owns its own instance.
unsafe impl Send for Api {}

/// Why recognition stopped without a result.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Stopped {
    Cancelled,
    Failed,
}

impl Api {
    /// Creates an instance and loads `lang` from `datapath`; `None` when Tesseract refuses (missing model).
    pub(crate) fn new(datapath: &str, lang: &str) -> Option<Api> {
        let dp = CString::new(datapath).ok()?;
        let lang = CString::new(lang).ok()?;
        // SAFETY: TessBaseAPICreate has no preconditions; a null result is checked.
        let handle = unsafe { TessBaseAPICreate() };
        if handle.is_null() {
            return None;
        }
        let api = Api { handle };
        // SAFETY: handle is a live instance; both strings are NUL-terminated and outlive the call
        // (Tesseract copies them).
        let rc = unsafe { TessBaseAPIInit3(api.handle, dp.as_ptr(), lang.as_ptr()) };
        (rc == 0).then_some(api)
    }

    pub(crate) fn set_variable(&mut self, name: &CStr, value: &CStr) -> bool {
        // SAFETY: live handle, NUL-terminated strings valid for the call (Tesseract copies the value).
        unsafe { TessBaseAPISetVariable(self.handle, name.as_ptr(), value.as_ptr()) != 0 }
    }

    /// Hands an 8-bit grey image to Tesseract (which copies it).
    pub(crate) fn set_gray_image(&mut self, data: &[u8], width: u32, height: u32) -> bool {
        let (Ok(w), Ok(h)) = (c_int::try_from(width), c_int::try_from(height)) else {
            return false;
        };
        if data.len() < width as usize * height as usize {
            return false;
        }
        // SAFETY: live handle; `data` holds at least height rows of `width` bytes (checked above), one byte
        // per pixel, and SetImage copies the pixels into its own Pix before returning.
        unsafe { TessBaseAPISetImage(self.handle, data.as_ptr(), w, h, 1, w) };
        true
    }

    pub(crate) fn set_source_resolution(&mut self, dpi: u32) {
        let dpi = c_int::try_from(dpi).unwrap_or(300);
        // SAFETY: live handle; a plain integer argument.
        unsafe { TessBaseAPISetSourceResolution(self.handle, dpi) };
    }

    /// Recognises the image set last; stops before the next word once `cancel` becomes true.
    pub(crate) fn recognize(&mut self, cancel: &AtomicBool) -> Result<(), Stopped> {
        // SAFETY: TessMonitorCreate has no preconditions; a null result is checked.
        let monitor = unsafe { TessMonitorCreate() };
        if monitor.is_null() {
            return Err(Stopped::Failed);
        }
        let this = std::ptr::from_ref(cancel).cast_mut().cast::<c_void>();
        // SAFETY: live handle and monitor. The monitor's cancel_this points at `cancel`, which outlives
        // the Recognize call (it is borrowed for this whole function) and is only read, atomically, by
        // `cancelled` on Tesseract's thread (this thread); the monitor is deleted before returning.
        let rc = unsafe {
            TessMonitorSetCancelFunc(
                monitor,
                Some(cancelled as unsafe extern "C" fn(*mut c_void, c_int) -> bool),
            );
            TessMonitorSetCancelThis(monitor, this);
            let rc = TessBaseAPIRecognize(self.handle, monitor);
            TessMonitorDelete(monitor);
            rc
        };
        if cancel.load(Ordering::Relaxed) {
            Err(Stopped::Cancelled)
        } else if rc == 0 {
            Ok(())
        } else {
            Err(Stopped::Failed)
        }
    }

    /// Tesseract's TSV of the last recognition.
    pub(crate) fn tsv(&mut self) -> Option<String> {
        // SAFETY: live handle; page number 0. The returned string is owned by us and freed below with
        // TessDeleteText after copying.
        unsafe {
            let p = TessBaseAPIGetTsvText(self.handle, 0);
            if p.is_null() {
                return None;
            }
            let text = CStr::from_ptr(p).to_string_lossy().into_owned();
            TessDeleteText(p);
            Some(text)
        }
    }
}

impl Api {
    /// Every recognised character with its box, grouped under the box of its word (the same word boxes
    /// the TSV gives), for corrections that need character geometry ([`crate::superscript`]).
    pub(crate) fn symbols(&mut self) -> std::collections::HashMap<(u32, u32, u32, u32), Vec<Symbol>> {
        let mut out: std::collections::HashMap<_, Vec<Symbol>> = std::collections::HashMap::new();
        // SAFETY: live handle after Recognize; the iterator is owned by us and deleted below. The page
        // iterator view belongs to the result iterator and is not used after it is deleted.
        unsafe {
            let it = TessBaseAPIGetIterator(self.handle);
            if it.is_null() {
                return out;
            }
            let pit = TessResultIteratorGetPageIterator(it);
            let mut word = None;
            loop {
                if TessPageIteratorIsAtBeginningOf(pit, TessPageIteratorLevel_RIL_WORD) != 0 {
                    word = bounding_box(pit, TessPageIteratorLevel_RIL_WORD);
                }
                let p = TessResultIteratorGetUTF8Text(it, TessPageIteratorLevel_RIL_SYMBOL);
                if !p.is_null() {
                    let text = CStr::from_ptr(p).to_string_lossy().into_owned();
                    TessDeleteText(p);
                    if let (Some(w), Some(bbox)) = (word, bounding_box(pit, TessPageIteratorLevel_RIL_SYMBOL))
                    {
                        out.entry((w.x, w.y, w.w, w.h))
                            .or_default()
                            .push(Symbol { text, bbox });
                    }
                }
                if TessResultIteratorNext(it, TessPageIteratorLevel_RIL_SYMBOL) == 0 {
                    break;
                }
            }
            TessResultIteratorDelete(it);
        }
        out
    }
}

/// SAFETY (callers): `pit` must be a live page iterator.
unsafe fn bounding_box(
    pit: *const tesseract_sys::TessPageIterator,
    level: TessPageIteratorLevel,
) -> Option<BBox> {
    let (mut l, mut t, mut r, mut b) = (0, 0, 0, 0);
    // SAFETY: live iterator (caller's contract); four valid out-pointers to locals.
    let ok = unsafe { TessPageIteratorBoundingBox(pit, level, &mut l, &mut t, &mut r, &mut b) };
    if ok == 0 || r < l || b < t || l < 0 || t < 0 {
        return None;
    }
    Some(BBox {
        x: l as u32,
        y: t as u32,
        w: (r - l) as u32,
        h: (b - t) as u32,
    })
}

impl Drop for Api {
    fn drop(&mut self) {
        // SAFETY: the handle came from TessBaseAPICreate and is deleted exactly once, here.
        unsafe { TessBaseAPIDelete(self.handle) };
    }
}

/// Tesseract's cancel callback: `this` is the `AtomicBool` given to [`Api::recognize`].
extern "C" fn cancelled(this: *mut c_void, _words: c_int) -> bool {
    if this.is_null() {
        return false;
    }
    // SAFETY: `this` was set by Api::recognize to a live &AtomicBool for the duration of the Recognize
    // call during which Tesseract calls us.
    let flag = unsafe { &*this.cast::<AtomicBool>() };
    flag.load(Ordering::Relaxed)
}
