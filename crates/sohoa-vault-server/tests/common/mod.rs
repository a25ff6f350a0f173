//! Shared by the vault tests: a desk full of signed records, a vault, and what to check afterwards.
#![allow(dead_code)]

pub mod proxy;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use sha2::{Digest, Sha256};
use sohoa_engine::{Engine, EngineConfig, NewRecordRequest, VaultConfig};
use sohoa_store::{OutboxState, Store};
use sohoa_vault::pdfsig::sample_signed_pdf;

pub const TOKEN: &str = "test-token-3f9a";

/// A signed sample PDF of roughly `size` bytes, unique per `n`.
pub fn signed_pdf(n: usize, size: usize) -> Vec<u8> {
    let filler: String = (0..size)
        .map(|i| (b'a' + ((i * 7 + n) % 26) as u8) as char)
        .collect();
    sample_signed_pdf(&format!("record {n} {filler}"))
}

pub fn id_card_request(n: usize) -> NewRecordRequest {
    NewRecordRequest {
        kind: "id-card".to_owned(),
        owner_id: Some(format!("0792030{:05}", n % 100_000)),
        doc_type_code: None,
        fields: vec![
            ("full_name".to_owned(), format!("Nguyễn Văn Số {n}")),
            ("birth_date".to_owned(), "2003-04-05".to_owned()),
            ("sex".to_owned(), "Nam".to_owned()),
            ("cmnd_number".to_owned(), format!("025{:06}", n)),
            ("father_name".to_owned(), "Nguyễn Văn Bình".to_owned()),
            ("mother_name".to_owned(), "Trần Thị Cúc".to_owned()),
        ],
    }
}

pub fn client_config(url: &str) -> VaultConfig {
    VaultConfig {
        url: Some(url.to_owned()),
        agency_code: Some("000.00.00.H29".to_owned()),
        bearer_token: Some(TOKEN.to_owned()),
        chunk_size: 1024,
        connect_timeout: Duration::from_millis(1000),
        request_timeout: Duration::from_millis(2000),
        backoff_base: Duration::from_millis(5),
        backoff_cap: Duration::from_millis(60),
        probe_interval: Duration::from_millis(50),
        ..VaultConfig::default()
    }
}

/// Creates `n` id-card records, each with one signed PDF of about `size` bytes, and queues them all.
/// Returns the record ids.
pub fn desk_with_records(data: &Path, n: usize, size: usize) -> Vec<String> {
    let engine = Engine::open(EngineConfig::with_data_dir(data)).unwrap();
    let files = data.parent().unwrap().join("incoming");
    std::fs::create_dir_all(&files).unwrap();
    let config = client_config("http://unused/");
    let mut ids = Vec::new();
    for i in 0..n {
        let rec = engine.create_record(&id_card_request(i)).unwrap();
        let path = files.join(format!("ban-sao-{i}.pdf"));
        std::fs::write(&path, signed_pdf(i, size)).unwrap();
        engine.import_files(&rec.summary.id, &[path]).unwrap();
        engine.vault_enqueue(&rec.summary.id, &config).unwrap();
        ids.push(rec.summary.id);
    }
    ids
}

pub fn server_config(dir: &Path) -> sohoa_vault_server::ServerConfig {
    let mut c = sohoa_vault_server::ServerConfig::new(dir);
    c.tokens = vec![TOKEN.to_owned()];
    c.max_chunk = 64 * 1024;
    c.max_upload_size = 4 * 1024 * 1024;
    c
}

/// Everything the vault committed: message id → transaction id.
pub fn vault_receipts(vault_dir: &Path) -> HashMap<String, String> {
    let conn = Connection::open(vault_dir.join("vault.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT message_id, transaction_id FROM messages")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The delivery invariants: every message acknowledged exactly once with the vault's own transaction id,
/// every receipt audited, every file on the vault intact.
pub fn assert_delivered_exactly_once(store: &Store, vault_dir: &Path, expected: usize) {
    let rows = store.outbox_list(None).unwrap();
    assert_eq!(rows.len(), expected);
    let vault = vault_receipts(vault_dir);
    assert_eq!(
        vault.len(),
        expected,
        "the vault committed each message exactly once"
    );
    for r in &rows {
        assert_eq!(r.state, OutboxState::Acknowledged, "{r:?}");
        let tx = r.transaction_id.as_deref().unwrap();
        assert_eq!(
            vault.get(&r.message_id).map(String::as_str),
            Some(tx),
            "receipt matches the vault"
        );
        assert_eq!(r.receipt.as_ref().unwrap()["transaction_id"], tx);
        for f in r.message["files"].as_array().unwrap() {
            let sha = f["sha256"].as_str().unwrap();
            let bytes = std::fs::read(vault_dir.join("files").join(&sha[..2]).join(sha)).unwrap();
            assert_eq!(hex::encode(Sha256::digest(&bytes)), sha, "vault file intact");
        }
    }
    let receipts = store
        .audit_entries(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "vault.receipt")
        .count();
    assert_eq!(receipts, expected, "one audit entry per receipt");
    assert!(store.audit_verify().unwrap().is_valid());
}
