//! Test page painter: real fonts (DejaVu Serif: this Liberation build lacks the Vietnamese
//! letters with a dot below),
//! real QR codes. Used by the field tests, which need layouts sohoa-testkit does not draw.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ab_glyph::{Font, FontVec, PxScale};
use image::{GrayImage, Luma};
use sohoa_testkit::lay_out;

pub const SERIF: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf";
pub const SERIF_BOLD: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf";
pub const MONO: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

/// Loaded as is: the MRZ's monospace font has no Vietnamese letters and needs none.
pub fn font(path: &str) -> FontVec {
    FontVec::try_from_vec(std::fs::read(path).unwrap()).unwrap()
}

pub struct Canvas {
    pub img: GrayImage,
}

impl Canvas {
    pub fn new(w: u32, h: u32) -> Canvas {
        Canvas {
            img: GrayImage::from_pixel(w, h, Luma([255])),
        }
    }

    /// A4 at 300 dpi.
    pub fn a4() -> Canvas {
        Canvas::new(2480, 3508)
    }

    /// Width in pixels of `text` at `px` height.
    pub fn measure(&self, f: &FontVec, px: f32, text: &str) -> f32 {
        lay_out(f, PxScale::from(px), 0.0, 0.0, text, |_, _| {})
    }

    /// Draws `text` (NFC: precomposed Vietnamese glyphs exist in Liberation) with its
    /// baseline at `y`, starting at `x`.
    pub fn text(&mut self, f: &FontVec, px: f32, x: f32, y: f32, text: &str) {
        lay_out(f, PxScale::from(px), x, y, text, |_, glyph| {
            if let Some(og) = f.outline_glyph(glyph) {
                let b = og.px_bounds();
                let (w, h) = self.img.dimensions();
                og.draw(|gx, gy, cov| {
                    let px_x = b.min.x as i64 + gx as i64;
                    let px_y = b.min.y as i64 + gy as i64;
                    if px_x >= 0 && px_y >= 0 && (px_x as u32) < w && (px_y as u32) < h {
                        let p = self.img.get_pixel_mut(px_x as u32, px_y as u32);
                        let v = 255.0 * (1.0 - cov.clamp(0.0, 1.0));
                        p[0] = p[0].min(v as u8);
                    }
                });
            }
        });
    }

    pub fn centred(&mut self, f: &FontVec, px: f32, cx: f32, y: f32, text: &str) {
        let w = self.measure(f, px, text);
        self.text(f, px, cx - w / 2.0, y, text);
    }

    pub fn rect(&mut self, x: u32, y: u32, w: u32, h: u32, v: u8) {
        for yy in y..(y + h).min(self.img.height()) {
            for xx in x..(x + w).min(self.img.width()) {
                self.img.put_pixel(xx, yy, Luma([v]));
            }
        }
    }

    /// A QR code with `module` pixels per module and a 4-module quiet zone, top-left at (x, y).
    pub fn qr(&mut self, payload: &str, x: u32, y: u32, module: u32) {
        let code =
            qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M).unwrap();
        let n = code.width() as u32;
        let colors = code.to_colors();
        self.rect(x, y, (n + 8) * module, (n + 8) * module, 255);
        for (i, c) in colors.iter().enumerate() {
            if *c == qrcode::Color::Dark {
                let (cx, cy) = (i as u32 % n, i as u32 / n);
                self.rect(x + (cx + 4) * module, y + (cy + 4) * module, module, module, 0);
            }
        }
    }
}

/// ICAO 9303 7-3-1 check digit (written independently of the code under test).
pub fn check(s: &str) -> char {
    let w = [7u32, 3, 1];
    let sum: u32 = s
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let v = match c {
                '0'..='9' => c as u32 - '0' as u32,
                'A'..='Z' => c as u32 - 'A' as u32 + 10,
                _ => 0,
            };
            v * w[i % 3]
        })
        .sum();
    char::from_digit(sum % 10, 10).unwrap()
}

/// A Vietnamese CCCD TD1 MRZ for a 12-digit ID.
pub fn cccd_mrz(id12: &str, dob: &str, sex: char, expiry: &str, surname: &str, given: &str) -> [String; 3] {
    let doc = &id12[3..];
    let mut l1 = format!("IDVNM{doc}{}{id12}<<{}", check(doc), check(id12));
    while l1.len() < 30 {
        l1.push('<');
    }
    let mut l2 = format!("{dob}{}{sex}{expiry}{}VNM", check(dob), check(expiry));
    while l2.len() < 29 {
        l2.push('<');
    }
    let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
    l2.push(check(&composite));
    let mut l3 = format!("{}<<{}", surname.replace(' ', "<"), given.replace(' ', "<"));
    while l3.len() < 30 {
        l3.push('<');
    }
    [l1, l2, l3]
}

/// Writes the image to `$SOHOA_TEST_DUMP/<name>.png` when that variable is set (debugging).
pub fn dump(img: &GrayImage, name: &str) {
    if let Some(dir) = std::env::var_os("SOHOA_TEST_DUMP") {
        img.save(std::path::Path::new(&dir).join(format!("{name}.png")))
            .unwrap();
    }
}
