//! What the outbox does with each kind of answer: refusals become failed_permanent with the vault's reason
//! (and an audit entry), 5xx and timeouts are retried (Retry-After honoured), and a waiting uploader wakes
//! as soon as the vault is reachable again instead of sleeping out its backoff.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::json;
use sohoa_engine::{Engine, EngineConfig};
use sohoa_store::{Actor, OutboxState, Store};
use sohoa_vault::{OutboxDriver, TusWire, now_ms};
use sohoa_vault_server::RunningServer;

use common::proxy::FaultProxy;

fn actor() -> Actor {
    Actor {
        user: "can-bo-test".to_owned(),
        workstation: "desk-1".to_owned(),
    }
}

/// Creates one id-card record with `file` attached and queues it; returns the message id.
fn queue_one(data: &std::path::Path, n: usize, name: &str, file: &[u8]) -> String {
    let engine = Engine::open(EngineConfig::with_data_dir(data)).unwrap();
    let rec = engine.create_record(&common::id_card_request(n)).unwrap();
    let path = data.parent().unwrap().join(name);
    std::fs::write(&path, file).unwrap();
    engine.import_files(&rec.summary.id, &[path]).unwrap();
    engine
        .vault_enqueue(&rec.summary.id, &common::client_config("http://unused/"))
        .unwrap()
        .message_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_permanent_with_the_reason_and_5xx_is_retried_after_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    let vault_dir = dir.path().join("vault");
    let unsigned = queue_one(
        &data,
        1,
        "unsigned.pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    );
    let png = queue_one(
        &data,
        2,
        "page.png",
        &[
            0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n', 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae,
            0x42, 0x60, 0x82,
        ],
    );
    let good = queue_one(&data, 3, "ok.pdf", &common::signed_pdf(3, 3000));
    let store = Store::open(&data).unwrap();
    // A message that slipped past the desk's own checks (old build): the vault's schema check refuses it.
    let rec = store.outbox_get(&good).unwrap().record_id;
    let mut forged = store.outbox_get(&good).unwrap().message;
    let schema_bad = "0195f3a2-7c4e-7a10-8b3c-555555555555";
    forged["envelope"]["message_id"] = json!(schema_bad);
    forged["envelope"]["created_at"] = json!("2026-11-21T02:15:02Z");
    store
        .outbox_enqueue(&actor(), schema_bad, &rec, None, &forged)
        .unwrap();

    let server_config = common::server_config(&vault_dir);
    let fail = server_config.fail_next_commits.clone();
    fail.store(2, Ordering::SeqCst);
    let server = RunningServer::start(server_config, "127.0.0.1:0".parse().unwrap()).unwrap();
    let config = common::client_config(&server.url());
    let driver = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config);

    let before_pass = now_ms();
    let pass = driver.run_once().await.unwrap();
    let state = |id: &str| store.outbox_get(id).unwrap();
    assert_eq!(state(&unsigned).state, OutboxState::FailedPermanent);
    assert_eq!(
        state(&unsigned).last_error_code.as_deref(),
        Some("vault.rejected.signature.missing")
    );
    assert_eq!(
        state(&png).last_error_code.as_deref(),
        Some("vault.rejected.signature.unsigned_file")
    );
    assert_eq!(state(schema_bad).state, OutboxState::FailedPermanent);
    assert!(
        state(schema_bad).last_error.unwrap().contains("+07:00"),
        "the reason names the problem"
    );
    // The good one met a 503: waiting, at least Retry-After (1 s) ahead.
    let g = state(&good);
    assert_eq!(g.state, OutboxState::RetryWait, "{g:?}");
    assert_eq!(g.last_error_code.as_deref(), Some("vault.server_error"));
    assert!(
        g.next_attempt_ms.unwrap() >= before_pass + 1000,
        "Retry-After (1 s) honoured"
    );
    assert!(
        pass.deliveries
            .iter()
            .any(|d| d.message_id == good && d.state == OutboxState::RetryWait)
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    while state(&good).state != OutboxState::Acknowledged {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(100)).await;
        driver.run_once().await.unwrap();
    }
    assert_eq!(fail.load(Ordering::SeqCst), 0);
    assert_eq!(state(&good).attempts, 2, "two 503s, then the receipt");
    let rejected = store
        .audit_entries(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "vault.rejected")
        .count();
    assert_eq!(rejected, 3, "each refusal is audited");
    assert_eq!(common::vault_receipts(&vault_dir).len(), 1);

    // An officer fixes nothing and requeues: the vault refuses again, for the same reason.
    store.outbox_requeue(&actor(), &unsigned).unwrap();
    driver.run_once().await.unwrap();
    assert_eq!(state(&unsigned).state, OutboxState::FailedPermanent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_black_hole_times_out_and_the_uploader_wakes_when_the_link_returns() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    let ids = common::desk_with_records(&data, 3, 2000);
    let server = RunningServer::start(
        common::server_config(&dir.path().join("vault")),
        "127.0.0.1:0".parse().unwrap(),
    )
    .unwrap();
    let proxy = FaultProxy::start(server.addr).await;
    proxy.blackhole.store(true, Ordering::SeqCst);
    let store = Store::open(&data).unwrap();
    let mut config = common::client_config(&proxy.url());
    config.request_timeout = Duration::from_millis(300);
    config.connect_timeout = Duration::from_millis(300);
    // A long backoff: only the early wake-up can deliver within the test's deadline.
    config.backoff_base = Duration::from_secs(120);
    config.backoff_cap = Duration::from_secs(120);
    config.probe_interval = Duration::from_millis(100);
    let driver = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config);
    let pass = driver.run_once().await.unwrap();
    assert_eq!(pass.deliveries.len(), ids.len());
    for d in &pass.deliveries {
        assert_eq!(d.state, OutboxState::RetryWait);
        assert_eq!(d.error_code.as_deref(), Some("vault.timeout"), "{d:?}");
    }
    let mut delivered = 0;
    let started = Instant::now();
    let restore = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        proxy.blackhole.store(false, Ordering::SeqCst);
        // Stop once everything is acknowledged (or give up after 15 s).
        let deadline = Instant::now() + Duration::from_secs(15);
        while store.outbox_counts().unwrap().acknowledged < 3 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    driver
        .run(
            |d| delivered += usize::from(d.state == OutboxState::Acknowledged),
            restore,
        )
        .await
        .unwrap();
    assert_eq!(delivered, 3);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "woke early, did not sleep out a 2-minute backoff"
    );
    common::assert_delivered_exactly_once(&store, &dir.path().join("vault"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_wait_for_their_window_and_keep_to_the_bandwidth_cap() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    common::desk_with_records(&data, 2, 30_000);
    let server = RunningServer::start(
        common::server_config(&dir.path().join("vault")),
        "127.0.0.1:0".parse().unwrap(),
    )
    .unwrap();
    let store = Store::open(&data).unwrap();
    let mut config = common::client_config(&server.url());
    config.chunk_size = 4096;
    config.bandwidth = Some(30 * 1024);
    let vn_now = (chrono::Utc::now() + chrono::Duration::hours(7)).time();
    config.windows = vec![sohoa_vault::UploadWindow {
        start: vn_now + chrono::Duration::hours(1),
        end: vn_now + chrono::Duration::hours(2),
    }];
    let closed = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config.clone());
    let pass = closed.run_once().await.unwrap();
    assert!(pass.deliveries.is_empty());
    let wait = pass.outside_window_secs.unwrap();
    assert!((3500..=3600).contains(&wait), "{wait}");
    assert_eq!(store.outbox_counts().unwrap().pending, 2);

    config.windows.clear();
    let open = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config);
    let started = Instant::now();
    open.run_once().await.unwrap();
    let took = started.elapsed();
    assert_eq!(store.outbox_counts().unwrap().acknowledged, 2);
    let bytes = open.wire().stats.bytes_sent.load(Ordering::SeqCst);
    // The first chunk goes at once; the rest drain at 30 KiB/s.
    let floor = Duration::from_secs_f64((bytes - 4096) as f64 / (30.0 * 1024.0));
    eprintln!("{bytes} bytes in {took:?} (cap floor {floor:?})");
    assert!(took >= floor.mul_f64(0.95), "{took:?} < {floor:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_high_latency_link_still_delivers_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    common::desk_with_records(&data, 3, 6000);
    let server = RunningServer::start(
        common::server_config(&dir.path().join("vault")),
        "127.0.0.1:0".parse().unwrap(),
    )
    .unwrap();
    let proxy = FaultProxy::start(server.addr).await;
    *proxy.latency.lock().unwrap() = Duration::from_millis(15);
    proxy.bandwidth.store(48 * 1024, Ordering::SeqCst);
    let store = Store::open(&data).unwrap();
    let mut config = common::client_config(&proxy.url());
    config.chunk_size = 2048;
    let driver = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(30);
    while store.outbox_counts().unwrap().acknowledged < 3 {
        assert!(Instant::now() < deadline);
        driver.run_once().await.unwrap();
    }
    let took = started.elapsed();
    let bytes = proxy.stats.bytes_up.load(Ordering::SeqCst);
    eprintln!("{bytes} bytes up through a 48 KiB/s, 15 ms link in {took:?}");
    assert!(took >= Duration::from_secs_f64(bytes as f64 / (48.0 * 1024.0)).mul_f64(0.9));
    common::assert_delivered_exactly_once(&store, &dir.path().join("vault"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_uploaders_on_one_desk_deliver_each_record_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    common::desk_with_records(&data, 20, 3000);
    let vault_dir = dir.path().join("vault");
    let server =
        RunningServer::start(common::server_config(&vault_dir), "127.0.0.1:0".parse().unwrap()).unwrap();
    let config = common::client_config(&server.url());
    let run = |store: std::sync::Arc<Store>, config: sohoa_vault::VaultConfig| async move {
        let driver = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config.clone());
        let deadline = Instant::now() + Duration::from_secs(30);
        while store.outbox_counts().unwrap().acknowledged < 20 {
            assert!(Instant::now() < deadline);
            driver.run_once().await.unwrap();
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    let a = std::sync::Arc::new(Store::open(&data).unwrap());
    let b = std::sync::Arc::new(Store::open(&data).unwrap());
    let (ra, rb) = tokio::join!(
        tokio::spawn(run(a.clone(), config.clone())),
        tokio::spawn(run(b, config))
    );
    ra.unwrap();
    rb.unwrap();
    common::assert_delivered_exactly_once(&a, &vault_dir, 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_go_through_the_configured_http_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    common::desk_with_records(&data, 2, 3000);
    let vault_dir = dir.path().join("vault");
    let server =
        RunningServer::start(common::server_config(&vault_dir), "127.0.0.1:0".parse().unwrap()).unwrap();
    // The fault proxy passes bytes through to the vault; with an absolute-form request target that makes it
    // an HTTP proxy for plain-HTTP URLs. The vault's host name does not resolve: only the proxy can reach it.
    let proxy = FaultProxy::start(server.addr).await;
    let mut config = common::client_config("http://kho-du-lieu.invalid:8080/");
    config.proxy = Some(proxy.url());
    let store = Store::open(&data).unwrap();
    let driver = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config);
    driver.run_once().await.unwrap();
    assert!(proxy.stats.connections.load(Ordering::SeqCst) >= 1);
    common::assert_delivered_exactly_once(&store, &vault_dir, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminated_upload_is_recreated_and_the_record_still_arrives_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    common::desk_with_records(&data, 1, 40_000);
    let vault_dir = dir.path().join("vault");
    let server =
        RunningServer::start(common::server_config(&vault_dir), "127.0.0.1:0".parse().unwrap()).unwrap();
    let store = std::sync::Arc::new(Store::open(&data).unwrap());
    let mut config = common::client_config(&server.url());
    config.chunk_size = 2048;
    config.bandwidth = Some(20 * 1024);
    // Interrupt the upload half-way (the uploader task is dropped, as if the desk shut down).
    let task = tokio::spawn({
        let (store, config) = (store.clone(), config.clone());
        async move {
            let driver = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config);
            driver.run_once().await.unwrap();
        }
    });
    tokio::time::sleep(Duration::from_millis(800)).await;
    task.abort();
    let _ = task.await;
    let row = store.outbox_list(None).unwrap().remove(0);
    assert_eq!(row.state, OutboxState::Uploading);
    assert!(row.upload_offset > 0);
    // The upload is withdrawn on the vault (tus termination), e.g. expired by an operator.
    let url = row.upload_url.clone().unwrap();
    TusWire::new(&config).unwrap().terminate(&url).await.unwrap();
    let head = reqwest::Client::new()
        .head(&url)
        .header("Tus-Resumable", "1.0.0")
        .bearer_auth(common::TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), reqwest::StatusCode::NOT_FOUND);
    // The next run finds it gone, creates it again from the start, and delivers.
    config.bandwidth = None;
    let driver = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config);
    driver.run_once().await.unwrap();
    common::assert_delivered_exactly_once(&store, &vault_dir, 1);
}
