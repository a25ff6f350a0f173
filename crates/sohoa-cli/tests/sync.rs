//! `sohoa sync` as a process that is killed with SIGKILL at random moments, over and over, against a real
//! vault: when the dust settles every record is delivered exactly once and every receipt stored.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use serde_json::Value;
use sohoa_engine::{Engine, EngineConfig, NewRecordRequest};
use sohoa_store::{OutboxState, Store};

const TOKEN: &str = "kill-loop-token";

fn sohoa(data: &Path, url: Option<&str>, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sohoa"));
    c.arg("--data-dir")
        .arg(data)
        .args(args)
        .env("SOHOA_USER", "can-bo-test")
        .env("SOHOA_AGENCY_CODE", "000.00.00.H29")
        .env("SOHOA_VAULT_TOKEN", TOKEN)
        .env("SOHOA_VAULT_CHUNK_KIB", "1")
        .env("SOHOA_VAULT_BACKOFF_MS", "1,20")
        .env("SOHOA_VAULT_TIMEOUT_MS", "2000")
        .env_remove("SOHOA_LOG")
        .env_remove("SOHOA_VAULT_URL");
    if let Some(u) = url {
        c.env("SOHOA_VAULT_URL", u);
    }
    c
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn make_records(data: &Path, n: usize) {
    let engine = Engine::open(EngineConfig::with_data_dir(data)).unwrap();
    for i in 0..n {
        let rec = engine
            .create_record(&NewRecordRequest {
                kind: "id-card".to_owned(),
                owner_id: Some(format!("0792030{:05}", i)),
                doc_type_code: None,
                fields: vec![
                    ("full_name".to_owned(), format!("Trần Thị Số {i}")),
                    ("birth_date".to_owned(), "2003-04-05".to_owned()),
                    ("sex".to_owned(), "Nam".to_owned()),
                    ("cmnd_number".to_owned(), format!("025{i:06}")),
                    ("father_name".to_owned(), "Trần Văn Bình".to_owned()),
                    ("mother_name".to_owned(), "Lê Thị Cúc".to_owned()),
                ],
            })
            .unwrap();
        let filler: String = (0..6000).map(|j| (b'a' + ((i + j) % 26) as u8) as char).collect();
        let path = data.parent().unwrap().join(format!("ban-sao-{i}.pdf"));
        std::fs::write(&path, sohoa_vault::pdfsig::sample_signed_pdf(&filler)).unwrap();
        engine.import_files(&rec.summary.id, &[path]).unwrap();
    }
}

#[test]
fn training_mode_queues_and_says_nothing_was_sent() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    make_records(&data, 2);
    let out = run(sohoa(&data, None, &["sync", "--all", "--once", "--json"]).env_remove("SOHOA_VAULT_URL"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["mode"], "training");
    assert_eq!(v["queued"].as_array().unwrap().len(), 2);
    assert_eq!(v["counts"]["pending"], 2);
    let out = run(&mut sohoa(&data, None, &["sync", "--once"]));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Chế độ luyện tập"));
    // Queuing again adds nothing: each version is queued once.
    let out = run(&mut sohoa(&data, None, &["sync", "--all", "--once", "--json"]));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["queued"].as_array().unwrap().len(), 0);
    // Requeuing a message that was not refused is a clear error, not a crash.
    let out = sohoa(
        &data,
        None,
        &["sync", "--requeue", "0195f3a2-7c4e-7a10-8b3c-000000000000"],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().count(),
        1,
        "one line on error"
    );
    // A vault that is down: the pass reports a retry, and exits cleanly.
    let out = run(&mut sohoa(
        &data,
        Some("http://127.0.0.1:9/"),
        &["sync", "--once", "--json"],
    ));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["deliveries"][0]["state"], "retry_wait");
    assert_eq!(v["deliveries"][0]["error_code"], "vault.connect");
}

#[test]
fn a_hundred_kill_9s_of_sohoa_sync_lose_and_duplicate_nothing() {
    const RECORDS: usize = 60;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let vault_dir = dir.path().join("vault");
    make_records(&data, RECORDS);
    let mut config = sohoa_vault_server::ServerConfig::new(&vault_dir);
    config.tokens = vec![TOKEN.to_owned()];
    let server = sohoa_vault_server::RunningServer::start(config, "127.0.0.1:0".parse().unwrap()).unwrap();
    let url = server.url();
    run(&mut sohoa(&data, None, &["sync", "--all", "--status"]));

    let mut rng = rand::rngs::StdRng::seed_from_u64(99);
    let started = Instant::now();
    let (mut kills, mut completed, mut kills_before_done) = (0, 0, 0);
    let mut done_at = None;
    while kills < 100 {
        assert!(started.elapsed() < Duration::from_secs(120), "kill loop too slow");
        let mut child = sohoa(&data, Some(&url), &["sync", "--once", "--json"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(5..150)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
            if done_at.is_none() {
                kills_before_done += 1;
            }
        } else {
            completed += 1;
        }
        child.wait().unwrap();
        if done_at.is_none() && kills % 10 == 0 && receipts_in_vault(&vault_dir).len() == RECORDS {
            done_at = Some(kills);
        }
    }
    // Let it finish without interruptions.
    for _ in 0..20 {
        let out = run(&mut sohoa(&data, Some(&url), &["sync", "--once", "--json"]));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        if v["counts"]["acknowledged"] == RECORDS {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!(
        "{kills} kills ({kills_before_done} while records were still in flight), {completed} runs finished, {:?}",
        started.elapsed()
    );
    assert!(
        kills_before_done >= 20,
        "enough kills landed while work was in flight"
    );

    let store = Store::open(&data).unwrap();
    let rows = store.outbox_list(None).unwrap();
    assert_eq!(rows.len(), RECORDS);
    let conn = receipts_in_vault(&vault_dir);
    for r in &rows {
        assert_eq!(r.state, OutboxState::Acknowledged);
        assert_eq!(conn.get(&r.message_id), r.transaction_id.as_ref());
    }
    assert_eq!(conn.len(), RECORDS, "each message committed exactly once");
    assert!(store.audit_verify().unwrap().is_valid());
    let receipts = store
        .audit_entries(None)
        .unwrap()
        .iter()
        .filter(|e| e.action == "vault.receipt")
        .count();
    assert_eq!(receipts, RECORDS);
    let out = run(&mut sohoa(&data, Some(&url), &["sync", "--status", "--json"]));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["counts"]["acknowledged"], RECORDS);
    drop(server);
}

/// Message id → transaction id, from the vault's index (its ground truth).
fn receipts_in_vault(vault_dir: &Path) -> std::collections::HashMap<String, String> {
    let conn = rusqlite::Connection::open(vault_dir.join("vault.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT message_id, transaction_id FROM messages")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}
