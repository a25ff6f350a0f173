#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Hostile and unusual inputs: typed errors or correct pixels, never a panic.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};
use sohoa_core::Localized;
use sohoa_imaging::{CleanOptions, DecodeLimits, ImagingError, clean, decode_bytes, decode_file};

fn sample() -> RgbImage {
    RgbImage::from_fn(300, 200, |x, y| {
        if (x / 10 + y / 10) % 2 == 0 {
            image::Rgb([20, 20, 20])
        } else {
            image::Rgb([240, 235, 220])
        }
    })
}

fn encode(img: &RgbImage, f: ImageFormat) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img.clone())
        .write_to(&mut buf, f)
        .unwrap();
    buf.into_inner()
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A PNG whose header claims `w` x `h` pixels but carries almost no data: the classic decompression bomb shape.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn decompression_bombs_are_refused_before_allocation() {
    for (w, h) in [(60_000, 100), (100, 60_000), (15_000, 15_000)] {
        match decode_bytes(&png_claiming(w, h), &DecodeLimits::default()) {
            Err(e @ ImagingError::TooLarge { .. }) => assert_eq!(e.code(), "image.too_large"),
            other => panic!("{w}x{h}: {other:?}"),
        }
    }
    let tight = DecodeLimits {
        max_pixels: 1000,
        ..DecodeLimits::default()
    };
    let err = decode_bytes(&encode(&sample(), ImageFormat::Png), &tight).unwrap_err();
    assert!(matches!(err, ImagingError::TooLarge { .. }), "{err:?}");
}

#[test]
fn truncated_files_give_typed_errors() {
    for f in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Tiff] {
        let full = encode(&sample(), f);
        for cut in [8, 40, full.len() / 2, full.len() - 10] {
            let r = decode_bytes(&full[..cut], &DecodeLimits::default());
            match r {
                Err(ImagingError::Corrupt(_) | ImagingError::Unsupported(_)) => {}
                // Some JPEG decoders fill a truncated tail with grey; that is "correct output" for the part read.
                Ok(img) if f == ImageFormat::Jpeg => assert_eq!(img.width(), 300),
                other => panic!("{f:?} cut at {cut}: {other:?}"),
            }
        }
    }
    assert!(matches!(
        decode_bytes(b"", &DecodeLimits::default()),
        Err(ImagingError::Corrupt(_))
    ));
    assert!(matches!(
        decode_bytes(b"%PDF-1.7 not an image", &DecodeLimits::default()),
        Err(ImagingError::Unsupported(_))
    ));
    let missing = decode_file(
        std::path::Path::new("/nonexistent/page.png"),
        &DecodeLimits::default(),
    );
    assert!(matches!(missing, Err(ImagingError::Io { .. })));
}

fn png_with(
    color: png::ColorType,
    depth: png::BitDepth,
    w: u32,
    h: u32,
    data: &[u8],
    palette: Option<&[u8]>,
) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(color);
        enc.set_depth(depth);
        if let Some(p) = palette {
            enc.set_palette(p.to_vec());
        }
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(data).unwrap();
    }
    out
}

#[test]
fn sixteen_bit_palette_and_one_bit_decode_and_clean() {
    let (w, h) = (64u32, 48u32);
    // 16-bit RGB: dark left half, light right half.
    let mut d16 = Vec::new();
    for _y in 0..h {
        for x in 0..w {
            let v: u16 = if x < w / 2 { 4000 } else { 60000 };
            for _ in 0..3 {
                d16.extend_from_slice(&v.to_be_bytes());
            }
        }
    }
    let img = decode_bytes(
        &png_with(png::ColorType::Rgb, png::BitDepth::Sixteen, w, h, &d16, None),
        &DecodeLimits::default(),
    )
    .unwrap();
    let rgb = img.to_rgb8();
    assert!(rgb.get_pixel(2, 2).0[0] < 30 && rgb.get_pixel(60, 2).0[0] > 220);
    clean(&img, &CleanOptions::default()).unwrap();

    // Palette: index 0 red, 1 white; a red block inside the page.
    let idx: Vec<u8> = (0..w * h)
        .map(|i| u8::from(!((20..30).contains(&(i % w)) && (10..20).contains(&(i / w)))))
        .collect();
    let pal = [200u8, 30, 40, 255, 255, 255];
    let img = decode_bytes(
        &png_with(
            png::ColorType::Indexed,
            png::BitDepth::Eight,
            w,
            h,
            &idx,
            Some(&pal),
        ),
        &DecodeLimits::default(),
    )
    .unwrap();
    assert_eq!(img.to_rgb8().get_pixel(25, 15).0, [200, 30, 40]);
    let out = clean(&img, &CleanOptions::default()).unwrap();
    assert_eq!(out.crop, [0, 0, w, h]);
    assert_eq!(out.image.to_rgb8().get_pixel(25, 15).0, [200, 30, 40], "red lost");

    // 1-bit greyscale: packed rows, first 16 pixels black.
    let row_bytes = w.div_ceil(8) as usize;
    let mut bits = vec![0xffu8; row_bytes * h as usize];
    for y in 0..h as usize {
        bits[y * row_bytes] = 0;
        bits[y * row_bytes + 1] = 0;
    }
    let img = decode_bytes(
        &png_with(png::ColorType::Grayscale, png::BitDepth::One, w, h, &bits, None),
        &DecodeLimits::default(),
    )
    .unwrap();
    let l = img.to_luma8();
    assert_eq!((l.get_pixel(3, 3).0[0], l.get_pixel(40, 3).0[0]), (0, 255));
    let out = clean(&img, &CleanOptions::default()).unwrap();
    assert!(!out.image.color().has_color(), "greyscale input stays greyscale");
}

#[test]
fn cmyk_tiff_decodes_to_rgb_or_typed_error() {
    let (w, h) = (32u32, 16u32);
    let mut data = Vec::new();
    for _ in 0..w * h {
        data.extend_from_slice(&[0, 255, 255, 0]); // C=0 M=255 Y=255 K=0: red
    }
    let mut buf = Cursor::new(Vec::new());
    {
        let mut enc = tiff::encoder::TiffEncoder::new(&mut buf).unwrap();
        enc.write_image::<tiff::encoder::colortype::CMYK8>(w, h, &data)
            .unwrap();
    }
    match decode_bytes(&buf.into_inner(), &DecodeLimits::default()) {
        Ok(img) => {
            let p = img.to_rgb8().get_pixel(5, 5).0;
            assert!(p[0] > 200 && p[1] < 60 && p[2] < 60, "CMYK red decoded as {p:?}");
            clean(&img, &CleanOptions::default()).unwrap();
        }
        Err(e) => assert!(matches!(e, ImagingError::Unsupported(_)), "{e:?}"),
    }
}

#[test]
fn tiny_and_degenerate_images_do_not_panic() {
    for (w, h) in [(1u32, 1u32), (1, 500), (500, 1), (3, 3)] {
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(w, h, image::Rgb([10, 10, 10])));
        clean(&img, &CleanOptions::default()).unwrap();
    }
}
