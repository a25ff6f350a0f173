//! Turns the byte frames `sane_read` delivers into an image.
//!
//! SANE sends one frame per page (GRAY or interleaved RGB) or, on old three-pass scanners, three frames
//! (RED, GREEN, BLUE) in any order. Lines may be padded (`bytes_per_line` > what the pixels need), 16-bit
//! samples are in host byte order, and in 1-bit gray a set bit is black (the opposite of 8-bit gray).
//! `lines` is -1 when the device does not know the page length (hand scanners, ADFs with length
//! detection): the height is then whatever arrived.

use image::{DynamicImage, GrayImage, ImageBuffer, Luma, Rgb, RgbImage};

use super::ffi::Parameters;
use crate::ScanError;

pub const FRAME_GRAY: i32 = 0;
pub const FRAME_RGB: i32 = 1;
pub const FRAME_RED: i32 = 2;
pub const FRAME_GREEN: i32 = 3;
pub const FRAME_BLUE: i32 = 4;

pub struct Frame {
    pub params: Parameters,
    pub data: Vec<u8>,
}

fn bad(msg: impl Into<String>) -> ScanError {
    ScanError::Protocol(msg.into())
}

/// Width, stride and number of complete lines actually received.
fn geometry(f: &Frame) -> Result<(usize, usize, usize), ScanError> {
    let p = &f.params;
    let width = usize::try_from(p.pixels_per_line).map_err(|_| bad("negative width"))?;
    let stride = usize::try_from(p.bytes_per_line).map_err(|_| bad("negative bytes_per_line"))?;
    if width == 0 || stride == 0 {
        return Err(bad("empty frame geometry"));
    }
    let received = f.data.len() / stride;
    let lines = match usize::try_from(p.lines) {
        Ok(declared) => declared.min(received),
        Err(_) => received,
    };
    if lines == 0 {
        return Err(bad("the scanner sent no image lines"));
    }
    Ok((width, stride, lines))
}

/// Samples of one channel-plane frame (GRAY/RED/GREEN/BLUE) as 16-bit values, plus its size.
fn plane(f: &Frame, one_bit_is_dark: bool) -> Result<(u32, u32, Vec<u16>), ScanError> {
    let (width, stride, lines) = geometry(f)?;
    let depth = f.params.depth;
    let needed = match depth {
        1 => width.div_ceil(8),
        8 => width,
        16 => width * 2,
        d => return Err(ScanError::Unsupported(format!("{d}-bit samples"))),
    };
    if needed > stride {
        return Err(bad("bytes_per_line is shorter than the pixels it should hold"));
    }
    let mut out = Vec::with_capacity(width * lines);
    for row in f.data.chunks_exact(stride).take(lines) {
        for x in 0..width {
            let v = match depth {
                1 => {
                    let set = row[x / 8] & (0x80 >> (x % 8)) != 0;
                    if set == one_bit_is_dark { 0 } else { 0xFFFF }
                }
                8 => u16::from(row[x]) * 257,
                _ => u16::from_ne_bytes([row[2 * x], row[2 * x + 1]]),
            };
            out.push(v);
        }
    }
    Ok((dim(width)?, dim(lines)?, out))
}

fn dim(v: usize) -> Result<u32, ScanError> {
    u32::try_from(v).map_err(|_| bad("image too large"))
}

fn interleaved_rgb(f: &Frame) -> Result<(u32, u32, Vec<u16>), ScanError> {
    let (width, stride, lines) = geometry(f)?;
    let depth = f.params.depth;
    let needed = match depth {
        1 => (width * 3).div_ceil(8),
        8 => width * 3,
        16 => width * 6,
        d => return Err(ScanError::Unsupported(format!("{d}-bit samples"))),
    };
    if needed > stride {
        return Err(bad("bytes_per_line is shorter than the pixels it should hold"));
    }
    let mut out = Vec::with_capacity(width * lines * 3);
    for row in f.data.chunks_exact(stride).take(lines) {
        for i in 0..width * 3 {
            let v = match depth {
                1 => {
                    if row[i / 8] & (0x80 >> (i % 8)) != 0 {
                        0xFFFF
                    } else {
                        0
                    }
                }
                8 => u16::from(row[i]) * 257,
                _ => u16::from_ne_bytes([row[2 * i], row[2 * i + 1]]),
            };
            out.push(v);
        }
    }
    Ok((dim(width)?, dim(lines)?, out))
}

