//! Background OCR: a priority queue drained by one Tesseract engine per worker thread.
//!
//! Acquisition never waits for OCR: [`OcrPool::submit`] only queues (unbounded) and returns.
//! Workers take the highest priority first, so the page the officer is looking at jumps the
//! queue ([`OcrPool::set_priority`]); equal priorities run in submission order. Results and
//! progress arrive as [`OcrEvent`]s on one channel the engine or UI listens to.
//!
//! Cancellation: a queued job is removed at once; a running one is stopped inside Tesseract, which
//! asks the job's cancel flag before each word ([`OcrEngine::cancel_flag`]), and is reported as
//! cancelled. Clean-up and layout analysis before the first word cannot be interrupted (a fraction
//! of a second); the result of a job cancelled then is dropped.

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use image::GrayImage;
use tracing::warn;

use crate::engine::{OcrConfig, OcrEngine, load_gray};
use crate::error::OcrError;
use crate::page::PageText;

/// Scheduling priority; higher runs first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Bulk batches draining in the background.
    Background = 0,
    /// Pages of the record open on screen.
    Normal = 1,
    /// The page the officer is viewing now.
    Viewing = 2,
}

pub type JobId = u64;

/// What to read.
#[derive(Debug, Clone)]
pub enum PageInput {
    File(PathBuf),
    /// A page file decoded and cleaned by sohoa-imaging (orientation, deskew, crop, despeckle) in the worker
    /// that reads it, so clean-up runs in parallel like OCR and only paths wait in the queue. Word boxes are in
    /// the cleaned page's pixels.
    CleanFile(PathBuf),
    /// An already decoded (for example cleaned) page and its resolution.
    Image(Arc<GrayImage>, u32),
}

#[derive(Debug)]
pub enum OcrEvent {
    Started {
        id: JobId,
    },
    Done {
        id: JobId,
        result: Box<Result<PageText, OcrError>>,
    },
    Cancelled {
        id: JobId,
    },
    /// After every finished or cancelled job: how far the queue is.
    Progress(Progress),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub cancelled: u64,
    pub queued: usize,
    pub running: usize,
}

struct Entry {
    priority: Priority,
    seq: u64,
    id: JobId,
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.priority == o.priority && self.seq == o.seq
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    /// Max-heap: higher priority first, then the earlier submission (smaller seq).
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.priority.cmp(&o.priority).then_with(|| o.seq.cmp(&self.seq))
    }
}

#[derive(Default)]
struct State {
    heap: BinaryHeap<Entry>,
    /// Queued jobs: input and current priority (heap entries with another priority are stale).
    queued: HashMap<JobId, (PageInput, Priority)>,
    /// Running jobs and the cancel flag of the engine running each.
    running: HashMap<JobId, Arc<AtomicBool>>,
    cancel_running: HashSet<JobId>,
    next_id: JobId,
    seq: u64,
    done: u64,
    cancelled: u64,
    shutdown: bool,
}

struct Shared {
    state: Mutex<State>,
    ready: Condvar,
    events: Mutex<Sender<OcrEvent>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker that panicked inside Tesseract leaves consistent queue data behind.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn send(&self, ev: OcrEvent) {
        let tx = self.events.lock().unwrap_or_else(|p| p.into_inner());
        // Nobody listening is fine: the pool keeps draining.
        let _ = tx.send(ev);
    }

    fn progress(&self, st: &State) -> OcrEvent {
        OcrEvent::Progress(Progress {
            done: st.done,
            cancelled: st.cancelled,
            queued: st.queued.len(),
            running: st.running.len(),
        })
    }
}

pub struct OcrPool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl OcrPool {
    /// Starts `workers` engines (default: one per core) and waits until each has loaded its
    /// model, so a missing language is reported here rather than per page.
    pub fn new(
        config: &OcrConfig,
        workers: Option<usize>,
    ) -> Result<(OcrPool, Receiver<OcrEvent>), OcrError> {
        crate::omp::limit_openmp_threads();
        let n = workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        let (tx, rx) = channel();
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            ready: Condvar::new(),
            events: Mutex::new(tx),
        });
        let (ready_tx, ready_rx) = channel::<Result<(), OcrError>>();
        let mut handles = Vec::with_capacity(n);
        for i in 0..n {
            let shared = Arc::clone(&shared);
            let config = config.clone();
            let ready_tx = ready_tx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("ocr-{i}"))
                .spawn(move || match OcrEngine::new(&config) {
                    Ok(engine) => {
                        let _ = ready_tx.send(Ok(()));
                        drop(ready_tx);
                        worker_loop(&shared, engine);
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                });
            match spawned {
                Ok(h) => handles.push(h),
                Err(e) => warn!("could not start OCR worker {i}: {e}"),
            }
        }
        drop(ready_tx);
        let pool = OcrPool {
            shared,
            workers: handles,
        };
        if pool.workers.is_empty() {
            return Err(OcrError::PoolClosed);
        }
        for _ in 0..pool.workers.len() {
            match ready_rx.recv() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(e),
                Err(_) => return Err(OcrError::PoolClosed),
            }
        }
        Ok((pool, rx))
    }

    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// Queues a page; never blocks on OCR.
    pub fn submit(&self, input: PageInput, priority: Priority) -> JobId {
        let mut st = self.shared.lock();
        st.next_id += 1;
        let id = st.next_id;
        st.seq += 1;
        let seq = st.seq;
        st.heap.push(Entry { priority, seq, id });
        st.queued.insert(id, (input, priority));
        drop(st);
        self.shared.ready.notify_one();
        id
    }

    /// Moves a queued job (e.g. the page now on screen) to `priority`. Returns false when
    /// the job is no longer queued (running, done or cancelled).
    pub fn set_priority(&self, id: JobId, priority: Priority) -> bool {
        let mut st = self.shared.lock();
        let Some(entry) = st.queued.get_mut(&id) else {
            return false;
        };
        entry.1 = priority;
        st.seq += 1;
        let seq = st.seq;
        // The old heap entry goes stale: workers skip entries whose priority no longer matches.
        st.heap.push(Entry { priority, seq, id });
        true
    }

    /// Cancels a job; returns false if it had already finished (or never existed).
    pub fn cancel(&self, id: JobId) -> bool {
        let mut st = self.shared.lock();
        if st.queued.remove(&id).is_some() {
            st.cancelled += 1;
            let progress = self.shared.progress(&st);
            drop(st);
            self.shared.send(OcrEvent::Cancelled { id });
            self.shared.send(progress);
            return true;
        }
        if let Some(flag) = st.running.get(&id) {
            flag.store(true, Ordering::Relaxed);
            st.cancel_running.insert(id);
            return true;
        }
        false
    }

    /// Cancels everything queued or running (the officer closed the batch).
    pub fn cancel_all(&self) {
        let ids: Vec<JobId> = {
            let st = self.shared.lock();
            st.queued.keys().chain(st.running.keys()).copied().collect()
        };
        for id in ids {
            self.cancel(id);
        }
    }

    pub fn progress(&self) -> Progress {
        let st = self.shared.lock();
        Progress {
            done: st.done,
            cancelled: st.cancelled,
            queued: st.queued.len(),
            running: st.running.len(),
        }
    }
}

