//! Writes generated cases as PNG for a human look: `cargo run -p sohoa-testkit --example render -- OUTDIR [N] [SEED]`.

use sohoa_testkit::cases::{CaseMix, case};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().ok_or("usage: render OUTDIR [N] [SEED]")?);
    let n: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(4);
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    std::fs::create_dir_all(&out)?;
    for s in seed..seed + n {
        let c = case(s, &CaseMix::default())?;
        let path = out.join(format!("case-{s:04}.png"));
        c.image.save(&path)?;
        println!("{} {}", path.display(), c.truth.label);
    }
    Ok(())
}
