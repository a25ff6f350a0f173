//! One application session with the DSM and (at most) one open source, walking states 2–7.
//!
//! All raw calls go through [`Session::issue`], which refuses an operation the state machine does not
//! allow in the current state, so the backend cannot send an out-of-sequence triplet to a vendor source.

use std::ffi::c_void;
use std::sync::Arc;
use std::time::Duration;

use super::caps::Container;
use super::dsm::{self, Dsm};
use super::ffi::*;
use super::image::{self as twimg, Strip};
use super::state::{Op, TwainState};
use crate::ScanError;

pub(crate) struct Session {
    dsm: Arc<Dsm>,
    // Boxed: the DSM writes the Ids into these at OPENDSM/OPENDS; their addresses stay fixed.
    app: Box<TwIdentity>,
    ds: Option<Box<TwIdentity>>,
    state: TwainState,
    parent: super::platform::Parent,
}

/// Maps a condition code to what the operator can act on.
pub fn condition_error(cc: u16, what: &str) -> ScanError {
    match cc {
        TWCC_PAPERJAM => ScanError::Jammed,
        TWCC_PAPERDOUBLEFEED => ScanError::DoubleFeed,
        TWCC_NOMEDIA => ScanError::FeederEmpty,
        TWCC_INTERLOCK => ScanError::CoverOpen,
        TWCC_MAXCONNECTIONS | TWCC_DENIED => ScanError::Busy,
        TWCC_CHECKDEVICEONLINE => ScanError::Io("the scanner is offline".into()),
        TWCC_LOWMEMORY => ScanError::Io("the TWAIN source is out of memory".into()),
        TWCC_NODS => ScanError::NoDevice(what.to_owned()),
        TWCC_BADVALUE => ScanError::InvalidOption {
            name: what.to_owned(),
            reason: "rejected by the source".into(),
        },
        TWCC_CAPUNSUPPORTED | TWCC_CAPBADOPERATION => ScanError::Unsupported(what.to_owned()),
        TWCC_SEQERROR | TWCC_CAPSEQERROR => {
            ScanError::Protocol(format!("{what}: sequence error (TWCC_SEQERROR)"))
        }
        other => ScanError::Protocol(format!("{what}: TWAIN condition code {other}")),
    }
}

impl Session {
    /// States 2 → 3: MSG_OPENDSM, then DAT_ENTRYPOINT for the TWAIN 2 memory functions.
    pub(crate) fn open(dsm: Arc<Dsm>) -> Result<Session, ScanError> {
        let mut app = Box::new(TwIdentity::zeroed());
        app.version.major_num = 1;
        app.version.language = 113; // TWLG_VIETNAMESE
        app.version.country = 84; // TWCY_VIETNAM
        app.version.info = str32(env!("CARGO_PKG_VERSION"));
        app.protocol_major = TWON_PROTOCOLMAJOR;
        app.protocol_minor = TWON_PROTOCOLMINOR;
        app.supported_groups = DG_IMAGE | DG_CONTROL | DF_APP2;
        app.manufacturer = str32("SoHoa Desk");
        app.product_family = str32("SoHoa Desk");
        app.product_name = str32("SoHoa Desk");
        let mut s = Session {
            dsm,
            app,
            ds: None,
            state: TwainState::DsmLoaded,
            parent: super::platform::Parent::new()?,
        };
        let mut hwnd = s.parent.handle();
        let rc = s.issue(
            Op::OpenDsm,
            None,
            false,
            &mut hwnd as *mut TwHandle as *mut c_void,
        )?;
        if rc != TWRC_SUCCESS {
            return Err(ScanError::Unsupported(format!(
                "MSG_OPENDSM failed ({rc}) with {}",
                s.dsm.path().display()
            )));
        }
        if s.app.supported_groups & DF_DSM2 == 0 {
            return Err(ScanError::Unsupported(
                "the DSM is not TWAIN 2 (no DF_DSM2)".into(),
            ));
        }
        let mut ep = TwEntryPoint {
            size: std::mem::size_of::<TwEntryPoint>() as u32,
            dsm_entry: None,
            mem_allocate: None,
            mem_free: None,
            mem_lock: None,
            mem_unlock: None,
        };
        let rc = s.issue(
            Op::EntryPoint,
            None,
            false,
            &mut ep as *mut TwEntryPoint as *mut c_void,
        )?;
        if rc != TWRC_SUCCESS {
            return Err(ScanError::Unsupported("DAT_ENTRYPOINT failed".into()));
        }
        s.dsm.set_entry_points(&ep);
        Ok(s)
    }

