//! The message parser: the documented example parses, each rule refuses what it should, and mutated input
//! (a cheap stand-in for the libFuzzer target in fuzz/, which needs nightly) never panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use sohoa_vault::parse_message;

const SEED: &str = include_str!("../../../fuzz/corpus/message/valid-id-card.json");

fn seed() -> Value {
    serde_json::from_str(SEED).unwrap()
}

fn refused(v: &Value) -> String {
    let err = parse_message(v.to_string().as_bytes()).unwrap_err();
    err.field
}

#[test]
fn the_seed_parses_and_round_trips() {
    let m = parse_message(SEED.as_bytes()).unwrap();
    assert_eq!(m.envelope.schema_version, 1);
    let again = parse_message(&serde_json::to_vec(&m).unwrap()).unwrap();
    assert_eq!(again, m);
}

#[test]
fn each_rule_refuses_what_it_should() {
    type Mutation = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "envelope.schema_version",
            Box::new(|v| v["envelope"]["schema_version"] = json!(2)),
        ),
        (
            "envelope.message_id",
            Box::new(|v| v["envelope"]["message_id"] = json!("ABC")),
        ),
        (
            "envelope.created_at",
            Box::new(|v| v["envelope"]["created_at"] = json!("2026-11-21T02:15:02Z")),
        ),
        (
            "envelope.sender.agency_code",
            Box::new(|v| v["envelope"]["sender"]["agency_code"] = json!(" ")),
        ),
        (
            "owner.id_number",
            Box::new(|v| v["owner"]["id_number"] = json!("07920300123")),
        ),
        (
            "owner",
            Box::new(|v| v["owner"] = json!({"owner_type": "person"})),
        ),
        (
            "document.storage_key",
            Box::new(|v| v["document"]["storage_key"] = json!("079203001234.KHAC")),
        ),
        (
            "document.record_kind",
            Box::new(|v| v["document"]["record_kind"] = json!("bogus")),
        ),
        (
            "document.valid_to",
            Box::new(|v| {
                v["document"]["valid_from"] = json!("2026-01-02");
                v["document"]["valid_to"] = json!("2025-01-01");
            }),
        ),
        (
            "document.name",
            Box::new(|v| v["document"]["name"] = json!("Nguye\u{0302}\u{0303}n")),
        ),
        (
            "files[0].name",
            Box::new(|v| v["files"][0]["name"] = json!("../../etc/passwd")),
        ),
        (
            "files[0].name",
            Box::new(|v| v["files"][0]["name"] = json!("a\\b.pdf")),
        ),
        (
            "files[0].sha256",
            Box::new(|v| v["files"][0]["sha256"] = json!("XYZ")),
        ),
        (
            "files[0].ordinal",
            Box::new(|v| v["files"][0]["ordinal"] = json!(2)),
        ),
        (
            "files[0].media_type",
            Box::new(|v| v["files"][0]["media_type"] = json!("text/html")),
        ),
        ("files", Box::new(|v| v["files"] = json!([]))),
        (
            "signature.signed_files",
            Box::new(|v| v["signature"]["signed_files"] = json!([7])),
        ),
        ("$", Box::new(|v| v["owner"]["shoe_size"] = json!(42))),
    ];
    for (field, mutate) in cases {
        let mut v = seed();
        mutate(&mut v);
        assert_eq!(refused(&v), field, "{v}");
    }
    assert_eq!(parse_message(&vec![b' '; 300 * 1024]).unwrap_err().field, "$");
}

#[test]
fn mutated_messages_never_panic_and_what_is_accepted_round_trips() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let base = SEED.as_bytes();
    let mut accepted = 0;
    for _ in 0..20_000 {
        let mut b = base.to_vec();
        for _ in 0..rng.random_range(1..4) {
            match rng.random_range(0..4) {
                0 => {
                    let i = rng.random_range(0..b.len());
                    b[i] = rng.random();
                }
                1 => {
                    let i = rng.random_range(0..b.len());
                    b.truncate(i);
                }
                2 => {
                    let i = rng.random_range(0..=b.len());
                    b.insert(i, *b"{}[]\",:0\\u".get(rng.random_range(0..10)).unwrap());
                }
                _ => {
                    let i = rng.random_range(0..b.len());
                    b.remove(i);
                }
            }
            if b.is_empty() {
                break;
            }
        }
        if let Ok(m) = parse_message(&b) {
            accepted += 1;
            assert_eq!(parse_message(&serde_json::to_vec(&m).unwrap()).unwrap(), m);
        }
    }
    assert!(
        accepted > 0,
        "some harmless mutations (e.g. in names) are still valid"
    );
}
