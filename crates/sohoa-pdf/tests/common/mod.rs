//! Shared helpers: synthetic scanned pages and the external validators.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use image::{Rgb, RgbImage};
use sohoa_pdf::{OcrWord, PageInput};

pub const PAPER: [u8; 3] = [246, 243, 232];

/// A 300-dpi A5-ish colour page: slightly yellow noisy paper, lines of black "glyph" bars, a red seal
/// ring with a star of strokes, and a blue signature stroke. Deterministic (seeded noise).
pub fn synthetic_page(w: u32, h: u32) -> RgbImage {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 9) as i16 - 4
    };
    let mut img = RgbImage::from_fn(w, h, |_, _| {
        let n = noise();
        Rgb(PAPER.map(|c| (i16::from(c) + n).clamp(0, 255) as u8))
    });
    // Text lines: bars 4 px wide, 28 px tall, irregular widths, like glyph stems.
    let mut y = 150;
    while y + 40 < h * 2 / 3 {
        let mut x = 120;
        let mut k = 0u32;
        while x + 30 < w - 120 {
            let bw = 6 + (k * 7 % 13);
            for yy in y..y + 28 {
                for xx in x..x + bw {
                    img.put_pixel(xx, yy, Rgb([25, 25, 30]));
                }
            }
            x += bw + 5 + if k % 6 == 5 { 18 } else { 0 };
            k += 1;
        }
        y += 60;
    }
    // Red seal: ring radius 150-165 px at lower right, with a filled star core.
    let (cx, cy) = (w as i64 - 320, h as i64 - 300);
    for yy in (cy - 170)..(cy + 170) {
        for xx in (cx - 170)..(cx + 170) {
            let d2 = (xx - cx).pow(2) + (yy - cy).pow(2);
            if (150 * 150..=165 * 165).contains(&d2) || d2 <= 40 * 40 {
                img.put_pixel(xx as u32, yy as u32, Rgb([205, 32, 38]));
            }
        }
    }
    // Blue pen stroke.
    for xx in 200..700u32 {
        let yy = h - 260 + ((f64::from(xx) / 40.0).sin() * 20.0) as u32;
        for t in 0..5 {
            img.put_pixel(xx, yy + t, Rgb([30, 50, 170]));
        }
    }
    img
}

pub fn vietnamese_words() -> Vec<OcrWord> {
    let text = [
        "CỘNG", "HÒA", "XÃ", "HỘI", "CHỦ", "NGHĨA", "VIỆT", "NAM", "Độc", "lập", "Tự", "do", "Hạnh", "phúc",
    ];
    text.iter()
        .enumerate()
        .map(|(i, t)| {
            let x0 = 120 + (i as u32 % 7) * 150;
            let y0 = 150 + (i as u32 / 7) * 60;
            OcrWord {
                text: (*t).to_owned(),
                bbox: [x0, y0, x0 + 130, y0 + 28],
            }
        })
        .collect()
}

pub fn page(w: u32, h: u32) -> PageInput {
    PageInput {
        image: synthetic_page(w, h),
        dpi: 300.0,
        words: vietnamese_words(),
    }
}

pub fn run(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

pub fn qpdf_check(path: &Path) {
    let (ok, out) = run("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(
        ok && out.contains("No syntax or stream encoding errors"),
        "qpdf --check failed:\n{out}"
    );
}

/// pikepdf (system Python) structural checks of a PDF/A file: prints "OK" or the failures.
pub fn pikepdf_check(path: &Path) {
    let script = r#"
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
errs = []
if pdf.is_encrypted: errs.append("encrypted")
oi = pdf.Root.get("/OutputIntents")
if not oi or oi[0].S != "/GTS_PDFA1" or "/DestOutputProfile" not in oi[0]: errs.append("output intent")
meta = pdf.open_metadata()
if meta.get("pdfaid:part") != "2" or meta.get("pdfaid:conformance") != "B": errs.append("pdfaid %r" % dict(meta))
if len(pdf.trailer.ID) != 2: errs.append("ID")
for p in pdf.pages:
    for name, xo in p.Resources.get("/XObject", {}).items():
        f = xo.get("/Filter")
        if f in ("/LZWDecode", "/JBIG2Decode"): errs.append("filter %s" % f)
print("OK" if not errs else "FAIL " + "; ".join(errs))
"#;
    let (ok, out) = run("/usr/bin/python3", &["-c", script, path.to_str().unwrap()]);
    assert!(ok && out.trim() == "OK", "pikepdf check: {out}");
}