impl Drop for OcrPool {
    fn drop(&mut self) {
        self.shared.lock().shutdown = true;
        self.shared.ready.notify_all();
        for h in self.workers.drain(..) {
            let _ = h.join();
        }
    }
}

/// Next job to run: highest current priority, skipping stale heap entries.
fn next_job(st: &mut State) -> Option<(JobId, PageInput)> {
    while let Some(e) = st.heap.pop() {
        let current = st.queued.get(&e.id).map(|(_, p)| *p);
        if current == Some(e.priority) {
            let (input, _) = st.queued.remove(&e.id)?;
            return Some((e.id, input));
        }
    }
    None
}

fn worker_loop(shared: &Shared, mut engine: OcrEngine) {
    let flag = engine.cancel_flag();
    loop {
        let (id, input) = {
            let mut st = shared.lock();
            loop {
                if st.shutdown {
                    return;
                }
                if let Some(job) = next_job(&mut st) {
                    // Cleared under the lock: a cancel can only set it once the job is listed as running.
                    flag.store(false, Ordering::Relaxed);
                    st.running.insert(job.0, Arc::clone(&flag));
                    break job;
                }
                st = shared.ready.wait(st).unwrap_or_else(|p| p.into_inner());
            }
        };
        shared.send(OcrEvent::Started { id });
        let result = run_job(&mut engine, input);
        let mut st = shared.lock();
        st.running.remove(&id);
        let cancelled = st.cancel_running.remove(&id);
        if cancelled {
            st.cancelled += 1;
        } else {
            st.done += 1;
        }
        let progress = shared.progress(&st);
        drop(st);
        if cancelled {
            shared.send(OcrEvent::Cancelled { id });
        } else {
            shared.send(OcrEvent::Done {
                id,
                result: Box::new(result),
            });
        }
        shared.send(progress);
    }
}

/// Resolution of a cleaned page when neither the file nor the paper size tells: what desks scan at.
const CLEAN_FALLBACK_DPI: f64 = 300.0;

/// Decodes (with sohoa-imaging's limits) and cleans a page file: the cleaned page (colour kept, for the
/// PDF) and its resolution. Word boxes of OCR on this page are in its pixels.
pub fn clean_file(path: &std::path::Path) -> Result<(image::DynamicImage, u32), OcrError> {
    let image_err = |e: sohoa_imaging::ImagingError| OcrError::Image {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let page =
        sohoa_imaging::decode_file(path, &sohoa_imaging::DecodeLimits::default()).map_err(image_err)?;
    let out = sohoa_imaging::clean(&page, &sohoa_imaging::CleanOptions::default()).map_err(image_err)?;
    drop(page);
    let dpi = out
        .quality
        .dpi
        .unwrap_or(CLEAN_FALLBACK_DPI)
        .round()
        .clamp(70.0, 2400.0) as u32;
    Ok((out.image, dpi))
}

/// Decodes and cleans a page, then makes the OCR grey image of it.
fn cleaned_gray(path: &std::path::Path) -> Result<(GrayImage, u32), OcrError> {
    let (image, dpi) = clean_file(path)?;
    Ok((crate::engine::ocr_gray(image), dpi))
}

fn run_job(engine: &mut OcrEngine, input: PageInput) -> Result<PageText, OcrError> {
    match input {
        PageInput::File(path) => {
            let (img, dpi) = load_gray(&path)?;
            engine.recognize(&img, dpi)
        }
        PageInput::CleanFile(path) => {
            let (img, dpi) = cleaned_gray(&path)?;
            engine.recognize(&img, dpi)
        }
        PageInput::Image(img, dpi) => engine.recognize(&img, dpi),
    }
}