fn to_image(w: u32, h: u32, samples: Vec<u16>, rgb: bool, deep: bool) -> Result<DynamicImage, ScanError> {
    let err = || bad("sample count does not match the image size");
    Ok(match (rgb, deep) {
        (false, false) => {
            let v: Vec<u8> = samples.iter().map(|s| (s >> 8) as u8).collect();
            DynamicImage::ImageLuma8(GrayImage::from_raw(w, h, v).ok_or_else(err)?)
        }
        (false, true) => DynamicImage::ImageLuma16(
            ImageBuffer::<Luma<u16>, Vec<u16>>::from_raw(w, h, samples).ok_or_else(err)?,
        ),
        (true, false) => {
            let v: Vec<u8> = samples.iter().map(|s| (s >> 8) as u8).collect();
            DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, v).ok_or_else(err)?)
        }
        (true, true) => DynamicImage::ImageRgb16(
            ImageBuffer::<Rgb<u16>, Vec<u16>>::from_raw(w, h, samples).ok_or_else(err)?,
        ),
    })
}

/// 8-bit single-frame pages (nearly every page a desk scans) keep the frame's own buffer: unpadded lines are
/// already the image, padded ones are packed in place. The general path converts every sample and is ~10x
/// slower.
fn fast_8bit(f: &mut Frame) -> Result<Option<DynamicImage>, ScanError> {
    let channels = match f.params.format {
        FRAME_GRAY => 1,
        FRAME_RGB => 3,
        _ => return Ok(None),
    };
    if f.params.depth != 8 {
        return Ok(None);
    }
    let (width, stride, lines) = geometry(f)?;
    let row_bytes = width * channels;
    if row_bytes > stride {
        return Err(bad("bytes_per_line is shorter than the pixels it should hold"));
    }
    let mut out = std::mem::take(&mut f.data);
    if row_bytes < stride {
        for y in 1..lines {
            out.copy_within(y * stride..y * stride + row_bytes, y * row_bytes);
        }
    }
    out.truncate(row_bytes * lines);
    let (w, h) = (dim(width)?, dim(lines)?);
    let err = || bad("sample count does not match the image size");
    Ok(Some(if channels == 1 {
        DynamicImage::ImageLuma8(GrayImage::from_raw(w, h, out).ok_or_else(err)?)
    } else {
        DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, out).ok_or_else(err)?)
    }))
}

