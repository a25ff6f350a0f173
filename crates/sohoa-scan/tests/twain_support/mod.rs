//! Builds the fake TWAIN DSM (crates/sohoa-twain-fake, a cdylib) into this test run's target directory
//! and gives access to its test-only counters.

use std::ffi::CString;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

pub fn fake_dsm() -> PathBuf {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        // …/<target>/<profile>/deps/<test-binary>
        let profile_dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
        let target_dir = profile_dir.parent().unwrap().to_path_buf();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--quiet", "-p", "sohoa-twain-fake", "--target-dir"])
            .arg(&target_dir);
        // The profile directory is named after the profile, except `dev`, which builds into `debug`.
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => "dev".to_owned(),
            Some(other) => other.to_owned(),
        };
        cmd.args(["--profile", &profile]);
        let st = cmd
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo");
        assert!(st.success(), "building the fake DSM failed");
        let name = if cfg!(windows) {
            "sohoa_twain_fake.dll"
        } else {
            "libsohoa_twain_fake.so"
        };
        let p = profile_dir.join(name);
        assert!(p.exists(), "{} missing", p.display());
        p
    })
    .clone()
}

fn counter(sym: &[u8], app: &str) -> u32 {
    // SAFETY (test): the fake exports these with `extern "C" fn(*const c_char) -> u32`.
    #[allow(unsafe_code)]
    unsafe {
        let lib = libloading::Library::new(fake_dsm()).unwrap();
        let f: libloading::Symbol<'_, unsafe extern "C" fn(*const std::ffi::c_char) -> u32> =
            lib.get(sym).unwrap();
        let c = CString::new(app).unwrap();
        f(c.as_ptr())
    }
}

/// Out-of-sequence calls the fake refused for applications named `app`.
pub fn seq_errors(app: &str) -> u32 {
    counter(b"SohoaFake_SequenceErrors\0", app)
}

/// Applications named `app` with the DSM still open.
#[allow(dead_code)]
pub fn open_apps(app: &str) -> u32 {
    counter(b"SohoaFake_OpenApps\0", app)
}
