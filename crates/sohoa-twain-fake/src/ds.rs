//! The fake data source's side of the protocol (states 4–7).

use std::io::Cursor;

use crate::caps::*;
use crate::ffi::*;
use crate::pages::{PageSpec, bits_per_pixel, raw_rows, render};
use crate::{Fake, alloc_bytes, seq_error};

type CallbackFn = unsafe extern "system" fn(*mut TwIdentity, *mut TwIdentity, u32, u16, u16, TwMemRef) -> u16;

pub(crate) struct Current {
    stride: u32,
    rows: Vec<u8>,
    width: u32,
    height: u32,
    next_row: u32,
}

pub(crate) struct Source {
    pub identity: TwIdentity,
    pub state: u8,
    pub cc: u16,
    caps: Vec<Cap>,
    callback: Option<usize>,
    /// (sheet, back side) of each image of the batch, fixed at MSG_ENABLEDS.
    images: Vec<(u32, bool)>,
    total: u32,
    produced: u32,
    current: Option<Current>,
}

impl Source {
    pub fn new(identity: TwIdentity, adf: bool) -> Source {
        Source {
            identity,
            state: 4,
            cc: TWCC_SUCCESS,
            caps: source_caps(adf),
            callback: None,
            images: Vec::new(),
            total: 0,
            produced: 0,
            current: None,
        }
    }

    fn cap(&self, id: u16) -> Option<&Cap> {
        self.caps.iter().find(|c| c.id == id)
    }

    fn val(&self, id: u16) -> f64 {
        self.cap(id).map_or(0.0, |c| as_f64(c.ty, c.current))
    }

    fn duplex(&self) -> bool {
        self.val(CAP_FEEDERENABLED) != 0.0 && self.val(CAP_DUPLEXENABLED) != 0.0
    }

    fn spec(&self) -> PageSpec {
        let n = self.produced;
        let (sheet, back) = self.images.get(n as usize).copied().unwrap_or((n + 1, false));
        let dpi = self.val(ICAP_XRESOLUTION);
        PageSpec {
            image_no: n + 1,
            sheet,
            back,
            width: (self.val(ICAP_PHYSICALWIDTH) * dpi).round() as u32,
            height: (self.val(ICAP_PHYSICALHEIGHT) * self.val(ICAP_YRESOLUTION)).round() as u32,
            pixel_type: self.val(ICAP_PIXELTYPE) as u16,
        }
    }

    fn image_info(&self) -> TwImageInfo {
        let s = self.spec();
        let bpp = bits_per_pixel(s.pixel_type);
        let spp: i16 = if s.pixel_type == TWPT_RGB { 3 } else { 1 };
        let mut bits = [0i16; 8];
        for b in bits.iter_mut().take(spp as usize) {
            *b = bpp / spp;
        }
        TwImageInfo {
            x_resolution: TwFix32::from_f64(self.val(ICAP_XRESOLUTION)),
            y_resolution: TwFix32::from_f64(self.val(ICAP_YRESOLUTION)),
            image_width: s.width as i32,
            image_length: s.height as i32,
            samples_per_pixel: spp,
            bits_per_sample: bits,
            bits_per_pixel: bpp,
            planar: 0,
            pixel_type: s.pixel_type as i16,
            compression: TWCP_NONE,
        }
    }

    /// The paper fault planned for the image about to be transferred.
    fn fault(&self) -> Option<u16> {
        let n = f64::from(self.produced + 1);
        if self.val(CAP_FAKE_JAM_AT) == n {
            Some(TWCC_PAPERJAM)
        } else if self.val(CAP_FAKE_DOUBLEFEED_AT) == n {
            Some(TWCC_PAPERDOUBLEFEED)
        } else {
            None
        }
    }

    fn send_event(&self, app: TwIdentity, msg: u16) {
        let Some(cb) = self.callback else { return };
        let origin = self.identity;
        // Sources deliver events from their own thread; the application must not call back into the DSM
        // from the callback, so a separate thread also proves it queues them instead.
        std::thread::spawn(move || {
            let (mut o, mut d) = (origin, app);
            std::thread::sleep(std::time::Duration::from_millis(2));
            // SAFETY: `cb` is the TWAINCALLBACKPROC the application registered in state 4.
            let f: CallbackFn = unsafe { std::mem::transmute::<usize, CallbackFn>(cb) };
            // SAFETY: both identities live on this thread's stack for the duration of the call.
            unsafe { f(&mut o, &mut d, DG_CONTROL, DAT_NULL, msg, std::ptr::null_mut()) };
        });
    }
}

