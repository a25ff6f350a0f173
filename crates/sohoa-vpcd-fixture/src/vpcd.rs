//! Serves a [`PivCard`] to pcscd through the vsmartcard-vpcd reader driver.
//!
//! vpcd is the TCP server (one port per virtual reader); the card connects as a client. Every message is a
//! 2-byte big-endian length and a payload: length 1 is a control byte (0 power off, 1 power on, 2 reset,
//! 4 get ATR, answered with the ATR), anything longer is a command APDU answered with `data || SW1 SW2`.
//! Closing the socket is pulling the card out; connecting again is inserting it.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::keys::panic_fixture;
use crate::pcscd;
use crate::piv::PivCard;

/// YubiKey 4 ATR: OpenSC recognises it as a PIV card straight away (tested with OpenSC 0.23).
pub const ATR: [u8; 18] = [
    0x3b, 0xf8, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x59, 0x75, 0x62, 0x69, 0x6b, 0x65, 0x79, 0x34,
    0xd4,
];

/// A virtual PIV card inserted in one of vpcd's readers for as long as this value lives.
pub struct VirtualCard {
    card: Arc<Mutex<PivCard>>,
    port: u16,
    reader: String,
    stream: Option<TcpStream>,
    thread: Option<JoinHandle<()>>,
    /// Exclusive across processes: nextest runs tests in parallel processes, each reader takes one card.
    _locks: Vec<File>,
}

impl VirtualCard {
    /// Starts pcscd if needed, takes a free virtual reader (waiting for one), inserts the card and waits
    /// until PC/SC reports it present.
    pub fn insert(card: PivCard) -> Self {
        pcscd::ensure_running();
        let (lock, port, reader) = take_reader();
        Self::start(card, vec![lock], port, reader)
    }

    /// As [`insert`](Self::insert), but no other test's card is in any virtual reader meanwhile.
    ///
    /// OpenSC's PKCS#11 module looks at every token in every reader; OpenSC 0.23 deadlocks inside
    /// C_GetTokenInfo when another process resets or pulls a card it is looking at (seen here under
    /// parallel tests), so tests that load OpenSC keep the readers to themselves.
    pub fn insert_exclusive(card: PivCard) -> Self {
        pcscd::ensure_running();
        let locks = lock_all_readers();
        let port = pcscd::vpcd_base_port();
        Self::start(card, locks, port, "Virtual PCD 00 00".to_owned())
    }

    fn start(card: PivCard, locks: Vec<File>, port: u16, reader: String) -> Self {
        let mut vc = VirtualCard {
            card: Arc::new(Mutex::new(card)),
            port,
            reader,
            stream: None,
            thread: None,
            _locks: locks,
        };
        vc.connect();
        vc
    }

    /// The PC/SC reader name, e.g. "Virtual PCD 00 00".
    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// The card state, e.g. to arm removal or read the PIN counter.
    pub fn card(&self) -> MutexGuard<'_, PivCard> {
        match self.card.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// Pulls the card out and waits until PC/SC sees the reader empty.
    pub fn remove(&mut self) {
        self.disconnect();
        pcscd::wait_card(&self.reader, false, Duration::from_secs(20));
    }

    /// Puts the same card (same keys, same PIN counter) back in.
    pub fn reinsert(&mut self) {
        self.remove();
        self.connect();
    }

    fn disconnect(&mut self) {
        if let Some(s) = self.stream.take() {
            let _ = s.shutdown(Shutdown::Both);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    fn connect(&mut self) {
        // A card of an earlier test (or a crashed process) may not be seen gone yet: pcscd would keep the
        // old card's handle and our first APDU would fail.
        pcscd::wait_card(&self.reader, false, Duration::from_secs(20));
        let deadline = Instant::now() + Duration::from_secs(20);
        let stream = loop {
            match TcpStream::connect(("127.0.0.1", self.port)) {
                Ok(s) => break s,
                Err(e) if Instant::now() > deadline => {
                    panic_fixture(&format!("cannot reach vpcd on port {}: {e}", self.port))
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        };
        let _ = stream.set_nodelay(true);
        let Ok(reader_side) = stream.try_clone() else {
            panic_fixture("cannot clone the vpcd socket")
        };
        let card = Arc::clone(&self.card);
        self.thread = Some(std::thread::spawn(move || serve(reader_side, &card)));
        self.stream = Some(stream);
        pcscd::wait_card(&self.reader, true, Duration::from_secs(20));
    }
}

impl Drop for VirtualCard {
    /// Pulls the card and waits until pcscd sees the reader empty, so the next test's card is a new
    /// insertion; the reader lock is released only after that.
    fn drop(&mut self) {
        self.disconnect();
        let _ = pcscd::try_wait_card(&self.reader, false, Duration::from_secs(20));
    }
}

/// Answers vpcd until the socket closes or the card vanishes.
fn serve(mut s: TcpStream, card: &Mutex<PivCard>) {
    let lock = || match card.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    loop {
        let mut len = [0u8; 2];
        if s.read_exact(&mut len).is_err() {
            return;
        }
        let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
        if s.read_exact(&mut msg).is_err() {
            return;
        }
        let reply = match msg.as_slice() {
            [0x00] | [0x02] => {
                lock().reset();
                continue;
            }
            [0x01] => continue,
            [0x04] => ATR.to_vec(),
            [_] => continue,
            apdu => match lock().process(apdu) {
                Some(r) => r,
                None => {
                    let _ = s.shutdown(Shutdown::Both);
                    return;
                }
            },
        };
        let mut frame = Vec::with_capacity(reply.len() + 2);
        frame.extend_from_slice(&(reply.len() as u16).to_be_bytes());
        frame.extend_from_slice(&reply);
        if s.write_all(&frame).is_err() {
            return;
        }
    }
}

/// Blocks until this process holds both readers (in a fixed order, so two such callers cannot deadlock).
pub fn lock_all_readers() -> Vec<File> {
    let base = pcscd::vpcd_base_port();
    (0..2u16)
        .map(|slot| {
            let f = open_lock(base + slot);
            if f.lock().is_err() {
                panic_fixture("cannot lock a virtual reader");
            }
            f
        })
        .collect()
}

fn open_lock(port: u16) -> File {
    let path = std::env::temp_dir().join(format!("sohoa-vpcd-{port}.lock"));
    match File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) => panic_fixture(&format!("cannot open {}: {e}", path.display())),
    }
}

/// Locks one of vpcd's two readers for this card, waiting while other test processes use both.
fn take_reader() -> (File, u16, String) {
    let base = pcscd::vpcd_base_port();
    let deadline = Instant::now() + Duration::from_secs(170);
    loop {
        for slot in 0..2u16 {
            let f = open_lock(base + slot);
            if f.try_lock().is_ok() {
                return (f, base + slot, format!("Virtual PCD 00 {slot:02}"));
            }
        }
        if Instant::now() > deadline {
            panic_fixture("no free virtual reader within 170 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
