//! Splitting and merging records as a signed-in officer, on a real store: pages keep their order and their
//! OCR words on both sides, both histories keep the earlier versions, the signed copy is dropped, and the
//! refusals (empty side, delivered, queued, other owner, other kind, information-only, same record, role)
//! are typed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod page_ops_support;
mod support;

use page_ops_support::{
    add_words_and_signature, assert_own_words, current_pages, deliver, enqueue, other_adds_a_page,
    record_with_pages, shas,
};
use sohoa_engine::{NewRecordRequest, Role};
use support::{engine_with, residence};

fn code(e: sohoa_engine::EngineError) -> String {
    e.code().to_owned()
}

fn info_only() -> NewRecordRequest {
    NewRecordRequest {
        kind: "info-only".to_owned(),
        owner_id: Some("036090004567".to_owned()),
        doc_type_code: Some("CT01".to_owned()),
        fields: vec![
            ("doc_name".to_owned(), "Bản khai nhân khẩu năm 1995".to_owned()),
            ("condition".to_owned(), "torn".to_owned()),
        ],
    }
}

fn other_owner() -> NewRecordRequest {
    NewRecordRequest {
        owner_id: Some("079203001234".to_owned()),
        ..residence()
    }
}

#[test]
fn a_split_moves_the_last_pages_with_their_words_to_a_new_record_of_the_same_owner() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let id = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 4);
    add_words_and_signature(d.path(), &id);
    let (before, signed) = current_pages(d.path(), &id);
    assert!(signed);
    assert_eq!(before.len(), 4);
    let versions_before = e.record_detail(&id).unwrap().versions.len();
    {
        let store = sohoa_store::Store::open(d.path()).unwrap();
        let actor = page_ops_support::actor();
        store
            .start_batch(&actor, "lo-1", "residence-bank", "demo")
            .unwrap();
        store.link_batch_record(&actor, "lo-1", &id).unwrap();
    }

    let report = e
        .split_record(&id, 2, None)
        .unwrap_or_else(|err| panic!("{} {}", err.code(), err.message_vi()));
    assert_eq!(report.moved, 2);
    assert_eq!(report.new_version, 1);
    let (left, left_signed) = current_pages(d.path(), &id);
    let (right, right_signed) = current_pages(d.path(), &report.new_id);
    assert_eq!(shas(&left), shas(&before[..2]));
    assert_eq!(shas(&right), shas(&before[2..]));
    assert_own_words(&left);
    assert_own_words(&right);
    assert!(
        !left_signed && !right_signed,
        "the signed copy shows four pages: dropped on both sides"
    );

    // Same kind and fields; both histories kept.
    let src = e.record_detail(&id).unwrap();
    let new = e.record_detail(&report.new_id).unwrap();
    assert_eq!(new.summary.kind, src.summary.kind);
    assert_eq!(new.summary.owner_id, src.summary.owner_id);
    assert_eq!(new.summary.doc_type_code, src.summary.doc_type_code);
    assert_eq!(
        new.fields.iter().map(|f| (&f.key, &f.value)).collect::<Vec<_>>(),
        src.fields.iter().map(|f| (&f.key, &f.value)).collect::<Vec<_>>()
    );
    assert_eq!(src.versions.len(), versions_before + 1);
    assert_eq!(src.summary.current_version, Some(report.source_version));
    let last = src.versions.last().unwrap();
    assert!(
        last.reason.contains("tách") && last.reason.contains("split"),
        "{}",
        last.reason
    );
    assert!(last.reason.contains(&report.new_id[..8]), "{}", last.reason);
    assert!(
        new.versions[0].reason.contains(&id[..8]),
        "{}",
        new.versions[0].reason
    );
    let audit = engine.audit_log(Some(&report.new_id)).unwrap();
    let actions: Vec<_> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["record.create", "version.commit", "batch.dossier"]);
    let store = sohoa_store::Store::open(d.path()).unwrap();
    assert_eq!(
        store.record_batch(&report.new_id).unwrap().as_deref(),
        Some("lo-1"),
        "a dossier split off stays in its batch"
    );
    assert!(audit.iter().all(|a| a.user == "huong"));

    // Nothing left on one side: refused, nothing written.
    for at in [0, 2, 7] {
        let err = e.split_record(&id, at, None).unwrap_err();
        assert_eq!(err.code(), "pages.split_empty_side");
        assert!(
            err.message_vi().contains("ít nhất một trang"),
            "{}",
            err.message_vi()
        );
    }
    assert_eq!(e.record_detail(&id).unwrap().versions.len(), versions_before + 1);
}

