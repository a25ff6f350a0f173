//! The outbox state machine: each transition checks where it starts, the receipt and its audit entry commit
//! together, an acknowledged message never changes, and the database itself refuses impossible rows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::json;
use sohoa_store::{OutboxState, Store};

use common::{actor, new_record};

fn setup() -> (tempfile::TempDir, Store, String) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let rec = store
        .create_record(&actor(), &new_record("079203001234", "Nguyễn Văn An", "Bản sao"))
        .unwrap();
    (dir, store, rec.id)
}

const M1: &str = "0195f3a2-7c4e-7a10-8b3c-000000000001";

#[test]
fn a_message_goes_from_pending_to_acknowledged_and_stays_there() {
    let (_d, store, rec) = setup();
    let row = store
        .outbox_enqueue(&actor(), M1, &rec, Some(1), &json!({"m": 1}))
        .unwrap();
    assert_eq!(row.state, OutboxState::Pending);
    assert!(
        store
            .outbox_enqueue(&actor(), M1, &rec, Some(2), &json!({}))
            .is_err(),
        "id reused"
    );
    assert!(
        store
            .outbox_enqueue(&actor(), "other", &rec, Some(1), &json!({}))
            .is_err(),
        "a record version is queued once"
    );
    store.outbox_checkpoint(M1, 0, Some("http://v/u/1"), 0).unwrap();
    store
        .outbox_checkpoint(M1, 0, Some("http://v/u/1"), 1024)
        .unwrap();
    let r = store.outbox_get(M1).unwrap();
    assert_eq!(
        (r.state, r.upload_url.as_deref(), r.upload_offset),
        (OutboxState::Uploading, Some("http://v/u/1"), 1024)
    );
    // A retry keeps the position.
    let r = store
        .outbox_retry_later(M1, 5_000, "vault.timeout", "timed out")
        .unwrap();
    assert_eq!(
        (r.state, r.attempts, r.upload_offset),
        (OutboxState::RetryWait, 1, 1024)
    );
    assert!(store.outbox_due(4_999, 10).unwrap().is_empty());
    assert_eq!(store.outbox_due(5_000, 10).unwrap().len(), 1);
    assert_eq!(store.outbox_next_wake_ms().unwrap(), Some(5_000));
    // Only rows waiting on network errors are woken early.
    assert_eq!(store.outbox_wake(1_000, &["vault.server_error"]).unwrap(), 0);
    assert_eq!(store.outbox_wake(1_000, &["vault.timeout"]).unwrap(), 1);
    assert_eq!(store.outbox_due(1_000, 10).unwrap().len(), 1);
    store.outbox_mark_uploaded(M1).unwrap();
    let receipt = json!({"transaction_id": "VT-1", "result_code": "0"});
    let r = store.outbox_acknowledge(&actor(), M1, "VT-1", &receipt).unwrap();
    assert_eq!(
        (r.state, r.transaction_id.as_deref()),
        (OutboxState::Acknowledged, Some("VT-1"))
    );
    assert_eq!(r.receipt, Some(receipt.clone()));
    // The same receipt again is a no-op; a different one, or any other transition, is refused.
    store.outbox_acknowledge(&actor(), M1, "VT-1", &receipt).unwrap();
    assert!(store.outbox_acknowledge(&actor(), M1, "VT-2", &receipt).is_err());
    assert!(store.outbox_checkpoint(M1, 0, None, 0).is_err());
    assert!(store.outbox_retry_later(M1, 0, "x", "y").is_err());
    assert!(store.outbox_fail(&actor(), M1, "x", "y").is_err());
    assert!(store.outbox_due(i64::MAX, 10).unwrap().is_empty());
    let audit: Vec<String> = store
        .audit_entries(Some(&rec))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(audit.iter().filter(|a| *a == "vault.receipt").count(), 1);
    assert!(audit.contains(&"vault.enqueue".to_owned()));
    assert!(store.audit_verify().unwrap().is_valid());
    assert_eq!(store.outbox_counts().unwrap().acknowledged, 1);
}

#[test]
fn a_refusal_needs_a_human_and_a_requeue_starts_over() {
    let (_d, store, rec) = setup();
    store
        .outbox_enqueue(&actor(), M1, &rec, None, &json!({}))
        .unwrap();
    store.outbox_checkpoint(M1, 0, Some("u"), 10).unwrap();
    let r = store
        .outbox_fail(&actor(), M1, "vault.rejected.signature.invalid", "chữ ký sai")
        .unwrap();
    assert_eq!(r.state, OutboxState::FailedPermanent);
    assert_eq!(r.last_error.as_deref(), Some("chữ ký sai"));
    assert!(
        store.outbox_due(i64::MAX, 10).unwrap().is_empty(),
        "never retried by itself"
    );
    assert!(store.outbox_checkpoint(M1, 0, None, 0).is_err());
    let r = store.outbox_requeue(&actor(), M1).unwrap();
    assert_eq!(
        (r.state, r.upload_url, r.upload_offset),
        (OutboxState::Pending, None, 0)
    );
    let actions: Vec<String> = store
        .audit_entries(Some(&rec))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.contains(&"vault.rejected".to_owned()) && actions.contains(&"vault.requeue".to_owned()));
}

#[test]
fn the_database_refuses_impossible_rows_even_from_raw_sql() {
    let (dir, store, rec) = setup();
    store
        .outbox_enqueue(&actor(), M1, &rec, None, &json!({}))
        .unwrap();
    store
        .outbox_acknowledge(&actor(), M1, "VT-9", &json!({}))
        .unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join("sohoa.db")).unwrap();
    assert!(
        conn.execute("UPDATE outbox SET state = 'pending' WHERE message_id = ?1", [M1])
            .is_err()
    );
    assert!(
        conn.execute("DELETE FROM outbox WHERE message_id = ?1", [M1])
            .is_err()
    );
    let r = conn.execute(
        "INSERT INTO outbox (message_id, record_id, message, state, created_at, updated_at)
         VALUES ('m2', ?1, '{}', 'acknowledged', 'x', 'x')",
        [&rec],
    );
    assert!(r.is_err(), "acknowledged without a receipt");
    let r = conn.execute(
        "INSERT INTO outbox (message_id, record_id, message, state, created_at, updated_at)
         VALUES ('m3', ?1, '{}', 'retry_wait', 'x', 'x')",
        [&rec],
    );
    assert!(r.is_err(), "retry_wait without a time");
}

#[test]
fn a_record_with_outbox_messages_cannot_be_purged() {
    let (_d, store, rec) = setup();
    store
        .outbox_enqueue(&actor(), M1, &rec, None, &json!({}))
        .unwrap();
    store.trash(&actor(), &rec, "nhập nhầm").unwrap();
    assert!(store.purge(&actor(), &rec).is_err());
    assert!(store.get_record(&rec).is_ok(), "nothing was removed");
    assert_eq!(store.outbox_get(M1).unwrap().record_id, rec);
}
