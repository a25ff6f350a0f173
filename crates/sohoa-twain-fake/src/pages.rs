//! The fake's "paper": small generated pages whose top-left block encodes the image number, sheet and
//! side, so tests can check order and duplex pairing from the pixels.

use image::{DynamicImage, GrayImage, Luma, Rgb, RgbImage};

use crate::ffi::*;

pub struct PageSpec {
    pub image_no: u32,
    pub sheet: u32,
    pub back: bool,
    pub width: u32,
    pub height: u32,
    pub pixel_type: u16,
}

/// Marker: R = 10 × image number, G = 10 × sheet, B = 200 on a back side; gray pages carry
/// 10 × image number; black-and-white pages have a black marker block.
pub fn render(p: &PageSpec) -> DynamicImage {
    let marker = |x: u32, y: u32| x < 16 && y < 16;
    match p.pixel_type {
        TWPT_RGB => DynamicImage::ImageRgb8(RgbImage::from_fn(p.width, p.height, |x, y| {
            if marker(x, y) {
                Rgb([
                    (p.image_no * 10) as u8,
                    (p.sheet * 10) as u8,
                    if p.back { 200 } else { 0 },
                ])
            } else {
                Rgb([255, (x % 256) as u8, (y % 256) as u8])
            }
        })),
        TWPT_GRAY => DynamicImage::ImageLuma8(GrayImage::from_fn(p.width, p.height, |x, y| {
            Luma([if marker(x, y) {
                (p.image_no * 10) as u8
            } else {
                255 - (y % 128) as u8
            }])
        })),
        _ => DynamicImage::ImageLuma8(GrayImage::from_fn(p.width, p.height, |x, y| {
            Luma([if marker(x, y) || (x / 8 + y / 8) % 7 == 0 {
                0
            } else {
                255
            }])
        })),
    }
}

/// Raw rows as a memory transfer sends them: 1 bit/pixel MSB-first (1 = white, chocolate), 8-bit gray,
/// or 24-bit RGB, each row padded to 4 bytes.
pub fn raw_rows(img: &DynamicImage, pixel_type: u16) -> (u32, Vec<u8>) {
    let (w, h) = (img.width(), img.height());
    let bpp = match pixel_type {
        TWPT_RGB => 24,
        TWPT_GRAY => 8,
        _ => 1,
    };
    let stride = (w * bpp).div_ceil(32) * 4;
    let mut out = vec![0u8; (stride * h) as usize];
    let gray = img.to_luma8();
    let rgb = img.to_rgb8();
    for y in 0..h {
        let row = &mut out[(y * stride) as usize..((y + 1) * stride) as usize];
        for x in 0..w {
            match bpp {
                24 => row[(x * 3) as usize..(x * 3 + 3) as usize].copy_from_slice(&rgb.get_pixel(x, y).0),
                8 => row[x as usize] = gray.get_pixel(x, y).0[0],
                _ => {
                    if gray.get_pixel(x, y).0[0] >= 128 {
                        row[(x / 8) as usize] |= 0x80 >> (x % 8);
                    }
                }
            }
        }
    }
    (stride, out)
}

pub fn bits_per_pixel(pixel_type: u16) -> i16 {
    match pixel_type {
        TWPT_RGB => 24,
        TWPT_GRAY => 8,
        _ => 1,
    }
}
