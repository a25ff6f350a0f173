//! A CCCD card front as a flatbed scans it: the card (85.6 × 54 mm) on the white bed, its QR code carrying the
//! ID data in the layout the card uses (`ID|CMND|name|ddmmyyyy|sex|address|issue ddmmyyyy`).

use image::{GrayImage, Luma};
use qrcode::{Color, EcLevel, QrCode};

use crate::TestkitError;

/// The test citizen the reception tests identify.
pub const CCCD_PAYLOAD: &str = "079203001234|025123456|Nguyễn Văn An|05042003|Nam|Số 12 đường Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh|15042021";

/// The card at `dpi` on a bed area of `bed_mm` (width, height): grey card, dark frame, the QR at the top right.
pub fn cccd_front(payload: &str, dpi: u32, bed_mm: (f32, f32)) -> Result<GrayImage, TestkitError> {
    let px = |mm: f32| (mm / 25.4 * dpi as f32).round() as u32;
    let (w, h) = (px(bed_mm.0).max(px(90.0)), px(bed_mm.1).max(px(58.0)));
    let mut img = GrayImage::from_pixel(w, h, Luma([250]));
    let (cx, cy, cw, ch) = (px(2.0), px(2.0), px(85.6), px(54.0));
    for y in cy..cy + ch {
        for x in cx..cx + cw {
            let edge = x < cx + 3 || y < cy + 3 || x + 3 >= cx + cw || y + 3 >= cy + ch;
            img.put_pixel(x, y, Luma([if edge { 90 } else { 228 }]));
        }
    }
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| TestkitError::Codec(format!("QR code: {e}")))?;
    let modules = code.width() as u32;
    // 0.5 mm modules, as printed on the card; 4 modules of white quiet zone.
    let m = px(0.5).max(2);
    let side = (modules + 8) * m;
    let (qx, qy) = (cx + cw - side - px(3.0), cy + px(3.0));
    for (i, c) in code.to_colors().into_iter().enumerate() {
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        let v = if c == Color::Dark { 20 } else { 255 };
        for y in 0..m {
            for x in 0..m {
                img.put_pixel(qx + (mx + 4) * m + x, qy + (my + 4) * m + y, Luma([v]));
            }
        }
    }
    for y in qy..qy + side {
        for x in qx..qx + side {
            let inside = (x - qx) / m >= 4
                && (x - qx) / m < modules + 4
                && (y - qy) / m >= 4
                && (y - qy) / m < modules + 4;
            if !inside {
                img.put_pixel(x, y, Luma([255]));
            }
        }
    }
    Ok(img)
}
