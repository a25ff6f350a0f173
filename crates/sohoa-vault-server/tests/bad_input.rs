//! The vault refuses bad input cleanly (a status and a JSON reason, never a crash or a stray file):
//! oversized uploads, malformed metadata, path traversal in names, wrong offsets, bad checksums, missing
//! authentication; and it answers a repeated message id with the original receipt.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sohoa_vault_server::RunningServer;

struct Vault {
    _dir: tempfile::TempDir,
    dir: std::path::PathBuf,
    server: RunningServer,
    http: Client,
}

impl Vault {
    fn start() -> Vault {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let server =
            RunningServer::start(common::server_config(&path), "127.0.0.1:0".parse().unwrap()).unwrap();
        Vault {
            _dir: dir,
            dir: path,
            server,
            http: Client::new(),
        }
    }

    fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(
                method,
                format!("{}{}", self.server.url(), path.trim_start_matches('/')),
            )
            .header("Tus-Resumable", "1.0.0")
            .bearer_auth(common::TOKEN)
    }

    async fn create(&self, message_id: &str, ordinal: u32, name: &str, data: &[u8]) -> reqwest::Response {
        let meta = [
            ("message_id", message_id.to_owned()),
            ("ordinal", ordinal.to_string()),
            ("filename", name.to_owned()),
            ("media_type", "application/pdf".to_owned()),
            ("sha256", hex::encode(Sha256::digest(data))),
        ]
        .iter()
        .map(|(k, v)| format!("{k} {}", B64.encode(v)))
        .collect::<Vec<_>>()
        .join(",");
        self.req(Method::POST, "v1/uploads")
            .header("Upload-Length", data.len())
            .header("Upload-Metadata", meta)
            .send()
            .await
            .unwrap()
    }

    async fn patch(&self, location: &str, offset: u64, body: &[u8]) -> reqwest::Response {
        self.req(Method::PATCH, location)
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset)
            .header(
                "Upload-Checksum",
                format!("sha256 {}", B64.encode(Sha256::digest(body))),
            )
            .body(body.to_vec())
            .send()
            .await
            .unwrap()
    }
}

async fn code_of(resp: reqwest::Response) -> (StatusCode, String) {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    (status, body["code"].as_str().unwrap_or("").to_owned())
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()["Location"].to_str().unwrap().to_owned()
}

const MID: &str = "0195f3a2-7c4e-7a10-8b3c-111111111111";

