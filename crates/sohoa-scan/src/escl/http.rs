//! HTTP for eSCL: one ureq agent per device, 503 ("busy, ask again") retried with exponential backoff.

use std::time::{Duration, Instant};

use crate::ScanError;

/// Backoff for 503 answers: 100 ms doubling to 2 s, for at most `busy_budget` in total.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub first: Duration,
    pub max: Duration,
    pub busy_budget: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            first: Duration::from_millis(100),
            max: Duration::from_secs(2),
            busy_budget: Duration::from_secs(60),
        }
    }
}

pub struct Client {
    agent: ureq::Agent,
    /// e.g. `http://192.168.1.20:80/eSCL` (no trailing slash).
    pub base: String,
    pub retry: Retry,
}

pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

fn io(e: ureq::Error) -> ScanError {
    match e {
        ureq::Error::Timeout(_) => ScanError::Timeout,
        other => ScanError::Io(other.to_string()),
    }
}

impl Client {
    pub fn new(base: &str) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // A feeder scan can take a while before NextDocument answers; connects fail fast.
            .timeout_global(Some(Duration::from_secs(120)))
            .timeout_connect(Some(Duration::from_secs(5)))
            .build()
            .into();
        Client {
            agent,
            base: base.trim_end_matches('/').to_owned(),
            retry: Retry::default(),
        }
    }

    /// Absolute URL for a path relative to the eSCL root, or for a Location header (absolute, or
    /// absolute-path like `/eSCL/ScanJobs/42`).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            return path.to_owned();
        }
        if path.starts_with('/') {
            let origin_end = self
                .base
                .find("://")
                .map(|i| i + 3)
                .and_then(|s| self.base[s..].find('/').map(|j| s + j));
            let origin = origin_end.map_or(self.base.as_str(), |e| &self.base[..e]);
            return format!("{origin}{path}");
        }
        format!("{}/{}", self.base, path)
    }

    fn send(&self, method: &str, url: &str, body: Option<&str>) -> Result<Reply, ScanError> {
        let started = Instant::now();
        let mut wait = self.retry.first;
        loop {
            let r = match (method, body) {
                ("POST", Some(b)) => self
                    .agent
                    .post(url)
                    .header("Content-Type", "text/xml")
                    .send(b.as_bytes()),
                ("DELETE", _) => self.agent.delete(url).call(),
                _ => self.agent.get(url).call(),
            };
            let mut resp = r.map_err(io)?;
            let status = resp.status().as_u16();
            if status == 503 && started.elapsed() + wait <= self.retry.busy_budget {
                tracing::debug!(url, ?wait, "eSCL 503, retrying");
                std::thread::sleep(wait);
                wait = (wait * 2).min(self.retry.max);
                continue;
            }
            let location = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = resp
                .body_mut()
                .with_config()
                .limit(512 * 1024 * 1024)
                .read_to_vec()
                .map_err(io)?;
            return Ok(Reply {
                status,
                location,
                body,
            });
        }
    }

    pub fn get(&self, path: &str) -> Result<Reply, ScanError> {
        self.send("GET", &self.url(path), None)
    }

    pub fn get_text(&self, path: &str) -> Result<String, ScanError> {
        let r = self.get(path)?;
        if r.status != 200 {
            return Err(http_error(r.status, path));
        }
        String::from_utf8(r.body).map_err(|_| ScanError::Protocol(format!("{path}: not UTF-8")))
    }

    pub fn post(&self, path: &str, body: &str) -> Result<Reply, ScanError> {
        self.send("POST", &self.url(path), Some(body))
    }

    pub fn delete(&self, url: &str) -> Result<u16, ScanError> {
        Ok(self.send("DELETE", &self.url(url), None)?.status)
    }
}

pub fn http_error(status: u16, what: &str) -> ScanError {
    match status {
        503 | 409 => ScanError::Busy,
        404 => ScanError::NoDevice(what.to_owned()),
        400 | 406 | 415 => ScanError::InvalidOption {
            name: what.to_owned(),
            reason: format!("HTTP {status}"),
        },
        _ => ScanError::Protocol(format!("{what}: HTTP {status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_against_the_root() {
        let c = Client::new("http://10.0.0.5:8080/eSCL/");
        assert_eq!(c.url("ScannerStatus"), "http://10.0.0.5:8080/eSCL/ScannerStatus");
        assert_eq!(c.url("/eSCL/ScanJobs/7"), "http://10.0.0.5:8080/eSCL/ScanJobs/7");
        assert_eq!(c.url("http://other/x"), "http://other/x");
    }
}
