//! The record list narrowed to one reception dossier: exactly its papers, in the dossier's order, where the
//! plain text search for the same number also finds a paper of another dossier of that day.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use sohoa_engine::{
    Acting, DossierIntake, IntakePaper, NewRecordRequest, PaperStatus, ReceivedDossier, RecordQuery, Role,
};
use support::engine_with;

/// A residence registration dossier with these papers handed in, in this order (slot = position).
fn receive(e: &Acting<'_>, doc_types: &[&str]) -> ReceivedDossier {
    let papers = (1..)
        .zip(doc_types)
        .map(|(slot, doc_type)| IntakePaper {
            slot: Some(slot),
            doc_type: (*doc_type).to_owned(),
            status: PaperStatus::Paper,
            sheets: Some(1),
            name: None,
        })
        .collect();
    e.receive_dossier(&DossierIntake {
        owner_id: "036090004567".to_owned(),
        owner_name: Some("Phạm Đức Thắng".to_owned()),
        procedure: "BCA-CT-DKTT".to_owned(),
        papers,
    })
    .unwrap()
}

fn ordinal(e: &Acting<'_>, id: &str) -> String {
    let d = e.record_detail(id).unwrap();
    let f = d.fields.iter().find(|f| f.key == "archival.doc_ordinal").unwrap();
    f.value.clone()
}

#[test]
fn the_dossier_filter_lists_exactly_its_papers_in_order() {
    let (_d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let got = receive(&e, &["CT01", "ct-hd-thue", "CT-DIEUKIEN"]);
    let no = got.dossier_no.clone();
    // Another dossier of the same day whose paper mentions a number starting with this dossier's time digits
    // (a house number, a receipt number): every prefix term of the text search finds something in it.
    let (day, time) = (&no[..11], &no[12..]);
    let other = e
        .create_record(&NewRecordRequest {
            kind: "result".to_owned(),
            owner_id: Some("001085012345".to_owned()),
            doc_type_code: Some("CT01".to_owned()),
            fields: vec![
                (
                    "doc_name".to_owned(),
                    "Tờ khai thay đổi thông tin cư trú".to_owned(),
                ),
                ("summary".to_owned(), format!("Nhà số {time}9, tổ 3")),
                ("archival.file_notation".to_owned(), format!("{day}-000001")),
                ("archival.doc_ordinal".to_owned(), "1".to_owned()),
            ],
        })
        .unwrap();
    let text_hits = e
        .list_records(&RecordQuery {
            text: Some(no.clone()),
            ..RecordQuery::default()
        })
        .unwrap();
    assert_eq!(text_hits.len(), 4, "the text search is not exact");
    assert!(text_hits.iter().any(|r| r.id == other.summary.id));

    let query = |text: Option<&str>, offset: u32, limit: u32| RecordQuery {
        dossier: Some(no.clone()),
        text: text.map(str::to_owned),
        offset,
        limit,
        ..RecordQuery::default()
    };
    let listed = e.list_records(&query(None, 0, 0)).unwrap();
    let ids: Vec<&str> = listed.iter().map(|r| r.id.as_str()).collect();
    let want: Vec<&str> = got.records.iter().map(|p| p.record.summary.id.as_str()).collect();
    assert_eq!(ids, want);
    let ordinals: Vec<String> = ids.iter().map(|id| ordinal(&e, id)).collect();
    assert_eq!(ordinals, ["1", "2", "3"]);

    // Paging follows the dossier's order; words typed as well narrow within the dossier.
    let second = e.list_records(&query(None, 1, 1)).unwrap();
    assert_eq!(second[0].id, want[1]);
    let lease = e.list_records(&query(Some("thuê"), 0, 0)).unwrap();
    assert_eq!(lease.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [want[1]]);
    // The other dossier's number finds its one paper; a number of no dossier finds nothing.
    let theirs = RecordQuery {
        dossier: Some(format!("{day}-000001")),
        ..RecordQuery::default()
    };
    let theirs = e.list_records(&theirs).unwrap();
    assert_eq!(
        theirs.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [other.summary.id.as_str()]
    );
    let nobody = RecordQuery {
        dossier: Some(format!("{day}-235959")),
        ..RecordQuery::default()
    };
    assert!(e.list_records(&nobody).unwrap().is_empty());
}

#[test]
fn a_trashed_paper_leaves_the_dossier_list_for_the_trash_list() {
    let (_d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let got = receive(&e, &["CT01", "ct-hd-thue"]);
    let first = &got.records[0].record.summary.id;
    engine.trash_record(first, "quét nhầm").unwrap();
    let query = |trash| RecordQuery {
        dossier: Some(got.dossier_no.clone()),
        trash,
        ..RecordQuery::default()
    };
    let live = e.list_records(&query(false)).unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].id, got.records[1].record.summary.id);
    let trashed = e.list_records(&query(true)).unwrap();
    assert_eq!(trashed.iter().map(|r| &r.id).collect::<Vec<_>>(), [first]);
}
