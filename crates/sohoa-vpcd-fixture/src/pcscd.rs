//! The one pcscd all signing tests share.
//!
//! Tests run in parallel processes (nextest), so starting pcscd is guarded by a file lock, not only a
//! process-wide once. A pcscd that was already running is used as is and never stopped; one we start runs
//! with `--auto-exit`, so it leaves by itself a minute after the last client.

use std::ffi::CString;
use std::fs::File;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::keys::panic_fixture;

/// TCP port of vpcd's first reader, from `/etc/reader.conf.d/vpcd` (`CHANNELID`), default 35963.
pub fn vpcd_base_port() -> u16 {
    let conf = std::fs::read_to_string("/etc/reader.conf.d/vpcd").unwrap_or_default();
    conf.lines()
        .filter_map(|l| l.trim().strip_prefix("CHANNELID"))
        .filter_map(|v| {
            let v = v.trim();
            match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
                Some(h) => u16::from_str_radix(h, 16).ok(),
                None => v.parse().ok(),
            }
        })
        .next()
        .unwrap_or(35963)
}

/// Makes sure pcscd runs and lists vpcd's readers.
pub fn ensure_running() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let path = std::env::temp_dir().join("sohoa-pcscd-start.lock");
        let Ok(lock) = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
        else {
            panic_fixture(&format!("cannot open {}", path.display()))
        };
        if lock.lock().is_err() {
            panic_fixture("cannot lock the pcscd start lock");
        }
        if !readers_listed() {
            match Command::new("pcscd").arg("--auto-exit").status() {
                Ok(s) if s.success() => {}
                Ok(s) => panic_fixture(&format!("pcscd exited with {s}")),
                Err(e) => panic_fixture(&format!("cannot start pcscd: {e}")),
            }
            let deadline = Instant::now() + Duration::from_secs(15);
            while !readers_listed() {
                if Instant::now() > deadline {
                    panic_fixture("pcscd started but lists no Virtual PCD reader");
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        drop(lock);
    });
}

fn readers_listed() -> bool {
    let Ok(ctx) = pcsc::Context::establish(pcsc::Scope::System) else {
        return false;
    };
    ctx.list_readers_owned()
        .map(|rs| rs.iter().any(|r| r.to_string_lossy().starts_with("Virtual PCD")))
        .unwrap_or(false)
}

/// Waits until PC/SC reports a card in `reader` (`present`) or the reader empty.
pub fn wait_card(reader: &str, present: bool, timeout: Duration) {
    if let Err(e) = try_wait_card(reader, present, timeout) {
        panic_fixture(&e);
    }
}

/// As [`wait_card`], without panicking (for `Drop`).
pub fn try_wait_card(reader: &str, present: bool, timeout: Duration) -> Result<(), String> {
    let Ok(ctx) = pcsc::Context::establish(pcsc::Scope::System) else {
        return Err("pcscd is not reachable".to_owned());
    };
    let Ok(name) = CString::new(reader) else {
        return Err("reader name with NUL".to_owned());
    };
    let deadline = Instant::now() + timeout;
    let mut states = [pcsc::ReaderState::new(name, pcsc::State::UNAWARE)];
    loop {
        match ctx.get_status_change(Duration::from_millis(500), &mut states) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e) => return Err(format!("SCardGetStatusChange on {reader}: {e}")),
        }
        let st = states[0].event_state();
        let is_present = st.contains(pcsc::State::PRESENT) && !st.contains(pcsc::State::MUTE);
        if is_present == present {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{reader}: card {} not seen within {timeout:?} (state {st:?})",
                if present { "insertion" } else { "removal" }
            ));
        }
        states[0].sync_current_state();
    }
}
