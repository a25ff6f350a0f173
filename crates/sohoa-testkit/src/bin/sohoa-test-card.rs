//! `sohoa-test-card OUT.png`: a flatbed scan (300 dpi, card-size area) of the test citizen's CCCD front, as the
//! desktop end-to-end test drops it into a watched folder to read the card at reception.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1) else {
        eprintln!("usage: sohoa-test-card OUT.png");
        return ExitCode::from(2);
    };
    let written = sohoa_testkit::card::cccd_front(sohoa_testkit::card::CCCD_PAYLOAD, 300, (90.0, 58.0))
        .map_err(|e| e.to_string())
        .and_then(|img| img.save(&out).map_err(|e| e.to_string()));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sohoa-test-card: {e}");
            ExitCode::from(1)
        }
    }
}
