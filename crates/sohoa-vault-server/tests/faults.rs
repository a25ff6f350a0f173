//! Hundreds of records through a link that is cut at random points, in both directions, with FIN or RST:
//! every record is delivered exactly once, every receipt stored and audited, the vault's files intact, and
//! no cut costs more than one re-sent chunk.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use sohoa_store::{Actor, OutboxState, Store};
use sohoa_vault::{OutboxDriver, TusWire};
use sohoa_vault_server::RunningServer;

use common::proxy::{FaultProxy, Plan};

fn actor() -> Actor {
    Actor {
        user: "can-bo-test".to_owned(),
        workstation: "desk-1".to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_survive_random_cuts_exactly_once_with_at_most_one_chunk_resent_per_cut() {
    const RECORDS: usize = 200;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    let vault_dir = dir.path().join("vault");
    let started = Instant::now();
    let ids = tokio::task::spawn_blocking({
        let data = data.clone();
        move || common::desk_with_records(&data, RECORDS, 2500)
    })
    .await
    .unwrap();
    eprintln!("desk prepared in {:?}", started.elapsed());
    let server =
        RunningServer::start(common::server_config(&vault_dir), "127.0.0.1:0".parse().unwrap()).unwrap();
    let proxy = FaultProxy::start(server.addr).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261121);
    // Connections are kept alive across many requests: every one is cut somewhere in its first ~8 KB
    // (an uncut one would carry all the rest), so cuts land in creations, chunks, HEADs, commits and
    // their answers alike.
    proxy.set_planner(move |_| {
        let at = rng.random_range(1..8_000);
        let up = rng.random_bool(0.6);
        Plan {
            cut_up_after: up.then_some(at),
            cut_down_after: (!up).then_some(at / 6 + 1),
            reset: rng.random_bool(0.5),
        }
    });

    let store = Store::open(&data).unwrap();
    let config = common::client_config(&proxy.url());
    let driver = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config.clone());
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        driver.run_once().await.unwrap();
        let counts = store.outbox_counts().unwrap();
        assert_eq!(
            counts.failed_permanent,
            0,
            "{:?}",
            store.outbox_list(Some(OutboxState::FailedPermanent))
        );
        if counts.acknowledged as usize == RECORDS {
            break;
        }
        assert!(Instant::now() < deadline, "not delivered in time: {counts:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    common::assert_delivered_exactly_once(&store, &vault_dir, ids.len());

    let chunks_needed: u64 = store
        .outbox_list(None)
        .unwrap()
        .iter()
        .flat_map(|r| r.message["files"].as_array().unwrap().clone())
        .map(|f| f["size"].as_u64().unwrap().div_ceil(config.chunk_size as u64))
        .sum();
    let sent = driver.wire().stats.patches_sent.load(Ordering::SeqCst);
    let cuts = proxy.stats.cuts.load(Ordering::SeqCst);
    eprintln!(
        "{RECORDS} records in {elapsed:?}: {} connections, {cuts} cuts, {sent} chunks sent for {chunks_needed} needed",
        proxy.stats.connections.load(Ordering::SeqCst)
    );
    assert!(cuts >= 20, "the proxy really cut ({cuts})");
    assert!(sent >= chunks_needed);
    assert!(
        sent - chunks_needed <= cuts,
        "{} chunks re-sent for {cuts} cuts",
        sent - chunks_needed
    );
}
