//! Accuracy on generated cases: `cargo run -p sohoa-imaging --example eval -- [N] [FIRST_SEED]`.
//! Prints one line per case and the summary the tests assert on; use other seeds than the tests for a held-out
//! look.

use std::time::Instant;

use image::DynamicImage;
use sohoa_imaging::{CleanOptions, clean};
use sohoa_testkit::cases::{CaseMix, case};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(20);
    let first: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let (mut skew_err, mut skew_n, mut orient_bad, mut blank_bad, mut ms) = (0.0, 0, 0, 0, 0.0);
    for seed in first..first + n {
        let dpi = std::env::var("SOHOA_EVAL_DPI")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300);
        let c = case(
            seed,
            &CaseMix {
                dpi,
                ..CaseMix::default()
            },
        )?;
        let t = Instant::now();
        let out = clean(&DynamicImage::ImageRgb8(c.image), &CleanOptions::default())?;
        let dt = t.elapsed().as_secs_f64() * 1000.0;
        if let Some(dir) = std::env::var_os("SOHOA_EVAL_SAVE") {
            out.image
                .save(std::path::Path::new(&dir).join(format!("clean-{seed}.png")))?;
        }
        ms += dt;
        let t = &c.truth;
        let mut bad = Vec::new();
        if out.blank != t.blank || (t.blank && out.orientation != 0) {
            blank_bad += 1;
            bad.push("BLANK");
        }
        if !t.blank {
            skew_err += (out.skew_degrees - t.skew_degrees).abs();
            skew_n += 1;
            if out.orientation != t.orientation {
                orient_bad += 1;
                bad.push("ORIENT");
            }
            if (out.skew_degrees - t.skew_degrees).abs() > 0.1 {
                bad.push("SKEW");
            }
        }
        println!(
            "{:>5.0} ms  o={:>3} ({:>3}) c={:.2}  skew={:>7.3} ({:>6.2})  blank={} ({:.2})  crop={:?} q={:?} {:?} sharp={:.2} contr={:.2} {} {}",
            dt,
            out.orientation,
            t.orientation,
            out.orientation_confidence,
            out.skew_degrees,
            t.skew_degrees,
            out.blank,
            out.blank_confidence,
            out.crop,
            out.quality.verdict,
            out.quality.reasons,
            out.quality.sharpness,
            out.quality.contrast,
            bad.join(","),
            t.label
        );
    }
    println!(
        "cases {n}: mean |skew error| {:.4}° over {skew_n} text pages, orientation wrong {orient_bad}, blank wrong {blank_bad}, mean {:.0} ms/page",
        skew_err / skew_n.max(1) as f64,
        ms / n as f64
    );
    Ok(())
}