    pub(crate) fn state(&self) -> TwainState {
        self.state
    }

    /// Sends one operation after checking it against the state machine; updates the state from the
    /// return code. `msg` overrides the operation's default message (GETNEXT, GETCURRENT, …).
    fn issue(&mut self, op: Op, msg: Option<u16>, to_ds: bool, data: *mut c_void) -> Result<u16, ScanError> {
        if !op.allowed(self.state) {
            tracing::error!(?op, state = ?self.state, "refused an out-of-state TWAIN call");
            return Err(ScanError::Protocol(format!(
                "internal: {op:?} is not allowed in state {:?}",
                self.state
            )));
        }
        let (dg, dat, default_msg) = op.triplet();
        let dest = if to_ds { self.ds.as_deref_mut() } else { None };
        if to_ds && dest.is_none() {
            return Err(ScanError::Protocol("no open source".into()));
        }
        let rc = self
            .dsm
            .call(&mut self.app, dest, dg, dat, msg.unwrap_or(default_msg), data);
        // The pending-transfer ops move by the count they return; `pending_op` applies that.
        if op != Op::EndXfer {
            self.state = op.next(self.state, rc, 0);
        }
        tracing::trace!(?op, rc, state = ?self.state, "TWAIN");
        Ok(rc)
    }

    /// The condition code of the last failure (DAT_STATUS to the source when one is open).
    pub(crate) fn status(&mut self) -> u16 {
        let mut st = TwStatus::default();
        let to_ds = self.ds.is_some() && self.state >= TwainState::SourceOpen;
        match self.issue(Op::Status, None, to_ds, &mut st as *mut TwStatus as *mut c_void) {
            Ok(TWRC_SUCCESS) => st.condition_code,
            _ => TWCC_BUMMER,
        }
    }

    fn fail(&mut self, what: &str) -> ScanError {
        let cc = self.status();
        condition_error(cc, what)
    }

    /// DAT_IDENTITY MSG_GETFIRST / MSG_GETNEXT until TWRC_ENDOFLIST.
    pub(crate) fn sources(&mut self) -> Result<Vec<TwIdentity>, ScanError> {
        let mut out = Vec::new();
        let mut msg = MSG_GETFIRST;
        loop {
            let mut id = TwIdentity::zeroed();
            let rc = self.issue(
                Op::IdentityList,
                Some(msg),
                false,
                &mut id as *mut TwIdentity as *mut c_void,
            )?;
            match rc {
                TWRC_SUCCESS => out.push(id),
                TWRC_ENDOFLIST => break,
                _ if out.is_empty() && msg == MSG_GETFIRST => {
                    // No source installed: some DSMs fail GETFIRST with TWCC_NODS instead of ENDOFLIST.
                    let cc = self.status();
                    if cc == TWCC_NODS || cc == TWCC_SUCCESS || cc == TWCC_BUMMER {
                        break;
                    }
                    return Err(condition_error(cc, "DAT_IDENTITY"));
                }
                _ => return Err(self.fail("DAT_IDENTITY")),
            }
            msg = MSG_GETNEXT;
            if out.len() > 256 {
                break;
            }
        }
        Ok(out)
    }

