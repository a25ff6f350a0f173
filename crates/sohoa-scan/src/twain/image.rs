//! Turning transferred bytes into images: memory-transfer strips, and native handles, which hold a DIB on
//! Windows and a TIFF on Linux (the TWAIN 2 convention). The format is sniffed rather than chosen by
//! platform so both decoders are exercised by the Linux tests.

use image::{DynamicImage, GrayImage, RgbImage};

use super::ffi::*;
use crate::ScanError;

/// One buffer of a memory transfer, as DAT_IMAGEMEMXFER described it.
#[derive(Debug, Clone)]
pub struct Strip {
    pub bytes_per_row: u32,
    pub columns: u32,
    pub rows: u32,
    pub x_offset: u32,
    pub y_offset: u32,
    pub data: Vec<u8>,
}

/// Builds the page from uncompressed strips. `info.image_length` may be -1 (unknown length, e.g. a feeder
/// with automatic length detection); the height then comes from the strips.
pub fn assemble_memory(info: &TwImageInfo, strips: &[Strip]) -> Result<DynamicImage, ScanError> {
    let (width, length, bpp, pixel_type, compression) = (
        info.image_width,
        info.image_length,
        info.bits_per_pixel,
        info.pixel_type,
        info.compression,
    );
    if compression != TWCP_NONE {
        return Err(ScanError::Unsupported(format!(
            "compressed memory transfer ({compression})"
        )));
    }
    let width = usize::try_from(width).map_err(|_| ScanError::Protocol(format!("image width {width}")))?;
    let height = if length > 0 {
        length as usize
    } else {
        strips
            .iter()
            .map(|s| (s.y_offset + s.rows) as usize)
            .max()
            .unwrap_or(0)
    };
    if width == 0 || height == 0 || width > 60_000 || height > 200_000 {
        return Err(ScanError::Protocol(format!("image size {width}x{height}")));
    }
    let channels = match (pixel_type as u16, bpp) {
        (TWPT_BW, 1) | (TWPT_GRAY, 8) => 1usize,
        (TWPT_RGB, 24) => 3,
        (pt, b) => {
            return Err(ScanError::Unsupported(format!(
                "pixel type {pt} with {b} bits per pixel"
            )));
        }
    };
    let mut buf = vec![0u8; width * height * channels];
    for s in strips {
        for r in 0..s.rows as usize {
            let y = s.y_offset as usize + r;
            if y >= height {
                break;
            }
            let row = s.data.get(r * s.bytes_per_row as usize..).unwrap_or(&[]);
            for c in 0..s.columns as usize {
                let x = s.x_offset as usize + c;
                if x >= width {
                    break;
                }
                let dst = (y * width + x) * channels;
                if bpp == 1 {
                    // TWPF_CHOCOLATE (the default flavor): a 0 bit is black.
                    let bit = row.get(c / 8).map_or(0, |b| (b >> (7 - c % 8)) & 1);
                    buf[dst] = if bit == 1 { 255 } else { 0 };
                } else if let Some(px) = row.get(c * channels..c * channels + channels) {
                    buf[dst..dst + channels].copy_from_slice(px);
                }
            }
        }
    }
    let (w, h) = (width as u32, height as u32);
    let bad = || ScanError::Protocol("strip buffer size mismatch".into());
    Ok(if channels == 1 {
        DynamicImage::ImageLuma8(GrayImage::from_raw(w, h, buf).ok_or_else(bad)?)
    } else {
        DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, buf).ok_or_else(bad)?)
    })
}

/// Decodes the bytes of a native transfer.
pub fn decode_native(bytes: &[u8]) -> Result<DynamicImage, ScanError> {
    let bad = |e: image::ImageError| ScanError::Protocol(format!("native image: {e}"));
    if is_tiff(bytes) {
        image::load_from_memory_with_format(bytes, image::ImageFormat::Tiff).map_err(bad)
    } else {
        let bmp = dib_to_bmp(bytes)?;
        image::load_from_memory_with_format(&bmp, image::ImageFormat::Bmp).map_err(bad)
    }
}

