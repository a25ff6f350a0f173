//! The red round seal (con dấu) of an agency: the reason pages are scanned in colour, so clean-up must keep it.

use image::RgbImage;

/// Multiplies red ink onto the page (seal ink is translucent over the printed text, like the real stamp).
pub fn draw(img: &mut RgbImage, cx: f32, cy: f32, r: f32, dpi: u32) {
    let ink = [200.0f32, 30.0, 40.0];
    let thick = 1.2 * dpi as f32 / 25.4;
    let inner = r * 0.72;
    let (w, h) = (img.width() as i32, img.height() as i32);
    let x0 = (cx - r - 2.0).max(0.0) as i32;
    let y0 = (cy - r - 2.0).max(0.0) as i32;
    let x1 = ((cx + r + 2.0) as i32).min(w - 1);
    let y1 = ((cy + r + 2.0) as i32).min(h - 1);
    for y in y0..=y1 {
        for x in x0..=x1 {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            let d = (dx * dx + dy * dy).sqrt();
            let ring = |rad: f32, t: f32| ((t / 2.0) - (d - rad).abs() + 0.5).clamp(0.0, 1.0);
            let mut a = ring(r - thick / 2.0, thick).max(ring(inner, thick * 0.5));
            // A five-pointed star in the centre.
            if d < inner * 0.45 {
                let ang = dy.atan2(dx) + std::f32::consts::FRAC_PI_2;
                let k = (ang * 5.0 / (2.0 * std::f32::consts::PI)).rem_euclid(1.0);
                let star_r = inner * 0.45 * (0.45 + 0.55 * (1.0 - (k - 0.5).abs() * 2.0));
                if d < star_r {
                    a = 1.0;
                }
            }
            if a > 0.0 {
                let p = img.get_pixel_mut(x as u32, y as u32);
                for (v, i) in p.0.iter_mut().zip(ink) {
                    let mul = 1.0 - a * (1.0 - i / 255.0);
                    *v = (*v as f32 * mul).round() as u8;
                }
            }
        }
    }
}
