//! An in-test TCP fault proxy between the uploader and the vault: latency, a bandwidth limit, cutting a
//! connection after N bytes in either direction (FIN or RST), and a black hole that accepts and never
//! answers. Written here because toxiproxy is not packaged in Debian and noxious ships no server binary.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What happens to one connection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plan {
    /// Cut after this many client→server bytes.
    pub cut_up_after: Option<u64>,
    /// Cut after this many server→client bytes (the server acted, the client never hears).
    pub cut_down_after: Option<u64>,
    /// Cut with a TCP reset instead of a close.
    pub reset: bool,
}

pub type Planner = Box<dyn FnMut(u64) -> Plan + Send>;

#[derive(Default)]
pub struct Stats {
    pub connections: AtomicU64,
    pub cuts: AtomicU64,
    pub bytes_up: AtomicU64,
}

pub struct FaultProxy {
    pub addr: SocketAddr,
    pub stats: Arc<Stats>,
    pub blackhole: Arc<AtomicBool>,
    /// Added before each forwarded read.
    pub latency: Arc<Mutex<Duration>>,
    /// Bytes per second, 0 = unlimited.
    pub bandwidth: Arc<AtomicU64>,
    planner: Arc<Mutex<Planner>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    pub async fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let stats = Arc::new(Stats::default());
        let blackhole = Arc::new(AtomicBool::new(false));
        let latency = Arc::new(Mutex::new(Duration::ZERO));
        let bandwidth = Arc::new(AtomicU64::new(0));
        let planner: Arc<Mutex<Planner>> = Arc::new(Mutex::new(Box::new(|_| Plan::default())));
        let (s, b, l, w, p) = (
            stats.clone(),
            blackhole.clone(),
            latency.clone(),
            bandwidth.clone(),
            planner.clone(),
        );
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let n = s.connections.fetch_add(1, Ordering::SeqCst);
                let plan = (p.lock().unwrap())(n);
                let (s, b, l, w) = (s.clone(), b.clone(), l.clone(), w.clone());
                tokio::spawn(async move {
                    if b.load(Ordering::SeqCst) {
                        let mut client = client;
                        let mut sink = [0u8; 4096];
                        while let Ok(n) = client.read(&mut sink).await {
                            if n == 0 {
                                break;
                            }
                        }
                        return;
                    }
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    handle(client, server, plan, s, l, w).await;
                });
            }
        });
        FaultProxy {
            addr,
            stats,
            blackhole,
            latency,
            bandwidth,
            planner,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn set_planner(&self, f: impl FnMut(u64) -> Plan + Send + 'static) {
        *self.planner.lock().unwrap() = Box::new(f);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

enum End {
    Eof,
    Cut,
}

struct Knobs {
    latency: Arc<Mutex<Duration>>,
    bandwidth: Arc<AtomicU64>,
}

async fn pump(
    from: &mut tokio::net::tcp::ReadHalf<'_>,
    to: &mut tokio::net::tcp::WriteHalf<'_>,
    budget: Option<u64>,
    knobs: &Knobs,
    counter: Option<&AtomicU64>,
) -> End {
    let mut left = budget;
    let mut buf = vec![0u8; 4096];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return End::Eof,
            Ok(n) => n,
        };
        let lat = *knobs.latency.lock().unwrap();
        if !lat.is_zero() {
            tokio::time::sleep(lat).await;
        }
        let bw = knobs.bandwidth.load(Ordering::Relaxed);
        if bw > 0 {
            tokio::time::sleep(Duration::from_secs_f64(n as f64 / bw as f64)).await;
        }
        let (send, cut) = match left {
            Some(l) if (n as u64) >= l => (l as usize, true),
            Some(l) => {
                left = Some(l - n as u64);
                (n, false)
            }
            None => (n, false),
        };
        if to.write_all(&buf[..send]).await.is_err() {
            return End::Eof;
        }
        if let Some(c) = counter {
            c.fetch_add(send as u64, Ordering::Relaxed);
        }
        if cut {
            let _ = to.flush().await;
            return End::Cut;
        }
    }
}

async fn handle(
    mut client: TcpStream,
    mut server: TcpStream,
    plan: Plan,
    stats: Arc<Stats>,
    latency: Arc<Mutex<Duration>>,
    bandwidth: Arc<AtomicU64>,
) {
    let knobs = Knobs { latency, bandwidth };
    let cut = {
        let (mut cr, mut cw) = client.split();
        let (mut sr, mut sw) = server.split();
        let up = pump(&mut cr, &mut sw, plan.cut_up_after, &knobs, Some(&stats.bytes_up));
        let down = pump(&mut sr, &mut cw, plan.cut_down_after, &knobs, None);
        tokio::pin!(up, down);
        let first = tokio::select! {
            e = &mut up => (e, true),
            e = &mut down => (e, false),
        };
        match first {
            (End::Cut, _) => true,
            (End::Eof, up_done) => {
                // Let the other direction finish (a response still in flight), unless it is cut too.
                let rest = if up_done { down.await } else { up.await };
                matches!(rest, End::Cut)
            }
        }
    };
    if cut {
        stats.cuts.fetch_add(1, Ordering::SeqCst);
        if plan.reset {
            #[allow(deprecated)]
            let _ = client.set_linger(Some(Duration::ZERO));
            #[allow(deprecated)]
            let _ = server.set_linger(Some(Duration::ZERO));
        }
    }
    drop(client);
    drop(server);
}
