#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)]
//! The fake DSM itself holds sources to the TWAIN 2.4 state tables: raw out-of-sequence calls fail with
//! TWRC_FAILURE / TWCC_SEQERROR and are counted. This is what makes "the backend made no out-of-sequence
//! call" (seq_errors == 0 in tests/twain.rs) a meaningful check.

mod twain_support;

use std::ffi::c_void;
use std::ptr::null_mut;

use sohoa_scan::twain::ffi::*;
use twain_support::{fake_dsm, open_apps, seq_errors};

const APP: &str = "raw-sequence-test";

unsafe extern "system" fn cb(
    _: *mut TwIdentity,
    _: *mut TwIdentity,
    _: u32,
    _: u16,
    _: u16,
    _: TwMemRef,
) -> u16 {
    TWRC_SUCCESS
}

#[test]
fn wrong_sequence_calls_are_refused_with_seqerror() {
    // SAFETY (test): the fake exports DSM_Entry with twain.h's signature.
    let lib = unsafe { libloading::Library::new(fake_dsm()) }.unwrap();
    let entry: DsmEntryProc = unsafe { *lib.get::<DsmEntryProc>(b"DSM_Entry\0").unwrap() };
    let call = |app: &mut TwIdentity,
                ds: Option<&mut TwIdentity>,
                dg: u32,
                dat: u16,
                msg: u16,
                data: *mut c_void| {
        let d = ds.map_or(null_mut(), |d| d as *mut TwIdentity);
        // SAFETY (test): each call passes the structure its triplet expects.
        unsafe { entry(app, d, dg, dat, msg, data) }
    };
    let status = |app: &mut TwIdentity, ds: Option<&mut TwIdentity>| {
        let mut st = TwStatus::default();
        assert_eq!(
            call(app, ds, DG_CONTROL, DAT_STATUS, MSG_GET, raw(&mut st)),
            TWRC_SUCCESS
        );
        st.condition_code
    };
    let mut app = TwIdentity::zeroed();
    app.protocol_major = 2;
    app.supported_groups = DG_CONTROL | DG_IMAGE | DF_APP2;
    app.product_name = str32(APP);
    let mut hwnd: TwHandle = null_mut();
    let parent = raw(&mut hwnd);

    // State 2: nothing but MSG_OPENDSM.
    let mut id = TwIdentity::zeroed();
    assert_eq!(
        call(
            &mut app,
            None,
            DG_CONTROL,
            DAT_IDENTITY,
            MSG_GETFIRST,
            raw(&mut id)
        ),
        TWRC_FAILURE
    );
    assert_eq!(
        call(&mut app, None, DG_CONTROL, DAT_PARENT, MSG_OPENDSM, parent),
        TWRC_SUCCESS
    );
    assert_ne!(app.supported_groups & DF_DSM2, 0);
    assert_eq!(open_apps(APP), 1);
    // State 3: OPENDSM twice is a sequence error.
    assert_eq!(
        call(&mut app, None, DG_CONTROL, DAT_PARENT, MSG_OPENDSM, parent),
        TWRC_FAILURE
    );
    assert_eq!(status(&mut app, None), TWCC_SEQERROR);

    assert_eq!(
        call(
            &mut app,
            None,
            DG_CONTROL,
            DAT_IDENTITY,
            MSG_GETFIRST,
            raw(&mut id)
        ),
        TWRC_SUCCESS
    );
    let mut ds = id;
    assert_eq!(
        call(&mut app, None, DG_CONTROL, DAT_IDENTITY, MSG_OPENDS, raw(&mut ds)),
        TWRC_SUCCESS
    );
    // State 4: a transfer before MSG_ENABLEDS / MSG_XFERREADY.
    let mut h: TwHandle = null_mut();
    assert_eq!(
        call(
            &mut app,
            Some(&mut ds),
            DG_IMAGE,
            DAT_IMAGENATIVEXFER,
            MSG_GET,
            raw(&mut h)
        ),
        TWRC_FAILURE
    );
    assert_eq!(status(&mut app, Some(&mut ds)), TWCC_SEQERROR);
    let mut p = TwPendingXfers::default();
    assert_eq!(
        call(
            &mut app,
            Some(&mut ds),
            DG_CONTROL,
            DAT_PENDINGXFERS,
            MSG_ENDXFER,
            raw(&mut p)
        ),
        TWRC_FAILURE
    );
    assert_eq!(status(&mut app, Some(&mut ds)), TWCC_SEQERROR);
    // MSG_CLOSEDSM with a source open.
    assert_eq!(
        call(&mut app, None, DG_CONTROL, DAT_PARENT, MSG_CLOSEDSM, parent),
        TWRC_FAILURE
    );

    let mut c = TwCallback {
        call_back_proc: cb as *const () as TwMemRef,
        ref_con: 0,
        message: 0,
    };
    assert_eq!(
        call(
            &mut app,
            Some(&mut ds),
            DG_CONTROL,
            DAT_CALLBACK,
            MSG_REGISTER_CALLBACK,
            raw(&mut c)
        ),
        TWRC_SUCCESS
    );
    let mut ui = TwUserInterface {
        show_ui: 0,
        modal_ui: 0,
        h_parent: null_mut(),
    };
    let uip = raw(&mut ui);
    assert_eq!(
        call(
            &mut app,
            Some(&mut ds),
            DG_CONTROL,
            DAT_USERINTERFACE,
            MSG_ENABLEDS,
            uip
        ),
        TWRC_SUCCESS
    );
    // State 6 (the fake announces XFERREADY at once): capabilities are read-only now, the source stays open.
    let one = [
        TWTY_UINT16.to_le_bytes().as_slice(),
        1u32.to_le_bytes().as_slice(),
    ]
    .concat();
    let hc = unsafe { libc_like_alloc(&one) };
    let mut cap = TwCapability {
        cap: ICAP_PIXELTYPE,
        con_type: TWON_ONEVALUE,
        h_container: hc,
    };
    assert_eq!(
        call(
            &mut app,
            Some(&mut ds),
            DG_CONTROL,
            DAT_CAPABILITY,
            MSG_SET,
            raw(&mut cap)
        ),
        TWRC_FAILURE
    );
    assert_eq!(status(&mut app, Some(&mut ds)), TWCC_SEQERROR);
    assert_eq!(
        call(
            &mut app,
            None,
            DG_CONTROL,
            DAT_IDENTITY,
            MSG_CLOSEDS,
            raw(&mut ds)
        ),
        TWRC_FAILURE
    );
    assert_eq!(
        call(
            &mut app,
            Some(&mut ds),
            DG_CONTROL,
            DAT_USERINTERFACE,
            MSG_DISABLEDS,
            uip
        ),
        TWRC_FAILURE
    );
    // Unwind properly: RESET (6 → 5), DISABLEDS (5 → 4), CLOSEDS, CLOSEDSM.
    assert_eq!(
        call(
            &mut app,
            Some(&mut ds),
            DG_CONTROL,
            DAT_PENDINGXFERS,
            MSG_RESET,
            raw(&mut p)
        ),
        TWRC_SUCCESS
    );
    assert_eq!(
        call(
            &mut app,
            Some(&mut ds),
            DG_CONTROL,
            DAT_USERINTERFACE,
            MSG_DISABLEDS,
            uip
        ),
        TWRC_SUCCESS
    );
    assert_eq!(
        call(
            &mut app,
            None,
            DG_CONTROL,
            DAT_IDENTITY,
            MSG_CLOSEDS,
            raw(&mut ds)
        ),
        TWRC_SUCCESS
    );
    assert_eq!(
        call(&mut app, None, DG_CONTROL, DAT_PARENT, MSG_CLOSEDSM, parent),
        TWRC_SUCCESS
    );
    assert_eq!(open_apps(APP), 0);
    // One refused call in state 2 is not attributed (the DSM does not know the app yet): it still counts by name.
    assert_eq!(seq_errors(APP), 8);
    unsafe { free_like(hc) };
}

/// A triplet's data pointer.
fn raw<T>(x: &mut T) -> *mut c_void {
    x as *mut T as *mut c_void
}

// The fake's DSM_MemAllocate is calloc; allocate the container the same way the DSM would.
unsafe fn libc_like_alloc(bytes: &[u8]) -> TwHandle {
    unsafe extern "C" {
        fn calloc(n: usize, s: usize) -> *mut c_void;
    }
    // SAFETY (test): fresh allocation, filled once.
    unsafe {
        let p = calloc(bytes.len(), 1);
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), p as *mut u8, bytes.len());
        p
    }
}

unsafe fn free_like(p: TwHandle) {
    unsafe extern "C" {
        fn free(p: *mut c_void);
    }
    // SAFETY (test): allocated by calloc above.
    unsafe { free(p) }
}