    /// States 3 → 4, then callback registration (TWAIN 2; the only event path on Linux).
    pub(crate) fn open_source(&mut self, id: &TwIdentity) -> Result<(), ScanError> {
        let mut ds = Box::new(*id);
        let rc = self.issue(
            Op::OpenDs,
            None,
            false,
            &mut *ds as *mut TwIdentity as *mut c_void,
        )?;
        if rc != TWRC_SUCCESS {
            return Err(self.fail(&from_str32(&id.product_name)));
        }
        self.ds = Some(ds);
        dsm::clear_events(self.app.id);
        let proc_ptr = dsm::twain_callback as *const () as TwMemRef;
        let mut cb1 = TwCallback {
            call_back_proc: proc_ptr,
            ref_con: self.app.id,
            message: 0,
        };
        let mut cb2 = TwCallback2 {
            call_back_proc: proc_ptr,
            ref_con: self.app.id as usize,
            message: 0,
        };
        let (p1, p2) = (
            &mut cb1 as *mut TwCallback as *mut c_void,
            &mut cb2 as *mut TwCallback2 as *mut c_void,
        );
        // 64-bit Windows needs CALLBACK2 (pointer-sized RefCon); Linux sources implement DAT_CALLBACK.
        let order: [(u16, *mut c_void); 2] = if cfg!(windows) {
            [(DAT_CALLBACK2, p2), (DAT_CALLBACK, p1)]
        } else {
            [(DAT_CALLBACK, p1), (DAT_CALLBACK2, p2)]
        };
        let mut registered = false;
        for (dat, p) in order {
            if self.register_callback(dat, p)? == TWRC_SUCCESS {
                registered = true;
                break;
            }
            let _ = self.status();
        }
        if !registered && !super::platform::HAS_MESSAGE_LOOP {
            return Err(ScanError::Unsupported(
                "the source refused callback registration (required on Linux)".into(),
            ));
        }
        Ok(())
    }

    fn register_callback(&mut self, dat: u16, p: *mut c_void) -> Result<u16, ScanError> {
        if !Op::RegisterCallback.allowed(self.state) {
            return Err(ScanError::Protocol(
                "callback registration outside state 4".into(),
            ));
        }
        let ds = self.ds.as_deref_mut();
        Ok(self
            .dsm
            .call(&mut self.app, ds, DG_CONTROL, dat, MSG_REGISTER_CALLBACK, p))
    }

    /// DAT_CAPABILITY with MSG_GET / MSG_GETCURRENT / MSG_GETDEFAULT / MSG_QUERYSUPPORT.
    pub(crate) fn cap_get(&mut self, cap: u16, msg: u16) -> Result<Container, ScanError> {
        let mut c = TwCapability {
            cap,
            con_type: TWON_DONTCARE16,
            h_container: std::ptr::null_mut(),
        };
        let rc = self.issue(
            Op::CapGet,
            Some(msg),
            true,
            &mut c as *mut TwCapability as *mut c_void,
        )?;
        if rc != TWRC_SUCCESS {
            return Err(self.fail(&cap_name(cap)));
        }
        let h = c.h_container;
        let con_type = c.con_type;
        let r = self.dsm.read_container(h, con_type);
        self.dsm.free(h);
        Container::from_bytes(con_type, &r?)
    }

    /// DAT_CAPABILITY MSG_SET; returns true when the source changed the value (TWRC_CHECKSTATUS).
    pub(crate) fn cap_set(&mut self, cap: u16, value: &Container) -> Result<bool, ScanError> {
        let h = self.dsm.alloc_with(&value.to_bytes()?)?;
        let mut c = TwCapability {
            cap,
            con_type: value.con_type(),
            h_container: h,
        };
        let rc = self.issue(Op::CapSet, None, true, &mut c as *mut TwCapability as *mut c_void);
        self.dsm.free(h);
        match rc? {
            TWRC_SUCCESS => Ok(false),
            TWRC_CHECKSTATUS => Ok(true),
            _ => Err(self.fail(&cap_name(cap))),
        }
    }

