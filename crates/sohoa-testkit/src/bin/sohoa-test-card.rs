//! `sohoa-test-card OUT.png [--cmnd-form]`: a flatbed scan (300 dpi, card-size area) of the test citizen's
//! CCCD front, or with `--cmnd-form` the citizen's filled-in CMND application form (A4, 300 dpi), as the
//! desktop end-to-end test drops them into a watched folder (card reading, field suggestions).

use std::process::ExitCode;

use sohoa_testkit::{card, form};

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let form_wanted = args.iter().any(|a| a == "--cmnd-form");
    let Some(out) = args.iter().find(|a| *a != "--cmnd-form") else {
        eprintln!("usage: sohoa-test-card OUT.png [--cmnd-form]");
        return ExitCode::from(2);
    };
    let written = if form_wanted {
        form::cmnd_form(&form::CmndForm::test_citizen(), 300)
            .map_err(|e| e.to_string())
            .and_then(|img| img.save(out).map_err(|e| e.to_string()))
    } else {
        card::cccd_front(card::CCCD_PAYLOAD, 300, (90.0, 58.0))
            .map_err(|e| e.to_string())
            .and_then(|img| img.save(out).map_err(|e| e.to_string()))
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sohoa-test-card: {e}");
            ExitCode::from(1)
        }
    }
}
