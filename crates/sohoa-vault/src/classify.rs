//! How an HTTP exchange with the vault is classified: what is worth retrying (network errors, 5xx, 408,
//! 429, with `Retry-After`) and what is a refusal a human must look at (every other 4xx).

use std::time::Duration;

use reqwest::{Response, StatusCode};

use crate::WireError;
use crate::protocol::ErrorBody;

pub(crate) fn offset_header(resp: &Response) -> Option<u64> {
    resp.headers().get("Upload-Offset")?.to_str().ok()?.parse().ok()
}

pub(crate) fn transient(
    code: &'static str,
    detail: impl Into<String>,
    retry_after: Option<Duration>,
) -> WireError {
    WireError::Transient {
        code,
        detail: detail.into(),
        retry_after,
    }
}

pub(crate) fn rejected(code: &str, reason: impl Into<String>) -> WireError {
    WireError::Rejected {
        code: code.to_owned(),
        reason: reason.into(),
    }
}

pub(crate) fn net(e: reqwest::Error) -> WireError {
    let code = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "network"
    };
    transient(code, e.to_string(), None)
}

pub(crate) async fn error_body(resp: Response) -> ErrorBody {
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_else(|_| ErrorBody {
        code: format!("http.{}", status.as_u16()),
        message: text.chars().take(300).collect(),
        message_en: String::new(),
    })
}

/// Success passes; 5xx, 408 and 429 are transient (with `Retry-After`); every other status is a refusal.
pub(crate) async fn check(resp: Response) -> Result<Response, WireError> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let retry_after = resp
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let body = error_body(resp).await;
    let detail = format!("HTTP {}: {} {}", status.as_u16(), body.code, body.message_en);
    if status.is_server_error() {
        return Err(transient("server_error", detail, retry_after));
    }
    if matches!(
        status,
        StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS
    ) {
        return Err(transient("throttled", detail, retry_after));
    }
    // The officer reads the Vietnamese first; support staff get the English and the code.
    let reason = match (body.message.is_empty(), body.message_en.is_empty()) {
        (false, false) => format!("{} — {}", body.message, body.message_en),
        (false, true) => body.message,
        _ => body.message_en,
    };
    Err(rejected(
        &body.code,
        format!("HTTP {}: {reason}", status.as_u16()),
    ))
}

/// Delta-seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    if let Ok(s) = v.trim().parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v.trim()).ok()?;
    let ms = (when.timestamp_millis() - chrono::Utc::now().timestamp_millis()).max(0);
    Some(Duration::from_millis(ms as u64))
}
