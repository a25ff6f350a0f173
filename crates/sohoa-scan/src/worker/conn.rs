//! The app's end of a worker: the child process, its pipes, and the timeouts that turn a wedged driver
//! into an error instead of a hung app.

use std::io::{BufReader, BufWriter};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::WorkerCommand;
use super::protocol::{self, Request, Response};
use crate::{DriverKind, ScanError};

fn crashed(detail: impl Into<String>) -> ScanError {
    ScanError::DriverCrashed(detail.into())
}

/// How long the worker may stay silent before it is presumed wedged and killed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeouts {
    /// Discovery, open, options, starting a scan (a USB scanner warming its lamp takes ~30 s).
    pub call: Duration,
    /// One page (a 600 dpi colour A3 page on a USB 1.1 scanner takes minutes).
    pub page: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            call: Duration::from_secs(120),
            page: Duration::from_secs(600),
        }
    }
}

/// A running worker and its pipes. Frames are read by a thread of their own so a wedged driver is a
/// timeout (and a killed worker), never an app that hangs with it.
pub(super) struct Conn {
    child: Child,
    tx: BufWriter<ChildStdin>,
    frames: Receiver<std::io::Result<Vec<u8>>>,
    pub(super) timeouts: Timeouts,
    pub(super) dead: bool,
}

impl Conn {
    pub(super) fn start(
        cmd: &WorkerCommand,
        driver: DriverKind,
        timeouts: Timeouts,
    ) -> Result<Conn, ScanError> {
        let kind = serde_json::to_value(driver)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut child = Command::new(&cmd.program)
            .args(&cmd.args)
            .arg("--driver")
            .arg(kind)
            .envs(cmd.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| crashed(format!("cannot start {}: {e}", cmd.program.display())))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(crashed("the worker has no pipes"));
        };
        let (frames_tx, frames) = mpsc::channel();
        let reader = std::thread::Builder::new()
            .name("scan-worker-reader".to_owned())
            .spawn(move || {
                let mut rx = BufReader::with_capacity(1 << 20, stdout);
                loop {
                    let frame = protocol::read_frame(&mut rx);
                    let end = frame.is_err();
                    if frames_tx.send(frame).is_err() || end {
                        break;
                    }
                }
            });
        if reader.is_err() {
            let _ = child.kill();
            let _ = child.wait();
            return Err(crashed("cannot start the worker reader thread"));
        }
        let mut conn = Conn {
            child,
            tx: BufWriter::new(stdin),
            frames,
            timeouts,
            dead: false,
        };
        match conn.recv(timeouts.call)? {
            Response::Ready { version } if version == protocol::VERSION => Ok(conn),
            other => Err(ScanError::Protocol(format!(
                "unexpected worker greeting {other:?}"
            ))),
        }
    }

    /// Why the worker is gone (exit code or signal), waiting briefly for the OS to report it.
    pub(super) fn death(&mut self) -> ScanError {
        self.dead = true;
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return crashed(format!("the scanner worker exited ({status})")),
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                _ => return crashed("the scanner worker stopped answering"),
            }
        }
    }

    pub(super) fn send(&mut self, req: &Request) -> Result<(), ScanError> {
        if self.dead {
            return Err(crashed("the scanner worker is gone"));
        }
        protocol::send(&mut self.tx, req).map_err(|_| self.death())
    }

    pub(super) fn recv_frame(&mut self, timeout: Duration) -> Result<Vec<u8>, ScanError> {
        if self.dead {
            return Err(crashed("the scanner worker is gone"));
        }
        match self.frames.recv_timeout(timeout) {
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => Err(self.death()),
            Err(RecvTimeoutError::Timeout) => {
                tracing::warn!(
                    pid = self.child.id(),
                    ?timeout,
                    "scanner worker wedged; killing it"
                );
                let _ = self.child.kill();
                let _ = self.child.wait();
                self.dead = true;
                Err(ScanError::Timeout)
            }
        }
    }

    pub(super) fn recv(&mut self, timeout: Duration) -> Result<Response, ScanError> {
        let bytes = self.recv_frame(timeout)?;
        serde_json::from_slice(&bytes).map_err(|e| ScanError::Protocol(format!("bad worker message: {e}")))
    }

    pub(super) fn call_within(&mut self, req: &Request, timeout: Duration) -> Result<Response, ScanError> {
        self.send(req)?;
        match self.recv(timeout)? {
            Response::Error { error } => Err(error.into()),
            r => Ok(r),
        }
    }

    pub(super) fn call(&mut self, req: &Request) -> Result<Response, ScanError> {
        self.call_within(req, self.timeouts.call)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if !self.dead {
            let _ = protocol::send(&mut self.tx, &Request::Close);
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // Expected after a jam or a hung driver (some backends block in sane_exit): the pages are already
        // stored, so this is no news for the officer (info, not warn: it would add a second error line).
        tracing::info!(pid = self.child.id(), "scanner worker did not exit; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
