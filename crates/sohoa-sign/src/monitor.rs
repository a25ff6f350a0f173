//! Token insert/remove events for the UI, from `SCardGetStatusChange`.
//!
//! The officer must see at once when the token is pulled (a batch waits instead of failing record after
//! record) and when it comes back (the batch resumes after a new PIN entry). One thread blocks in
//! `SCardGetStatusChange` on every reader plus the PnP pseudo-reader and sends events down a channel;
//! dropping the monitor cancels the blocking call.

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::SignError;
use crate::cert::hex_upper;
use crate::piv::{establish, readers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenEventKind {
    /// A card or token is in the reader (at start-up: already there).
    Inserted,
    Removed,
    ReaderAdded,
    ReaderRemoved,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenEvent {
    pub kind: TokenEventKind,
    pub reader: String,
    /// Hex ATR of an inserted card.
    pub atr: Option<String>,
    /// True for the state found when the monitor started, false for a change seen afterwards.
    pub initial: bool,
}

pub struct TokenMonitor {
    rx: Receiver<Result<TokenEvent, SignError>>,
    ctx: pcsc::Context,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TokenMonitor {
    /// Starts watching; the current state of every reader arrives first as `initial` events.
    pub fn start() -> Result<Self, SignError> {
        let ctx = establish()?;
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let (c, s) = (ctx.clone(), Arc::clone(&stop));
        let thread = std::thread::Builder::new()
            .name("sohoa-token-monitor".to_owned())
            .spawn(move || {
                if let Err(e) = watch(&c, &s, &tx) {
                    let _ = tx.send(Err(e));
                }
            })
            .map_err(|e| SignError::Device(format!("monitor thread: {e}")))?;
        Ok(TokenMonitor {
            rx,
            ctx,
            stop,
            thread: Some(thread),
        })
    }

    /// The next event, or `None` after `timeout` (so callers can also check their own cancel flags).
    pub fn next_timeout(&self, timeout: Duration) -> Option<Result<TokenEvent, SignError>> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// Blocking iterator over events; ends when the monitor stops.
    pub fn iter(&self) -> impl Iterator<Item = Result<TokenEvent, SignError>> + '_ {
        self.rx.iter()
    }
}

impl Drop for TokenMonitor {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.ctx.cancel();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

type Tx = mpsc::Sender<Result<TokenEvent, SignError>>;

fn pnp() -> CString {
    pcsc::PNP_NOTIFICATION().to_owned()
}

fn watch(ctx: &pcsc::Context, stop: &AtomicBool, tx: &Tx) -> Result<(), SignError> {
    let mut present: HashMap<CString, bool> = HashMap::new();
    let mut initial = true;
    let mut states = build_states(ctx)?;
    while !stop.load(Ordering::SeqCst) {
        match ctx.get_status_change(Duration::from_millis(if initial { 0 } else { 1000 }), &mut states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) if !initial => continue,
            Err(pcsc::Error::Timeout) => {}
            Err(pcsc::Error::Cancelled) => return Ok(()),
            Err(e) => return Err(SignError::PcscUnavailable(e.to_string())),
        }
        let mut relist = false;
        for st in &states {
            let name = st.name();
            if name == pnp().as_c_str() {
                relist |= !initial && st.event_state().contains(pcsc::State::CHANGED);
                continue;
            }
            let ev = st.event_state();
            if ev.intersects(pcsc::State::UNKNOWN | pcsc::State::UNAVAILABLE) {
                relist = true;
                continue;
            }
            let now = ev.contains(pcsc::State::PRESENT) && !ev.contains(pcsc::State::MUTE);
            let before = present.insert(name.to_owned(), now);
            if before != Some(now) && (now || before.is_some()) {
                send(
                    tx,
                    if now {
                        TokenEventKind::Inserted
                    } else {
                        TokenEventKind::Removed
                    },
                    name,
                    now.then(|| hex_upper(st.atr())),
                    initial,
                )?;
            }
        }
        if relist {
            let fresh = build_states(ctx)?;
            let names: Vec<CString> = fresh.iter().map(|s| s.name().to_owned()).collect();
            for gone in present
                .keys()
                .filter(|k| !names.contains(k))
                .cloned()
                .collect::<Vec<_>>()
            {
                present.remove(&gone);
                send(tx, TokenEventKind::ReaderRemoved, &gone, None, false)?;
            }
            for n in names.iter().filter(|n| n.as_c_str() != pnp().as_c_str()) {
                if !present.contains_key(n) {
                    send(tx, TokenEventKind::ReaderAdded, n, None, false)?;
                }
            }
            states = fresh;
        } else {
            for st in &mut states {
                st.sync_current_state();
            }
        }
        initial = false;
    }
    Ok(())
}

fn build_states(ctx: &pcsc::Context) -> Result<Vec<pcsc::ReaderState>, SignError> {
    let mut v = vec![pcsc::ReaderState::new(pnp(), pcsc::State::UNAWARE)];
    for r in readers(ctx)? {
        v.push(pcsc::ReaderState::new(r, pcsc::State::UNAWARE));
    }
    Ok(v)
}

fn send(
    tx: &Tx,
    kind: TokenEventKind,
    reader: &CStr,
    atr: Option<String>,
    initial: bool,
) -> Result<(), SignError> {
    let ev = TokenEvent {
        kind,
        reader: reader.to_string_lossy().into_owned(),
        atr,
        initial,
    };
    tracing::info!(kind = ?ev.kind, reader = %ev.reader, "token event");
    // A dropped receiver means nobody listens any more: stop quietly.
    tx.send(Ok(ev))
        .map_err(|_| SignError::Device("monitor stopped".to_owned()))
}
