//! Writes a generated scan-mix case and its clean-up as PNGs, to look at (debug aid):
//! `cargo run -p sohoa-imaging --example case_png -- DIR SEED...`
use image::DynamicImage;
use sohoa_imaging::{CleanOptions, clean};
use sohoa_testkit::cases::{CaseMix, case};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::path::PathBuf::from(a.first().ok_or("DIR SEED...")?);
    std::fs::create_dir_all(&dir)?;
    for s in &a[1..] {
        let seed: u64 = s.parse()?;
        let c = case(seed, &CaseMix::default())?;
        c.image.save(dir.join(format!("{seed}-in.png")))?;
        let out = clean(&DynamicImage::ImageRgb8(c.image), &CleanOptions::default())?;
        out.image.save(dir.join(format!("{seed}-out.png")))?;
        println!(
            "{}\n  truth: orient {} skew {} border {:?} paper {:?}\n  clean: orient {} skew {:.2} crop {:?} out {}x{} clipped {:?}",
            c.truth.label,
            c.truth.orientation,
            c.truth.skew_degrees,
            c.truth.border,
            c.truth.paper_size,
            out.orientation,
            out.skew_degrees,
            out.crop,
            out.image.width(),
            out.image.height(),
            out.quality.clipped
        );
    }
    Ok(())
}
