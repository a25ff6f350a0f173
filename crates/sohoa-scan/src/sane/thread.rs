//! The one thread that talks to libsane.
//!
//! SANE backends are not thread-safe and some keep per-thread state (USB claims, forked readers), so every
//! libsane call in the process goes through this thread: callers send closures and wait for the answer.
//! `sane_init` runs when the first user appears and `sane_exit` when the last one is gone, so a later
//! discovery sees hot-plugged scanners.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, Weak};

use super::ffi::{self, Handle, Lib};
use crate::ScanError;

/// State owned by the scanner thread: the library and the open handles, keyed by small ids.
pub struct Ctx {
    pub lib: Lib,
    handles: HashMap<u64, Handle>,
    next: u64,
}

impl Ctx {
    pub fn insert(&mut self, h: Handle) -> u64 {
        self.next += 1;
        self.handles.insert(self.next, h);
        self.next
    }

    pub fn handle(&self, id: u64) -> Result<Handle, ScanError> {
        self.handles
            .get(&id)
            .copied()
            .ok_or_else(|| ScanError::Protocol(format!("SANE handle {id} is closed")))
    }

    pub fn close(&mut self, id: u64) {
        if let Some(h) = self.handles.remove(&id) {
            self.lib.cancel(h);
            self.lib.close(h);
        }
    }
}

type Job = Box<dyn FnOnce(&mut Ctx) + Send>;

/// A handle on the scanner thread; the thread ends (after `sane_exit`) when the last clone is dropped.
pub struct Runtime {
    tx: Sender<Job>,
}

static SHARED: Mutex<Weak<Runtime>> = Mutex::new(Weak::new());
/// Held by a scanner thread from `sane_init` to `sane_exit`, so a new thread never initialises libsane
/// while the previous one is still shutting it down.
static LIFETIME: Mutex<()> = Mutex::new(());

impl Runtime {
    /// The process's scanner thread, started (and libsane initialised) if needed. `Err` when libsane is
    /// missing or refuses to initialise: the caller treats that as "no SANE devices".
    pub fn get() -> Result<Arc<Runtime>, String> {
        let mut shared = SHARED
            .lock()
            .map_err(|_| "scanner thread registry poisoned".to_owned())?;
        if let Some(rt) = shared.upgrade() {
            return Ok(rt);
        }
        let (tx, rx) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<(), String>>(1);
        std::thread::Builder::new()
            .name("sane".to_owned())
            .spawn(move || run(rx, ready_tx))
            .map_err(|e| format!("cannot start the scanner thread: {e}"))?;
        ready_rx
            .recv()
            .map_err(|_| "the scanner thread stopped during start-up".to_owned())??;
        let rt = Arc::new(Runtime { tx });
        *shared = Arc::downgrade(&rt);
        Ok(rt)
    }

    /// Runs `f` on the scanner thread and returns its result.
    pub fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Ctx) -> R + Send + 'static,
    ) -> Result<R, ScanError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |ctx| {
            let _ = tx.send(f(ctx));
        });
        self.tx
            .send(job)
            .map_err(|_| ScanError::DriverCrashed("the SANE thread has stopped".to_owned()))?;
        rx.recv()
            .map_err(|_| ScanError::DriverCrashed("the SANE thread stopped during a call".to_owned()))
    }

    /// Fire-and-forget (used from `Drop`, which must not block on a wedged backend forever).
    pub fn post(&self, f: impl FnOnce(&mut Ctx) + Send + 'static) {
        let _ = self.tx.send(Box::new(f));
    }
}

fn run(rx: Receiver<Job>, ready: mpsc::SyncSender<Result<(), String>>) {
    let _lifetime = LIFETIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let lib = match Lib::load() {
        Ok(lib) => lib,
        Err(e) => {
            let _ = ready.send(Err(format!("libsane not available: {e}")));
            return;
        }
    };
    let status = lib.init();
    if status != ffi::STATUS_GOOD {
        let _ = ready.send(Err(format!("sane_init failed with status {status}")));
        return;
    }
    let _ = ready.send(Ok(()));
    let mut ctx = Ctx {
        lib,
        handles: HashMap::new(),
        next: 0,
    };
    while let Ok(job) = rx.recv() {
        job(&mut ctx);
    }
    let ids: Vec<u64> = ctx.handles.keys().copied().collect();
    for id in ids {
        ctx.close(id);
    }
    ctx.lib.exit();
    tracing::debug!("sane_exit done");
}