    /// DAT_IMAGELAYOUT MSG_SET (frame in ICAP_UNITS, inches here).
    pub(crate) fn set_layout(&mut self, frame: TwFrame) -> Result<(), ScanError> {
        let mut l = TwImageLayout {
            frame,
            document_number: 1,
            page_number: 1,
            frame_number: 1,
        };
        match self.issue(
            Op::ImageLayoutSet,
            None,
            true,
            &mut l as *mut TwImageLayout as *mut c_void,
        )? {
            TWRC_SUCCESS | TWRC_CHECKSTATUS => Ok(()),
            _ => Err(self.fail("DAT_IMAGELAYOUT")),
        }
    }

    /// 4 → 5 without the source's own dialog (unattended batches).
    pub(crate) fn enable(&mut self) -> Result<(), ScanError> {
        dsm::clear_events(self.app.id);
        let mut ui = TwUserInterface {
            show_ui: 0,
            modal_ui: 0,
            h_parent: self.parent.handle(),
        };
        let rc = self.issue(
            Op::EnableDs,
            None,
            true,
            &mut ui as *mut TwUserInterface as *mut c_void,
        )?;
        match rc {
            TWRC_SUCCESS | TWRC_CHECKSTATUS => Ok(()),
            TWRC_CANCEL => Err(ScanError::Cancelled),
            _ => Err(self.fail("MSG_ENABLEDS")),
        }
    }

    /// 5 → 6 when the source says MSG_XFERREADY. MSG_CLOSEDSREQ (the source gave up) is `Cancelled`.
    pub(crate) fn wait_xfer_ready(&mut self, timeout: Duration) -> Result<(), ScanError> {
        let app_id = self.app.id;
        let dsm = Arc::clone(&self.dsm);
        let (app, ds, parent) = (&mut *self.app, self.ds.as_deref_mut(), &self.parent);
        let mut ds = ds;
        let msg = dsm::wait_event(app_id, timeout, || parent.pump(&dsm, app, ds.as_deref_mut()));
        match msg {
            Some(MSG_XFERREADY) => {
                self.state = TwainState::TransferReady;
                Ok(())
            }
            Some(MSG_CLOSEDSREQ) | Some(MSG_CLOSEDSOK) => Err(ScanError::Cancelled),
            Some(other) => Err(ScanError::Protocol(format!("unexpected TWAIN event {other:#x}"))),
            None => Err(ScanError::Timeout),
        }
    }

    pub(crate) fn image_info(&mut self) -> Result<TwImageInfo, ScanError> {
        let mut info = TwImageInfo::default();
        match self.issue(
            Op::ImageInfo,
            None,
            true,
            &mut info as *mut TwImageInfo as *mut c_void,
        )? {
            TWRC_SUCCESS => Ok(info),
            _ => Err(self.fail("DAT_IMAGEINFO")),
        }
    }