fn ok() -> (u16, u16) {
    (TWRC_SUCCESS, TWCC_SUCCESS)
}

pub(crate) fn dispatch(
    f: &mut Fake,
    app_id: u32,
    dest: u32,
    dg: u32,
    dat: u16,
    msg: u16,
    data: TwMemRef,
) -> (u16, u16) {
    let Some(app) = f.apps.get_mut(&app_id) else {
        return (TWRC_FAILURE, TWCC_BUMMER);
    };
    let name = app.name.clone();
    let app_ident = app.identity;
    let Some(src) = app.ds.as_mut() else {
        return seq_error(f, &name);
    };
    if src.identity.id != dest {
        return (TWRC_FAILURE, TWCC_BADDEST);
    }
    let st = src.state;
    macro_rules! need {
        ($cond:expr) => {
            if !($cond) {
                return seq_error(f, &name);
            }
        };
    }
    if data.is_null() && !(dg == DG_CONTROL && dat == DAT_NULL) {
        return (TWRC_FAILURE, TWCC_BADVALUE);
    }
    match (dg, dat, msg) {
        (DG_CONTROL, DAT_STATUS, MSG_GET) => {
            let s = TwStatus {
                condition_code: src.cc,
                data: 0,
            };
            src.cc = TWCC_SUCCESS;
            // SAFETY: TW_STATUS from the application.
            unsafe { (data as *mut TwStatus).write_unaligned(s) };
            ok()
        }
        (DG_CONTROL, DAT_CALLBACK | DAT_CALLBACK2, MSG_REGISTER_CALLBACK) => {
            need!(st == 4);
            // SAFETY: TW_CALLBACK / TW_CALLBACK2 both start with CallBackProc.
            let p = unsafe { (data as *mut TwMemRef).read_unaligned() };
            if p.is_null() {
                return (TWRC_FAILURE, TWCC_BADVALUE);
            }
            src.callback = Some(p as usize);
            ok()
        }
        (
            DG_CONTROL,
            DAT_CAPABILITY,
            MSG_GET | MSG_GETCURRENT | MSG_GETDEFAULT | MSG_QUERYSUPPORT | MSG_SET | MSG_RESET,
        ) => {
            // SAFETY: TW_CAPABILITY from the application.
            let mut c = unsafe { (data as *mut TwCapability).read_unaligned() };
            let writable = matches!(msg, MSG_SET | MSG_RESET);
            need!(if writable { st == 4 } else { (4..=7).contains(&st) });
            let cap_id = c.cap;
            let Some(cap) = src.caps.iter_mut().find(|x| x.id == cap_id) else {
                return (TWRC_FAILURE, TWCC_CAPUNSUPPORTED);
            };
            let mut rc = TWRC_SUCCESS;
            if msg == MSG_SET {
                let h = c.h_container;
                if h.is_null() || c.con_type != TWON_ONEVALUE {
                    return (TWRC_FAILURE, TWCC_BADVALUE);
                }
                // SAFETY: the application allocated a TW_ONEVALUE with DSM_MemAllocate (our calloc).
                let one = unsafe { (h as *mut TwOneValue).read_unaligned() };
                if one.item_type != cap.ty {
                    return (TWRC_FAILURE, TWCC_BADVALUE);
                }
                let v = if cap.ty == TWTY_BOOL || cap.ty == TWTY_UINT16 || cap.ty == TWTY_INT16 {
                    one.item & 0xffff
                } else {
                    one.item
                };
                match cap.set(v) {
                    Ok(true) => rc = TWRC_CHECKSTATUS,
                    Ok(false) => {}
                    Err(cc) => return (TWRC_FAILURE, cc),
                }
                if cap_id == CAP_FAKE_SHEETS {
                    let loaded = u32::from(v != 0);
                    if let Some(l) = src.caps.iter_mut().find(|x| x.id == CAP_FEEDERLOADED) {
                        l.current = loaded;
                    }
                }
                return (rc, TWCC_SUCCESS);
            }
            if msg == MSG_RESET {
                cap.current = cap.default;
            }
            let (con, bytes) = if msg == MSG_QUERYSUPPORT {
                let flags: u32 = if matches!(cap.constraint, Constraint::ReadOnly) {
                    0x0d
                } else {
                    0x1f
                };
                let mut b = TWTY_INT32.to_le_bytes().to_vec();
                b.extend_from_slice(&flags.to_le_bytes());
                (TWON_ONEVALUE, b)
            } else {
                cap.container(if msg == MSG_RESET { MSG_GETCURRENT } else { msg })
            };
            c.con_type = con;
            c.h_container = alloc_bytes(&bytes);
            // SAFETY: as above.
            unsafe { (data as *mut TwCapability).write_unaligned(c) };
            (rc, TWCC_SUCCESS)
        }
        (DG_IMAGE, DAT_IMAGELAYOUT, MSG_SET) => {
            need!(st == 4);
            ok()
        }
        (DG_CONTROL, DAT_USERINTERFACE, MSG_ENABLEDS) => {
            need!(st == 4);
            if src.callback.is_none() {
                // TWAIN 2 on Linux: without a callback the source has no way to signal MSG_XFERREADY.
                return (TWRC_FAILURE, TWCC_BUMMER);
            }
            let sheets = if src.val(CAP_FEEDERENABLED) != 0.0 || src.cap(CAP_FEEDERENABLED).is_none() {
                src.val(CAP_FAKE_SHEETS) as u32
            } else {
                1
            };
            let discard_blank =
                src.val(ICAP_AUTODISCARDBLANKPAGES) != -2.0 && src.cap(ICAP_AUTODISCARDBLANKPAGES).is_some();
            src.images.clear();
            for sheet in 1..=sheets {
                src.images.push((sheet, false));
                if src.duplex() && !(discard_blank && sheet % 2 == 0) {
                    src.images.push((sheet, true));
                }
            }
            let mut total = src.images.len() as u32;
            let count = src.val(CAP_XFERCOUNT) as i32;
            if count > 0 {
                total = total.min(count as u32);
            }
            src.total = total;
            src.produced = 0;
            src.current = None;
            src.state = 5;
            if total == 0 {
                src.send_event(app_ident, MSG_CLOSEDSREQ);
            } else {
                src.state = 6;
                src.send_event(app_ident, MSG_XFERREADY);
            }
            ok()
        }
        (DG_CONTROL, DAT_USERINTERFACE, MSG_DISABLEDS) => {
            need!(st == 5);
            src.state = 4;
            ok()
        }
        (DG_IMAGE, DAT_IMAGEINFO, MSG_GET) => {
            need!(st == 6 || st == 7);
            let info = src.image_info();
            // SAFETY: TW_IMAGEINFO from the application.
            unsafe { (data as *mut TwImageInfo).write_unaligned(info) };
            ok()
        }
        (DG_CONTROL, DAT_SETUPMEMXFER, MSG_GET) => {
            need!((4..=6).contains(&st));
            let stride = (src.spec().width * bits_per_pixel(src.spec().pixel_type) as u32).div_ceil(32) * 4;
            let s = TwSetupMemXfer {
                min_buf_size: stride,
                max_buf_size: 1 << 20,
                preferred: (16 * 1024).max(stride),
            };
            // SAFETY: TW_SETUPMEMXFER from the application.
            unsafe { (data as *mut TwSetupMemXfer).write_unaligned(s) };
            ok()
        }
        (DG_IMAGE, DAT_IMAGEMEMXFER, MSG_GET) => {
            need!((st == 6 || st == 7) && src.val(ICAP_XFERMECH) as u16 == TWSX_MEMORY);
            if st == 7 && src.current.as_ref().is_none_or(|c| c.next_row >= c.height) {
                return seq_error(f, &name);
            }
            if st == 6 {
                if let Some(cc) = src.fault() {
                    return (TWRC_FAILURE, cc);
                }
                let spec = src.spec();
                let img = render(&spec);
                let (stride, rows) = raw_rows(&img, spec.pixel_type);
                src.current = Some(Current {
                    stride,
                    rows,
                    width: spec.width,
                    height: spec.height,
                    next_row: 0,
                });
            }
            // SAFETY: TW_IMAGEMEMXFER from the application; Memory.TheMem points to Length bytes it owns.
            let mut x = unsafe { (data as *mut TwImageMemXfer).read_unaligned() };
            let Some(cur) = src.current.as_mut() else {
                return (TWRC_FAILURE, TWCC_BUMMER);
            };
            let fit = x.memory.length / cur.stride;
            if fit == 0 || x.memory.the_mem.is_null() {
                return (TWRC_FAILURE, TWCC_BADVALUE);
            }
            let n = fit.min(cur.height - cur.next_row);
            let start = (cur.next_row * cur.stride) as usize;
            let len = (n * cur.stride) as usize;
            // SAFETY: `len` <= Memory.Length, checked through `fit`.
            unsafe {
                std::ptr::copy_nonoverlapping(cur.rows[start..].as_ptr(), x.memory.the_mem as *mut u8, len)
            };
            x.compression = TWCP_NONE;
            x.bytes_per_row = cur.stride;
            x.columns = cur.width;
            x.rows = n;
            x.x_offset = 0;
            x.y_offset = cur.next_row;
            x.bytes_written = len as u32;
            cur.next_row += n;
            let done = cur.next_row >= cur.height;
            // SAFETY: as above.
            unsafe { (data as *mut TwImageMemXfer).write_unaligned(x) };
            src.state = 7;
            (if done { TWRC_XFERDONE } else { TWRC_SUCCESS }, TWCC_SUCCESS)
        }
        (DG_IMAGE, DAT_EXTIMAGEINFO, MSG_GET) => {
            need!(st == 7 && src.val(ICAP_EXTIMAGEINFO) != 0.0);
            // SAFETY: TW_EXTIMAGEINFO from the application, with NumInfos TW_INFO entries after it.
            let n = unsafe { (data as *mut u32).read_unaligned() } as usize;
            let back = src.spec().back;
            for i in 0..n.min(64) {
                // SAFETY: entry i of the application's Info array (4-byte count, then packed TW_INFOs).
                let p =
                    unsafe { (data as *mut u8).add(4 + i * std::mem::size_of::<TwInfo>()) } as *mut TwInfo;
                let mut info = unsafe { p.read_unaligned() };
                if info.info_id == TWEI_PAGESIDE {
                    info.item_type = TWTY_UINT16;
                    info.num_items = 1;
                    info.return_code = TWRC_SUCCESS;
                    info.item = usize::from(if back { TWCS_BOTTOM } else { TWCS_TOP });
                } else {
                    info.return_code = TWRC_INFONOTSUPPORTED;
                }
                // SAFETY: as above.
                unsafe { p.write_unaligned(info) };
            }
            ok()
        }
        (DG_IMAGE, DAT_IMAGENATIVEXFER, MSG_GET) => {
            need!(st == 6 && src.val(ICAP_XFERMECH) as u16 == TWSX_NATIVE);
            if let Some(cc) = src.fault() {
                return (TWRC_FAILURE, cc);
            }
            let spec = src.spec();
            let img = render(&spec);
            let mut buf = Vec::new();
            let dib = src.val(CAP_FAKE_NATIVE_DIB) != 0.0;
            let fmt = if dib {
                image::ImageFormat::Bmp
            } else {
                image::ImageFormat::Tiff
            };
            let img = if spec.pixel_type == TWPT_RGB {
                img
            } else {
                image::DynamicImage::ImageLuma8(img.to_luma8())
            };
            if img.write_to(&mut Cursor::new(&mut buf), fmt).is_err() {
                return (TWRC_FAILURE, TWCC_LOWMEMORY);
            }
            // A packed DIB is a BMP file without its 14-byte BITMAPFILEHEADER.
            let bytes = if dib { &buf[14..] } else { &buf[..] };
            let h = alloc_bytes(bytes);
            // SAFETY: the application passes a pointer to a TW_HANDLE.
            unsafe { (data as *mut TwHandle).write_unaligned(h) };
            src.state = 7;
            (TWRC_XFERDONE, TWCC_SUCCESS)
        }
        (DG_CONTROL, DAT_PENDINGXFERS, MSG_ENDXFER | MSG_RESET | MSG_STOPFEEDER) => {
            need!(if msg == MSG_ENDXFER {
                st == 6 || st == 7
            } else {
                st == 6
            });
            match msg {
                MSG_ENDXFER => {
                    src.produced += 1;
                    src.current = None;
                }
                MSG_RESET => src.total = src.produced,
                _ => src.total = src.total.min(src.produced + 1),
            }
            let remaining = src.total.saturating_sub(src.produced);
            let unknown = src.val(CAP_FAKE_UNKNOWN_COUNT) != 0.0 && remaining > 0;
            let count = if unknown { 0xffff } else { remaining as u16 };
            src.state = if remaining == 0 { 5 } else { 6 };
            // SAFETY: TW_PENDINGXFERS from the application.
            unsafe { (data as *mut TwPendingXfers).write_unaligned(TwPendingXfers { count, eoj: 0 }) };
            ok()
        }
        _ => (TWRC_FAILURE, TWCC_BADPROTOCOL),
    }
}
