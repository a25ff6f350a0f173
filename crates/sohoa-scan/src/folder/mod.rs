//! Watched ("hot") folder: multifunction printers and network scanners drop files into a share, and the
//! workstation takes each one exactly once.
//!
//! The protocol, all on the watched folder's own filesystem so every move is an atomic rename:
//! 1. A document file is *taken* only once it has stopped changing: size and mtime unchanged for the settle
//!    interval, the file opens for reading, and it is structurally whole ([`looks_complete`]). Names that
//!    writers use for unfinished files (`~x`, `x~`, `.part`, `.tmp`, hidden) are never taken.
//! 2. It is *claimed* by renaming it into `.claimed/<station>/<key>--<name>`; of two workstations racing for a
//!    file, exactly one rename succeeds. The key is unique and stable: it names the claim for its whole life.
//! 3. The journal records `importing <key>` (fsynced), then the import callback runs, then `imported <key>`
//!    (fsynced), and only then the file moves to `.done/`.
//! 4. On restart, files left in the station's `.claimed/` directory are finished: journaled as imported → moved to `.done/` without a
//!    second import; otherwise offered again, with [`Claim::retry`] set when the callback may already have
//!    run. The one window no journal can close (the app dies after the callback committed but before the
//!    `imported` line is on disk) is why the callback gets the stable key: a receiver that records it in the
//!    same transaction as the import recognises the retry. Nothing is ever deleted; bad files go to `.failed/`.
//!
//! Change notification: `notify` (inotify, ReadDirectoryChangesW, FSEvents) wakes the loop early, and the
//! folder is rescanned every poll interval anyway, because notification on network shares (SMB/NFS mounts)
//! typically registers fine and then never fires. [`WatchMode::Poll`] skips the watcher; in
//! [`WatchMode::Auto`] a watcher that cannot be set up falls back to polling with a warning. notify's own
//! `PollWatcher` is not used: the settle check stats every file each pass already.

mod decode;
mod device;
mod journal;
mod model;
mod names;

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use journal::{Journal, Step};
use model::io_err;

pub use device::{FolderDevice, FolderDriver, FolderPageStream};
pub use model::{Claim, FolderConfig, FolderError, ImportFailure, PassStats, WatchMode, host_name};
pub use names::{FileKind, is_ignored_name, kind_of, looks_complete};

struct Seen {
    size: u64,
    mtime: Option<SystemTime>,
    since: Instant,
}

pub struct HotFolder {
    cfg: FolderConfig,
    claimed: PathBuf,
    done: PathBuf,
    failed: PathBuf,
    journal: Journal,
    seen: HashMap<PathBuf, Seen>,
    mode: WatchMode,
    /// `true` per change event, `false` when the watcher reports an error.
    events: Option<mpsc::Receiver<bool>>,
    _watcher: Option<notify::RecommendedWatcher>,
    _lock: File,
    counter: u32,
}

fn sync_dir(dir: &Path) {
    // Makes renames durable on Unix; opening a directory fails on Windows, where NTFS journals renames itself.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn key_of(claimed_name: &str) -> Option<(&str, &str)> {
    claimed_name.split_once("--")
}

