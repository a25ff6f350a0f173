//! tus 1.0: core (HEAD, PATCH), creation (POST), checksum (sha256 per PATCH), termination (DELETE).
//!
//! Deviations, documented in docs/vault-protocol.md: creation is idempotent per (message id, ordinal) and
//! answers an existing upload with its URL and `Upload-Offset`; only `sha256` is offered as checksum
//! algorithm (tus asks servers for sha1; sha1 adds nothing over sha256 here).

use std::sync::{Arc, MutexGuard};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};
use sohoa_vault::{MAX_FILE_SIZE, MEDIA_TYPES, check_file_name};

use crate::index::{Index, Upload, upload_id};
use crate::{AppState, authorise, internal, refuse, vn_now};

const CHECKSUM_MISMATCH: u16 = 460;

fn tus_headers(resp: &mut Response) {
    resp.headers_mut()
        .insert("Tus-Resumable", HeaderValue::from_static("1.0.0"));
}

fn with_offset(status: StatusCode, offset: u64, extra: &[(&'static str, String)]) -> Response {
    let mut resp = status.into_response();
    tus_headers(&mut resp);
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&offset.to_string()) {
        h.insert("Upload-Offset", v);
    }
    for (k, v) in extra {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(*k, v);
        }
    }
    resp
}

/// Every request but OPTIONS must speak tus 1.0.0.
fn check_version(headers: &HeaderMap) -> Option<Response> {
    match headers.get("Tus-Resumable").and_then(|v| v.to_str().ok()) {
        Some("1.0.0") => None,
        _ => {
            let mut r = refuse(
                StatusCode::PRECONDITION_FAILED,
                "tus.version",
                "Phiên bản giao thức tải lên không được hỗ trợ",
                "Tus-Resumable 1.0.0 required",
            );
            r.headers_mut()
                .insert("Tus-Version", HeaderValue::from_static("1.0.0"));
            Some(r)
        }
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn bad_request(code: &str, en: impl Into<String>) -> Response {
    refuse(StatusCode::BAD_REQUEST, code, "Yêu cầu tải lên không hợp lệ", en)
}

pub(crate) async fn options(State(state): State<Arc<AppState>>) -> Response {
    let mut resp = StatusCode::NO_CONTENT.into_response();
    let h = resp.headers_mut();
    h.insert("Tus-Resumable", HeaderValue::from_static("1.0.0"));
    h.insert("Tus-Version", HeaderValue::from_static("1.0.0"));
    h.insert(
        "Tus-Extension",
        HeaderValue::from_static("creation,checksum,termination"),
    );
    h.insert("Tus-Checksum-Algorithm", HeaderValue::from_static("sha256"));
    if let Ok(v) = HeaderValue::from_str(&state.config.max_upload_size.to_string()) {
        h.insert("Tus-Max-Size", v);
    }
    resp
}

/// `Upload-Metadata`: `key base64,key base64`. Unknown keys are ignored (tus), required ones checked.
fn parse_metadata(raw: &str) -> Result<std::collections::HashMap<String, String>, String> {
    let mut out = std::collections::HashMap::new();
    for pair in raw.split(',') {
        let mut parts = pair.trim().splitn(2, ' ');
        let key = parts.next().unwrap_or_default();
        if key.is_empty() {
            return Err("empty key in Upload-Metadata".to_owned());
        }
        let value = parts.next().unwrap_or_default();
        let bytes = B64
            .decode(value.trim())
            .map_err(|_| format!("{key}: not base64"))?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{key}: not UTF-8"))?;
        out.insert(key.to_owned(), text);
    }
    Ok(out)
}

pub(crate) async fn create(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(r) = authorise(&state, &headers).or_else(|| check_version(&headers)) {
        return r;
    }
    if headers.contains_key("Upload-Defer-Length") {
        return bad_request("tus.defer_length", "Upload-Defer-Length is not supported");
    }
    let Some(length) = header_u64(&headers, "Upload-Length") else {
        return bad_request("tus.length", "Upload-Length missing or not a number");
    };
    if length > state.config.max_upload_size || length > MAX_FILE_SIZE {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "upload.too_large",
            "Tệp quá lớn",
            format!("larger than Tus-Max-Size {}", state.config.max_upload_size),
        );
    }
    if length == 0 {
        return bad_request("upload.empty", "an empty file is not a document");
    }
    let raw = headers
        .get("Upload-Metadata")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let meta = match parse_metadata(raw) {
        Ok(m) => m,
        Err(e) => return bad_request("upload.metadata", e),
    };
    let get = |k: &str| meta.get(k).cloned().unwrap_or_default();
    let message_id = get("message_id");
    if uuid::Uuid::parse_str(&message_id)
        .ok()
        .map(|u| u.hyphenated().to_string())
        .as_ref()
        != Some(&message_id)
    {
        return bad_request("upload.metadata", "message_id must be a lowercase UUID");
    }
    let ordinal: u32 = match get("ordinal").parse() {
        Ok(o) if (1..=sohoa_vault::protocol::MAX_FILES as u32).contains(&o) => o,
        _ => return bad_request("upload.metadata", "ordinal must be 1..500"),
    };
    let filename = get("filename");
    if let Err(e) = check_file_name("filename", &filename) {
        return bad_request("upload.filename", e.to_string());
    }
    let media_type = get("media_type");
    if !MEDIA_TYPES.contains(&media_type.as_str()) {
        return bad_request("upload.media_type", "PDF, PNG, JPEG or TIFF only");
    }
    let sha256 = get("sha256");
    if sha256.len() != 64
        || !sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return bad_request("upload.metadata", "sha256 must be 64 lowercase hex digits");
    }
    let id = upload_id(&message_id, ordinal);
    let index = state.index();
    let location = [("Location", format!("/v1/uploads/{id}"))];
    match index.upload(&id) {
        Ok(Some(u)) if u.length == length && u.sha256 == sha256 => {
            with_offset(StatusCode::CREATED, u.reported_offset(), &location)
        }
        Ok(Some(_)) => refuse(
            StatusCode::CONFLICT,
            "upload.conflict",
            "Tệp này đã được tải lên với nội dung khác",
            "this message's file was created with a different length or sha256",
        ),
        Ok(None) => {
            if matches!(index.committed(&message_id), Ok(true)) {
                return refuse(
                    StatusCode::CONFLICT,
                    "upload.committed",
                    "Thông điệp đã được tiếp nhận",
                    "the message is already committed",
                );
            }
            let u = Upload {
                id: id.clone(),
                message_id,
                ordinal,
                length,
                offset: 0,
                sha256,
                filename,
                media_type,
                complete: false,
            };
            match index.insert_upload(&u, &vn_now()) {
                Ok(()) => with_offset(StatusCode::CREATED, 0, &location),
                Err(e) => internal(e),
            }
        }
        Err(e) => internal(e),
    }
}

