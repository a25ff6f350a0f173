//! Receiving a procedure dossier at the counter: the checklist from the catalogue, one result record per
//! paper handed in, the refusals an officer meets, and nothing left behind when a store write fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod page_ops_support;
mod support;

use sohoa_engine::{DossierIntake, EngineError, IntakePaper, PaperStatus, RecordQuery, Role};
use support::engine_with;

fn paper(slot: u32, doc_type: &str, status: PaperStatus, sheets: Option<u32>) -> IntakePaper {
    IntakePaper {
        slot: Some(slot),
        doc_type: doc_type.to_owned(),
        status,
        sheets,
        name: None,
    }
}

fn dktt(papers: Vec<IntakePaper>) -> DossierIntake {
    DossierIntake {
        owner_id: "036090004567".to_owned(),
        owner_name: Some("Phạm Đức Thắng".to_owned()),
        procedure: "BCA-CT-DKTT".to_owned(),
        papers,
    }
}

fn field<'a>(rec: &'a sohoa_engine::RecordDetail, key: &str) -> Option<&'a str> {
    rec.fields.iter().find(|f| f.key == key).map(|f| f.value.as_str())
}

#[test]
fn the_checklist_follows_the_law_and_ends_with_the_result() {
    let (_d, engine, officer) = engine_with(Role::Officer);
    let lists = engine.acting(&officer).dossier_checklists().unwrap();
    let dktt = lists.iter().find(|c| c.procedure == "BCA-CT-DKTT").unwrap();
    assert!(dktt.source.as_deref().unwrap().contains("Luật Cư trú 2020"));
    let slots: Vec<(u32, bool, bool)> = dktt
        .papers
        .iter()
        .map(|p| (p.slot, p.required, p.result))
        .collect();
    assert_eq!(
        slots,
        [
            (1, true, false),
            (2, true, false),
            (3, false, false),
            (4, false, true)
        ]
    );
    assert_eq!(dktt.papers[1].doc_types[1].code, "CT-XN-NHADAT");
    assert!(dktt.papers[3].name_vi.starts_with("Kết quả giải quyết: "));
    // A results-only procedure is its result alone, and that is required.
    let seal = lists.iter().find(|c| c.procedure == "BCA-CD-DKMOI").unwrap();
    assert_eq!(seal.papers.len(), 1);
    assert!(seal.papers[0].required && seal.papers[0].result);
    assert!(seal.source.is_none());
}

