//! Records, revisions, ids, listing and search on a real data directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{actor, assert_healthy, new_record, other_actor, update_of};
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
