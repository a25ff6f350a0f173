//! The scanner worker process (see `sohoa_scan::worker`): `sohoa-scan-worker --driver sane`.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    sohoa_scan::worker::main_with_args(&args)
}
