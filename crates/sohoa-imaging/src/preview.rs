//! Previews and thumbnails for the UI. Box-filter downscaling (`image`'s `thumbnail`) is ~20x cheaper than a
//! Lanczos resize and looks the same at thumbnail size, so generating them never holds up acquisition.

use image::{DynamicImage, RgbImage};

/// Longest side of a thumbnail in the page list.
pub const THUMB_SIDE: u32 = 256;
/// Longest side of the review preview.
pub const PREVIEW_SIDE: u32 = 1400;

/// Downscales so the longest side is at most `max_side` (never enlarges).
pub fn thumbnail(img: &DynamicImage, max_side: u32) -> RgbImage {
    let (w, h) = (img.width(), img.height());
    let long = w.max(h).max(1);
    if long <= max_side {
        return img.to_rgb8();
    }
    let s = f64::from(max_side) / f64::from(long);
    let (tw, th) = (
        ((f64::from(w) * s).round() as u32).max(1),
        ((f64::from(h) * s).round() as u32).max(1),
    );
    // Downscale the decoded buffer itself: converting the full page to RGB first would copy it for nothing.
    match img {
        DynamicImage::ImageRgb8(rgb) => image::imageops::thumbnail(rgb, tw, th),
        DynamicImage::ImageLuma8(g) => {
            DynamicImage::ImageLuma8(image::imageops::thumbnail(g, tw, th)).to_rgb8()
        }
        other => image::imageops::thumbnail(&other.to_rgb8(), tw, th),
    }
}
