//! Records, revisions, ids, listing, search, versions, trash and purge on a real data directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{actor, assert_healthy, new_record, other_actor, page, update_of};
use sohoa_store::{ListFilter, Store, StoreError, TrashFilter};

#[test]
fn create_then_get_round_trips_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let new = new_record("001099012345", "Nguyễn Văn An", "Giấy chứng nhận đăng ký kết hôn");
    let row = store.create_record(&actor(), &new).unwrap();
    assert_eq!(uuid::Uuid::parse_str(&row.id).unwrap().get_version_num(), 7);
    assert_eq!(row.revision, 1);
    assert_eq!(row.current_version, None);
    assert_eq!(row.page_count, 0);
    assert_eq!(row.created_by, "can.bo.tiep.nhan");
    assert!(row.created_at.ends_with("+07:00"));
    assert_eq!(store.get_record(&row.id).unwrap(), row);

    let entries = store.audit_entries(Some(&row.id)).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "record.create");
    assert_eq!(entries[0].user, "can.bo.tiep.nhan");
    assert_eq!(entries[0].workstation, "PC-MOTCUA-01");
    let details = entries[0].details.to_string();
    assert!(
        !details.contains("001099012345") && !details.contains("Nguyễn"),
        "personal data in audit: {details}"
    );
    assert!(details.contains("owner_id"), "field keys are listed: {details}");
    assert_healthy(&store);
}

#[test]
fn text_is_stored_nfc() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let nfd_name = "Nguye\u{302}\u{303}n Va\u{306}n An";
    let mut new = new_record("001099012345", nfd_name, "Gia\u{301}y khai sinh");
    new.metadata = serde_json::json!({"no\u{31b}i_sinh": "Ha\u{300} No\u{323}\u{302}i"});
    let row = store.create_record(&actor(), &new).unwrap();
    assert_eq!(row.owner_name.as_deref(), Some("Nguyễn Văn An"));
    assert_eq!(row.title, "Giáy khai sinh");
    assert_eq!(row.metadata, serde_json::json!({"nơi_sinh": "Hà Nội"}));
}

#[test]
fn updates_make_revisions_keep_history_and_detect_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut new = new_record("001099012345", "Lê Thị Hoa", "Giấy khai sinh");
    let row = store.create_record(&actor(), &new).unwrap();

    new.metadata = serde_json::json!({"summary": "Giấy khai sinh (bản chính)", "validity": "vô thời hạn"});
    new.owner_name = Some("Lê Thị Hoà".to_owned());
    let r2 = store
        .update_record(&other_actor(), &row.id, &update_of(&new), Some(1))
        .unwrap();
    assert_eq!(r2.revision, 2);
    assert_eq!(r2.owner_name.as_deref(), Some("Lê Thị Hoà"));

    // A stale writer is refused and nothing changes.
    new.title = "Sửa đổi".to_owned();
    let err = store
        .update_record(&actor(), &row.id, &update_of(&new), Some(1))
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                expected: 1,
                actual: 2
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.code(), "store.conflict");
    assert_eq!(store.get_record(&row.id).unwrap().revision, 2);

    let r3 = store
        .update_record(&actor(), &row.id, &update_of(&new), None)
        .unwrap();
    assert_eq!(r3.revision, 3);
    // Unchanged content: no revision, no audit entry.
    let same = store
        .update_record(&actor(), &row.id, &update_of(&new), Some(3))
        .unwrap();
    assert_eq!(same.revision, 3);

    let history = store.metadata_history(&row.id).unwrap();
    assert_eq!(history.iter().map(|h| h.revision).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(history[0].owner_name.as_deref(), Some("Lê Thị Hoa"));
    assert_eq!(history[0].user, "can.bo.tiep.nhan");
    assert_eq!(history[1].user, "can.bo.tang.thu");
    assert_eq!(history[1].metadata["summary"], "Giấy khai sinh (bản chính)");
    assert_eq!(history[0].at, row.created_at);

    let actions: Vec<String> = store
        .audit_entries(Some(&row.id))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["record.create", "record.update", "record.update"]);
    let upd = &store.audit_entries(Some(&row.id)).unwrap()[1];
    assert_eq!(
        upd.details["changed"],
        serde_json::json!(["owner_name", "metadata.summary"])
    );
    assert!(!upd.details.to_string().contains("Hoà"));
    assert_healthy(&store);
}

