//! The one pcscd all signing tests share.
//!
//! Tests run in parallel processes (nextest), so starting pcscd is guarded by a file lock, not a
//! process-wide once. A pcscd that was already running is used as is and never stopped. One we start is
//! left running for the next test process: `--auto-exit` was tried and lost races (pcscd quit between
//! our check and the next connection).

use std::ffi::CString;
use std::fs::File;
use std::process::Command;
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
    if readers_listed() {
        return;
    }
    {
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
        // A pcscd that is shutting down refuses a second instance for a moment: keep trying.
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut last_start = None;
        while !readers_listed() {
            if Instant::now() > deadline {
                panic_fixture(&format!(
                    "pcscd does not list the Virtual PCD readers (last start: {last_start:?})"
                ));
            }
            if last_start.is_none_or(|t: Instant| t.elapsed() > Duration::from_secs(3)) {
                let st = Command::new("pcscd").status();
                tracing_free_note(&st);
                last_start = Some(Instant::now());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        drop(lock);
    }
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
    ensure_running();
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

/// pcscd's own exit status only says whether it daemonised; readers listed is the real test.
fn tracing_free_note(st: &std::io::Result<std::process::ExitStatus>) {
    if let Err(e) = st {
        panic_fixture(&format!("cannot start pcscd: {e}"));
    }
}
