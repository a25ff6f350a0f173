//! Cleans one rendered page (debug aid): `cargo run -p sohoa-imaging --example one -- SEED [FILL] [QUARTER]`.
use image::DynamicImage;
use sohoa_imaging::{CleanOptions, clean};
use sohoa_testkit::{PageSpec, degrade, render_page};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let seed: u64 = a.first().map(|s| s.parse()).transpose()?.unwrap_or(2);
    let fill: f32 = a.get(1).map(|s| s.parse()).transpose()?.unwrap_or(1.0);
    let q: u32 = a.get(2).map(|s| s.parse()).transpose()?.unwrap_or(0);
    let page = render_page(&PageSpec {
        seed,
        fill,
        ..PageSpec::default()
    })?;
    let blur: f32 = a.get(3).map(|s| s.parse()).transpose()?.unwrap_or(0.0);
    let skew: f64 = a.get(4).map(|s| s.parse()).transpose()?.unwrap_or(0.0);
    let holes: u32 = a.get(5).map(|s| s.parse()).transpose()?.unwrap_or(0);
    let mut img = page.image.clone();
    degrade::punch_holes(&mut img, 300, holes, 6.0, image::Rgb([30, 30, 30]));
    let mut img = degrade::blur(&img, blur);
    if skew != 0.0 {
        let g = degrade::ScanGeometry {
            angle_deg: skew,
            border: [0; 4],
            bed: image::Rgb([250, 250, 250]),
        };
        img = degrade::scan(&img, &g);
    }
    let img = degrade::rotate_quarter(&img, q);
    let out = clean(&DynamicImage::ImageRgb8(img), &CleanOptions::default())?;
    println!(
        "orientation {} conf {:.2} skew {:.3} {:?}",
        out.orientation, out.orientation_confidence, out.skew_degrees, out.quality.reasons
    );
    Ok(())
}
