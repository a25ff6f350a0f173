//! The vault process is killed (SIGKILL) in the middle of uploads and restarted on the same data: the
//! desk resumes from the offsets the vault had made durable, and nothing is lost or duplicated.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sohoa_store::{Actor, OutboxState, Store};
use sohoa_vault::{OutboxDriver, TusWire};

fn start_vault(port: u16, data: &std::path::Path) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sohoa-vault-server"))
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--token",
            common::TOKEN,
            "--max-chunk-kib",
            "64",
        ])
        .arg("--data")
        .arg(data)
        .env("SOHOA_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("listening on"), "{line}");
    child
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vault_killed_mid_upload_and_restarted_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    let vault_dir = dir.path().join("vault");
    common::desk_with_records(&data, 6, 40_000);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut vault = start_vault(port, &vault_dir);

    let store = Arc::new(Store::open(&data).unwrap());
    let mut config = common::client_config(&format!("http://127.0.0.1:{port}/"));
    config.chunk_size = 2048;
    config.bandwidth = Some(80 * 1024);
    let task = tokio::spawn({
        let store = store.clone();
        async move {
            let actor = Actor {
                user: "can-bo-test".to_owned(),
                workstation: "desk-1".to_owned(),
            };
            let driver = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor, config.clone());
            let deadline = Instant::now() + Duration::from_secs(60);
            while store.outbox_counts().unwrap().acknowledged < 6 {
                assert!(Instant::now() < deadline, "not delivered after the restart");
                driver.run_once().await.unwrap();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    });

    let mut kills = 0;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let mid_upload = store
            .outbox_list(None)
            .unwrap()
            .iter()
            .any(|r| r.state == OutboxState::Uploading && r.upload_offset > 0);
        if !mid_upload && kills > 0 {
            break;
        }
        vault.kill().unwrap();
        vault.wait().unwrap();
        kills += 1;
        tokio::time::sleep(Duration::from_millis(300)).await;
        vault = start_vault(port, &vault_dir);
    }
    assert!(kills >= 1);
    task.await.unwrap();
    vault.kill().unwrap();
    vault.wait().unwrap();
    common::assert_delivered_exactly_once(&store, &vault_dir, 6);
    // No half-written upload is left behind.
    assert_eq!(std::fs::read_dir(vault_dir.join("uploads")).unwrap().count(), 0);
}
