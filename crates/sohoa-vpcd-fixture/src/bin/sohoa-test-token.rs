//! `sohoa-test-token OUT_DIR`: a SoftHSM2 token holding a signing key whose certificate chains to a fresh
//! test root, for tests that drive a whole program (the desktop e2e): the app then signs through the real
//! PKCS#11 module with a real PIN. Prints the environment the program needs as `NAME=value` lines:
//! `SOFTHSM2_CONF`, `SOHOA_TRUST_DIR`, `SOHOA_SIGN_KEY` and `SOHOA_TEST_PIN`.
//!
//! The fixtures build in temporary directories; the result is copied to OUT_DIR so it outlives this process.

use std::path::Path;
use std::process::ExitCode;

use sohoa_vpcd_fixture::TestPki;
use sohoa_vpcd_fixture::softhsm::MODULE as SOFTHSM;
const TOKEN: &str = "VAN THU TAP HUAN";
const PIN: &str = "246810";

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1) else {
        eprintln!("usage: sohoa-test-token OUT_DIR");
        return ExitCode::from(2);
    };
    match provision(Path::new(&out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sohoa-test-token: {e}");
            ExitCode::FAILURE
        }
    }
}

fn provision(out: &Path) -> Result<(), String> {
    let pki = TestPki::new();
    let hsm =
        sohoa_vpcd_fixture::softhsm::signing_token(&pki, TOKEN, PIN, "Văn thư Công an xã Tập Huấn", false);
    let tokens = out.join("softhsm").join("tokens");
    copy_tree(&hsm.dir().join("tokens"), &tokens)?;
    let conf = out.join("softhsm").join("softhsm2.conf");
    let text = format!(
        "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
        tokens.display()
    );
    std::fs::write(&conf, text).map_err(|e| format!("{}: {e}", conf.display()))?;
    let trust = out.join("trust");
    copy_tree(pki.trust_dir(), &trust)?;
    println!("SOFTHSM2_CONF={}", conf.display());
    println!("SOHOA_TRUST_DIR={}", trust.display());
    println!("SOHOA_SIGN_KEY=pkcs11:{SOFTHSM}#{TOKEN}");
    println!("SOHOA_TEST_PIN={PIN}");
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", from.display()))?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}
