//! Benchmark against `unpaper` (default settings) on the same generated A4 pages in one run:
//! `cargo run --release -p sohoa-imaging --example bench -- [PAGES] [FIRST_SEED]` (or `bench/imaging/run.sh`).
//!
//! Both sides read a PPM and write a PPM (unpaper only takes PNM), so codec cost is equal and small. Times are CPU
//! seconds of one core (this thread's, and unpaper's user+sys via GNU time), which stay meaningful on a loaded
//! machine; wall times are printed too. Ours does orientation + deskew + crop + despeckle + holes + blank +
//! quality; unpaper's defaults do deskew (±5°), filters and border handling, no orientation.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use image::{DynamicImage, RgbImage};
use sohoa_imaging::{CleanOptions, clean};
use sohoa_testkit::cases::{CaseMix, case};

/// CPU seconds used by this thread so far (utime + stime from procfs, USER_HZ = 100 on Linux).
fn thread_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // After the ")" the fields start at field 3 (state), so utime (14) and stime (15) are at 11 and 12.
    (ticks(11) + ticks(12)) / 100.0
}

fn write_ppm(path: &Path, img: &RgbImage) -> std::io::Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    write!(f, "P6\n{} {}\n255\n", img.width(), img.height())?;
    f.write_all(img.as_raw())?;
    f.flush()
}

fn read_ppm(path: &Path) -> Result<RgbImage, Box<dyn std::error::Error>> {
    let bytes = std::fs::read(path)?;
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        let s = i;
        while bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace()) {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[s..i]).into_owned());
    }
    let (w, h): (u32, u32) = (fields[1].parse()?, fields[2].parse()?);
    let mut data = bytes;
    data.drain(..=i);
    RgbImage::from_raw(w, h, data).ok_or_else(|| "short PPM".into())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(4);
    let first: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(500);
    let dir = tempfile::tempdir()?;
    let mix = CaseMix {
        p_blank: 0.0,
        max_skew: 5.0,
        ..CaseMix::default()
    };
    let (mut ours_cpu, mut theirs_cpu, mut ours_wall, mut theirs_wall) = (0.0, 0.0, 0.0, 0.0);
    println!("page  size        ours cpu  unpaper cpu  ratio   (ours wall / unpaper wall)  case");
    for seed in first..first + n {
        let c = case(seed, &mix)?;
        let input = dir.path().join(format!("in-{seed}.ppm"));
        write_ppm(&input, &c.image)?;
        let (size, label) = (c.image.dimensions(), c.truth.label.clone());
        drop(c);

        let (t0, w0) = (thread_cpu(), Instant::now());
        let img = read_ppm(&input)?;
        let out = clean(&DynamicImage::ImageRgb8(img), &CleanOptions::default())?;
        match &out.image {
            DynamicImage::ImageRgb8(rgb) => write_ppm(&dir.path().join(format!("ours-{seed}.ppm")), rgb)?,
            other => write_ppm(&dir.path().join(format!("ours-{seed}.ppm")), &other.to_rgb8())?,
        }
        let (ours, ours_w) = (thread_cpu() - t0, w0.elapsed().as_secs_f64());

        let w1 = Instant::now();
        let o = Command::new("/usr/bin/time")
            .args(["-f", "CPU %U %S"])
            .arg("unpaper")
            .arg("--overwrite")
            .arg(&input)
            .arg(dir.path().join(format!("unpaper-{seed}.ppm")))
            .output()?;
        let theirs_w = w1.elapsed().as_secs_f64();
        let err = String::from_utf8_lossy(&o.stderr);
        let line = err
            .lines()
            .rfind(|l| l.starts_with("CPU "))
            .ok_or("unpaper did not run (is it installed?)")?;
        let v: Vec<f64> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|x| x.parse().ok())
            .collect();
        let theirs = v.iter().sum::<f64>();
        println!(
            "{seed:<5} {}x{}  {ours:>7.2}s  {theirs:>10.2}s  1/{:<5.1} ({ours_w:.2}s / {theirs_w:.2}s)  o={} skew={:.2}  {label}",
            size.0,
            size.1,
            theirs / ours.max(0.01),
            out.orientation,
            out.skew_degrees
        );
        ours_cpu += ours;
        theirs_cpu += theirs;
        ours_wall += ours_w;
        theirs_wall += theirs_w;
    }
    let k = n.max(1) as f64;
    println!(
        "mean per page: ours {:.3}s cpu ({:.3}s wall), unpaper {:.3}s cpu ({:.3}s wall); ours takes 1/{:.1} of unpaper's CPU time",
        ours_cpu / k,
        ours_wall / k,
        theirs_cpu / k,
        theirs_wall / k,
        theirs_cpu / ours_cpu.max(0.001)
    );
    Ok(())
}
