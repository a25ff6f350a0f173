//! The page stream of a TWAIN scan: one image per `next_page`, walking the pending-transfer loop.

use super::device::{TransferMode, TwainDevice};
use super::ffi;
use super::state::TwainState;
use crate::{Page, PageStream, ScanError, Side};

pub(crate) struct TwainStream<'a> {
    pub(crate) dev: &'a mut TwainDevice,
    pub(crate) index: u32,
    /// Sheet of the last image (advanced on every front side).
    pub(crate) sheet: u32,
    pub(crate) duplex: bool,
    pub(crate) ext_side: bool,
    pub(crate) done: bool,
    pub(crate) cancelled: bool,
    pub(crate) first_error: Option<ScanError>,
    pub(crate) dpi: f64,
}

impl TwainStream<'_> {
    fn finish(&mut self) {
        self.done = true;
        self.dev.session.unwind_to(TwainState::SourceOpen);
    }

    fn feeder_empty(&mut self) -> bool {
        self.dev
            .session
            .cap_get(ffi::CAP_FEEDERLOADED, ffi::MSG_GETCURRENT)
            .is_ok_and(|c| c.current() == Some(0))
    }

    fn fail(&mut self, e: ScanError) -> Option<Result<Page, ScanError>> {
        tracing::warn!(error = %e, pages = self.index, "TWAIN batch stopped");
        self.finish();
        Some(Err(e))
    }

    fn transfer_one(&mut self) -> Result<Page, ScanError> {
        let s = &mut self.dev.session;
        let info = s.image_info()?;
        let image = match self.dev.transfer {
            TransferMode::Memory => s.memory_xfer(&info)?,
            TransferMode::Native => s.native_xfer(&info)?,
        };
        let (xr, yr) = (info.x_resolution.to_f64(), info.y_resolution.to_f64());
        let back = match (self.duplex, self.ext_side) {
            (false, _) => false,
            (true, true) => s.page_side_is_back().unwrap_or(!self.index.is_multiple_of(2)),
            (true, false) => !self.index.is_multiple_of(2),
        };
        if !back || self.sheet == 0 {
            self.sheet += 1;
        }
        let (sheet, side) = (self.sheet, if back { Side::Back } else { Side::Front });
        Ok(Page {
            sheet,
            side,
            image,
            dpi_x: if xr > 0.0 { xr } else { self.dpi },
            dpi_y: if yr > 0.0 { yr } else { self.dpi },
        })
    }
}

impl PageStream for TwainStream<'_> {
    fn next_page(&mut self) -> Option<Result<Page, ScanError>> {
        if self.done {
            return None;
        }
        if let Some(e) = self.first_error.take() {
            return self.fail(e);
        }
        if self.dev.session.state() == TwainState::SourceEnabled {
            if self.cancelled {
                self.finish();
                return None;
            }
            if let Err(e) = self.dev.session.wait_xfer_ready(self.dev.xfer_timeout) {
                // Sources without paper often just ask to be closed (MSG_CLOSEDSREQ) before the first image.
                let e =
                    if e == ScanError::Cancelled && self.index == 0 && !self.cancelled && self.feeder_empty()
                    {
                        ScanError::FeederEmpty
                    } else {
                        e
                    };
                return self.fail(e);
            }
        }
        if self.dev.session.state() != TwainState::TransferReady {
            self.finish();
            return None;
        }
        if self.cancelled {
            self.finish();
            return None;
        }
        match self.transfer_one() {
            Ok(page) => {
                self.index += 1;
                match self.dev.session.end_xfer() {
                    Ok(0) => self.finish(),
                    Ok(_) => {}
                    Err(e) => {
                        // The page is ours already; the fault comes with the next call.
                        self.first_error = Some(e);
                    }
                }
                Some(Ok(page))
            }
            Err(e) => self.fail(e),
        }
    }

    fn cancel(&mut self) {
        self.cancelled = true;
        if self.dev.session.state() == TwainState::TransferReady {
            let _ = self.dev.session.reset();
        }
    }
}

impl Drop for TwainStream<'_> {
    fn drop(&mut self) {
        self.dev.session.unwind_to(TwainState::SourceOpen);
    }
}