    /// Buffered memory transfer of the image announced by `info`; leaves the session in state 7.
    pub(crate) fn memory_xfer(&mut self, info: &TwImageInfo) -> Result<image::DynamicImage, ScanError> {
        let mut setup = TwSetupMemXfer::default();
        if self.issue(
            Op::SetupMemXfer,
            None,
            true,
            &mut setup as *mut TwSetupMemXfer as *mut c_void,
        )? != TWRC_SUCCESS
        {
            return Err(self.fail("DAT_SETUPMEMXFER"));
        }
        let size = if setup.preferred != 0 && setup.preferred != u32::MAX {
            setup.preferred
        } else {
            setup.min_buf_size.max(64 * 1024)
        }
        .clamp(1024, 64 * 1024 * 1024);
        let mut buf = vec![0u8; size as usize];
        let mut strips = Vec::new();
        loop {
            let mut x = TwImageMemXfer {
                compression: TWON_DONTCARE16,
                bytes_per_row: u32::MAX,
                columns: u32::MAX,
                rows: u32::MAX,
                x_offset: u32::MAX,
                y_offset: u32::MAX,
                bytes_written: u32::MAX,
                memory: TwMemory {
                    flags: TWMF_APPOWNS | TWMF_POINTER,
                    length: size,
                    the_mem: buf.as_mut_ptr() as TwMemRef,
                },
            };
            let rc = self.issue(
                Op::ImageMemXfer,
                None,
                true,
                &mut x as *mut TwImageMemXfer as *mut c_void,
            )?;
            match rc {
                TWRC_SUCCESS | TWRC_XFERDONE => {
                    let written = (x.bytes_written as usize).min(buf.len());
                    strips.push(Strip {
                        bytes_per_row: x.bytes_per_row,
                        columns: x.columns,
                        rows: x.rows,
                        x_offset: x.x_offset,
                        y_offset: x.y_offset,
                        data: buf[..written].to_vec(),
                    });
                    if rc == TWRC_XFERDONE {
                        break;
                    }
                    if strips.len() > 1_000_000 {
                        return Err(ScanError::Protocol("memory transfer never ends".into()));
                    }
                }
                TWRC_CANCEL => return Err(ScanError::Cancelled),
                _ => return Err(self.fail("DAT_IMAGEMEMXFER")),
            }
        }
        twimg::assemble_memory(info, &strips)
    }

    /// Native transfer: one DSM handle holding a TIFF (Linux) or DIB (Windows); leaves state 7.
    pub(crate) fn native_xfer(&mut self, info: &TwImageInfo) -> Result<image::DynamicImage, ScanError> {
        let mut h: TwHandle = std::ptr::null_mut();
        let rc = self.issue(
            Op::ImageNativeXfer,
            None,
            true,
            &mut h as *mut TwHandle as *mut c_void,
        )?;
        match rc {
            TWRC_XFERDONE => {}
            TWRC_CANCEL => {
                self.dsm.free(h);
                return Err(ScanError::Cancelled);
            }
            _ => return Err(self.fail("DAT_IMAGENATIVEXFER")),
        }
        if h.is_null() {
            return Err(ScanError::Protocol("native transfer returned no handle".into()));
        }
        // Upper bound on what the handle can hold, from the image the source announced; no read of the
        // handle goes past it even if the TIFF/DIB structure inside claims otherwise.
        let w = info.image_width.max(1) as usize;
        let l = info.image_length.max(1) as usize;
        let raw = w
            .saturating_mul(l)
            .saturating_mul((info.bits_per_pixel.max(1) as usize).div_ceil(8).max(1));
        let limit = raw.saturating_mul(2).saturating_add(1 << 20).min(1 << 31);
        let bytes = self.dsm.read_native(h, limit);
        self.dsm.free(h);
        twimg::decode_native(&bytes?)
    }

    /// TWEI_PAGESIDE of the image just transferred (state 7): `Some(true)` for the back side. Needs
    /// ICAP_EXTIMAGEINFO enabled in state 4; `None` when the source does not say.
    pub(crate) fn page_side_is_back(&mut self) -> Option<bool> {
        let mut x = TwExtImageInfo1 {
            num_infos: 1,
            info: TwInfo {
                info_id: TWEI_PAGESIDE,
                ..Default::default()
            },
        };
        let rc = self
            .issue(
                Op::ExtImageInfo,
                None,
                true,
                &mut x as *mut TwExtImageInfo1 as *mut c_void,
            )
            .ok()?;
        let info = x.info;
        if rc != TWRC_SUCCESS || info.return_code != TWRC_SUCCESS || info.num_items != 1 {
            return None;
        }
        match info.item as u16 {
            TWCS_TOP => Some(false),
            TWCS_BOTTOM => Some(true),
            _ => None,
        }
    }

    /// DAT_PENDINGXFERS MSG_ENDXFER (7 → 6 or 5); returns the pending count (0xFFFF = unknown, more).
    pub(crate) fn end_xfer(&mut self) -> Result<u16, ScanError> {
        self.pending_op(Op::EndXfer)
    }

