//! Commit (message → receipt, idempotent by message id) and look-up by owner ID.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::params;
use serde::Serialize;
use sohoa_vault::{RESULT_ACCEPTED, Receipt, VaultMessage, parse_message};

use crate::{AppState, authorise, internal, refuse, vn_now};

fn unprocessable(code: &str, vi: &str, en: impl Into<String>) -> Response {
    refuse(StatusCode::UNPROCESSABLE_ENTITY, code, vi, en)
}

pub(crate) async fn commit(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = authorise(&state, &headers) {
        return r;
    }
    let msg = match parse_message(&body) {
        Ok(m) => m,
        Err(e) => return unprocessable("schema.invalid", "Thông điệp không đúng lược đồ", e.to_string()),
    };
    let index = state.index();
    match index.message(&msg.envelope.message_id) {
        Ok(Some((stored, receipt))) => {
            let same = serde_json::from_str::<VaultMessage>(&stored).is_ok_and(|s| s == msg);
            if !same {
                return refuse(
                    StatusCode::CONFLICT,
                    "message.id_reused",
                    "Mã thông điệp đã được dùng cho nội dung khác",
                    "this message id was committed with different content",
                );
            }
            return match serde_json::from_str::<Receipt>(&receipt) {
                Ok(r) => (StatusCode::OK, Json(r)).into_response(),
                Err(e) => internal(e.into()),
            };
        }
        Ok(None) => {}
        Err(e) => return internal(e),
    }
    // Every declared file must have arrived complete, with the declared name, type, size and hash.
    let mut pdfs = Vec::new();
    for f in &msg.files {
        let u = match index.upload(&crate::upload_id(&msg.envelope.message_id, f.ordinal)) {
            Ok(Some(u)) if u.complete => u,
            // All bytes arrived but the vault stopped before marking the file complete.
            Ok(Some(u)) if u.offset == u.length && matches!(index.finish(&u), Ok(true)) => u,
            Ok(_) => {
                return unprocessable(
                    "files.missing",
                    "Thiếu tệp của tài liệu",
                    format!("file {} was not uploaded completely", f.ordinal),
                );
            }
            Err(e) => return internal(e),
        };
        if u.sha256 != f.sha256 || u.length != f.size || u.filename != f.name || u.media_type != f.media_type
        {
            return unprocessable(
                "files.mismatch",
                "Tệp đã tải lên không khớp với thông tin khai báo",
                format!("file {} differs from the upload", f.ordinal),
            );
        }
        let path = index.file_path(&f.sha256);
        if f.media_type == "application/pdf" {
            pdfs.push((f.ordinal, path));
        } else if !state.config.allow_unsigned {
            return unprocessable(
                "signature.unsigned_file",
                "Kho chỉ nhận bản PDF đã ký số",
                format!("file {} is not a signed PDF", f.ordinal),
            );
        }
    }
    if !msg.files.is_empty() && !state.config.allow_unsigned {
        if msg.signature.is_none() {
            return unprocessable(
                "signature.missing",
                "Tài liệu chưa được ký số",
                "the message declares no signature",
            );
        }
        for (ordinal, path) in &pdfs {
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => return internal(e.into()),
            };
            if let Err(reason) = state.config.verifier.verify(&bytes, msg.signature.as_ref()) {
                return unprocessable(
                    "signature.invalid",
                    "Chữ ký số không hợp lệ",
                    format!("file {ordinal}: {reason}"),
                );
            }
        }
    }
    if state
        .config
        .fail_next_commits
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        let mut r = refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "server.maintenance",
            "Kho dữ liệu đang bảo trì",
            "the vault is under maintenance",
        );
        r.headers_mut()
            .insert("Retry-After", HeaderValue::from_static("1"));
        return r;
    }
    let relay = state.config.upstream.is_some();
    let receipt = Receipt {
        result_code: if relay {
            crate::RESULT_RELAYED
        } else {
            RESULT_ACCEPTED
        }
        .to_owned(),
        transaction_id: format!(
            "{}-{}",
            if relay { "RL" } else { "VT" },
            uuid::Uuid::now_v7().simple()
        ),
        message_id: msg.envelope.message_id.clone(),
        received_at: vn_now(),
        message: if relay {
            "Trạm chuyển tiếp đã tiếp nhận, đang chuyển lên kho dữ liệu"
        } else {
            "Đã tiếp nhận tài liệu vào kho dữ liệu"
        }
        .to_owned(),
    };
    let stored = (serde_json::to_string(&msg), serde_json::to_string(&receipt));
    let (Ok(msg_text), Ok(receipt_text)) = stored else {
        return internal(anyhow::anyhow!("cannot encode the message"));
    };
    // The message, its receipt and (for a relay) its forwarding row commit together.
    let insert = (|| -> anyhow::Result<()> {
        let tx = index.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO messages (message_id, transaction_id, owner_id, storage_key, message, receipt, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                msg.envelope.message_id,
                receipt.transaction_id,
                msg.owner.id_number,
                msg.document.storage_key,
                msg_text,
                receipt_text,
                receipt.received_at
            ],
        )?;
        if relay {
            tx.execute(
                "INSERT INTO forward (message_id, state) VALUES (?1, 'pending')",
                [&msg.envelope.message_id],
            )?;
        }
        tx.commit()?;
        Ok(())
    })();
    match insert {
        Ok(()) => {
            if relay {
                state.relay_wake.notify_one();
            }
            (StatusCode::CREATED, Json(receipt)).into_response()
        }
        Err(e) => internal(e),
    }
}

#[derive(Serialize)]
struct OwnerDocument {
    message_id: String,
    transaction_id: String,
    storage_key: Option<String>,
    received_at: String,
    message: VaultMessage,
}

pub(crate) async fn by_owner(
    State(state): State<Arc<AppState>>,
    Path(owner_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = authorise(&state, &headers) {
        return r;
    }
    if owner_id.is_empty()
        || owner_id.len() > 20
        || !owner_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            "owner.invalid",
            "Số định danh không hợp lệ",
            "bad owner id",
        );
    }
    let index = state.index();
    let rows = (|| -> anyhow::Result<Vec<OwnerDocument>> {
        let mut stmt = index.conn.prepare(
            "SELECT message_id, transaction_id, storage_key, received_at, message FROM messages
             WHERE owner_id = ?1 ORDER BY received_at",
        )?;
        let rows = stmt.query_map([&owner_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (message_id, transaction_id, storage_key, received_at, text) = row?;
            out.push(OwnerDocument {
                message_id,
                transaction_id,
                storage_key,
                received_at,
                message: serde_json::from_str(&text)?,
            });
        }
        Ok(out)
    })();
    match rows {
        Ok(docs) => Json(docs).into_response(),
        Err(e) => internal(e),
    }
}
