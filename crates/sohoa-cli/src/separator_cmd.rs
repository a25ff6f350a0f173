//! `sohoa separator-sheet --out FILE.png`: the Patch T sheet archive staff print and put between dossiers.
//!
//! The PNG carries its resolution, so `sohoa pdf sheet.png --out sheet.pdf` makes a PDF that prints at 100 %
//! (the bars must keep their physical widths to read as Patch T).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use sohoa_scan::separate::{PatchCode, patch_sheet};

use crate::output::print_json;

#[derive(Debug, Args)]
pub struct SeparatorArgs {
    /// Where to write the sheet (PNG).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Resolution of the image (100–600).
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(100..=600))]
    pub dpi: u32,
}

pub fn run(args: &SeparatorArgs, json: bool) -> anyhow::Result<ExitCode> {
    let img = image::DynamicImage::ImageLuma8(patch_sheet(PatchCode::PatchT, args.dpi));
    let dpi = f64::from(args.dpi);
    let bytes = sohoa_scan::spool::encode_png_at(&img, dpi, dpi).map_err(anyhow::Error::msg)?;
    std::fs::write(&args.out, bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    if json {
        print_json(&serde_json::json!({"out": args.out, "dpi": args.dpi, "code": "patch-t"}))?;
    } else {
        println!(
            "Tờ phân cách Patch T: {} ({} dpi; in đúng 100 %)",
            args.out.display(),
            args.dpi
        );
    }
    Ok(ExitCode::SUCCESS)
}
