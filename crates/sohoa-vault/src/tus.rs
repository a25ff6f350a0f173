//! Our wire adapter: tus 1.0 (core, creation, checksum, termination) for the files, then one JSON commit
//! that returns the receipt. Written over reqwest rather than taken from a tus crate because none of them
//! (tus_async_client, tus-uploader, tusc) persists the upload URL and offset through a caller's outbox,
//! which is the whole point here (research/platform.md §2.1).

use std::io::{Read, Seek, SeekFrom};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use reqwest::{Client, StatusCode, Url};
use sha2::{Digest, Sha256};

use crate::classify::{check, error_body, net, offset_header, rejected, transient};
use crate::config::VaultConfig;
use crate::protocol::{Receipt, VaultMessage};
use crate::wire::{Checkpoint, LocalFile, ResumePoint, VaultWire};
use crate::{VaultError, WireError};

pub const TUS_VERSION: &str = "1.0.0";
/// Non-standard status of the tus checksum extension.
pub const CHECKSUM_MISMATCH: u16 = 460;

/// Counters the tests read (how many chunks went out, how many bytes).
#[derive(Debug, Default)]
pub struct TusStats {
    pub patches_sent: AtomicU64,
    pub bytes_sent: AtomicU64,
}

pub struct TusWire {
    client: Client,
    base: Url,
    token: Option<String>,
    chunk_size: usize,
    pacer: Option<Pacer>,
    pub stats: TusStats,
}

/// A bandwidth cap over time: each chunk waits until the previous bytes would have drained at `rate`.
/// Chunk-granular, which is fine-grained enough with the small chunks a capped link uses.
struct Pacer {
    rate: u64,
    next_free: Mutex<Instant>,
}

