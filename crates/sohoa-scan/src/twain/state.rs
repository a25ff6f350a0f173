//! The TWAIN session state machine (TWAIN 2.4 spec, chapter 2 "The Protocol"), as data.
//!
//! Every call the backend makes goes through [`Op::check`] first, so an out-of-state call is caught in
//! our code and never reaches the driver (vendor sources crash or hang on them rather than answering
//! TWCC_SEQERROR).

use super::ffi::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TwainState {
    /// 1: nothing loaded.
    PreSession = 1,
    /// 2: the DSM library is loaded.
    DsmLoaded = 2,
    /// 3: MSG_OPENDSM done; sources can be listed.
    DsmOpen = 3,
    /// 4: a source is open; capabilities are negotiated here.
    SourceOpen = 4,
    /// 5: MSG_ENABLEDS done; waiting for MSG_XFERREADY.
    SourceEnabled = 5,
    /// 6: the source has an image ready.
    TransferReady = 6,
    /// 7: an image is being (or has just been) transferred.
    Transferring = 7,
}

/// The operations the backend issues, each with the states it is legal in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    OpenDsm,
    CloseDsm,
    EntryPoint,
    IdentityList,
    OpenDs,
    CloseDs,
    RegisterCallback,
    Status,
    CapGet,
    CapSet,
    ImageLayoutSet,
    EnableDs,
    DisableDs,
    ImageInfo,
    SetupMemXfer,
    ImageMemXfer,
    ImageNativeXfer,
    ExtImageInfo,
    EndXfer,
    ResetXfers,
}

impl Op {
    /// The triplet this operation sends.
    pub fn triplet(self) -> (u32, u16, u16) {
        match self {
            Op::OpenDsm => (DG_CONTROL, DAT_PARENT, MSG_OPENDSM),
            Op::CloseDsm => (DG_CONTROL, DAT_PARENT, MSG_CLOSEDSM),
            Op::EntryPoint => (DG_CONTROL, DAT_ENTRYPOINT, MSG_GET),
            Op::IdentityList => (DG_CONTROL, DAT_IDENTITY, MSG_GETFIRST),
            Op::OpenDs => (DG_CONTROL, DAT_IDENTITY, MSG_OPENDS),
            Op::CloseDs => (DG_CONTROL, DAT_IDENTITY, MSG_CLOSEDS),
            Op::RegisterCallback => (DG_CONTROL, DAT_CALLBACK, MSG_REGISTER_CALLBACK),
            Op::Status => (DG_CONTROL, DAT_STATUS, MSG_GET),
            Op::CapGet => (DG_CONTROL, DAT_CAPABILITY, MSG_GET),
            Op::CapSet => (DG_CONTROL, DAT_CAPABILITY, MSG_SET),
            Op::ImageLayoutSet => (DG_IMAGE, DAT_IMAGELAYOUT, MSG_SET),
            Op::EnableDs => (DG_CONTROL, DAT_USERINTERFACE, MSG_ENABLEDS),
            Op::DisableDs => (DG_CONTROL, DAT_USERINTERFACE, MSG_DISABLEDS),
            Op::ImageInfo => (DG_IMAGE, DAT_IMAGEINFO, MSG_GET),
            Op::SetupMemXfer => (DG_CONTROL, DAT_SETUPMEMXFER, MSG_GET),
            Op::ImageMemXfer => (DG_IMAGE, DAT_IMAGEMEMXFER, MSG_GET),
            Op::ImageNativeXfer => (DG_IMAGE, DAT_IMAGENATIVEXFER, MSG_GET),
            Op::ExtImageInfo => (DG_IMAGE, DAT_EXTIMAGEINFO, MSG_GET),
            Op::EndXfer => (DG_CONTROL, DAT_PENDINGXFERS, MSG_ENDXFER),
            Op::ResetXfers => (DG_CONTROL, DAT_PENDINGXFERS, MSG_RESET),
        }
    }

    /// States in which the spec allows the operation.
    pub fn allowed(self, s: TwainState) -> bool {
        use TwainState::*;
        match self {
            Op::OpenDsm => s == DsmLoaded,
            Op::CloseDsm | Op::OpenDs => s == DsmOpen,
            Op::EntryPoint => s >= DsmOpen,
            Op::IdentityList => s >= DsmOpen,
            Op::CloseDs | Op::RegisterCallback | Op::CapSet | Op::ImageLayoutSet | Op::EnableDs => {
                s == SourceOpen
            }
            Op::Status => s >= DsmOpen,
            Op::CapGet => s >= SourceOpen,
            Op::DisableDs => s == SourceEnabled,
            Op::ImageInfo | Op::SetupMemXfer => s == TransferReady,
            Op::ImageMemXfer => s == TransferReady || s == Transferring,
            Op::ImageNativeXfer => s == TransferReady,
            // After the image is transferred and before MSG_ENDXFER.
            Op::ExtImageInfo => s == Transferring,
            Op::EndXfer => s == Transferring || s == TransferReady,
            Op::ResetXfers => s == TransferReady,
        }
    }

    /// The state after the operation returned `rc` (only the transitions the spec defines; `pending` is
    /// the count from DAT_PENDINGXFERS where relevant).
    pub fn next(self, s: TwainState, rc: u16, pending: u16) -> TwainState {
        use TwainState::*;
        let ok = rc == TWRC_SUCCESS;
        match self {
            Op::OpenDsm if ok => DsmOpen,
            Op::CloseDsm if ok => DsmLoaded,
            Op::OpenDs if ok => SourceOpen,
            Op::CloseDs if ok => DsmOpen,
            // TWRC_CHECKSTATUS: the source enabled itself with ShowUI forced on; still state 5.
            Op::EnableDs if ok || rc == TWRC_CHECKSTATUS => SourceEnabled,
            Op::DisableDs if ok => SourceOpen,
            Op::ImageMemXfer if ok || rc == TWRC_XFERDONE || rc == TWRC_CANCEL => Transferring,
            Op::ImageNativeXfer if rc == TWRC_XFERDONE || rc == TWRC_CANCEL => Transferring,
            Op::EndXfer | Op::ResetXfers if ok => {
                if self == Op::ResetXfers || pending == 0 {
                    SourceEnabled
                } else {
                    TransferReady
                }
            }
            _ => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TwainState::*;

    #[test]
    fn transfers_only_from_state_6() {
        for s in [DsmOpen, SourceOpen, SourceEnabled, Transferring] {
            assert!(!Op::ImageNativeXfer.allowed(s), "{s:?}");
        }
        assert!(Op::ImageNativeXfer.allowed(TransferReady));
        assert!(!Op::CapSet.allowed(SourceEnabled));
        assert!(!Op::CloseDs.allowed(SourceEnabled));
    }

    #[test]
    fn pending_loop_transitions() {
        assert_eq!(Op::EndXfer.next(Transferring, TWRC_SUCCESS, 3), TransferReady);
        assert_eq!(
            Op::EndXfer.next(Transferring, TWRC_SUCCESS, 0xffff),
            TransferReady
        );
        assert_eq!(Op::EndXfer.next(Transferring, TWRC_SUCCESS, 0), SourceEnabled);
        assert_eq!(Op::ResetXfers.next(TransferReady, TWRC_SUCCESS, 0), SourceEnabled);
        assert_eq!(
            Op::ImageNativeXfer.next(TransferReady, TWRC_FAILURE, 0),
            TransferReady
        );
        assert_eq!(
            Op::ImageMemXfer.next(TransferReady, TWRC_SUCCESS, 0),
            Transferring
        );
    }
}