    fn pending_op(&mut self, op: Op) -> Result<u16, ScanError> {
        let mut p = TwPendingXfers::default();
        let rc = self.issue(op, None, true, &mut p as *mut TwPendingXfers as *mut c_void)?;
        if rc != TWRC_SUCCESS {
            return Err(self.fail("DAT_PENDINGXFERS"));
        }
        let count = p.count;
        self.state = op.next(self.state, rc, count);
        Ok(count)
    }

    /// MSG_RESET: discard pending images (6 → 5).
    pub(crate) fn reset(&mut self) -> Result<(), ScanError> {
        let mut p = TwPendingXfers::default();
        match self.issue(
            Op::ResetXfers,
            None,
            true,
            &mut p as *mut TwPendingXfers as *mut c_void,
        )? {
            TWRC_SUCCESS => Ok(()),
            _ => Err(self.fail("MSG_RESET")),
        }
    }

    /// 5 → 4.
    pub(crate) fn disable(&mut self) -> Result<(), ScanError> {
        let mut ui = TwUserInterface {
            show_ui: 0,
            modal_ui: 0,
            h_parent: self.parent.handle(),
        };
        match self.issue(
            Op::DisableDs,
            None,
            true,
            &mut ui as *mut TwUserInterface as *mut c_void,
        )? {
            TWRC_SUCCESS => Ok(()),
            _ => Err(self.fail("MSG_DISABLEDS")),
        }
    }

    /// Walks back down to `target` (at least state 2), whatever state a failure left us in. A refusing
    /// source cannot trap the session: after a failed step the state is lowered anyway.
    pub(crate) fn unwind_to(&mut self, target: TwainState) {
        let mut guard = 0;
        while self.state > target && self.state > TwainState::DsmLoaded && guard < 16 {
            guard += 1;
            let before = self.state;
            let r = match self.state {
                TwainState::Transferring => self.end_xfer().map(|_| ()),
                TwainState::TransferReady => self.reset(),
                TwainState::SourceEnabled => self.disable(),
                TwainState::SourceOpen => self.close_source(),
                TwainState::DsmOpen => self.close_dsm(),
                _ => Ok(()),
            };
            if let Err(e) = r {
                tracing::warn!(state = ?before, error = %e, "TWAIN unwind step failed");
            }
            if self.state == before {
                self.state = match before {
                    TwainState::Transferring => TwainState::TransferReady,
                    TwainState::TransferReady => TwainState::SourceEnabled,
                    TwainState::SourceEnabled => TwainState::SourceOpen,
                    TwainState::SourceOpen => TwainState::DsmOpen,
                    _ => TwainState::DsmLoaded,
                };
            }
        }
    }

    fn close_source(&mut self) -> Result<(), ScanError> {
        let Some(mut ds) = self.ds.take() else {
            self.state = TwainState::DsmOpen;
            return Ok(());
        };
        let rc = self.issue(
            Op::CloseDs,
            None,
            false,
            &mut *ds as *mut TwIdentity as *mut c_void,
        )?;
        dsm::clear_events(self.app.id);
        if rc != TWRC_SUCCESS {
            return Err(ScanError::Protocol("MSG_CLOSEDS failed".into()));
        }
        Ok(())
    }

    fn close_dsm(&mut self) -> Result<(), ScanError> {
        let mut hwnd = self.parent.handle();
        match self.issue(
            Op::CloseDsm,
            None,
            false,
            &mut hwnd as *mut TwHandle as *mut c_void,
        )? {
            TWRC_SUCCESS => Ok(()),
            _ => Err(ScanError::Protocol("MSG_CLOSEDSM failed".into())),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.unwind_to(TwainState::DsmLoaded);
    }
}

/// Name used in errors and option lists.
pub fn cap_name(cap: u16) -> String {
    super::options::cap_by_id(cap).map_or_else(|| format!("0x{cap:04x}"), |c| c.name.to_owned())
}