#[test]
fn each_paper_handed_in_becomes_a_numbered_result_record_of_the_dossier() {
    let (_d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let got = e
        .receive_dossier(&dktt(vec![
            paper(1, "CT01", PaperStatus::Paper, Some(1)),
            // The citizen brought a lease, one of the three types that prove lawful residence.
            paper(2, "ct-hd-thue", PaperStatus::Paper, Some(3)),
            paper(3, "CT-DIEUKIEN", PaperStatus::Electronic, None),
        ]))
        .unwrap();
    assert!(
        got.dossier_no.starts_with("HS-") && got.dossier_no.len() == 18,
        "{}",
        got.dossier_no
    );
    assert_eq!(got.electronic, [3]);
    assert_eq!(got.records.len(), 2);
    let lease = &got.records[1];
    assert_eq!(
        (lease.ordinal, lease.doc_type.as_str(), lease.sheets),
        (2, "CT-HD-THUE", Some(3))
    );
    assert_eq!(lease.name, "Hợp đồng cho thuê, cho mượn, cho ở nhờ chỗ ở");
    let rec = &lease.record;
    assert_eq!(rec.summary.kind, "result");
    assert_eq!(field(rec, "procedure"), Some("BCA-CT-DKTT"));
    assert_eq!(
        field(rec, "archival.file_notation"),
        Some(got.dossier_no.as_str())
    );
    assert_eq!(field(rec, "archival.doc_ordinal"), Some("2"));
    assert_eq!(field(rec, "archival.number_of_sheets"), Some("3"));
    assert_eq!(field(rec, "owner_name"), Some("Phạm Đức Thắng"));
    assert!(
        field(rec, "summary")
            .unwrap()
            .contains("hồ sơ Đăng ký thường trú")
    );
    // The records are the officer's, and the intake (without names or numbers) is in the audit chain.
    assert_eq!(rec.history[0].user, "huong");
    let audit = engine.audit_log(Some(&got.records[0].record.summary.id)).unwrap();
    let intake = audit.iter().find(|a| a.action == "dossier.intake").unwrap();
    let details = intake.details.to_string();
    assert!(
        details.contains("electronic") && details.contains(&got.dossier_no),
        "{details}"
    );
    assert!(
        !details.contains("036090004567") && !details.contains("Thắng"),
        "{details}"
    );
    assert!(engine.audit_verify().unwrap().is_valid());
    // A second dossier the same second still gets its own number.
    let again = e
        .receive_dossier(&dktt(vec![
            paper(1, "CT01", PaperStatus::Paper, None),
            paper(2, "CT-GCN-NHADAT", PaperStatus::Electronic, None),
        ]))
        .unwrap();
    assert_ne!(again.dossier_no, got.dossier_no);
}

#[test]
fn an_incomplete_or_mislabelled_dossier_is_refused_and_nothing_is_stored() {
    let (_d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let code = |r: Result<sohoa_engine::ReceivedDossier, EngineError>| {
        let err = r.unwrap_err();
        (err.code(), err.message_vi())
    };
    // Proof of residence neither handed in nor held: the citizen is told what to bring.
    let (c, m) = code(e.receive_dossier(&dktt(vec![
        paper(1, "CT01", PaperStatus::Paper, Some(1)),
        paper(2, "CT-GCN-NHADAT", PaperStatus::Missing, None),
    ])));
    assert_eq!(c, "intake.required_missing");
    assert!(
        m.contains("chứng minh chỗ ở hợp pháp") && m.contains("bổ sung"),
        "{m}"
    );
    let (c, m) = code(e.receive_dossier(&dktt(vec![
        paper(1, "CT01", PaperStatus::Paper, None),
        paper(2, "CT07", PaperStatus::Paper, None),
    ])));
    assert_eq!(c, "intake.doc_type_not_expected");
    assert!(m.contains("CT-GCN-NHADAT, CT-XN-NHADAT, CT-HD-THUE"), "{m}");
    let (c, _) = code(e.receive_dossier(&dktt(vec![
        paper(1, "CT01", PaperStatus::Electronic, None),
        paper(2, "CT-GCN-NHADAT", PaperStatus::Electronic, None),
    ])));
    assert_eq!(c, "intake.nothing_to_scan");
    let (c, _) = code(e.receive_dossier(&dktt(vec![
        paper(1, "CT01", PaperStatus::Paper, Some(0)),
        paper(2, "CT-GCN-NHADAT", PaperStatus::Paper, None),
    ])));
    assert_eq!(c, "intake.sheets");
    let (c, _) = code(e.receive_dossier(&dktt(vec![
        paper(1, "CT01", PaperStatus::Paper, None),
        paper(1, "CT01", PaperStatus::Paper, None),
    ])));
    assert_eq!(c, "intake.duplicate_paper");
    let (c, _) = code(e.receive_dossier(&dktt(vec![paper(9, "CT01", PaperStatus::Paper, None)])));
    assert_eq!(c, "intake.unknown_paper");
    // Seed 001: a seal procedure takes its result only.
    let mut seal = dktt(vec![
        paper(1, "KQ-CONDAU", PaperStatus::Paper, None),
        IntakePaper {
            slot: None,
            doc_type: "KHAC".to_owned(),
            status: PaperStatus::Paper,
            sheets: None,
            name: Some("Đơn đề nghị".to_owned()),
        },
    ]);
    seal.procedure = "BCA-CD-DKMOI".to_owned();
    let (c, _) = code(e.receive_dossier(&seal));
    assert_eq!(c, "intake.results_only");
    // An invalid owner number fails validation before any record exists.
    let mut bad_owner = dktt(vec![
        paper(1, "CT01", PaperStatus::Paper, None),
        paper(2, "CT-GCN-NHADAT", PaperStatus::Paper, None),
    ]);
    bad_owner.owner_id = "999090004567".to_owned();
    let (c, _) = code(e.receive_dossier(&bad_owner));
    assert_eq!(c, "id.province_unknown");
    let (c, _) = code(e.receive_dossier(&DossierIntake {
        procedure: "BCA-NOPE".to_owned(),
        ..dktt(Vec::new())
    }));
    assert_eq!(c, "intake.unknown_procedure");
    assert_eq!(e.list_records(&RecordQuery::default()).unwrap().len(), 0);
}

#[test]
fn a_paper_the_checklist_does_not_name_is_received_under_its_own_name() {
    let (_d, engine, officer) = engine_with(Role::Officer);
    let got = engine
        .acting(&officer)
        .receive_dossier(&DossierIntake {
            procedure: "BCA-CT-XOATT".to_owned(),
            ..dktt(vec![IntakePaper {
                slot: None,
                doc_type: "KHAC".to_owned(),
                status: PaperStatus::Paper,
                sheets: Some(2),
                name: Some("Giấy  báo tử".to_owned()),
            }])
        })
        .unwrap();
    assert_eq!(got.records.len(), 1);
    assert_eq!(got.records[0].name, "Giấy báo tử");
    assert_eq!(field(&got.records[0].record, "doc_name"), Some("Giấy báo tử"));
}

#[test]
fn only_roles_that_create_records_receive_dossiers() {
    let (_d, engine, supervisor) = engine_with(Role::Supervisor);
    let err = engine
        .acting(&supervisor)
        .receive_dossier(&dktt(vec![
            paper(1, "CT01", PaperStatus::Paper, None),
            paper(2, "CT-GCN-NHADAT", PaperStatus::Paper, None),
        ]))
        .unwrap_err();
    assert_eq!(err.code(), "auth.forbidden");
}

#[test]
fn a_store_failure_midway_leaves_no_half_dossier() {
    let (dir, engine, officer) = engine_with(Role::Officer);
    // The second record insert fails inside SQLite, as a full disk would make it.
    let conn = rusqlite::Connection::open(dir.path().join("sohoa.db")).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER fail_second BEFORE INSERT ON records
         WHEN (SELECT count(*) FROM records) >= 1
         BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
    )
    .unwrap();
    let err = engine
        .acting(&officer)
        .receive_dossier(&dktt(vec![
            paper(1, "CT01", PaperStatus::Paper, None),
            paper(2, "CT-GCN-NHADAT", PaperStatus::Paper, None),
        ]))
        .unwrap_err();
    assert!(err.to_string().contains("full"), "{err}");
    // The first record went to the trash with the reason; no live record looks received.
    let e = engine.acting(&officer);
    assert!(e.list_records(&RecordQuery::default()).unwrap().is_empty());
    let trash = e
        .list_records(&RecordQuery {
            trash: true,
            ..RecordQuery::default()
        })
        .unwrap();
    assert_eq!(trash.len(), 1);
    let reason: String = conn
        .query_row("SELECT trash_reason FROM records", [], |r| r.get(0))
        .unwrap();
    assert!(reason.contains("không hoàn tất"), "{reason}");
    assert!(engine.audit_verify().unwrap().is_valid());
}

#[test]
fn a_dossier_opened_again_from_any_paper_shows_each_papers_scans_signature_and_slot() {
    let (d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let got = e
        .receive_dossier(&dktt(vec![
            paper(1, "CT01", PaperStatus::Paper, Some(1)),
            paper(2, "CT-HD-THUE", PaperStatus::Paper, Some(2)),
            paper(3, "CT-DIEUKIEN", PaperStatus::Electronic, None),
        ]))
        .unwrap();
    let (form, lease) = (
        got.records[0].record.summary.id.clone(),
        got.records[1].record.summary.id.clone(),
    );
    // The declaration form was scanned and signed before the counter screen was closed; the lease was not.
    engine
        .import_files(&form, &page_ops_support::page_files(d.path(), 1, 2))
        .unwrap();
    page_ops_support::add_words_and_signature(d.path(), &form);

    let again = e.dossier_of(&lease).unwrap().expect("a dossier");
    assert_eq!(again.dossier_no, got.dossier_no);
    assert_eq!(again.procedure, "BCA-CT-DKTT");
    assert_eq!(again.electronic, [3], "from the intake's audit entry");
    let seen: Vec<_> = again
        .records
        .iter()
        .map(|p| {
            (
                p.record.summary.id.as_str(),
                p.slot,
                p.ordinal,
                p.doc_type.as_str(),
                p.sheets,
                p.pages,
                p.signed,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (form.as_str(), Some(1), 1, "CT01", Some(1), 2, true),
            (lease.as_str(), Some(2), 2, "CT-HD-THUE", Some(2), 0, false),
        ]
    );
    assert_eq!(again.records[1].name, got.records[1].name);

    // A paper moved to the trash leaves the dossier; a record received alone is no dossier.
    engine.trash_record(&lease, "nhầm hồ sơ").unwrap();
    let left = e.dossier_of(&form).unwrap().unwrap();
    assert_eq!(left.records.len(), 1);
    assert!(e.dossier_of(&lease).unwrap().is_none());
    let alone = e.create_record(&support::residence()).unwrap().summary.id;
    assert!(e.dossier_of(&alone).unwrap().is_none());
}
