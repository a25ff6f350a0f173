//! A district relay between commune desks and the central vault: desks get the relay's `R` receipt at
//! once, the relay forwards through its own outbox when the central vault is up, with the desk's message
//! ids, so every document reaches the centre exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use serde_json::Value;
use sohoa_store::{Actor, OutboxState, Store};
use sohoa_vault::{OutboxDriver, TusWire};
use sohoa_vault_server::{RESULT_RELAYED, RunningServer, Upstream};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_answers_at_once_and_forwards_when_the_centre_comes_up() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    let central_dir = dir.path().join("central");
    common::desk_with_records(&data, 5, 3000);
    // The central vault's port, not listening yet.
    let central_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let central_url = format!("http://127.0.0.1:{central_port}/");

    let mut relay_config = common::server_config(&dir.path().join("relay"));
    relay_config.upstream = Some(Upstream {
        config: common::client_config(&central_url),
    });
    let relay = RunningServer::start(relay_config, "127.0.0.1:0".parse().unwrap()).unwrap();

    let store = Store::open(&data).unwrap();
    let config = common::client_config(&relay.url());
    let actor = Actor {
        user: "can-bo-test".to_owned(),
        workstation: "desk-1".to_owned(),
    };
    let driver = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor, config);
    let pass = driver.run_once().await.unwrap();
    assert_eq!(pass.deliveries.len(), 5);
    for d in &pass.deliveries {
        assert_eq!(d.state, OutboxState::Acknowledged, "{d:?}");
        assert_eq!(d.receipt.as_ref().unwrap().result_code, RESULT_RELAYED);
    }

    // The centre comes up; the relay's forwarder gets everything there.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let central = RunningServer::start(
        common::server_config(&central_dir),
        format!("127.0.0.1:{central_port}").parse().unwrap(),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while common::vault_receipts(&central_dir).len() < 5 {
        assert!(Instant::now() < deadline, "the relay did not forward");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let central_receipts = common::vault_receipts(&central_dir);
    let http = reqwest::Client::new();
    for row in store.outbox_list(None).unwrap() {
        assert!(
            central_receipts.contains_key(&row.message_id),
            "same message id upstream"
        );
        // The relay reports the upstream receipt once it has it.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let v: Value = http
                .get(format!("{}v1/messages/{}/receipt", relay.url(), row.message_id))
                .bearer_auth(common::TOKEN)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(
                v["receipt"]["transaction_id"],
                row.transaction_id.clone().unwrap()
            );
            if v["forward_state"] == "acknowledged" {
                assert_eq!(
                    v["upstream_receipt"]["transaction_id"].as_str(),
                    central_receipts.get(&row.message_id).map(String::as_str)
                );
                break;
            }
            assert!(Instant::now() < deadline, "{v}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    common::assert_delivered_exactly_once(&store, &dir.path().join("relay"), 5);
    drop(central);
}