impl HotFolder {
    pub fn open(cfg: FolderConfig) -> Result<Self, FolderError> {
        if !cfg.path.is_dir() {
            return Err(FolderError::NotAFolder(cfg.path.clone()));
        }
        let claimed = cfg
            .path
            .join(".claimed")
            .join(model::station_dir_name(&cfg.station));
        let done = cfg.path.join(".done");
        let failed = cfg.path.join(".failed");
        for d in [&claimed, &done, &failed] {
            fs::create_dir_all(d).map_err(io_err(d))?;
        }
        let lock_path = claimed.join(".lock");
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_err(&lock_path))?;
        // An OS lock, released by the kernel if the app dies: a crash never leaves the folder locked. It keeps a
        // second instance on the same station from taking the first one's in-flight claims for crashed ones.
        if lock.try_lock().is_err() {
            return Err(FolderError::Busy(cfg.path.clone()));
        }
        let live: HashSet<String> = list_claimed(&claimed)?.into_iter().map(|(k, _, _)| k).collect();
        let journal = Journal::open(&claimed.join(".journal"), &live)?;
        let (mode, events, watcher) = match cfg.mode {
            WatchMode::Poll => (WatchMode::Poll, None, None),
            WatchMode::Auto => match start_watcher(&cfg.path) {
                Ok((rx, w)) => (WatchMode::Auto, Some(rx), Some(w)),
                Err(e) => {
                    tracing::warn!(folder = %cfg.path.display(), error = %e, "change notification unavailable: polling");
                    (WatchMode::Poll, None, None)
                }
            },
        };
        Ok(Self {
            cfg,
            claimed,
            done,
            failed,
            journal,
            seen: HashMap::new(),
            mode,
            events,
            _watcher: watcher,
            _lock: lock,
            counter: 0,
        })
    }

    pub fn config(&self) -> &FolderConfig {
        &self.cfg
    }

    /// The mode in force: `Poll` after a fallback.
    pub fn mode(&self) -> WatchMode {
        self.mode
    }

    /// Files still settling (seen, not yet taken).
    pub fn settling(&self) -> usize {
        self.seen.len()
    }

    /// Claims left by an earlier run: finishes those already imported, returns the others.
    pub fn recover(&mut self) -> Result<Vec<Claim>, FolderError> {
        let mut out = Vec::new();
        for (key, name, path) in list_claimed(&self.claimed)? {
            if self.journal.was_imported(&key) {
                self.move_to(&path, &self.done.clone())?;
                continue;
            }
            let Some(kind) = kind_of(&name) else { continue };
            let retry = self.journal.was_importing(&key);
            out.push(Claim {
                key,
                name,
                path,
                kind,
                retry,
            });
        }
        Ok(out)
    }

    /// One pass over the folder: notes sizes and mtimes, claims the files that have settled.
    pub fn poll(&mut self) -> Result<Vec<Claim>, FolderError> {
        let now = Instant::now();
        let mut present = HashSet::new();
        let mut ready = Vec::new();
        let entries = fs::read_dir(&self.cfg.path).map_err(io_err(&self.cfg.path))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(kind) = kind_of(&name) else { continue };
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let path = entry.path();
            present.insert(path.clone());
            let (size, mtime) = (meta.len(), meta.modified().ok());
            match self.seen.get_mut(&path) {
                Some(s) if s.size == size && s.mtime == mtime => {
                    let settled = now.duration_since(s.since) >= self.cfg.settle;
                    // Structurally incomplete files wait, but not forever: after 10 settle intervals they are
                    // taken anyway so the failure shows in `.failed/` instead of a file nobody explains.
                    let overdue = now.duration_since(s.since) >= self.cfg.settle * 10;
                    if settled
                        && size > 0
                        && File::open(&path).is_ok()
                        && (looks_complete(&path, kind) || overdue)
                    {
                        ready.push((path, name, kind));
                    }
                }
                _ => {
                    self.seen.insert(
                        path,
                        Seen {
                            size,
                            mtime,
                            since: now,
                        },
                    );
                }
            }
        }
        self.seen.retain(|p, _| present.contains(p));
        // Directory order is arbitrary; a stack dropped by a scanner is named in feed order (counters,
        // timestamps), and an archive batch separates dossiers by that order.
        ready.sort_by(|a, b| a.1.cmp(&b.1));
        let mut claims = Vec::new();
        for (path, name, kind) in ready {
            self.seen.remove(&path);
            if let Some(c) = self.claim(&path, &name, kind)? {
                claims.push(c);
            }
        }
        Ok(claims)
    }

    fn claim(&mut self, path: &Path, name: &str, kind: FileKind) -> Result<Option<Claim>, FolderError> {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        self.counter = self.counter.wrapping_add(1);
        let key = format!(
            "{nanos:x}{:04x}{:04x}",
            std::process::id() & 0xffff,
            self.counter & 0xffff
        );
        let dest = self.claimed.join(format!("{key}--{name}"));
        match fs::rename(path, &dest) {
            Ok(()) => {}
            // Another workstation (or the writer) took it away first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            // Windows refuses to rename a file its writer still holds open: not ready, try again later.
            Err(e) => {
                tracing::debug!(error = %e, "file not claimable yet");
                return Ok(None);
            }
        }
        sync_dir(&self.claimed);
        sync_dir(&self.cfg.path);
        self.journal.append(Step::Claimed, &key, name, None)?;
        // The key only: file names from scanners often carry ID numbers or names.
        tracing::info!(key = %key, "watched-folder file claimed");
        Ok(Some(Claim {
            key,
            name: name.to_owned(),
            path: dest,
            kind,
            retry: false,
        }))
    }

    /// Journals that the import of `claim` starts; call right before handing the file on.
    pub fn begin(&mut self, claim: &Claim) -> Result<(), FolderError> {
        self.journal
            .append(Step::Importing, &claim.key, &claim.name, None)
    }

    /// The receiver has committed the import: journal it, then move the file to `.done/`.
    pub fn commit(&mut self, claim: &Claim) -> Result<(), FolderError> {
        self.journal
            .append(Step::Imported, &claim.key, &claim.name, None)?;
        self.move_to(&claim.path, &self.done.clone())
    }

    /// The file is unusable: journal why and move it to `.failed/` (kept for the operator, never deleted).
    pub fn reject(&mut self, claim: &Claim, reason: &str) -> Result<(), FolderError> {
        tracing::warn!(key = %claim.key, reason, "watched-folder file rejected");
        self.journal
            .append(Step::Failed, &claim.key, &claim.name, Some(reason))?;
        self.move_to(&claim.path, &self.failed.clone())
    }

    fn move_to(&self, path: &Path, dir: &Path) -> Result<(), FolderError> {
        let Some(file_name) = path.file_name() else {
            return Ok(());
        };
        let dest = dir.join(file_name);
        fs::rename(path, &dest).map_err(io_err(path))?;
        sync_dir(dir);
        sync_dir(&self.claimed);
        Ok(())
    }

    /// Recovers, polls once, and imports every claim through `import` (begin → import → commit).
    pub fn process<F>(&mut self, mut import: F) -> Result<PassStats, FolderError>
    where
        F: FnMut(&Claim) -> Result<(), ImportFailure>,
    {
        let mut stats = PassStats::default();
        let recovered = self.recover()?;
        stats.recovered = recovered.len();
        let mut claims = recovered;
        claims.extend(self.poll()?);
        for claim in claims {
            self.begin(&claim)?;
            match import(&claim) {
                Ok(()) => {
                    self.commit(&claim)?;
                    stats.imported += 1;
                }
                Err(ImportFailure::Rejected(reason)) => {
                    self.reject(&claim, &reason)?;
                    stats.rejected += 1;
                }
                Err(ImportFailure::Transient(reason)) => {
                    tracing::warn!(key = %claim.key, reason = %reason, "import deferred");
                    stats.deferred += 1;
                }
            }
        }
        Ok(stats)
    }

    /// Sleeps until a change is notified or the next rescan is due (sooner while files are settling).
    pub fn wait(&mut self) {
        let mut timeout = self.cfg.poll_interval;
        if !self.seen.is_empty() {
            timeout = timeout.min(self.cfg.settle / 4).max(Duration::from_millis(10));
        }
        let mut failed = false;
        match &self.events {
            Some(rx) => {
                if let Ok(ok) = rx.recv_timeout(timeout) {
                    // Let a burst of events (one per written chunk) coalesce into one rescan.
                    std::thread::sleep(Duration::from_millis(20));
                    failed = !ok;
                    while let Ok(ok) = rx.try_recv() {
                        failed |= !ok;
                    }
                }
            }
            None => std::thread::sleep(timeout),
        }
        if failed {
            // A share that went away, an overflowed event queue: the rescans carry on alone.
            tracing::warn!(folder = %self.cfg.path.display(), "change notification failed: polling from now on");
            self.events = None;
            self._watcher = None;
            self.mode = WatchMode::Poll;
        }
    }

    /// Processes until `stop` is set: the engine's loop for an unattended watched folder.
    pub fn run<F>(
        &mut self,
        stop: &std::sync::atomic::AtomicBool,
        mut import: F,
    ) -> Result<PassStats, FolderError>
    where
        F: FnMut(&Claim) -> Result<(), ImportFailure>,
    {
        let mut total = PassStats::default();
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            let s = self.process(&mut import)?;
            total.imported += s.imported;
            total.recovered += s.recovered;
            total.rejected += s.rejected;
            total.deferred += s.deferred;
            self.wait();
        }
        Ok(total)
    }
}

fn list_claimed(dir: &Path) -> Result<Vec<(String, String, PathBuf)>, FolderError> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err(dir))?.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with('.') {
            continue;
        }
        if let Some((key, name)) = key_of(&file_name) {
            out.push((key.to_owned(), name.to_owned(), entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

fn start_watcher(dir: &Path) -> notify::Result<(mpsc::Receiver<bool>, notify::RecommendedWatcher)> {
    use notify::Watcher;
    let (tx, rx) = mpsc::channel();
    let mut w = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        match res {
            // Opening or reading a file or the folder (our own rescans included) is no change; inotify reports
            // those too, and answering them would turn the watcher into a busy loop.
            Ok(ev) if is_read_only(&ev.kind) => {}
            Ok(_) => {
                let _ = tx.send(true);
            }
            Err(_) => {
                let _ = tx.send(false);
            }
        }
    })?;
    w.watch(dir, notify::RecursiveMode::NonRecursive)?;
    Ok((rx, w))
}

fn is_read_only(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    matches!(kind, EventKind::Access(a) if !matches!(a, AccessKind::Close(AccessMode::Write)))
}
