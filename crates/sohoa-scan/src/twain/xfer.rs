//! States 6–7 of a session: image info, memory and native transfers, extended image info and the
//! pending-transfer loop (DAT_PENDINGXFERS).

use std::ffi::c_void;

use super::ffi::*;
use super::image::{self as twimg, Strip};
use super::session::Session;
use super::state::Op;
use crate::ScanError;

impl Session {
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
}
