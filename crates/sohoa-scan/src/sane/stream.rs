//! One scan as a stream of pages: `sane_start` per image (and per frame on three-pass scanners), reads to
//! EOF, `sane_cancel` once at the end of the batch or on the first fault.

use std::sync::Arc;

use super::ffi::{self, Handle, Lib};
use super::frames::{self, Frame};
use super::status::to_error;
use super::thread::Runtime;
use crate::{Page, PageStream, ScanError, Side};

const CHUNK: usize = 256 * 1024;
/// SANE_STATUS_NO_DOCS from `sane_start`: the feeder has no (more) sheets.
const NO_DOCS: i32 = 7;

pub struct SaneStream {
    rt: Arc<Runtime>,
    handle: u64,
    feeder: bool,
    duplex: bool,
    max_pages: Option<u32>,
    dpi: (f64, f64),
    images: u32,
    done: bool,
}

impl SaneStream {
    pub fn new(
        rt: Arc<Runtime>,
        handle: u64,
        feeder: bool,
        duplex: bool,
        max_pages: Option<u32>,
        dpi: (f64, f64),
    ) -> SaneStream {
        SaneStream {
            rt,
            handle,
            feeder,
            duplex,
            max_pages,
            dpi,
            images: 0,
            done: false,
        }
    }

    fn finish(&mut self) {
        if !self.done {
            self.done = true;
            let id = self.handle;
            let _ = self.rt.call(move |ctx| {
                if let Ok(h) = ctx.handle(id) {
                    ctx.lib.cancel(h);
                }
            });
        }
    }
}

/// Reads one frame to EOF. The error of a failed read wins over the bytes already read: the page is
/// incomplete and must be rescanned, but the pages before it are the caller's. The error is the raw status
/// with the number of bytes read before it.
fn read_frame(lib: &Lib, h: Handle, params: &ffi::Parameters) -> Result<Vec<u8>, (i32, usize)> {
    let expected = usize::try_from(params.bytes_per_line)
        .ok()
        .zip(usize::try_from(params.lines).ok())
        .map_or(0, |(b, l)| b * l);
    let mut data = Vec::with_capacity(expected);
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let (status, n) = lib.read(h, &mut chunk);
        data.extend_from_slice(&chunk[..n]);
        match status {
            ffi::STATUS_GOOD => {}
            ffi::STATUS_EOF => return Ok(data),
            s => return Err((s, data.len())),
        }
    }
}

/// Acquires one image; `Ok(None)` when the feeder is empty before it.
fn acquire(lib: &Lib, h: Handle) -> Result<Option<image::DynamicImage>, ScanError> {
    let mut frames = Vec::new();
    loop {
        let status = lib.start(h);
        if status == NO_DOCS && frames.is_empty() {
            return Ok(None);
        }
        if status != ffi::STATUS_GOOD {
            return Err(to_error(status, "sane_start"));
        }
        // Parameters are only exact after sane_start (the test backend's fuzzy-parameters checks this).
        let params = lib
            .parameters(h)
            .map_err(|s| to_error(s, "sane_get_parameters"))?;
        let data = match read_frame(lib, h, &params) {
            Ok(d) => d,
            // Some feeders only notice the empty tray when the next sheet fails to arrive: NO_DOCS on the
            // first read of an image is the end of the batch, like NO_DOCS from sane_start.
            Err((NO_DOCS, 0)) if frames.is_empty() => return Ok(None),
            Err((s, _)) => return Err(to_error(s, "sane_read")),
        };
        let last = params.last_frame != 0;
        frames.push(Frame { params, data });
        if last || frames.len() >= 3 {
            break;
        }
    }
    frames::assemble(frames).map(Some)
}

impl PageStream for SaneStream {
    fn next_page(&mut self) -> Option<Result<Page, ScanError>> {
        if self.done {
            return None;
        }
        if self.max_pages.is_some_and(|m| self.images >= m) {
            self.finish();
            return None;
        }
        let id = self.handle;
        let result = self
            .rt
            .call(move |ctx| ctx.handle(id).and_then(|h| acquire(&ctx.lib, h)))
            .and_then(|r| r);
        match result {
            Ok(Some(image)) => {
                let n = self.images;
                self.images += 1;
                let (sheet, side) = if self.duplex {
                    (
                        n / 2 + 1,
                        if n.is_multiple_of(2) {
                            Side::Front
                        } else {
                            Side::Back
                        },
                    )
                } else {
                    (n + 1, Side::Front)
                };
                if !self.feeder {
                    self.finish();
                }
                Some(Ok(Page {
                    sheet,
                    side,
                    image,
                    dpi_x: self.dpi.0,
                    dpi_y: self.dpi.1,
                }))
            }
            Ok(None) => {
                self.finish();
                (self.images == 0).then_some(Err(ScanError::FeederEmpty))
            }
            Err(e) => {
                tracing::info!(code = e.code(), pages = self.images, "scan stopped by a fault");
                self.finish();
                Some(Err(e))
            }
        }
    }

    fn cancel(&mut self) {
        self.finish();
    }
}

impl Drop for SaneStream {
    fn drop(&mut self) {
        if !self.done {
            self.done = true;
            let id = self.handle;
            self.rt.post(move |ctx| {
                if let Ok(h) = ctx.handle(id) {
                    ctx.lib.cancel(h);
                }
            });
        }
    }
}