#[tokio::test]
async fn uploads_with_bad_input_are_refused_cleanly() {
    let v = Vault::start();
    let data = sohoa_vault::pdfsig::sample_signed_pdf("a");

    // No token, unknown token, no tus version.
    let r = v
        .http
        .post(format!("{}v1/uploads", v.server.url()))
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(r).await,
        (StatusCode::UNAUTHORIZED, "auth.required".to_owned())
    );
    let r = v
        .http
        .post(format!("{}v1/uploads", v.server.url()))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = v
        .http
        .post(format!("{}v1/uploads", v.server.url()))
        .bearer_auth(common::TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(r).await,
        (StatusCode::PRECONDITION_FAILED, "tus.version".to_owned())
    );

    // Oversized declared length.
    let r = v
        .req(Method::POST, "v1/uploads")
        .header("Upload-Length", 5 * 1024 * 1024)
        .header("Upload-Metadata", "")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(r).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "upload.too_large".to_owned())
    );
    // Malformed metadata.
    let r = v
        .req(Method::POST, "v1/uploads")
        .header("Upload-Length", 10)
        .header("Upload-Metadata", "message_id !!!notbase64")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(r).await,
        (StatusCode::BAD_REQUEST, "upload.metadata".to_owned())
    );
    let r = v
        .req(Method::POST, "v1/uploads")
        .header("Upload-Length", "ten")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(r).await,
        (StatusCode::BAD_REQUEST, "tus.length".to_owned())
    );
    // Path traversal and path separators in names.
    for name in ["../../etc/passwd", "..", "a/b.pdf", "C:\\x.pdf", "bad\u{0}.pdf"] {
        let r = v.create(MID, 1, name, &data).await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::BAD_REQUEST, "upload.filename".to_owned()),
            "{name:?}"
        );
    }
    assert_eq!(
        std::fs::read_dir(v.dir.join("uploads")).unwrap().count(),
        0,
        "nothing was created"
    );

    // A good creation, then wrong offsets, wrong type, oversized chunk, corrupted chunk.
    let r = v.create(MID, 1, "ban-sao.pdf", &data).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let loc = location(&r);
    let r = v.patch(&loc, 5, &data[5..10]).await;
    assert_eq!(
        code_of(r).await,
        (StatusCode::CONFLICT, "tus.offset_mismatch".to_owned())
    );
    let r = v
        .req(Method::PATCH, &loc)
        .header("Upload-Offset", 0)
        .body(data.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = v.patch(&loc, 0, &vec![b'x'; 65 * 1024]).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = v
        .req(Method::PATCH, &loc)
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", 0)
        .header(
            "Upload-Checksum",
            format!("sha256 {}", B64.encode(Sha256::digest(b"other"))),
        )
        .body(data[..10].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(r).await,
        (
            StatusCode::from_u16(460).unwrap(),
            "upload.chunk_checksum".to_owned()
        )
    );
    let r = v
        .req(Method::PATCH, &loc)
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", 0)
        .header("Upload-Checksum", "md5 AAAA")
        .body(vec![1])
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(r).await,
        (StatusCode::BAD_REQUEST, "tus.checksum_algorithm".to_owned())
    );
    let head = v.req(Method::HEAD, &loc).send().await.unwrap();
    assert_eq!(
        head.headers()["Upload-Offset"],
        "0",
        "no refused chunk moved the offset"
    );
    assert_eq!(head.headers()["Cache-Control"], "no-store");
    // Beyond the declared length.
    let mut longer = data.clone();
    longer.push(b'!');
    let r = v.patch(&loc, 0, &longer).await;
    assert_eq!(
        code_of(r).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "tus.beyond_length".to_owned())
    );
    // Creating again answers the same upload (idempotent creation); different content is a conflict.
    let again = v.create(MID, 1, "ban-sao.pdf", &data).await;
    assert_eq!(location(&again), loc);
    let r = v.create(MID, 1, "ban-sao.pdf", b"%PDF-other").await;
    assert_eq!(
        code_of(r).await,
        (StatusCode::CONFLICT, "upload.conflict".to_owned())
    );

    // The declared whole-file sha256 is checked: same length, different bytes.
    let mid2 = "0195f3a2-7c4e-7a10-8b3c-222222222222";
    let r = v.create(mid2, 1, "x.pdf", &data).await;
    let loc2 = location(&r);
    let mut forged = data.clone();
    forged[20] ^= 1;
    let r = v.patch(&loc2, 0, &forged).await;
    assert_eq!(
        code_of(r).await,
        (
            StatusCode::from_u16(460).unwrap(),
            "upload.file_checksum".to_owned()
        )
    );

    // Termination.
    let r = v.req(Method::DELETE, &loc2).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = v.req(Method::HEAD, &loc2).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = v.req(Method::OPTIONS, "v1/uploads").send().await.unwrap();
    assert_eq!(r.headers()["Tus-Extension"], "creation,checksum,termination");
}

fn message(mid: &str, sha: &str, size: usize) -> Value {
    json!({
        "envelope": {"message_id": mid, "schema_version": 1, "created_at": "2026-11-21T09:15:02.000+07:00",
                     "sender": {"agency_code": "000.00.00.H29", "workstation": "ws", "officer": "can-bo"}},
        "owner": {"owner_type": "person", "id_number": "079203001234", "id_kind": "personal-id", "name": "Nguyễn Văn An"},
        "document": {"record_kind": "id-card", "record_id": "0195f3a2-7c4e-7a10-8b3c-999999999999",
                     "type_code": "CMND-TK", "storage_key": "079203001234.CMND-TK"},
        "files": [{"ordinal": 1, "name": "ban-sao.pdf", "media_type": "application/pdf", "size": size, "sha256": sha}],
        "signature": {"format": "PAdES", "sub_filter": "ETSI.CAdES.detached", "signed_files": [1]}
    })
}