#[test]
fn ids_resolve_from_unique_prefixes_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = store
        .create_record(&actor(), &new_record("001099012345", "A", "Một"))
        .unwrap();
    let b = store
        .create_record(&actor(), &new_record("001099012346", "B", "Hai"))
        .unwrap();
    assert_eq!(store.resolve_id(&a.id).unwrap(), a.id);
    assert_eq!(store.resolve_id(&a.id.to_uppercase()).unwrap(), a.id);
    // UUID v7 ids created in the same millisecond share their first 8+ characters.
    let common_len = a.id.chars().zip(b.id.chars()).take_while(|(x, y)| x == y).count();
    assert!(common_len >= 6, "{} {}", a.id, b.id);
    let err = store.resolve_id(&a.id[..6]).unwrap_err();
    assert!(matches!(err, StoreError::Ambiguous { count: 2, .. }), "{err:?}");
    assert_eq!(store.resolve_id(&a.id[..common_len + 1]).unwrap(), a.id);
    assert_eq!(store.resolve_id("ffffff").unwrap_err().code(), "store.not_found");
    for bad in [
        "abc",
        "",
        "../../etc",
        "zzzzzzzz",
        "0193a1b2-0000-7000-8000-00000000000g",
        "%%%%%%%",
    ] {
        assert_eq!(
            store.resolve_id(bad).unwrap_err().code(),
            "store.invalid_id",
            "{bad:?}"
        );
    }
    assert_eq!(
        store.get_record("not-a-uuid").unwrap_err().code(),
        "store.invalid_id"
    );
    let absent = "0193a1b2-0000-7000-8000-000000000001";
    assert!(matches!(
        store.get_record(absent).unwrap_err(),
        StoreError::NotFound { .. }
    ));
}

#[test]
fn listing_filters_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut new = new_record(&format!("00109901234{i}"), "X", &format!("Hồ sơ {i}"));
        if i % 2 == 0 {
            new.kind = "residence".to_owned();
        }
        ids.push(store.create_record(&actor(), &new).unwrap().id);
    }
    store.trash(&actor(), &ids[0], "trùng").unwrap();
    let all = store.list_records(&ListFilter::default()).unwrap();
    assert_eq!(
        all.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![ids[4].clone(), ids[3].clone(), ids[2].clone(), ids[1].clone()]
    );
    let residence = ListFilter {
        kind: Some("residence".to_owned()),
        ..ListFilter::default()
    };
    assert_eq!(store.list_records(&residence).unwrap().len(), 2);
    let only_trash = ListFilter {
        trash: TrashFilter::Only,
        ..ListFilter::default()
    };
    assert_eq!(store.list_records(&only_trash).unwrap()[0].id, ids[0]);
    let include = ListFilter {
        trash: TrashFilter::Include,
        limit: 2,
        offset: 3,
        ..ListFilter::default()
    };
    assert_eq!(store.list_records(&include).unwrap().len(), 2);
    let owner = ListFilter {
        owner_id: Some("001099012343".to_owned()),
        ..ListFilter::default()
    };
    assert_eq!(store.list_records(&owner).unwrap()[0].id, ids[3]);
    assert_eq!(store.count_records(TrashFilter::Exclude).unwrap(), 4);
    assert_eq!(store.count_records(TrashFilter::Only).unwrap(), 1);
    assert_eq!(store.count_records(TrashFilter::Include).unwrap(), 5);
}

