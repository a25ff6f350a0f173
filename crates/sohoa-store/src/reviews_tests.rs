use serde_json::json;

use super::*;
use crate::{NewRecord, VersionFile};

fn actor(user: &str) -> Actor {
    Actor {
        user: user.into(),
        workstation: "ws1".into(),
    }
}

fn record(store: &Store) -> String {
    store
        .create_record(
            &actor("hoa"),
            &NewRecord {
                kind: "residence".into(),
                title: "hồ sơ".into(),
                metadata: json!({}),
                search_text: String::new(),
                owner_id: None,
                owner_name: None,
                doc_type_code: None,
                storage_key: None,
            },
        )
        .unwrap()
        .id
}

fn file(store: &Store, body: &str, name: &str, media_type: &str) -> VersionFile {
    VersionFile {
        blob: store.put_blob(&mut body.as_bytes()).unwrap().blob,
        name: name.into(),
        media_type: media_type.into(),
    }
}

fn review(id: &str, version: u32, verdict: ReviewVerdict, reason: Option<&str>, pages: &[u32]) -> NewReview {
    NewReview {
        record_id: id.into(),
        version,
        verdict,
        reason: reason.map(str::to_owned),
        pages: pages.to_vec(),
    }
}

#[test]
fn a_review_binds_the_pages_it_saw_and_refuses_bad_input_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = record(&store);
    let (p1, p2) = (
        file(&store, "page one", "p1.png", "image/png"),
        file(&store, "page two", "p2.png", "image/png"),
    );
    let v1 = store
        .commit_version(&actor("hoa"), &id, &[p1.clone(), p2.clone()], "scan")
        .unwrap()
        .number;
    let index = store.review_index().unwrap();
    assert_eq!(index.len(), 1);
    assert!(index[0].review.is_none(), "awaiting review");
    assert_eq!(index[0].created_by, "hoa");
    let boss = actor("truong");
    let audit_before = store.audit_entries(None).unwrap().len();
    let refused = [
        review(&id, v1, ReviewVerdict::Rejected, None, &[2]),
        review(&id, v1, ReviewVerdict::Rejected, Some("  "), &[2]),
        review(&id, v1, ReviewVerdict::Rejected, Some("mờ"), &[3]),
        review(&id, v1 + 1, ReviewVerdict::Approved, None, &[]),
    ];
    let codes: Vec<_> = refused
        .iter()
        .map(|r| store.add_review(&boss, r).unwrap_err().code())
        .collect();
    assert_eq!(
        codes,
        [
            "store.invalid_input",
            "store.invalid_input",
            "store.invalid_input",
            "store.conflict"
        ]
    );
    assert!(store.reviews(&id).unwrap().is_empty());
    assert_eq!(store.audit_entries(None).unwrap().len(), audit_before);

    let nfd = "Trang 2 bi\u{323} mơ\u{300}";
    let rejected = store
        .add_review(
            &boss,
            &review(&id, v1, ReviewVerdict::Rejected, Some(nfd), &[2, 2]),
        )
        .unwrap();
    assert_eq!(rejected.reason.as_deref(), Some("Trang 2 bị mờ"));
    assert_eq!(rejected.pages, vec![2]);
    assert!(!rejected.sampled);
    // OCR words and a signed copy do not change the pages: the verdict stays.
    let ocr = file(&store, "{}", "p1.ocr.json", "application/vnd.sohoa.ocr+json");
    store
        .commit_version(&actor("hoa"), &id, &[p1.clone(), ocr, p2.clone()], "ocr")
        .unwrap();
    let index = store.review_index().unwrap();
    assert_eq!(index[0].current_version, v1 + 1);
    assert_eq!(index[0].review.as_ref().map(|r| r.id), Some(rejected.id));
    // A rescanned page does.
    let p2b = file(&store, "page two again", "p2.png", "image/png");
    let v3 = store
        .commit_version(&actor("hoa"), &id, &[p1, p2b], "rescan")
        .unwrap()
        .number;
    assert!(store.review_index().unwrap()[0].review.is_none());
    let approved = store
        .add_review(&boss, &review(&id, v3, ReviewVerdict::Approved, None, &[]))
        .unwrap();
    assert_eq!(approved.verdict, ReviewVerdict::Approved);
    assert_eq!(
        store.review_index().unwrap()[0].review.as_ref().map(|r| r.id),
        Some(approved.id)
    );
    assert_eq!(store.reviews(&id).unwrap().len(), 2);
    assert!(store.audit_verify().unwrap().is_valid());
}

#[test]
fn reviews_are_append_only_and_go_only_with_a_purged_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = record(&store);
    let p = file(&store, "page", "p.png", "image/png");
    let v = store
        .commit_version(&actor("hoa"), &id, &[p], "scan")
        .unwrap()
        .number;
    let r = store
        .add_review(
            &actor("truong"),
            &review(&id, v, ReviewVerdict::Rejected, Some("mờ"), &[]),
        )
        .unwrap();
    store
        .with_conn(|conn| {
            let upd = conn.execute("UPDATE reviews SET verdict = 'approved' WHERE id = ?1", [r.id]);
            assert!(upd.unwrap_err().to_string().contains("append-only"));
            let del = conn.execute("DELETE FROM reviews WHERE id = ?1", [r.id]);
            assert!(del.is_err());
            Ok(())
        })
        .unwrap();
    store.trash(&actor("hoa"), &id, "nhầm").unwrap();
    assert!(store.review_index().unwrap().is_empty());
    store.purge(&actor("hoa"), &id).unwrap();
    assert_eq!(
        store
            .with_conn(|c| Ok(c.query_row("SELECT count(*) FROM reviews", [], |r| r.get::<_, i64>(0))?))
            .unwrap(),
        0
    );
}

#[test]
fn a_batch_keeps_its_first_sample_draw() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = actor("luu-tru");
    store.start_batch(&a, "b1", "residence-bank", "demo").unwrap();
    let ids: Vec<String> = (0..4).map(|_| record(&store)).collect();
    for id in &ids {
        store.link_batch_record(&a, "b1", id).unwrap();
    }
    let draw = SampleRow {
        batch_id: "b1".into(),
        share: 0.5,
        seed: 42,
        population: 4,
        drawn_at: String::new(),
        drawn_by: String::new(),
        records: vec![ids[3].clone(), ids[1].clone()],
    };
    let boss = actor("truong");
    let (stored, fresh) = store.save_review_sample(&boss, &draw).unwrap();
    assert!(fresh);
    assert_eq!(stored.records, vec![ids[1].clone(), ids[3].clone()], "feed order");
    assert_eq!((stored.seed, stored.drawn_by.as_str()), (42, "truong"));
    let other = SampleRow {
        seed: 7,
        records: vec![ids[0].clone()],
        ..draw.clone()
    };
    let (again, fresh) = store.save_review_sample(&boss, &other).unwrap();
    assert!(!fresh);
    assert_eq!(again, stored);
    assert_eq!(store.review_sample("b1").unwrap(), Some(stored));
    assert_eq!(store.review_sample("b2").unwrap(), None);
    store.start_batch(&a, "b2", "residence-bank", "demo").unwrap();
    let stranger = SampleRow {
        batch_id: "b2".into(),
        ..draw
    };
    assert!(store.save_review_sample(&boss, &stranger).is_err());
    assert_eq!(store.review_sample("b2").unwrap(), None);
    assert!(store.audit_verify().unwrap().is_valid());
}