impl Pacer {
    async fn take(&self, bytes: usize) {
        let wait = {
            let mut next = self
                .next_free
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = Instant::now();
            let start = (*next).max(now);
            *next = start + Duration::from_secs_f64(bytes as f64 / self.rate as f64);
            start.saturating_duration_since(now)
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

impl TusWire {
    pub fn new(config: &VaultConfig) -> Result<TusWire, VaultError> {
        let url = config
            .url
            .as_deref()
            .ok_or_else(|| VaultError::Config("no vault URL".to_owned()))?;
        let mut base = Url::parse(url).map_err(|e| VaultError::Config(format!("vault URL {url:?}: {e}")))?;
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let mut builder = Client::builder()
            .use_rustls_tls()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(concat!("sohoa-desk/", env!("CARGO_PKG_VERSION")));
        if let Some(proxy) = &config.proxy {
            let p = reqwest::Proxy::all(proxy)
                .map_err(|e| VaultError::Config(format!("proxy {proxy:?}: {e}")))?;
            builder = builder.proxy(p);
        }
        if let Some(path) = &config.ca_pem {
            let pem =
                std::fs::read(path).map_err(|e| VaultError::Config(format!("{}: {e}", path.display())))?;
            for cert in reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| VaultError::Config(format!("{}: {e}", path.display())))?
            {
                builder = builder.add_root_certificate(cert);
            }
        }
        if let Some(path) = &config.client_identity_pem {
            let pem =
                std::fs::read(path).map_err(|e| VaultError::Config(format!("{}: {e}", path.display())))?;
            let id = reqwest::Identity::from_pem(&pem)
                .map_err(|e| VaultError::Config(format!("client certificate {}: {e}", path.display())))?;
            builder = builder.identity(id);
        }
        let client = builder
            .build()
            .map_err(|e| VaultError::Config(format!("HTTP client: {e}")))?;
        Ok(TusWire {
            client,
            base,
            token: config.bearer_token.clone(),
            chunk_size: config.chunk_size.max(1),
            pacer: config.bandwidth.map(|rate| Pacer {
                rate: rate.max(1),
                next_free: Mutex::new(Instant::now()),
            }),
            stats: TusStats::default(),
        })
    }

    fn url(&self, path: &str) -> Result<Url, WireError> {
        self.base
            .join(path)
            .map_err(|e| WireError::Local(format!("bad URL {path}: {e}")))
    }

    fn req(&self, method: reqwest::Method, url: Url) -> reqwest::RequestBuilder {
        let mut r = self
            .client
            .request(method, url)
            .header("Tus-Resumable", TUS_VERSION);
        if let Some(t) = &self.token {
            r = r.bearer_auth(t);
        }
        r
    }

    /// POST creation; the server answers an upload that already exists for (message id, ordinal) with its
    /// URL, so a crash between POST and checkpoint never duplicates a file.
    async fn create(&self, msg: &VaultMessage, f: &LocalFile) -> Result<(Url, u64), WireError> {
        let meta = [
            ("message_id", msg.envelope.message_id.as_str()),
            ("ordinal", &f.entry.ordinal.to_string()),
            ("filename", &f.entry.name),
            ("media_type", &f.entry.media_type),
            ("sha256", &f.entry.sha256),
        ]
        .iter()
        .map(|(k, v)| format!("{k} {}", B64.encode(v)))
        .collect::<Vec<_>>()
        .join(",");
        let resp = self
            .req(reqwest::Method::POST, self.url("v1/uploads")?)
            .header("Upload-Length", f.entry.size)
            .header("Upload-Metadata", meta)
            .send()
            .await
            .map_err(net)?;
        let resp = check(resp).await?;
        let loc = resp
            .headers()
            .get("Location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| rejected("protocol", "creation answered without a Location"))?;
        let url = self
            .base
            .join(loc)
            .map_err(|e| rejected("protocol", format!("bad Location {loc:?}: {e}")))?;
        Ok((url, offset_header(&resp).unwrap_or(0)))
    }

    /// HEAD: the server's offset, or `None` when the upload is gone (expired, terminated).
    async fn head(&self, url: &Url) -> Result<Option<u64>, WireError> {
        let resp = self
            .req(reqwest::Method::HEAD, url.clone())
            .send()
            .await
            .map_err(net)?;
        if matches!(resp.status(), StatusCode::NOT_FOUND | StatusCode::GONE) {
            return Ok(None);
        }
        let resp = check(resp).await?;
        offset_header(&resp)
            .map(Some)
            .ok_or_else(|| rejected("protocol", "HEAD answered without Upload-Offset"))
    }

    async fn patch(&self, url: &Url, offset: u64, chunk: Vec<u8>) -> Result<Patched, WireError> {
        if let Some(p) = &self.pacer {
            p.take(chunk.len()).await;
        }
        let digest = B64.encode(Sha256::digest(&chunk));
        self.stats.patches_sent.fetch_add(1, Ordering::Relaxed);
        self.stats
            .bytes_sent
            .fetch_add(chunk.len() as u64, Ordering::Relaxed);
        let resp = self
            .req(reqwest::Method::PATCH, url.clone())
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset)
            .header("Upload-Checksum", format!("sha256 {digest}"))
            .body(chunk)
            .send()
            .await
            .map_err(net)?;
        match resp.status() {
            StatusCode::CONFLICT => return Ok(Patched::Resync),
            StatusCode::NOT_FOUND | StatusCode::GONE => return Ok(Patched::Gone),
            s if s.as_u16() == CHECKSUM_MISMATCH => {
                let body = error_body(resp).await;
                // "file-checksum": the whole file does not hash as declared, a local problem no retry fixes.
                if body.code == "upload.file_checksum" {
                    return Err(rejected("file_checksum", body.message_en));
                }
                return Ok(Patched::ChunkCorrupted);
            }
            _ => {}
        }
        let resp = check(resp).await?;
        offset_header(&resp)
            .map(Patched::Offset)
            .ok_or_else(|| rejected("protocol", "PATCH answered without Upload-Offset"))
    }

    /// Sends one file from the recorded position to its end.
    async fn send_file(
        &self,
        msg: &VaultMessage,
        index: u32,
        f: &LocalFile,
        resume_url: Option<&str>,
        cp: &dyn Checkpoint,
    ) -> Result<(), WireError> {
        let mut url = resume_url.and_then(|u| Url::parse(u).ok());
        let mut corrupted_in_a_row = 0;
        let mut offset = None;
        // Opened at the first chunk and kept for the rest of the file.
        let mut file = None;
        loop {
            let Some(u) = url.clone() else {
                verify_local(f)?;
                let (u, off) = self.create(msg, f).await?;
                cp.progress(index, Some(u.as_str()), off)?;
                url = Some(u);
                offset = Some(off);
                continue;
            };
            let off = match offset {
                Some(o) => o,
                None => match self.head(&u).await? {
                    Some(o) => o,
                    None => {
                        url = None;
                        continue;
                    }
                },
            };
            if off >= f.entry.size {
                return Ok(());
            }
            let chunk = read_chunk(f, &mut file, off, self.chunk_size)?;
            match self.patch(&u, off, chunk).await? {
                Patched::Offset(new) => {
                    cp.progress(index, Some(u.as_str()), new)?;
                    offset = Some(new);
                    corrupted_in_a_row = 0;
                }
                Patched::Resync => offset = None,
                Patched::Gone => {
                    url = None;
                    offset = None;
                }
                Patched::ChunkCorrupted => {
                    corrupted_in_a_row += 1;
                    if corrupted_in_a_row >= 2 {
                        return Err(rejected("chunk_checksum", "the same chunk arrived damaged twice"));
                    }
                    offset = None;
                }
            }
        }
    }

    async fn commit(&self, msg: &VaultMessage) -> Result<Receipt, WireError> {
        let resp = self
            .req(reqwest::Method::POST, self.url("v1/messages")?)
            .json(msg)
            .send()
            .await
            .map_err(net)?;
        let resp = check(resp).await?;
        let receipt: Receipt = resp
            .json()
            .await
            .map_err(|e| transient("bad_response", format!("receipt unreadable: {e}"), None))?;
        if receipt.message_id != msg.envelope.message_id || receipt.transaction_id.trim().is_empty() {
            return Err(rejected("protocol", "the receipt does not match the message"));
        }
        Ok(receipt)
    }

    /// tus termination: withdraws an unfinished upload.
    pub async fn terminate(&self, url: &str) -> Result<(), WireError> {
        let u = Url::parse(url).map_err(|e| WireError::Local(e.to_string()))?;
        let resp = self.req(reqwest::Method::DELETE, u).send().await.map_err(net)?;
        if matches!(resp.status(), StatusCode::NOT_FOUND | StatusCode::GONE) {
            return Ok(());
        }
        check(resp).await.map(|_| ())
    }
}

enum Patched {
    Offset(u64),
    Resync,
    Gone,
    ChunkCorrupted,
}

impl VaultWire for TusWire {
    async fn deliver(
        &self,
        message: &VaultMessage,
        files: &[LocalFile],
        resume: &ResumePoint,
        checkpoint: &dyn Checkpoint,
    ) -> Result<Receipt, WireError> {
        if !resume.uploaded {
            for (i, f) in files.iter().enumerate().skip(resume.file_index as usize) {
                let i = i as u32;
                let url = (i == resume.file_index)
                    .then_some(resume.url.as_deref())
                    .flatten();
                self.send_file(message, i, f, url, checkpoint).await?;
            }
            checkpoint.uploaded()?;
        }
        self.commit(message).await
    }

    async fn reachable(&self) -> bool {
        let Ok(url) = self.url("v1/uploads") else {
            return false;
        };
        matches!(
            self.client.request(reqwest::Method::OPTIONS, url).send().await,
            Ok(r) if !r.status().is_server_error()
        )
    }
}

fn verify_local(f: &LocalFile) -> Result<(), WireError> {
    let mut file =
        std::fs::File::open(&f.path).map_err(|e| WireError::Local(format!("{}: {e}", f.path.display())))?;
    let mut h = Sha256::new();
    std::io::copy(&mut file, &mut h).map_err(|e| WireError::Local(format!("{}: {e}", f.path.display())))?;
    if hex::encode(h.finalize()) != f.entry.sha256 {
        return Err(WireError::Local(format!(
            "{} does not match its recorded sha256: the stored file is damaged",
            f.path.display()
        )));
    }
    Ok(())
}

fn read_chunk(
    f: &LocalFile,
    file: &mut Option<std::fs::File>,
    offset: u64,
    max: usize,
) -> Result<Vec<u8>, WireError> {
    let io = |e: std::io::Error| WireError::Local(format!("{}: {e}", f.path.display()));
    let file = match file {
        Some(file) => file,
        None => file.insert(std::fs::File::open(&f.path).map_err(io)?),
    };
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    let len = (f.entry.size - offset).min(max as u64) as usize;
    let mut buf = vec![0; len];
    file.read_exact(&mut buf).map_err(io)?;
    Ok(buf)
}
