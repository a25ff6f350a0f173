//! Mixed raster content: a scanned document page is mostly paper plus a few ink colours. Storing it as
//! one full-resolution colour image wastes most bytes on paper texture; instead the page becomes
//! - a full-resolution 1-bit **ink mask**, CCITT G4 (lossless, so digits cannot change — unlike lossy JBIG2),
//! - a low-resolution **foreground** giving the ink its colour (the red seal stays red, blue ink blue),
//!   painted through the mask so edges stay as sharp as the scan,
//! - a low-resolution **background** JPEG of the paper with the ink removed (nothing sharp left to blur).
//!
//! The PDF paints the background, then the foreground with the mask as its explicit `/Mask` (a mask may
//! have a higher resolution than its image, ISO 32000-1 §8.9.6.3).

use image::{GrayImage, RgbImage};

use crate::PdfError;

/// Encoded layers of one page.
pub struct MrcLayers {
    pub width: u32,
    pub height: u32,
    /// CCITT G4, `BlackIs1 false`: decoded 0 (black) = ink = painted.
    pub mask_g4: Vec<u8>,
    pub background: EncodedImage,
    pub foreground: EncodedImage,
}

/// A colour image already in its PDF filter's encoding.
pub struct EncodedImage {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
    pub filter: ImageFilter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFilter {
    Dct,
    Flate,
}

fn luma(p: &image::Rgb<u8>) -> u8 {
    let [r, g, b] = p.0;
    ((u32::from(r) * 77 + u32::from(g) * 150 + u32::from(b) * 29) >> 8) as u8
}

fn chroma(p: &image::Rgb<u8>) -> u8 {
    let [r, g, b] = p.0;
    r.max(g).max(b) - r.min(g).min(b)
}

/// Otsu's threshold of the luma histogram: separates ink from paper without a tuned constant.
fn otsu(gray: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    for p in gray.pixels() {
        hist[usize::from(p.0[0])] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist.iter().enumerate().map(|(i, &c)| i as f64 * c as f64).sum();
    let (mut w_b, mut sum_b, mut best, mut best_t) = (0u64, 0f64, -1f64, 128u8);
    for (t, &c) in hist.iter().enumerate() {
        w_b += c;
        if w_b == 0 || w_b == total {
            continue;
        }
        sum_b += t as f64 * c as f64;
        let w_f = total - w_b;
        let m_b = sum_b / w_b as f64;
        let m_f = (sum_all - sum_b) / w_f as f64;
        let between = w_b as f64 * w_f as f64 * (m_b - m_f).powi(2);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}

/// Ink = darker than the Otsu split (clamped so a blank page does not turn its texture into ink), or
/// clearly coloured (seal red, pen blue) even when light.
pub fn ink_mask(img: &RgbImage) -> Vec<bool> {
    let gray = GrayImage::from_fn(img.width(), img.height(), |x, y| {
        image::Luma([luma(img.get_pixel(x, y))])
    });
    let t = otsu(&gray).clamp(70, 190);
    img.pixels()
        .zip(gray.pixels())
        .map(|(p, g)| g.0[0] < t || (chroma(p) > 70 && g.0[0] < 235))
        .collect()
}

/// Average of the selected pixels per `block`×`block` cell; cells without any take their left (or upper)
/// neighbour's value so the layer compresses into long runs. Returns the small image.
fn block_average(img: &RgbImage, block: u32, take: impl Fn(usize) -> bool, fallback: [u8; 3]) -> RgbImage {
    let (w, h) = img.dimensions();
    let (bw, bh) = (w.div_ceil(block), h.div_ceil(block));
    let mut sums = vec![[0u64; 4]; (bw * bh) as usize];
    for (i, p) in img.pixels().enumerate() {
        if !take(i) {
            continue;
        }
        let (x, y) = (i as u32 % w, i as u32 / w);
        let s = &mut sums[((y / block) * bw + x / block) as usize];
        s[0] += u64::from(p.0[0]);
        s[1] += u64::from(p.0[1]);
        s[2] += u64::from(p.0[2]);
        s[3] += 1;
    }
    let idx = |bx: u32, by: u32| (by * bw + bx) as usize;
    let mut filled: Vec<Option<[u8; 3]>> = sums
        .iter()
        .map(|s| (s[3] > 0).then(|| [(s[0] / s[3]) as u8, (s[1] / s[3]) as u8, (s[2] / s[3]) as u8]))
        .collect();
    // Viewers interpolate an upsampled layer, so a cell next to ink must carry the ink's colour, not
    // an unrelated one: grow the known cells into their empty neighbours for two rings first.
    for _ in 0..2 {
        let prev = filled.clone();
        for by in 0..bh {
            for bx in 0..bw {
                if prev[idx(bx, by)].is_some() {
                    continue;
                }
                let mut acc = [0u32; 4];
                for (dx, dy) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1)] {
                    let (nx, ny) = (i64::from(bx) + dx, i64::from(by) + dy);
                    if nx < 0 || ny < 0 || nx >= i64::from(bw) || ny >= i64::from(bh) {
                        continue;
                    }
                    if let Some(c) = prev[idx(nx as u32, ny as u32)] {
                        acc[0] += u32::from(c[0]);
                        acc[1] += u32::from(c[1]);
                        acc[2] += u32::from(c[2]);
                        acc[3] += 1;
                    }
                }
                if acc[3] > 0 {
                    filled[idx(bx, by)] = Some([
                        (acc[0] / acc[3]) as u8,
                        (acc[1] / acc[3]) as u8,
                        (acc[2] / acc[3]) as u8,
                    ]);
                }
            }
        }
    }
    let mut out = RgbImage::new(bw, bh);
    for by in 0..bh {
        for bx in 0..bw {
            let v = match filled[idx(bx, by)] {
                Some(v) => v,
                None if bx > 0 => out.get_pixel(bx - 1, by).0,
                None if by > 0 => out.get_pixel(bx, by - 1).0,
                None => fallback,
            };
            out.put_pixel(bx, by, image::Rgb(v));
        }
    }
    out
}

/// Lossless G4 of the ink mask (ink = black).
fn encode_g4(mask: &[bool], width: u32, height: u32) -> Result<Vec<u8>, PdfError> {
    let w16 = u16::try_from(width).map_err(|_| PdfError::BadImage(format!("page too wide: {width} px")))?;
    let mut enc = fax::encoder::Encoder::new(fax::VecWriter::new());
    for row in mask.chunks(width as usize).take(height as usize) {
        let pels = row
            .iter()
            .map(|&ink| if ink { fax::Color::Black } else { fax::Color::White });
        let Ok(()) = enc.encode_line(pels, w16);
    }
    let Ok(writer) = enc.finish();
    Ok(writer.finish())
}

pub fn encode_jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .map_err(|e| PdfError::Encode(e.to_string()))?;
    Ok(out)
}