#[test]
fn a_delivered_or_information_only_record_is_not_split_and_a_supervisor_may_not_split() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let id = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 3);
    let boss = support::add_account(&engine, "truong", Role::Supervisor);
    let err = engine.acting(&boss).split_record(&id, 1, None).unwrap_err();
    assert_eq!(err.code(), "auth.forbidden");
    let archivist = support::add_account(&engine, "binh", Role::Archivist);
    let other = record_with_pages(&engine, &officer, d.path(), &residence(), 2, 2);
    engine.acting(&archivist).split_record(&other, 1, None).unwrap();

    let info = e.create_record(&info_only()).unwrap().summary.id;
    assert_eq!(
        code(e.split_record(&info, 1, None).unwrap_err()),
        "record.info_only_has_no_files"
    );
    let empty = e.create_record(&residence()).unwrap().summary.id;
    assert_eq!(code(e.split_record(&empty, 1, None).unwrap_err()), "pages.none");
    // A message still waiting would send the split-off pages under this record too.
    let waiting = record_with_pages(&engine, &officer, d.path(), &residence(), 3, 2);
    enqueue(d.path(), &waiting);
    assert_eq!(
        code(e.split_record(&waiting, 1, None).unwrap_err()),
        "pages.queued"
    );

    deliver(d.path(), &id);
    let err = e.split_record(&id, 1, None).unwrap_err();
    assert_eq!(err.code(), "pages.delivered");
    assert!(err.message_vi().contains("đã gửi"), "{}", err.message_vi());
    assert_eq!(e.record_detail(&id).unwrap().versions.len(), 1);
    let live = e.list_records(&Default::default()).unwrap();
    assert_eq!(live.len(), 6, "no half-made record left behind: {live:?}");
}

#[test]
fn a_merge_appends_the_other_records_pages_with_their_words_and_trashes_it() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let target = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 2);
    add_words_and_signature(d.path(), &target);
    let older = record_with_pages(&engine, &officer, d.path(), &residence(), 3, 1);
    let source = record_with_pages(&engine, &officer, d.path(), &residence(), 2, 2);
    add_words_and_signature(d.path(), &source);
    let stranger = record_with_pages(&engine, &officer, d.path(), &other_owner(), 4, 1);
    let info = e.create_record(&info_only()).unwrap().summary.id;

    let candidates = e.merge_candidates(&target).unwrap();
    let ids: Vec<_> = candidates.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [source.as_str(), older.as_str()],
        "same owner and kind, newest first"
    );
    assert_eq!(
        candidates[0].page_count, 2,
        "page images only, not words or the signed copy"
    );
    assert!(!ids.contains(&stranger.as_str()) && !ids.contains(&info.as_str()));

    let (t_before, _) = current_pages(d.path(), &target);
    let (s_before, _) = current_pages(d.path(), &source);
    let t_versions = e.record_detail(&target).unwrap().versions.len();
    let report = e
        .merge_records(&target, &source, None)
        .unwrap_or_else(|err| panic!("{} {}", err.code(), err.message_vi()));
    assert_eq!(report.moved, 2);
    let (after, signed) = current_pages(d.path(), &target);
    let mut expected = shas(&t_before);
    expected.extend(shas(&s_before));
    assert_eq!(
        shas(&after),
        expected,
        "the source's pages after the target's, in order"
    );
    assert_own_words(&after);
    assert!(!signed);
    let t = e.record_detail(&target).unwrap();
    assert_eq!(t.versions.len(), t_versions + 1);
    assert!(t.versions.last().unwrap().reason.contains(&source[..8]));

    let s = e.record_detail(&source).unwrap();
    assert!(s.summary.trashed);
    assert!(s.history.iter().any(|h| h.action == "record.trash"));
    let trash = e
        .list_records(&sohoa_engine::RecordQuery {
            trash: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        trash.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [source.as_str()]
    );
    let ids: Vec<_> = e
        .merge_candidates(&target)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, [older]);
    // The trashed source cannot be merged again.
    assert_eq!(
        code(e.merge_records(&target, &source, None).unwrap_err()),
        "store.in_trash"
    );
}