#[test]
fn search_is_accent_insensitive_ranked_and_survives_any_input() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let hoa = store
        .create_record(
            &actor(),
            &new_record("001099012345", "Đặng Thị Hoa", "Giấy khai sinh"),
        )
        .unwrap();
    let nam = store
        .create_record(
            &actor(),
            &new_record("079203001122", "Phạm Văn Nam", "Sổ hộ khẩu"),
        )
        .unwrap();
    let filter = ListFilter::default();
    let ids = |q: &str| {
        store
            .search(q, &filter)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("Đặng Thị Hoa"), [hoa.id.as_str()]);
    assert_eq!(ids("dang thi hoa"), [hoa.id.as_str()], "diacritics are folded");
    assert_eq!(ids("DANG"), [hoa.id.as_str()]);
    for (stored, typed) in [
        ("Trương Ưng Ơn", "truong ung on"),
        ("Ăn Ân Ê Ô", "an an e o"),
        ("Đỗ Đức Độ", "do duc do"),
    ] {
        let r = store
            .create_record(&actor(), &new_record("001099099999", stored, "Tờ khai"))
            .unwrap();
        assert_eq!(ids(typed), [r.id.as_str()], "{typed} → {stored}");
        assert_eq!(ids(stored), [r.id.as_str()], "{stored}");
        store.trash(&actor(), &r.id, "test").unwrap();
    }
    assert_eq!(ids("0010990"), [hoa.id.as_str()], "ID number prefix");
    assert_eq!(ids("079203001122.1"), [nam.id.as_str()], "storage key");
    assert_eq!(ids("trúc bạch").len(), 2, "engine search text");
    assert!(ids("hộ khẩu khai sinh").is_empty(), "all words must match");
    for nasty in [
        "\"",
        "\"\"",
        "*",
        "-",
        ":",
        "NEAR",
        "NEAR(a b)",
        "a OR b",
        "AND",
        "NOT hoa",
        "title:hoa",
        "^hoa",
        "(((",
        "hoa\"*",
        "'; DROP TABLE records; --",
        "\u{0}",
        "   ",
        "🙂",
        "Nguye\u{302}\u{303}n",
    ] {
        store.search(nasty, &filter).unwrap();
    }
    assert_eq!(ids("\"hoa\""), [hoa.id.as_str()]);
    assert_eq!(ids("hoa*"), [hoa.id.as_str()]);
    assert_eq!(ids("-hoa"), [hoa.id.as_str()], "a leading minus is not NOT");
    assert_eq!(
        ids("owner_name:hoa"),
        Vec::<String>::new(),
        "column filters are not syntax: both words must match"
    );

    // Updates re-index; trash is honoured by the filter.
    let mut moved = new_record("001099012345", "Đặng Thị Hoa", "Giấy khai sinh");
    moved.search_text = "Phường Kim Mã".to_owned();
    store
        .update_record(&actor(), &hoa.id, &update_of(&moved), None)
        .unwrap();
    assert_eq!(ids("trúc bạch"), [nam.id.as_str()]);
    assert_eq!(ids("kim ma"), [hoa.id.as_str()]);
    store.trash(&actor(), &hoa.id, "nhầm").unwrap();
    assert!(ids("hoa").is_empty());
    let trash = ListFilter {
        trash: TrashFilter::Only,
        ..ListFilter::default()
    };
    assert_eq!(store.search("hoa", &trash).unwrap().len(), 1);
}

#[test]
fn ranking_prefers_identifier_hits() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut text_hit = new_record("001099000001", "Trần Văn Bình", "Biên bản");
    text_hit.search_text = "liên quan 001099777777 và nhiều chữ khác nữa ở đây".to_owned();
    store.create_record(&actor(), &text_hit).unwrap();
    let id_hit = store
        .create_record(&actor(), &new_record("001099777777", "Lý Thị Mai", "Biên bản"))
        .unwrap();
    let found = store.search("001099777777", &ListFilter::default()).unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].id, id_hit.id);
}

#[test]
fn versions_are_numbered_immutable_and_keep_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let rec = store
        .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ cư trú"))
        .unwrap();
    let p1 = page(&store, b"page one scan", "trang-1.png");
    let p2 = page(&store, b"page two scan", "trang-2.png");
    let v1 = store
        .commit_version(&actor(), &rec.id, &[p1.clone(), p2.clone()], "scan")
        .unwrap();
    assert_eq!((v1.number, v1.file_count, v1.total_bytes), (1, 2, 26));
    let p2b = page(&store, b"page two, rescanned at 300 dpi", "trang-2.png");
    let v2 = store
        .commit_version(&other_actor(), &rec.id, &[p1.clone(), p2b.clone()], "rescan p2")
        .unwrap();
    assert_eq!(v2.number, 2);
    assert_eq!(v2.actor, "can.bo.tang.thu");

    let row = store.get_record(&rec.id).unwrap();
    assert_eq!((row.current_version, row.page_count), (Some(2), 2));
    let versions = store.versions(&rec.id).unwrap();
    assert_eq!(versions, vec![v1.clone(), v2.clone()]);
    let f1 = store.version_files(&rec.id, 1).unwrap();
    assert_eq!(
        f1.iter().map(|f| f.sha256.as_str()).collect::<Vec<_>>(),
        [&p1.blob.sha256, &p2.blob.sha256]
    );
    assert_eq!(f1[1].ordinal, 2);
    let f2 = store.version_files(&rec.id, 2).unwrap();
    assert_eq!(f2[1].sha256, p2b.blob.sha256);
    assert_eq!(
        store.version_files(&rec.id, 3).unwrap_err().code(),
        "store.not_found"
    );
    // Both versions' blobs stay on disk.
    for f in f1.iter().chain(&f2) {
        assert_eq!(
            std::fs::read(store.blob_path(&f.sha256).unwrap()).unwrap().len() as u64,
            f.size
        );
    }
    let audit = store.audit_entries(Some(&rec.id)).unwrap();
    let commit = audit.iter().find(|e| e.action == "version.commit").unwrap();
    assert_eq!(commit.details["files"][0]["sha256"], p1.blob.sha256.as_str());
    assert!(
        !commit.details.to_string().contains("trang-1"),
        "names are not audited"
    );
    assert_healthy(&store);
}

