//! Properties over arbitrary input: any search string is a valid query, any file name is either safely
//! accepted or refused as InvalidName, any JSON detail round-trips through the audit chain.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::OnceLock;

use common::{actor, new_record, page};
use proptest::prelude::*;
use sohoa_store::{ListFilter, Store, StoreError, TrashFilter};

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    record: String,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        for (id, name) in [
            ("001099012345", "Nguyễn Văn \"Tèo\""),
            ("079203001122", "Đỗ Thị NEAR-Mai: *"),
        ] {
            store
                .create_record(&actor(), &new_record(id, name, "Giấy tờ"))
                .unwrap();
        }
        let record = store
            .create_record(&actor(), &new_record("001099000000", "Chủ", "Ảnh"))
            .unwrap()
            .id;
        Fixture {
            _dir: dir,
            store,
            record,
        }
    })
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        ".*".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(".*", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_string_is_a_valid_search(q in r#"(.|["*:\-()^]|NEAR|AND|OR|NOT| )*"#) {
        let f = fixture();
        let filter = ListFilter { trash: TrashFilter::Include, ..ListFilter::default() };
        prop_assert!(f.store.search(&q, &filter).is_ok());
    }

    #[test]
    fn file_names_are_accepted_safely_or_refused(name in r#"(.|/|\\|\.\.|[\x00-\x1f]|ễ|e\u{302}\u{303})*"#) {
        let f = fixture();
        let mut p = page(&f.store, b"content of every proptest page", "x.png");
        p.name = name.clone();
        match f.store.commit_version(&actor(), &f.record, &[p], "prop") {
            Ok(v) => {
                let files = f.store.version_files(&f.record, v.number).unwrap();
                prop_assert_eq!(&files[0].name, &name);
                prop_assert!(!name.is_empty() && name.len() <= 255);
                prop_assert!(!name.contains('/') && !name.contains('\\') && name != "..");
                prop_assert!(!name.chars().any(char::is_control));
            }
            Err(StoreError::InvalidName { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error {e:?}"),
        }
    }

    #[test]
    fn any_json_details_round_trip_through_the_chain(details in json_value(), action in "[a-z]{1,8}(\\.[a-z]{1,8})?") {
        let f = fixture();
        let e = f.store.audit_append(&actor(), &action, None, &details).unwrap();
        let last = f.store.audit_entries(None).unwrap().pop().unwrap();
        prop_assert_eq!(&last, &e);
        prop_assert_eq!(&last.details, &details);
        prop_assert!(f.store.audit_verify().unwrap().is_valid());
    }
}

#[test]
fn the_store_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Store>();
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(Store::open(dir.path()).unwrap());
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..10 {
                    let rec = store
                        .create_record(&actor(), &new_record("001099012345", "A", &format!("{t}-{i}")))
                        .unwrap();
                    let p = page(&store, format!("page {t} {i}").as_bytes(), "p.png");
                    store.commit_version(&actor(), &rec.id, &[p], "scan").unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(store.count_records(TrashFilter::Exclude).unwrap(), 40);
    common::assert_healthy(&store);
}
