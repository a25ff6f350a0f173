//! Any byte string through the decoder, and small decoded images through the whole clean-up: a typed error or a
//! page, never a panic, never an allocation beyond the limits. The `fuzzing` feature turns off the decoder's
//! panic guard so libFuzzer sees the panics that the guard would otherwise turn into `DecoderPanic`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sohoa_imaging::{CleanOptions, DecodeLimits, clean, decode_bytes};

fuzz_target!(|data: &[u8]| {
    let limits = DecodeLimits {
        max_width: 4096,
        max_height: 4096,
        max_pixels: 4_000_000,
        max_alloc: 64 << 20,
    };
    if let Ok(img) = decode_bytes(data, &limits) {
        if u64::from(img.width()) * u64::from(img.height()) <= 1_000_000 {
            let _ = clean(&img, &CleanOptions::default());
        }
    }
});