/// Assembles the frames of one page.
pub fn assemble(mut frames: Vec<Frame>) -> Result<DynamicImage, ScanError> {
    let first = frames.first_mut().ok_or_else(|| bad("no frame received"))?;
    if let Some(img) = fast_8bit(first)? {
        return Ok(img);
    }
    let first = &frames[0];
    let deep = first.params.depth == 16;
    match first.params.format {
        FRAME_GRAY => {
            let (w, h, s) = plane(first, true)?;
            to_image(w, h, s, false, deep)
        }
        FRAME_RGB => {
            let (w, h, s) = interleaved_rgb(first)?;
            to_image(w, h, s, true, deep)
        }
        FRAME_RED | FRAME_GREEN | FRAME_BLUE => {
            let mut planes: [Option<(u32, u32, Vec<u16>)>; 3] = [None, None, None];
            for f in &frames {
                let slot = match f.params.format {
                    FRAME_RED => 0,
                    FRAME_GREEN => 1,
                    FRAME_BLUE => 2,
                    other => return Err(bad(format!("frame format {other} mixed with colour planes"))),
                };
                planes[slot] = Some(plane(f, false)?);
            }
            let [Some(r), Some(g), Some(b)] = planes else {
                return Err(bad("a colour plane is missing"));
            };
            let (w, h) = (r.0.min(g.0).min(b.0), r.1.min(g.1).min(b.1));
            let mut s = Vec::with_capacity(w as usize * h as usize * 3);
            for y in 0..h as usize {
                for x in 0..w as usize {
                    s.push(r.2[y * r.0 as usize + x]);
                    s.push(g.2[y * g.0 as usize + x]);
                    s.push(b.2[y * b.0 as usize + x]);
                }
            }
            to_image(w, h, s, true, deep)
        }
        other => Err(ScanError::Unsupported(format!("SANE frame format {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(format: i32, depth: i32, bpl: i32, ppl: i32, lines: i32) -> Parameters {
        Parameters {
            format,
            last_frame: 1,
            bytes_per_line: bpl,
            pixels_per_line: ppl,
            lines,
            depth,
        }
    }

    #[test]
    fn lineart_set_bit_is_black_and_padding_is_skipped() {
        // 10 pixels in 2 bytes, plus one padding byte per line.
        let data = vec![0b1000_0000, 0b0100_0000, 0xAA, 0, 0, 0xAA];
        let img = assemble(vec![Frame {
            params: params(FRAME_GRAY, 1, 3, 10, 2),
            data,
        }])
        .unwrap()
        .to_luma8();
        assert_eq!((img.width(), img.height()), (10, 2));
        assert_eq!(img.get_pixel(0, 0)[0], 0);
        assert_eq!(img.get_pixel(1, 0)[0], 255);
        assert_eq!(img.get_pixel(9, 0)[0], 0);
        assert_eq!(img.get_pixel(0, 1)[0], 255);
    }

    #[test]
    fn padded_eight_bit_lines_are_packed() {
        // 3 grey pixels in lines of 4 bytes.
        let data = vec![1, 2, 3, 0xEE, 4, 5, 6, 0xEE, 7, 8, 9, 0xEE];
        let img = assemble(vec![Frame {
            params: params(FRAME_GRAY, 8, 4, 3, 3),
            data,
        }])
        .unwrap();
        let g = img.as_luma8().unwrap();
        assert_eq!((g.width(), g.height()), (3, 3));
        assert_eq!(g.as_raw().as_slice(), &[1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn three_pass_planes_in_any_order() {
        let mk = |format, v: u8| Frame {
            params: params(format, 8, 2, 2, 1),
            data: vec![v, v],
        };
        let img = assemble(vec![mk(FRAME_BLUE, 30), mk(FRAME_RED, 10), mk(FRAME_GREEN, 20)])
            .unwrap()
            .to_rgb8();
        assert_eq!(img.get_pixel(1, 0).0, [10, 20, 30]);
        assert!(assemble(vec![mk(FRAME_RED, 1), mk(FRAME_GREEN, 2)]).is_err());
    }

    #[test]
    fn unknown_length_and_sixteen_bit() {
        let mut data = Vec::new();
        for v in [0x1234u16, 0xFFFF, 0, 0x8000] {
            data.extend_from_slice(&v.to_ne_bytes());
        }
        let img = assemble(vec![Frame {
            params: params(FRAME_GRAY, 16, 4, 2, -1),
            data,
        }])
        .unwrap();
        let g = img.as_luma16().unwrap();
        assert_eq!((g.width(), g.height()), (2, 2));
        assert_eq!(g.get_pixel(0, 0)[0], 0x1234);
        assert_eq!(g.get_pixel(1, 1)[0], 0x8000);
    }

    #[test]
    fn rgb_interleaved_and_short_page() {
        let data = vec![1, 2, 3, 4, 5, 6, 7, 8, 9]; // one and a half lines of 2 px
        let img = assemble(vec![Frame {
            params: params(FRAME_RGB, 8, 6, 2, 5),
            data,
        }])
        .unwrap()
        .to_rgb8();
        assert_eq!((img.width(), img.height()), (2, 1));
        assert_eq!(img.get_pixel(1, 0).0, [4, 5, 6]);
    }
}
