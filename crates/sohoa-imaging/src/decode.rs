//! Safe decoding: size and allocation limits before any pixel is decoded, typed errors for damaged files, and a
//! last-resort guard that turns a decoder panic into an error (third-party decoders have had such bugs, and a
//! malicious file must not take down a batch).

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageError, ImageReader, Limits};

use crate::ImagingError;

/// Bounds for untrusted images. The defaults allow A3 at 600 dpi (7016 x 9921) with room to spare, and refuse a
/// decompression bomb before it allocates.
#[derive(Debug, Clone, Copy)]
pub struct DecodeLimits {
    pub max_width: u32,
    pub max_height: u32,
    /// Width x height.
    pub max_pixels: u64,
    /// Bytes the decoder may allocate.
    pub max_alloc: u64,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        Self {
            max_width: 20_000,
            max_height: 20_000,
            max_pixels: 120_000_000,
            max_alloc: 1 << 30,
        }
    }
}

/// Reads and decodes an image file (PNG, JPEG, TIFF; format sniffed from the content, not the name).
pub fn decode_file(path: &Path, limits: &DecodeLimits) -> Result<DynamicImage, ImagingError> {
    let bytes = std::fs::read(path).map_err(|source| ImagingError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    decode_bytes(&bytes, limits)
}

/// Decodes an in-memory image under `limits`.
pub fn decode_bytes(bytes: &[u8], limits: &DecodeLimits) -> Result<DynamicImage, ImagingError> {
    if bytes.is_empty() {
        return Err(ImagingError::Corrupt("empty file".into()));
    }
    if cfg!(feature = "fuzzing") {
        return decode_inner(bytes, limits);
    }
    let result = std::panic::catch_unwind(|| decode_inner(bytes, limits));
    match result {
        Ok(r) => r,
        Err(_) => {
            tracing::error!("image decoder panicked; input rejected");
            Err(ImagingError::DecoderPanic)
        }
    }
}

fn decode_inner(bytes: &[u8], limits: &DecodeLimits) -> Result<DynamicImage, ImagingError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImagingError::Corrupt(e.to_string()))?;
    if reader.format().is_none() {
        return Err(ImagingError::Unsupported("not a PNG, JPEG or TIFF file".into()));
    }
    // Header first: refuse by dimensions before the decoder allocates anything.
    let (w, h) = reader.into_dimensions().map_err(|e| map_err(e, limits))?;
    check_dims(u64::from(w), u64::from(h), limits)?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImagingError::Corrupt(e.to_string()))?;
    let mut l = Limits::default();
    l.max_image_width = Some(limits.max_width);
    l.max_image_height = Some(limits.max_height);
    l.max_alloc = Some(limits.max_alloc);
    reader.limits(l);
    let img = reader.decode().map_err(|e| map_err(e, limits))?;
    if img.width() == 0 || img.height() == 0 {
        return Err(ImagingError::Empty);
    }
    Ok(img)
}

fn check_dims(w: u64, h: u64, limits: &DecodeLimits) -> Result<(), ImagingError> {
    if w == 0 || h == 0 {
        return Err(ImagingError::Empty);
    }
    let reason = if w > u64::from(limits.max_width) {
        Some(format!("width > {}", limits.max_width))
    } else if h > u64::from(limits.max_height) {
        Some(format!("height > {}", limits.max_height))
    } else if w * h > limits.max_pixels {
        Some(format!("more than {} pixels", limits.max_pixels))
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ImagingError::TooLarge {
            width: w,
            height: h,
            reason,
        }),
        None => Ok(()),
    }
}

fn map_err(e: ImageError, limits: &DecodeLimits) -> ImagingError {
    match e {
        ImageError::Limits(l) => ImagingError::TooLarge {
            width: 0,
            height: 0,
            reason: format!("{l} (allocation limit {} bytes)", limits.max_alloc),
        },
        ImageError::Unsupported(u) => ImagingError::Unsupported(u.to_string()),
        ImageError::IoError(io) => ImagingError::Corrupt(format!("truncated: {io}")),
        other => ImagingError::Corrupt(other.to_string()),
    }
}
