//! A4 page layout in the shape of a Vietnamese administrative document (NĐ 30/2020): agency header top-left,
//! national motto top-right, number and date line, then body paragraphs from the seed text, and a red round seal.

use image::{Rgb, RgbImage};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use unicode_normalization::UnicodeNormalization;

use crate::font::PageFont;
use crate::{Glyph, Page, PageSpec, TestkitError, TextLine};

const SEEDS: &str = include_str!("../data/vi-seeds.txt");
const INK: Rgb<u8> = Rgb([22, 22, 28]);
const PAPER: Rgb<u8> = Rgb([255, 255, 255]);

/// Paragraphs of the bundled seed text (NFC), the source of every body line.
pub fn seed_paragraphs() -> Vec<String> {
    SEEDS
        .lines()
        .map(|l| l.trim().nfc().collect::<String>())
        .filter(|l| !l.is_empty())
        .collect()
}

fn mm(dpi: u32, v: f32) -> f32 {
    v * dpi as f32 / 25.4
}

struct Writer<'a> {
    font: &'a PageFont,
    img: RgbImage,
    lines: Vec<TextLine>,
    glyphs: Vec<Glyph>,
}

impl Writer<'_> {
    fn line(&mut self, text: &str, x: f32, baseline: f32, pt: f32, dpi: u32) {
        let scale = self.font.scale(pt, dpi);
        let boxes = self.font.draw(&mut self.img, text, x, baseline, scale, INK);
        let index = self.lines.len();
        let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
        for (c, b) in boxes {
            if b[2] > 0 && b[3] > 0 {
                x0 = x0.min(b[0]);
                y0 = y0.min(b[1]);
                x1 = x1.max(b[0] + b[2]);
                y1 = y1.max(b[1] + b[3]);
            }
            self.glyphs.push(Glyph {
                ch: c,
                line: index,
                bbox: b,
            });
        }
        let bbox = if x1 > x0 {
            [x0, y0, x1 - x0, y1 - y0]
        } else {
            [0; 4]
        };
        self.lines.push(TextLine {
            text: text.nfc().collect(),
            bbox,
        });
    }
}

/// Greedy word wrap by measured width.
fn wrap(font: &PageFont, text: &str, pt: f32, dpi: u32, width: f32, indent: f32) -> Vec<String> {
    let scale = font.scale(pt, dpi);
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let trial = if cur.is_empty() {
            word.to_owned()
        } else {
            format!("{cur} {word}")
        };
        let avail = if out.is_empty() { width - indent } else { width };
        if font.width(&trial, scale) > avail && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            cur = word.to_owned();
        } else {
            cur = trial;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Renders one clean page. Everything random (text excerpt, font size, fill) comes from `spec.seed`.
pub fn render(spec: &PageSpec) -> Result<Page, TestkitError> {
    let font = PageFont::load_default()?;
    let dpi = spec.dpi.max(50);
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let (w, h) = (
        (210.0 / 25.4 * dpi as f32).round() as u32,
        (297.0 / 25.4 * dpi as f32).round() as u32,
    );
    let pt = spec.font_pt.unwrap_or_else(|| rng.random_range(12.0..14.0));
    let mut wr = Writer {
        font: &font,
        img: RgbImage::from_pixel(w, h, PAPER),
        lines: Vec::new(),
        glyphs: Vec::new(),
    };
    let (left, right, top, bottom) = (mm(dpi, 30.0), mm(dpi, 20.0), mm(dpi, 20.0), mm(dpi, 20.0));
    let text_w = w as f32 - left - right;
    let lead = pt * dpi as f32 / 72.0 * 1.35;
    let scale = font.scale(pt, dpi);
    let mut y = top + font.ascent(scale);

    // Header: agency left, national motto right (the anchors OCR and field extraction look for).
    let right_block = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ];
    let left_block = ["CÔNG AN TỈNH SÓC TRĂNG", "CÔNG AN HUYỆN CÙ LAO DUNG"];
    // The two header blocks share one line; shrink them until they leave a gap (DejaVu is wider than Times).
    let mut hpt = pt - 1.0;
    while hpt > 8.0 {
        let s = font.scale(hpt, dpi);
        let need = font.width(left_block[1], s) + font.width(right_block[0], s) + mm(dpi, 8.0);
        if need <= text_w {
            break;
        }
        hpt -= 0.5;
    }
    let hs = font.scale(hpt, dpi);
    for (l, r) in left_block.iter().zip(right_block.iter()) {
        wr.line(l, left, y, hpt, dpi);
        let rx = w as f32 - right - font.width(r, hs);
        wr.line(r, rx, y, hpt, dpi);
        y += lead;
    }
    y += lead * 0.6;
    let number = format!("Số: {}/CAH-TH", rng.random_range(10..999));
    wr.line(&number, left, y, pt, dpi);
    let date = format!(
        "Cù Lao Dung, ngày {:02} tháng {} năm {}",
        rng.random_range(1..29),
        rng.random_range(1..13),
        rng.random_range(2019..2026)
    );
    let dx = w as f32 - right - font.width(&date, scale);
    wr.line(&date, dx, y, pt, dpi);
    y += lead * 1.8;

    // Body: consecutive seed paragraphs from a random start until the requested fill is reached.
    let paragraphs = seed_paragraphs();
    if paragraphs.is_empty() {
        return Err(TestkitError::Font("seed text is empty".into()));
    }
    let fill = spec.fill.clamp(0.05, 1.0);
    let seal_room = if spec.seal { mm(dpi, 50.0) } else { 0.0 };
    let body_bottom = h as f32 - bottom - seal_room;
    let limit = y + (body_bottom - y) * fill;
    let mut idx = rng.random_range(0..paragraphs.len());
    let indent = mm(dpi, 10.0);
    'outer: for _ in 0..paragraphs.len() {
        let wrapped = wrap(&font, &paragraphs[idx], pt, dpi, text_w, indent);
        for (i, l) in wrapped.iter().enumerate() {
            if y > limit {
                break 'outer;
            }
            let x = if i == 0 { left + indent } else { left };
            wr.line(l, x, y, pt, dpi);
            y += lead;
        }
        y += lead * 0.3;
        idx = (idx + 1) % paragraphs.len();
    }
    if spec.seal {
        let sx = w as f32 - right - mm(dpi, 45.0);
        let sy = h as f32 - bottom - mm(dpi, 30.0);
        let title = "TRƯỞNG CÔNG AN HUYỆN";
        let tw = font.width(title, scale);
        wr.line(title, sx - tw / 2.0, sy - mm(dpi, 22.0), pt, dpi);
        crate::seal::draw(&mut wr.img, sx, sy, mm(dpi, 20.0), dpi);
    }
    Ok(Page {
        image: wr.img,
        dpi,
        lines: wr.lines,
        glyphs: wr.glyphs,
        font: font.path.clone(),
    })
}