#[test]
fn bad_versions_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let rec = store
        .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ"))
        .unwrap();
    let good = page(&store, b"content", "p.png");
    let head_before = store.audit_verify().unwrap().head_hash;

    let mut ghost = good.clone();
    ghost.blob.sha256 = "ab".repeat(32);
    let err = store
        .commit_version(&actor(), &rec.id, &[good.clone(), ghost], "x")
        .unwrap_err();
    assert!(matches!(err, StoreError::BlobMissing { .. }), "{err:?}");

    let mut wrong_size = good.clone();
    wrong_size.blob.size += 1;
    assert_eq!(
        store
            .commit_version(&actor(), &rec.id, &[wrong_size], "x")
            .unwrap_err()
            .code(),
        "store.invalid_input"
    );

    for name in [
        "../../etc/passwd",
        "a/b.png",
        "a\\b.png",
        "",
        "..",
        "x\u{0}y",
        "tab\there",
        &"n".repeat(256),
    ] {
        let mut bad = good.clone();
        bad.name = name.to_owned();
        let err = store.commit_version(&actor(), &rec.id, &[bad], "x").unwrap_err();
        assert!(matches!(err, StoreError::InvalidName { .. }), "{name:?}: {err:?}");
    }
    let mut nfd = good.clone();
    nfd.name = "Nguye\u{302}\u{303}n.png".to_owned();
    assert_eq!(
        store
            .commit_version(&actor(), &rec.id, &[nfd], "x")
            .unwrap_err()
            .code(),
        "store.invalid_name"
    );

    let mut traversal = good.clone();
    traversal.blob.sha256 = "../../../../etc/passwd".to_owned();
    assert_eq!(
        store
            .commit_version(&actor(), &rec.id, &[traversal], "x")
            .unwrap_err()
            .code(),
        "store.invalid_input"
    );
    assert_eq!(
        store
            .commit_version(&actor(), &rec.id, &[], "x")
            .unwrap_err()
            .code(),
        "store.invalid_input"
    );

    assert!(store.versions(&rec.id).unwrap().is_empty());
    assert_eq!(store.get_record(&rec.id).unwrap().current_version, None);
    assert_eq!(
        store.audit_verify().unwrap().head_hash,
        head_before,
        "no audit entry for refused commits"
    );
}

#[test]
fn trash_restore_and_purge() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let keep = store
        .create_record(&actor(), &new_record("001099012345", "A", "Giữ"))
        .unwrap();
    let gone = store
        .create_record(&actor(), &new_record("001099012346", "B", "Xoá"))
        .unwrap();
    let shared = page(&store, b"shared page", "chung.png");
    let own = page(&store, b"only in the purged record", "rieng.png");
    store
        .commit_version(&actor(), &keep.id, std::slice::from_ref(&shared), "scan")
        .unwrap();
    store
        .commit_version(&actor(), &gone.id, &[shared.clone(), own.clone()], "scan")
        .unwrap();

    assert_eq!(
        store.purge(&actor(), &gone.id).unwrap_err().code(),
        "store.not_in_trash"
    );
    assert_eq!(
        store.restore(&actor(), &gone.id).unwrap_err().code(),
        "store.not_in_trash"
    );
    let t = store.trash(&actor(), &gone.id, "trùng hồ sơ").unwrap();
    assert!(t.trashed_at.is_some());
    assert_eq!(t.trash_reason.as_deref(), Some("trùng hồ sơ"));
    assert_eq!(
        store.trash(&actor(), &gone.id, "again").unwrap_err().code(),
        "store.in_trash"
    );
    let upd = update_of(&new_record("001099012346", "B", "Sửa"));
    assert!(matches!(
        store.update_record(&actor(), &gone.id, &upd, None),
        Err(StoreError::InTrash { .. })
    ));
    assert_eq!(
        store
            .commit_version(&actor(), &gone.id, std::slice::from_ref(&own), "x")
            .unwrap_err()
            .code(),
        "store.in_trash"
    );

    let r = store.restore(&actor(), &gone.id).unwrap();
    assert_eq!((r.trashed_at, r.trash_reason), (None, None));
    store.trash(&actor(), &gone.id, "thật sự xoá").unwrap();
    let report = store.purge(&actor(), &gone.id).unwrap();
    assert_eq!(report.versions_removed, 1);
    assert_eq!(report.blobs_removed, 1, "{report:?}");
    assert_eq!(report.bytes_freed, own.blob.size);
    assert_eq!(report.blobs_deferred, 0);
    assert!(!store.blob_path(&own.blob.sha256).unwrap().exists());
    assert!(
        store.blob_path(&shared.blob.sha256).unwrap().exists(),
        "still used by another record"
    );
    assert!(matches!(
        store.get_record(&gone.id),
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        store
            .search(
                "Xoá",
                &ListFilter {
                    trash: TrashFilter::Include,
                    ..ListFilter::default()
                }
            )
            .unwrap()
            .is_empty()
    );
    let actions: Vec<String> = store
        .audit_entries(Some(&gone.id))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "record.create",
            "version.commit",
            "record.trash",
            "record.restore",
            "record.trash",
            "record.purge"
        ]
    );
    assert_healthy(&store);
}

