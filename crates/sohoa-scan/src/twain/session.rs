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
use super::state::{Op, TwainState};
use crate::ScanError;

pub(crate) struct Session {
    pub(super) dsm: Arc<Dsm>,
    // Boxed: the DSM writes the Ids into these at OPENDSM/OPENDS; their addresses stay fixed.
    app: Box<TwIdentity>,
    ds: Option<Box<TwIdentity>>,
    pub(super) state: TwainState,
    pub(super) parent: super::platform::Parent,
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
    pub(super) fn issue(
        &mut self,
        op: Op,
        msg: Option<u16>,
        to_ds: bool,
        data: *mut c_void,
    ) -> Result<u16, ScanError> {
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

    pub(super) fn fail(&mut self, what: &str) -> ScanError {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_codes_map_to_operator_faults() {
        assert_eq!(condition_error(TWCC_PAPERJAM, "x"), ScanError::Jammed);
        assert_eq!(condition_error(TWCC_PAPERDOUBLEFEED, "x"), ScanError::DoubleFeed);
        assert_eq!(condition_error(TWCC_NOMEDIA, "x"), ScanError::FeederEmpty);
        assert_eq!(condition_error(TWCC_INTERLOCK, "x"), ScanError::CoverOpen);
        assert_eq!(condition_error(TWCC_MAXCONNECTIONS, "x"), ScanError::Busy);
        assert!(
            matches!(condition_error(TWCC_BADVALUE, "dpi"), ScanError::InvalidOption { name, .. } if name == "dpi")
        );
        assert!(
            matches!(condition_error(TWCC_SEQERROR, "x"), ScanError::Protocol(m) if m.contains("TWCC_SEQERROR"))
        );
        assert!(matches!(
            condition_error(TWCC_CAPUNSUPPORTED, "x"),
            ScanError::Unsupported(_)
        ));
    }
}