pub(crate) async fn head(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match existing(&state, &headers, &id) {
        Ok((_, u)) => with_offset(
            StatusCode::OK,
            u.reported_offset(),
            &[
                ("Upload-Length", u.length.to_string()),
                ("Cache-Control", "no-store".to_owned()),
            ],
        ),
        Err(r) => *r,
    }
}

fn not_found() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "upload.not_found",
        "Không có phiên tải lên này",
        "no such upload",
    )
}

/// The upload `id` names, with the index still locked, or the response refusing the request (no access,
/// no tus, no such upload).
fn existing<'a>(
    state: &'a AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<(MutexGuard<'a, Index>, Upload), Box<Response>> {
    if let Some(r) = authorise(state, headers).or_else(|| check_version(headers)) {
        return Err(Box::new(r));
    }
    let index = state.index();
    match index.upload(id) {
        Ok(Some(u)) => Ok((index, u)),
        Ok(None) => Err(Box::new(not_found())),
        Err(e) => Err(Box::new(internal(e))),
    }
}

pub(crate) async fn patch(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = authorise(&state, &headers).or_else(|| check_version(&headers)) {
        return r;
    }
    if headers.get("Content-Type").and_then(|v| v.to_str().ok()) != Some("application/offset+octet-stream") {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "tus.content_type",
            "Sai kiểu nội dung",
            "Content-Type must be application/offset+octet-stream",
        );
    }
    let Some(offset) = header_u64(&headers, "Upload-Offset") else {
        return bad_request("tus.offset", "Upload-Offset missing or not a number");
    };
    let expected = match headers.get("Upload-Checksum").and_then(|v| v.to_str().ok()) {
        None => None,
        Some(v) => match v.split_once(' ') {
            Some(("sha256", d)) => match B64.decode(d.trim()) {
                Ok(d) => Some(d),
                Err(_) => return bad_request("tus.checksum", "Upload-Checksum digest is not base64"),
            },
            _ => return bad_request("tus.checksum_algorithm", "only sha256 is supported"),
        },
    };
    let index = state.index();
    let u = match index.upload(&id) {
        Ok(Some(u)) => u,
        Ok(None) => return not_found(),
        Err(e) => return internal(e),
    };
    if u.complete || offset != u.offset {
        return refuse(
            StatusCode::CONFLICT,
            "tus.offset_mismatch",
            "Sai vị trí tải lên",
            format!(
                "Upload-Offset {offset} but the upload is at {}",
                u.reported_offset()
            ),
        );
    }
    if offset + body.len() as u64 > u.length {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "tus.beyond_length",
            "Dữ liệu vượt quá kích thước đã khai báo",
            "the chunk goes past Upload-Length",
        );
    }
    if let Some(d) = expected
        && Sha256::digest(&body).as_slice() != d.as_slice()
    {
        return refuse(
            StatusCode::from_u16(CHECKSUM_MISMATCH).unwrap_or(StatusCode::BAD_REQUEST),
            "upload.chunk_checksum",
            "Dữ liệu bị hỏng khi truyền",
            "Checksum Mismatch",
        );
    }
    let new_offset = match index.append_chunk(&u, &body) {
        Ok(o) => o,
        Err(e) => return internal(e),
    };
    if new_offset == u.length {
        match index.finish(&Upload {
            offset: new_offset,
            ..u
        }) {
            Ok(true) => {}
            Ok(false) => {
                return refuse(
                    StatusCode::from_u16(CHECKSUM_MISMATCH).unwrap_or(StatusCode::BAD_REQUEST),
                    "upload.file_checksum",
                    "Tệp nhận được không khớp mã băm sha256 đã khai báo",
                    "the whole file does not match its declared sha256",
                );
            }
            Err(e) => return internal(e),
        }
    }
    with_offset(StatusCode::NO_CONTENT, new_offset, &[])
}

pub(crate) async fn terminate(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (index, u) = match existing(&state, &headers, &id) {
        Ok(found) => found,
        Err(r) => return *r,
    };
    if matches!(index.committed(&u.message_id), Ok(true)) {
        return refuse(
            StatusCode::FORBIDDEN,
            "upload.committed",
            "Tài liệu đã được lưu, không thể hủy",
            "the upload belongs to a committed message",
        );
    }
    match index.delete_upload(&u) {
        Ok(()) => {
            let mut r = StatusCode::NO_CONTENT.into_response();
            tus_headers(&mut r);
            r
        }
        Err(e) => internal(e),
    }
}