pub fn deflate(data: &[u8]) -> Result<Vec<u8>, PdfError> {
    use std::io::Write as _;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data)?;
    Ok(z.finish()?)
}

/// Splits a page into its three layers.
pub fn split(img: &RgbImage, dpi: f32, background_dpi: f32, jpeg_quality: u8) -> Result<MrcLayers, PdfError> {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return Err(PdfError::BadImage("empty image".into()));
    }
    let mask = ink_mask(img);
    // The background must not carry the anti-aliased fringe of the ink either, or JPEG rings around
    // every letter: exclude the mask grown by one pixel.
    let mut grown = mask.clone();
    let (wu, hu) = (w as usize, h as usize);
    for y in 0..hu {
        for x in 0..wu {
            if mask[y * wu + x] {
                for (dx, dy) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1)] {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx >= 0 && ny >= 0 && (nx as usize) < wu && (ny as usize) < hu {
                        grown[ny as usize * wu + nx as usize] = true;
                    }
                }
            }
        }
    }
    let bg_block = ((dpi / background_dpi.max(10.0)).round() as u32).max(1);
    let background = block_average(img, bg_block, |i| !grown[i], [255, 255, 255]);
    // Ink colour changes slowly (one seal, one pen): 50 dpi is plenty; quantised to 5 bits a channel
    // so the Flate-coded layer is mostly runs.
    let fg_block = ((dpi / 50.0).round() as u32).max(1);
    let mut foreground = block_average(img, fg_block, |i| mask[i], [0, 0, 0]);
    for p in foreground.pixels_mut() {
        for c in &mut p.0 {
            *c = (*c & 0xF8) | 0x04;
        }
    }
    Ok(MrcLayers {
        width: w,
        height: h,
        mask_g4: encode_g4(&mask, w, h)?,
        background: EncodedImage {
            width: background.width(),
            height: background.height(),
            data: encode_jpeg(&background, jpeg_quality)?,
            filter: ImageFilter::Dct,
        },
        foreground: EncodedImage {
            width: foreground.width(),
            height: foreground.height(),
            data: deflate(foreground.as_raw())?,
            filter: ImageFilter::Flate,
        },
    })
}
