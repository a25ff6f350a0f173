//! Platform parts of a TWAIN session: the parent window handle given to MSG_OPENDSM / MSG_ENABLEDS, and
//! on Windows the message pump for sources that post MSG_XFERREADY as a window message instead of
//! calling the registered callback (TWAIN 1.x style; many vendor drivers still do).

#[cfg(not(windows))]
mod imp {
    use super::super::dsm::Dsm;
    use super::super::ffi::{TwHandle, TwIdentity};
    use crate::ScanError;

    /// Linux has no message loop: events arrive only through the callback.
    pub const HAS_MESSAGE_LOOP: bool = false;

    pub struct Parent;

    impl Parent {
        pub fn new() -> Result<Parent, ScanError> {
            Ok(Parent)
        }
        pub fn handle(&self) -> TwHandle {
            std::ptr::null_mut()
        }
        pub fn pump(&self, _dsm: &Dsm, _app: &mut TwIdentity, _ds: Option<&mut TwIdentity>) -> Option<u16> {
            None
        }
    }
}

#[cfg(windows)]
#[allow(unsafe_code)]
mod imp {
    use std::ffi::c_void;

    use super::super::dsm::Dsm;
    use super::super::ffi::*;
    use crate::ScanError;

    pub const HAS_MESSAGE_LOOP: bool = true;

    type Hwnd = *mut c_void;

    #[repr(C)]
    struct Msg {
        hwnd: Hwnd,
        message: u32,
        w_param: usize,
        l_param: isize,
        time: u32,
        pt_x: i32,
        pt_y: i32,
        l_private: u32,
    }

    #[link(name = "user32")]
    unsafe extern "system" {
        fn CreateWindowExW(
            ex_style: u32,
            class: *const u16,
            title: *const u16,
            style: u32,
            x: i32,
            y: i32,
            w: i32,
            h: i32,
            parent: Hwnd,
            menu: *mut c_void,
            instance: *mut c_void,
            param: *mut c_void,
        ) -> Hwnd;
        fn DestroyWindow(hwnd: Hwnd) -> i32;
        fn PeekMessageW(msg: *mut Msg, hwnd: Hwnd, min: u32, max: u32, remove: u32) -> i32;
        fn TranslateMessage(msg: *const Msg) -> i32;
        fn DispatchMessageW(msg: *const Msg) -> isize;
    }

    /// A hidden top-level window of the predefined "STATIC" class: sources parent their dialogs and post
    /// their messages to it. It belongs to the thread that created it, which is the scanning thread.
    pub struct Parent(Hwnd);

    impl Parent {
        pub fn new() -> Result<Parent, ScanError> {
            let class: Vec<u16> = "STATIC\0".encode_utf16().collect();
            let title: Vec<u16> = "SoHoa Desk TWAIN\0".encode_utf16().collect();
            // SAFETY: plain Win32 call with NUL-terminated UTF-16 strings that outlive it.
            let hwnd = unsafe {
                CreateWindowExW(
                    0,
                    class.as_ptr(),
                    title.as_ptr(),
                    0,
                    0,
                    0,
                    0,
                    0,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                )
            };
            if hwnd.is_null() {
                return Err(ScanError::Io("could not create the TWAIN parent window".into()));
            }
            Ok(Parent(hwnd))
        }

        pub fn handle(&self) -> TwHandle {
            self.0
        }

        /// Hands pending window messages to the source (DAT_EVENT / MSG_PROCESSEVENT); returns a TWAIN
        /// message (MSG_XFERREADY, MSG_CLOSEDSREQ) when the source signals one.
        pub fn pump(&self, dsm: &Dsm, app: &mut TwIdentity, mut ds: Option<&mut TwIdentity>) -> Option<u16> {
            let mut msg = Msg {
                hwnd: std::ptr::null_mut(),
                message: 0,
                w_param: 0,
                l_param: 0,
                time: 0,
                pt_x: 0,
                pt_y: 0,
                l_private: 0,
            };
            // SAFETY: `msg` is a valid MSG buffer; PM_REMOVE = 1.
            while unsafe { PeekMessageW(&mut msg, std::ptr::null_mut(), 0, 0, 1) } != 0 {
                if let Some(ds) = ds.as_deref_mut() {
                    let mut ev = TwEvent {
                        p_event: &mut msg as *mut Msg as TwMemRef,
                        tw_message: 0,
                    };
                    let rc = dsm.call(
                        app,
                        Some(ds),
                        DG_CONTROL,
                        DAT_EVENT,
                        MSG_PROCESSEVENT,
                        &mut ev as *mut TwEvent as *mut c_void,
                    );
                    if rc == TWRC_DSEVENT {
                        let m = ev.tw_message;
                        if matches!(m, MSG_XFERREADY | MSG_CLOSEDSREQ | MSG_CLOSEDSOK) {
                            return Some(m);
                        }
                        continue;
                    }
                }
                // SAFETY: `msg` was filled by PeekMessageW.
                unsafe {
                    TranslateMessage(&msg);
                    DispatchMessageW(&msg);
                }
            }
            None
        }
    }

    // SAFETY: an HWND is a plain handle value. Messages for it are only pumped by the thread that created
    // it, so a device must be scanned from one thread; `Device` is `Send` but not `Sync`, and the engine
    // keeps each TWAIN device on its scanner thread, which is what TWAIN requires anyway.
    unsafe impl Send for Parent {}

    impl Drop for Parent {
        fn drop(&mut self) {
            // SAFETY: the window was created by this thread in `new` and is destroyed once.
            unsafe { DestroyWindow(self.0) };
        }
    }
}

pub(crate) use imp::*;
