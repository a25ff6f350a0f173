//! The reference ministry vault (`sohoa-vault-server --listen ADDR --data DIR`).
//!
//! It stands in for the ministry's non-public interface and enforces the contract we ask of it: files
//! arrive over tus 1.0 with per-chunk checksums and a whole-file sha256, messages are validated against
//! schema 1, signatures are checked, and a message id answered once is answered with the same receipt for
//! ever. Nothing is acknowledged before it is fsynced (files) and committed with `synchronous=FULL` (index).

mod index;
mod messages;
mod relay;
mod uploads;
mod verify;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sohoa_vault::ErrorBody;

pub use index::upload_id;
pub use relay::{RESULT_RELAYED, Upstream};
pub use verify::{PadesVerifier, SignatureVerifier, StructuralVerifier};

#[derive(Clone)]
pub struct ServerConfig {
    pub data_dir: PathBuf,
    /// Accepted bearer tokens; empty = no authentication (only with `--insecure-no-auth`).
    pub tokens: Vec<String>,
    /// Largest file accepted (`Tus-Max-Size`).
    pub max_upload_size: u64,
    /// Largest PATCH body.
    pub max_chunk: usize,
    /// Accept documents without a signature (test vaults only).
    pub allow_unsigned: bool,
    pub verifier: Arc<dyn SignatureVerifier>,
    /// Test hook: the next N commits answer 503 with `Retry-After: 1` (a vault under maintenance).
    pub fail_next_commits: Arc<AtomicU32>,
    /// Run as a district relay: store, answer `R`, and forward every message to this vault.
    pub upstream: Option<Upstream>,
}

impl ServerConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> ServerConfig {
        ServerConfig {
            data_dir: data_dir.into(),
            tokens: Vec::new(),
            max_upload_size: 512 * 1024 * 1024,
            max_chunk: 8 * 1024 * 1024,
            allow_unsigned: false,
            verifier: Arc::new(StructuralVerifier),
            fail_next_commits: Arc::new(AtomicU32::new(0)),
            upstream: None,
        }
    }
}

pub(crate) struct AppState {
    pub config: ServerConfig,
    index: Mutex<index::Index>,
    /// Signalled after each commit so a relay forwards at once.
    pub relay_wake: Arc<tokio::sync::Notify>,
}

impl AppState {
    /// One writer at a time: tus needs per-upload locking anyway, and a desk-scale vault needs no more.
    pub fn index(&self) -> MutexGuard<'_, index::Index> {
        self.index.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

type Forwarder = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// The routes, and for a relay the forwarding loop the caller must spawn on its runtime.
fn app(config: ServerConfig) -> anyhow::Result<(Router, Option<Forwarder>)> {
    let index = index::Index::open(&config.data_dir)?;
    let max_chunk = config.max_chunk;
    let upstream = config.upstream.clone();
    let state = Arc::new(AppState {
        config,
        index: Mutex::new(index),
        relay_wake: Arc::new(tokio::sync::Notify::new()),
    });
    let forwarder: Option<Forwarder> =
        upstream.map(|u| Box::pin(relay::forwarder(state.clone(), u, state.relay_wake.clone())) as Forwarder);
    let router = Router::new()
        .route("/v1/uploads", post(uploads::create).options(uploads::options))
        .route(
            "/v1/uploads/{id}",
            axum::routing::head(uploads::head)
                .patch(uploads::patch)
                .delete(uploads::terminate)
                .options(uploads::options),
        )
        .layer(DefaultBodyLimit::max(max_chunk))
        .route(
            "/v1/messages",
            post(messages::commit).layer(DefaultBodyLimit::max(sohoa_vault::protocol::MAX_MESSAGE_BYTES)),
        )
        .route("/v1/messages/{id}/receipt", get(relay::receipt))
        .route("/v1/owners/{owner_id}/documents", get(messages::by_owner))
        .with_state(state);
    Ok((router, forwarder))
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (app, forwarder) = app(config)?;
    let forwarding = forwarder.map(tokio::spawn);
    let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    if let Some(f) = forwarding {
        f.abort();
    }
    Ok(served?)
}

/// A server on its own thread and runtime, for tests and tools that are not async themselves.
pub struct RunningServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningServer {
    pub fn start(config: ServerConfig, addr: SocketAddr) -> anyhow::Result<RunningServer> {
        // Bound here (std) so the caller learns the port and may itself be inside an async runtime.
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (router, forwarder) = app(config)?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(error = %e, "cannot start the vault runtime");
                    return;
                }
            };
            // Stopping drops the server outright (connections included), like a process exit would.
            rt.block_on(async move {
                if let Some(f) = forwarder {
                    tokio::spawn(f);
                }
                let served = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => {
                        tokio::select! {
                            r = std::future::IntoFuture::into_future(axum::serve(l, router)) => r,
                            _ = rx => Ok(()),
                        }
                    }
                    Err(e) => Err(e),
                };
                if let Err(e) = served {
                    tracing::error!(error = %e, "vault server stopped");
                }
            });
            rt.shutdown_timeout(std::time::Duration::from_secs(1));
        });
        Ok(RunningServer {
            addr,
            stop: Some(tx),
            thread: Some(thread),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A refusal with a stable code and both languages.
pub(crate) fn refuse(status: StatusCode, code: &str, vi: &str, en: impl Into<String>) -> Response {
    let body = ErrorBody {
        code: code.to_owned(),
        message: vi.to_owned(),
        message_en: en.into(),
    };
    let mut resp = (status, axum::Json(body)).into_response();
    resp.headers_mut()
        .insert("Tus-Resumable", HeaderValue::from_static("1.0.0"));
    resp
}

pub(crate) fn internal(e: anyhow::Error) -> Response {
    tracing::error!(error = %format!("{e:#}"), "vault internal error");
    refuse(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server.internal",
        "Lỗi nội bộ của kho dữ liệu",
        "internal vault error",
    )
}

/// Bearer authentication; `Some` is the 401 to return.
pub(crate) fn authorise(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    if state.config.tokens.is_empty() {
        return None;
    }
    let given = headers
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(t)
            if state
                .config
                .tokens
                .iter()
                .any(|k| constant_time_eq(k.as_bytes(), t.as_bytes())) =>
        {
            None
        }
        _ => Some(refuse(
            StatusCode::UNAUTHORIZED,
            "auth.required",
            "Chưa xác thực với kho dữ liệu",
            "missing or unknown bearer token",
        )),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) fn vn_now() -> String {
    sohoa_vault::vn_now()
}