#[test]
fn purge_leaves_blobs_to_a_live_concurrent_process_and_startup_collects_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let rec = store
        .create_record(&actor(), &new_record("001099012345", "A", "Hồ sơ"))
        .unwrap();
    let p = page(&store, b"page", "p.png");
    store
        .commit_version(&actor(), &rec.id, std::slice::from_ref(&p), "scan")
        .unwrap();
    store.trash(&actor(), &rec.id, "x").unwrap();

    let other = Store::open(dir.path()).unwrap();
    assert!(other.last_reconcile().cleanup_skipped, "the first handle is live");
    let report = store.purge(&actor(), &rec.id).unwrap();
    assert_eq!((report.blobs_removed, report.blobs_deferred), (0, 1));
    assert!(store.blob_path(&p.blob.sha256).unwrap().exists());
    drop(other);
    drop(store);

    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.last_reconcile().orphan_blobs_removed, 1);
    assert!(!store.blob_path(&p.blob.sha256).unwrap().exists());
    assert_healthy(&store);
}

#[test]
fn purge_trash_older_than_respects_the_cutoff() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = store
        .create_record(&actor(), &new_record("001099012345", "A", "Một"))
        .unwrap();
    let b = store
        .create_record(&actor(), &new_record("001099012346", "B", "Hai"))
        .unwrap();
    let c = store
        .create_record(&actor(), &new_record("001099012347", "C", "Ba"))
        .unwrap();
    store.trash(&actor(), &a.id, "x").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let cutoff = chrono::Utc::now().fixed_offset();
    std::thread::sleep(std::time::Duration::from_millis(20));
    store.trash(&actor(), &b.id, "y").unwrap();
    let reports = store.purge_trash_older_than(&actor(), cutoff).unwrap();
    assert_eq!(
        reports.iter().map(|r| r.record_id.clone()).collect::<Vec<_>>(),
        [a.id.as_str()]
    );
    assert!(store.get_record(&b.id).unwrap().trashed_at.is_some());
    assert!(store.get_record(&c.id).unwrap().trashed_at.is_none());
}

#[test]
fn engine_events_join_the_chain_and_bad_actors_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let rec = store
        .create_record(&actor(), &new_record("001099012345", "A", "Một"))
        .unwrap();
    let e = store
        .audit_append(
            &actor(),
            "export",
            Some(&rec.id),
            &serde_json::json!({"format": "pdf/a-2b"}),
        )
        .unwrap();
    assert_eq!(e.seq, 2);
    assert_eq!(e.prev_hash, store.audit_entries(None).unwrap()[0].hash);
    let nobody = sohoa_store::Actor {
        user: " ".to_owned(),
        workstation: "w".to_owned(),
    };
    assert_eq!(
        store
            .create_record(&nobody, &new_record("1", "A", "x"))
            .unwrap_err()
            .code(),
        "store.invalid_input"
    );
    assert_eq!(
        store
            .audit_append(&actor(), "", None, &serde_json::json!({}))
            .unwrap_err()
            .code(),
        "store.invalid_input"
    );
    let report = store.audit_verify().unwrap();
    assert_eq!((report.entries, report.head_hash), (2, e.hash));
}