#[tokio::test]
async fn commits_are_validated_idempotent_and_looked_up_by_owner() {
    let v = Vault::start();
    let data = sohoa_vault::pdfsig::sample_signed_pdf("commit");
    let sha = hex::encode(Sha256::digest(&data));
    let mid = "0195f3a2-7c4e-7a10-8b3c-333333333333";
    let commit = |body: Value| v.req(Method::POST, "v1/messages").json(&body).send();

    // Before the file arrived: refused, nothing stored.
    let (s, c) = code_of(commit(message(mid, &sha, data.len())).await.unwrap()).await;
    assert_eq!(
        (s, c.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "files.missing")
    );
    let r = v.create(mid, 1, "ban-sao.pdf", &data).await;
    let loc = location(&r);
    assert_eq!(v.patch(&loc, 0, &data).await.status(), StatusCode::NO_CONTENT);

    // Malformed and schema-violating messages.
    let r = v
        .req(Method::POST, "v1/messages")
        .body("{not json")
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(r).await.1, "schema.invalid");
    let mut bad = message(mid, &sha, data.len());
    bad["envelope"]["created_at"] = json!("2026-11-21T02:15:02Z");
    assert_eq!(code_of(commit(bad).await.unwrap()).await.1, "schema.invalid");
    let mut bad = message(mid, &sha, data.len());
    bad["document"]["storage_key"] = json!("000000000000.CMND-TK");
    assert_eq!(code_of(commit(bad).await.unwrap()).await.1, "schema.invalid");
    let mut bad = message(mid, &sha, data.len());
    bad["files"][0]["name"] = json!("../x.pdf");
    assert_eq!(code_of(commit(bad).await.unwrap()).await.1, "schema.invalid");
    let mut bad = message(mid, &sha, data.len());
    bad["unexpected"] = json!(1);
    assert_eq!(code_of(commit(bad).await.unwrap()).await.1, "schema.invalid");
    let r = v
        .req(Method::POST, "v1/messages")
        .body(vec![b' '; 300 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Accepted once; the same message again gets the same receipt; other content under the id is refused.
    let first = commit(message(mid, &sha, data.len())).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["result_code"], "0");
    assert!(first["received_at"].as_str().unwrap().ends_with("+07:00"));
    let again = commit(message(mid, &sha, data.len())).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    let mut other = message(mid, &sha, data.len());
    other["document"]["summary"] = json!("khác");
    assert_eq!(code_of(commit(other).await.unwrap()).await.1, "message.id_reused");
    // A committed upload cannot be terminated.
    assert_eq!(
        v.req(Method::DELETE, &loc).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    // Look-up by owner ID, authorised only.
    let docs: Value = v
        .req(Method::GET, "v1/owners/079203001234/documents")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(docs.as_array().unwrap().len(), 1);
    assert_eq!(docs[0]["transaction_id"], first["transaction_id"]);
    assert_eq!(docs[0]["storage_key"], "079203001234.CMND-TK");
    let r = v
        .http
        .get(format!("{}v1/owners/079203001234/documents", v.server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = v
        .req(Method::GET, "v1/owners/..%2F..%2Fetc/documents")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn unsigned_and_forged_signatures_are_refused() {
    let v = Vault::start();
    let mut cases = vec![];
    // A PDF without any signature.
    cases.push(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec());
    // A signature whose byte range leaves appended data unsigned.
    let mut appended = sohoa_vault::pdfsig::sample_signed_pdf("x");
    appended.extend_from_slice(b"5 0 obj << /Evil true >> endobj\n%%EOF\n");
    cases.push(appended);
    for (i, data) in cases.iter().enumerate() {
        let mid = format!("0195f3a2-7c4e-7a10-8b3c-44444444444{i}");
        let loc = location(&v.create(&mid, 1, "ban-sao.pdf", data).await);
        assert_eq!(v.patch(&loc, 0, data).await.status(), StatusCode::NO_CONTENT);
        let sha = hex::encode(Sha256::digest(data));
        let r = v
            .req(Method::POST, "v1/messages")
            .json(&message(&mid, &sha, data.len()))
            .send()
            .await
            .unwrap();
        assert_eq!(
            code_of(r).await,
            (StatusCode::UNPROCESSABLE_ENTITY, "signature.invalid".to_owned()),
            "case {i}"
        );
    }
    assert!(common::vault_receipts(&v.dir).is_empty());
}

#[tokio::test]
async fn a_file_moved_into_place_but_not_marked_complete_is_recovered_at_commit() {
    let v = Vault::start();
    let data = sohoa_vault::pdfsig::sample_signed_pdf("crash window");
    let sha = hex::encode(Sha256::digest(&data));
    let mid = "0195f3a2-7c4e-7a10-8b3c-666666666666";
    let loc = location(&v.create(mid, 1, "ban-sao.pdf", &data).await);
    assert_eq!(v.patch(&loc, 0, &data).await.status(), StatusCode::NO_CONTENT);
    // As if the vault died between the rename and the UPDATE that marks the upload complete.
    let conn = rusqlite::Connection::open(v.dir.join("vault.db")).unwrap();
    conn.execute("UPDATE uploads SET complete = 0", []).unwrap();
    let r = v
        .req(Method::POST, "v1/messages")
        .json(&message(mid, &sha, data.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}
