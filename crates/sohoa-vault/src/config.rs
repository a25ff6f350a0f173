//! Uploader settings: environment first (`SOHOA_VAULT_*`), then `<data dir>/vault.toml`, then defaults.
//!
//! Commune links are slow and shared with the office's other work, hence the bandwidth cap and upload
//! windows (e.g. `17:30-07:00`: only outside office hours).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveTime, Timelike};
use serde::Deserialize;

use crate::VaultError;

#[derive(Debug, Clone)]
pub struct VaultConfig {
    /// Base URL of the vault (`https://vault.example/`); `None` = training mode, nothing leaves the desk.
    pub url: Option<String>,
    pub agency_code: Option<String>,
    pub bearer_token: Option<String>,
    /// PEM file holding the client certificate chain and its private key (mutual TLS).
    pub client_identity_pem: Option<PathBuf>,
    /// Extra trust anchors for the vault's server certificate (PEM), on top of the system store.
    pub ca_pem: Option<PathBuf>,
    /// Explicit proxy (`http://host:port`); otherwise `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` apply.
    pub proxy: Option<String>,
    pub chunk_size: usize,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Bytes per second; `None` = unlimited.
    pub bandwidth: Option<u64>,
    pub windows: Vec<UploadWindow>,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// How often a waiting uploader probes whether the vault became reachable again.
    pub probe_interval: Duration,
}

impl Default for VaultConfig {
    fn default() -> VaultConfig {
        VaultConfig {
            url: None,
            agency_code: None,
            bearer_token: None,
            client_identity_pem: None,
            ca_pem: None,
            proxy: None,
            chunk_size: 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            bandwidth: None,
            windows: Vec::new(),
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(15 * 60),
            probe_interval: Duration::from_secs(15),
        }
    }
}

/// `vault.toml` in the data directory; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    url: Option<String>,
    agency_code: Option<String>,
    token: Option<String>,
    client_pem: Option<PathBuf>,
    ca_pem: Option<PathBuf>,
    proxy: Option<String>,
    chunk_kib: Option<u64>,
    timeout_ms: Option<u64>,
    bandwidth_kib: Option<u64>,
    windows: Option<String>,
    backoff_ms: Option<String>,
    probe_ms: Option<u64>,
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

fn num(key: &str, v: &str) -> Result<u64, VaultError> {
    v.trim()
        .parse()
        .map_err(|_| VaultError::Config(format!("{key}: expected a number, got {v:?}")))
}

impl VaultConfig {
    /// Reads `<data_dir>/vault.toml` (if present) and the `SOHOA_VAULT_*` variables, which win.
    pub fn load(data_dir: &Path) -> Result<VaultConfig, VaultError> {
        let path = data_dir.join("vault.toml");
        let file: FileSettings = match std::fs::read_to_string(&path) {
            Ok(text) => {
                toml::from_str(&text).map_err(|e| VaultError::Config(format!("{}: {e}", path.display())))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileSettings::default(),
            Err(e) => return Err(VaultError::Config(format!("{}: {e}", path.display()))),
        };
        let mut c = VaultConfig {
            url: env("SOHOA_VAULT_URL").or(file.url),
            agency_code: env("SOHOA_AGENCY_CODE").or(file.agency_code),
            bearer_token: env("SOHOA_VAULT_TOKEN").or(file.token),
            client_identity_pem: env("SOHOA_VAULT_CLIENT_PEM")
                .map(PathBuf::from)
                .or(file.client_pem),
            ca_pem: env("SOHOA_VAULT_CA_PEM").map(PathBuf::from).or(file.ca_pem),
            proxy: env("SOHOA_VAULT_PROXY").or(file.proxy),
            ..VaultConfig::default()
        };
        let text_or = |key: &str, v: Option<u64>| env(key).map(|s| num(key, &s)).transpose().map(|e| e.or(v));
        if let Some(kib) = text_or("SOHOA_VAULT_CHUNK_KIB", file.chunk_kib)? {
            c.chunk_size = (kib.clamp(1, 64 * 1024) * 1024) as usize;
        }
        if let Some(ms) = text_or("SOHOA_VAULT_TIMEOUT_MS", file.timeout_ms)? {
            c.request_timeout = Duration::from_millis(ms.max(100));
            c.connect_timeout = Duration::from_millis(ms.max(100));
        }
        if let Some(kib) = text_or("SOHOA_VAULT_BANDWIDTH_KIB", file.bandwidth_kib)? {
            c.bandwidth = (kib > 0).then_some(kib * 1024);
        }
        if let Some(ms) = text_or("SOHOA_VAULT_PROBE_MS", file.probe_ms)? {
            c.probe_interval = Duration::from_millis(ms.max(10));
        }
        if let Some(w) = env("SOHOA_VAULT_WINDOWS").or(file.windows) {
            c.windows = parse_windows(&w)?;
        }
        if let Some(b) = env("SOHOA_VAULT_BACKOFF_MS").or(file.backoff_ms) {
            let (base, cap) = b
                .split_once(',')
                .ok_or_else(|| VaultError::Config(format!("backoff: expected BASE_MS,CAP_MS, got {b:?}")))?;
            c.backoff_base = Duration::from_millis(num("backoff", base)?.max(1));
            c.backoff_cap = Duration::from_millis(num("backoff", cap)?.max(1));
        }
        Ok(c)
    }
}

/// A daily time range in Vietnam time; `start > end` wraps past midnight (`17:30-07:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadWindow {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl UploadWindow {
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

/// `HH:MM-HH:MM[,HH:MM-HH:MM…]`.
pub fn parse_windows(s: &str) -> Result<Vec<UploadWindow>, VaultError> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|part| {
            let bad = || VaultError::Config(format!("upload window {part:?}: expected HH:MM-HH:MM"));
            let (a, b) = part.trim().split_once('-').ok_or_else(bad)?;
            let t = |x: &str| NaiveTime::parse_from_str(x.trim(), "%H:%M").map_err(|_| bad());
            Ok(UploadWindow {
                start: t(a)?,
                end: t(b)?,
            })
        })
        .collect()
}

/// Whether uploads may run at `now` (Vietnam time of day); no windows = always. Otherwise, how long until
/// the next window opens.
pub fn window_wait(windows: &[UploadWindow], now: NaiveTime) -> Option<Duration> {
    if windows.is_empty() || windows.iter().any(|w| w.contains(now)) {
        return None;
    }
    let now_s = i64::from(now.num_seconds_from_midnight());
    windows
        .iter()
        .map(|w| {
            let start = i64::from(w.start.num_seconds_from_midnight());
            (start - now_s).rem_euclid(86_400)
        })
        .min()
        .map(|s| Duration::from_secs(s.max(1) as u64))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    #[test]
    fn windows_wrap_past_midnight_and_say_how_long_to_wait() {
        let w = parse_windows("17:30-07:00").unwrap();
        assert_eq!(window_wait(&w, t("18:00")), None);
        assert_eq!(window_wait(&w, t("03:00")), None);
        assert_eq!(
            window_wait(&w, t("07:00")),
            Some(Duration::from_secs(10 * 3600 + 1800))
        );
        assert_eq!(window_wait(&w, t("17:00")), Some(Duration::from_secs(1800)));
        assert_eq!(window_wait(&[], t("12:00")), None);
        assert!(parse_windows("17:30").is_err());
        assert!(parse_windows("25:00-01:00").is_err());
    }
}