#[test]
fn merges_of_other_owners_kinds_delivered_queued_or_the_same_record_are_refused() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let target = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 1);
    let stranger = record_with_pages(&engine, &officer, d.path(), &other_owner(), 2, 1);
    let info = e.create_record(&info_only()).unwrap().summary.id;
    let delivered = record_with_pages(&engine, &officer, d.path(), &residence(), 3, 1);
    deliver(d.path(), &delivered);
    let queued = record_with_pages(&engine, &officer, d.path(), &residence(), 4, 1);
    enqueue(d.path(), &queued);
    let fine = record_with_pages(&engine, &officer, d.path(), &residence(), 5, 1);

    assert_eq!(
        code(e.merge_records(&target, &target, None).unwrap_err()),
        "pages.same_record"
    );
    let err = e.merge_records(&target, &stranger, None).unwrap_err();
    assert_eq!(err.code(), "pages.owner_differs");
    let said = format!("{} {err}", err.message_vi());
    assert!(
        !said.contains("036090004567") && !said.contains("079203001234"),
        "{said}"
    );
    assert_eq!(
        code(e.merge_records(&target, &info, None).unwrap_err()),
        "record.info_only_has_no_files"
    );
    assert_eq!(
        code(e.merge_records(&info, &target, None).unwrap_err()),
        "record.info_only_has_no_files"
    );
    assert_eq!(
        code(e.merge_records(&target, &delivered, None).unwrap_err()),
        "pages.delivered"
    );
    assert_eq!(
        code(e.merge_records(&target, &queued, None).unwrap_err()),
        "pages.queued"
    );
    let boss = support::add_account(&engine, "truong", Role::Supervisor);
    assert_eq!(
        code(
            engine
                .acting(&boss)
                .merge_records(&target, &fine, None)
                .unwrap_err()
        ),
        "auth.forbidden"
    );
    assert_eq!(
        e.record_detail(&target).unwrap().versions.len(),
        1,
        "nothing was written"
    );
    for id in [&stranger, &delivered, &queued, &fine] {
        assert!(!e.record_detail(id).unwrap().summary.trashed);
    }

    // Another kind of the same owner.
    let card = NewRecordRequest {
        kind: "id-card".to_owned(),
        owner_id: Some("036090004567".to_owned()),
        doc_type_code: None,
        fields: [
            ("full_name", "Phạm Đức Thắng"),
            ("birth_date", "1990-01-02"),
            ("sex", "Nam"),
            ("cmnd_number", "025123456"),
            ("father_name", "Phạm Văn Bình"),
            ("mother_name", "Trần Thị Cúc"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    };
    let card = record_with_pages(&engine, &officer, d.path(), &card, 6, 1);
    let err = e.merge_records(&target, &card, None).unwrap_err();
    assert_eq!(err.code(), "pages.kind_differs");
    assert!(err.message_vi().contains("khác loại"), "{}", err.message_vi());
    assert!(e.merge_candidates(&target).unwrap().iter().all(|c| c.id != card));
}

#[test]
fn a_split_or_merge_chosen_on_a_version_since_replaced_is_refused_and_changes_nothing() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let target = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 3);
    let source = record_with_pages(&engine, &officer, d.path(), &residence(), 2, 1);
    let shown = e.record_detail(&target).unwrap().summary.current_version;
    // The CLI beside the app adds a page: the position the officer chose now means another page.
    other_adds_a_page(d.path(), &target);
    let (before, _) = current_pages(d.path(), &target);
    assert_eq!(
        code(e.split_record(&target, 2, shown).unwrap_err()),
        "store.version_conflict"
    );
    assert_eq!(
        code(e.merge_records(&target, &source, shown).unwrap_err()),
        "store.version_conflict"
    );
    assert_eq!(shas(&current_pages(d.path(), &target).0), shas(&before));
    assert_eq!(e.record_detail(&source).unwrap().summary.page_count, 1);
    // On the version now shown both go ahead.
    let now = e.record_detail(&target).unwrap().summary.current_version;
    assert_eq!(e.split_record(&target, 3, now).unwrap().moved, 1);
    let now = e.record_detail(&target).unwrap().summary.current_version;
    assert_eq!(e.merge_records(&target, &source, now).unwrap().moved, 1);
}