pub fn is_tiff(b: &[u8]) -> bool {
    b.starts_with(b"II*\0") || b.starts_with(b"MM\0*")
}

/// Prefixes a packed DIB (BITMAPINFOHEADER, palette, bits — what a Windows native transfer's HGLOBAL
/// holds) with a BITMAPFILEHEADER so a BMP decoder reads it.
pub fn dib_to_bmp(dib: &[u8]) -> Result<Vec<u8>, ScanError> {
    let h = DibHeader::parse(dib)?;
    let total = 14 + dib.len();
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&(total as u32).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(14 + h.bits_offset as u32).to_le_bytes());
    out.extend_from_slice(dib);
    Ok(out)
}

struct DibHeader {
    bits_offset: usize,
    total: usize,
}

impl DibHeader {
    fn parse(d: &[u8]) -> Result<DibHeader, ScanError> {
        let bad = |w: &str| ScanError::Protocol(format!("native DIB: {w}"));
        let u32_at = |o: usize| {
            d.get(o..o + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let u16_at = |o: usize| d.get(o..o + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let size = u32_at(0).ok_or_else(|| bad("short header"))? as usize;
        if !(40..=124).contains(&size) {
            return Err(bad("not a BITMAPINFOHEADER"));
        }
        let width = u32_at(4).ok_or_else(|| bad("short header"))? as i32;
        let height = u32_at(8).ok_or_else(|| bad("short header"))? as i32;
        let bit_count = u16_at(14).ok_or_else(|| bad("short header"))?;
        let compression = u32_at(16).ok_or_else(|| bad("short header"))?;
        let clr_used = u32_at(32).ok_or_else(|| bad("short header"))?;
        let palette = if clr_used > 0 {
            clr_used as usize
        } else if bit_count <= 8 {
            1usize << bit_count
        } else {
            0
        };
        // BI_BITFIELDS puts three masks after a 40-byte header.
        let masks = if compression == 3 && size == 40 { 12 } else { 0 };
        let bits_offset = size + masks + palette * 4;
        let stride = (width.unsigned_abs() as usize * bit_count as usize).div_ceil(32) * 4;
        let total = bits_offset + stride * height.unsigned_abs() as usize;
        Ok(DibHeader { bits_offset, total })
    }
}

/// Length of a packed DIB from its header; `read(offset, len)` returns bytes of the handle.
pub fn dib_len(head: &[u8]) -> Option<usize> {
    DibHeader::parse(head).ok().map(|h| h.total)
}

/// Length of a TIFF held in memory: the furthest byte referenced by the IFD chain (entries, out-of-line
/// values, strips or tiles). `read(offset, len)` returns bytes of the handle, or `None` past `limit`.
pub fn tiff_len(read: &dyn Fn(usize, usize) -> Option<Vec<u8>>) -> Option<usize> {
    let head = read(0, 8)?;
    let le = head.starts_with(b"II");
    let u16v = |b: &[u8]| {
        if le {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        }
    };
    let u32v = |b: &[u8]| {
        if le {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        }
    };
    let mut end = 8usize;
    let mut ifd = u32v(&head[4..8]) as usize;
    let mut guard = 0;
    while ifd != 0 && guard < 64 {
        guard += 1;
        let n = u16v(&read(ifd, 2)?) as usize;
        let entries = read(ifd + 2, n * 12 + 4)?;
        end = end.max(ifd + 2 + n * 12 + 4);
        let mut offsets = Vec::new();
        let mut counts = Vec::new();
        for e in entries[..n * 12].chunks_exact(12) {
            let (tag, ty, count) = (u16v(&e[0..2]), u16v(&e[2..4]), u32v(&e[4..8]) as usize);
            let size = match ty {
                1 | 2 | 6 | 7 => 1,
                3 | 8 => 2,
                4 | 9 | 11 => 4,
                5 | 10 | 12 => 8,
                _ => 1,
            };
            let bytes = size * count;
            let values = if bytes <= 4 {
                e[8..8 + bytes.min(4)].to_vec()
            } else {
                let off = u32v(&e[8..12]) as usize;
                end = end.max(off + bytes);
                if matches!(tag, 273 | 279 | 324 | 325) {
                    read(off, bytes)?
                } else {
                    Vec::new()
                }
            };
            let nums: Vec<usize> = match size {
                2 => values.chunks_exact(2).map(|b| u16v(b) as usize).collect(),
                4 => values.chunks_exact(4).map(|b| u32v(b) as usize).collect(),
                _ => Vec::new(),
            };
            match tag {
                273 | 324 => offsets = nums,
                279 | 325 => counts = nums,
                _ => {}
            }
        }
        for (o, c) in offsets.iter().zip(counts.iter()) {
            end = end.max(o + c);
        }
        ifd = u32v(&entries[n * 12..n * 12 + 4]) as usize;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn gray(w: u32, h: u32) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| image::Luma([((x * 7 + y * 13) % 256) as u8]))
    }

    #[test]
    fn tiff_len_finds_the_end_of_a_real_tiff() {
        let mut tiff = Vec::new();
        DynamicImage::ImageLuma8(gray(37, 23))
            .write_to(&mut Cursor::new(&mut tiff), image::ImageFormat::Tiff)
            .unwrap();
        let len_known = tiff.len();
        tiff.extend_from_slice(&[0xAA; 100]); // slack after the image, as in an oversized handle
        let read = |o: usize, l: usize| tiff.get(o..o + l).map(|s| s.to_vec());
        assert_eq!(tiff_len(&read), Some(len_known));
        let img = decode_native(&tiff[..len_known]).unwrap();
        assert_eq!(img.to_luma8(), gray(37, 23));
    }

    #[test]
    fn dib_decodes_via_bmp_header() {
        let mut bmp = Vec::new();
        let rgb = RgbImage::from_fn(13, 5, |x, y| image::Rgb([x as u8 * 10, y as u8 * 40, 7]));
        DynamicImage::ImageRgb8(rgb.clone())
            .write_to(&mut Cursor::new(&mut bmp), image::ImageFormat::Bmp)
            .unwrap();
        let dib = &bmp[14..];
        assert_eq!(dib_len(dib), Some(dib.len()));
        assert_eq!(decode_native(dib).unwrap().to_rgb8(), rgb);
    }

    #[test]
    fn memory_strips_assemble_bw_gray_rgb() {
        let mut info = TwImageInfo {
            image_width: 10,
            image_length: 4,
            bits_per_pixel: 1,
            ..Default::default()
        };
        info.pixel_type = TWPT_BW as i16;
        let strips = vec![
            Strip {
                bytes_per_row: 4,
                columns: 10,
                rows: 2,
                x_offset: 0,
                y_offset: 0,
                data: vec![0xff, 0xc0, 0, 0, 0, 0, 0, 0],
            },
            Strip {
                bytes_per_row: 4,
                columns: 10,
                rows: 2,
                x_offset: 0,
                y_offset: 2,
                data: vec![0x80, 0, 0, 0, 0, 0x40, 0, 0],
            },
        ];
        let img = assemble_memory(&info, &strips).unwrap().to_luma8();
        assert_eq!(img.get_pixel(9, 0).0[0], 255);
        assert_eq!(img.get_pixel(0, 1).0[0], 0);
        assert_eq!(img.get_pixel(0, 2).0[0], 255);
        assert_eq!(img.get_pixel(9, 3).0[0], 255);
        info.pixel_type = TWPT_RGB as i16;
        info.bits_per_pixel = 24;
        info.image_length = -1;
        let s = Strip {
            bytes_per_row: 32,
            columns: 10,
            rows: 3,
            x_offset: 0,
            y_offset: 0,
            data: vec![9; 96],
        };
        let img = assemble_memory(&info, &[s]).unwrap();
        assert_eq!((img.width(), img.height()), (10, 3));
    }
}
