//! The supervisor's statistics on a real data directory: records made by two officers (one a local account,
//! one the CLI's OS user), page images imported, a signed copy beside them, one record delivered through the
//! reference vault and one only queued, an information-only record, an empty record, a trashed one and an
//! archive batch; then the exact counts per day, officer, document type, queue and year.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod stats_support;
mod support;

use chrono::{Datelike, Duration, NaiveDate};
use sohoa_engine::{Engine, NewRecordRequest};
use stats_support::*;

#[test]
fn counts_per_day_officer_type_queue_year_and_batch_are_exact() {
    let desk = Desk::build();
    let today = desk.today;
    let yesterday = today - Duration::days(1);
    let engine = desk.open("kiemsoat");
    let sup = engine.authenticate("kiemsoat", PASSWORD).unwrap();
    let s = engine.acting(&sup).statistics(yesterday, today).unwrap();

    // Per day: record C was backdated to yesterday; A and B (hoa) today; the info-only record today.
    let days: Vec<(NaiveDate, u64, u64, u64)> = s
        .per_day
        .iter()
        .map(|d| (d.date, d.counts.records, d.counts.pages, d.counts.info_only))
        .collect();
    assert_eq!(days, [(yesterday, 1, 1, 0), (today, 2, 6, 1)]);
    assert_eq!((s.totals.records, s.totals.pages, s.totals.info_only), (3, 7, 1));

    // Per officer: the local account by display name, the OS user by login.
    let officers: Vec<(&str, &str, bool, u64, u64, u64)> = s
        .per_officer
        .iter()
        .map(|o| {
            (
                o.login.as_str(),
                o.display_name.as_str(),
                o.local_account,
                o.counts.records,
                o.counts.pages,
                o.counts.info_only,
            )
        })
        .collect();
    assert_eq!(
        officers,
        [
            ("hoa", "Nguyễn Thị Hoa", true, 2, 6, 0),
            ("can-bo-cli", "can-bo-cli", false, 1, 1, 1)
        ]
    );

    // Per document type, with the catalogue's names.
    let types: Vec<(&str, Option<&str>, u64, u64, u64)> = s
        .per_doc_type
        .iter()
        .map(|t| {
            (
                t.kind.as_str(),
                t.doc_type_code.as_deref(),
                t.counts.records,
                t.counts.pages,
                t.counts.info_only,
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            ("id-card", Some("CMND-TK"), 1, 1, 0),
            ("info-only", Some("CT01"), 0, 0, 1),
            ("residence", Some("CT01"), 2, 6, 0),
        ]
    );
    let ct01 = s.per_doc_type.iter().find(|t| t.kind == "residence").unwrap();
    assert!(
        ct01.doc_type_name_vi
            .as_deref()
            .unwrap()
            .contains("thay đổi thông tin cư trú"),
        "{ct01:?}"
    );
    assert_eq!(ct01.kind_label_vi, "Hồ sơ cư trú");

    // Queue: A delivered with the vault's receipt, B waiting (training config: never sent).
    assert_eq!(
        (
            s.queue.queued,
            s.queue.failed,
            s.queue.delivered,
            s.queue.delivered_in_period
        ),
        (1, 0, 1, 1)
    );

    // Year: the target of 40 records from the desk setting; three digitized so far (C backdated to
    // yesterday is still this year unless today is 1 January).
    let y = &s.year;
    let expect_year = if yesterday.year() == today.year() { 3 } else { 2 };
    assert_eq!(
        (y.year, y.target, y.digitized),
        (today.year(), Some(40), expect_year)
    );
    assert_eq!(y.remaining, Some(40 - expect_year));
    let share = y.share_percent.unwrap();
    assert!((share - expect_year as f64 * 2.5).abs() < 1e-9, "{share}");
    assert!(y.remaining_working_days >= 1);
    let pace = y.needed_per_working_day.unwrap();
    assert!((pace - (40 - expect_year) as f64 / f64::from(y.remaining_working_days)).abs() < 1e-9);

    // The batch started today, with its two dossiers and counts.
    assert_eq!(s.batches.len(), 1);
    let b = &s.batches[0];
    assert_eq!(
        (b.state.as_str(), b.records, b.sheets, b.separators),
        ("finished", 2, 5, 1)
    );

    // A period without work: zeros for each day, the year unchanged.
    let before = engine
        .acting(&sup)
        .statistics(today - Duration::days(10), today - Duration::days(9))
        .unwrap();
    assert_eq!(before.per_day.len(), 2);
    assert_eq!(before.totals.records + before.totals.info_only, 0);
    assert!(before.per_officer.is_empty() && before.batches.is_empty());
    assert_eq!(before.year.digitized, expect_year);

    // The JSON shape the dashboard reads.
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["per_day"][1]["records"], 2);
    assert_eq!(v["per_officer"][0]["display_name"], "Nguyễn Thị Hoa");
    assert_eq!(v["year"]["target"], 40);
    assert_eq!(v["queue"]["delivered"], 1);

    // A reversed period is the caller's mistake, typed.
    let err = engine.acting(&sup).statistics(today, yesterday).unwrap_err();
    assert_eq!(err.code(), "report.period_reversed");
}

#[test]
fn no_target_set_is_shown_as_none_and_officers_may_not_see_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let engine = open(&data, "admin");
    accounts(&engine);
    let today = today_vn();
    let hoa = engine.authenticate("hoa", PASSWORD).unwrap();
    let rec = engine
        .acting(&hoa)
        .create_record(&NewRecordRequest {
            kind: "info-only".to_owned(),
            owner_id: Some("094187000321".to_owned()),
            doc_type_code: Some("CT01".to_owned()),
            fields: vec![kv("doc_name", "Bản khai"), kv("condition", "torn")],
        })
        .unwrap();
    assert_eq!(rec.summary.kind, "info-only");
    for caller in ["hoa", "lan", "admin"] {
        let c = engine.authenticate(caller, PASSWORD).unwrap();
        let err = engine.acting(&c).statistics(today, today).unwrap_err();
        assert_eq!(err.code(), "auth.forbidden", "{caller}");
        let out = dir.path().join(format!("{caller}.xlsx"));
        let err = engine.acting(&c).export_xlsx(today, today, &out).unwrap_err();
        assert_eq!(err.code(), "auth.forbidden", "{caller}");
        assert!(!out.exists());
        let err = engine.acting(&c).import_metadata_xlsx(&out).unwrap_err();
        assert_eq!(err.code(), "auth.forbidden", "{caller}");
    }
    let sup = engine.authenticate("kiemsoat", PASSWORD).unwrap();
    let s = engine.acting(&sup).statistics(today, today).unwrap();
    assert_eq!(s.year.target, None);
    assert_eq!(s.year.share_percent, None);
    assert_eq!(s.year.needed_per_working_day, None);
    assert_eq!(s.totals.info_only, 1);
    assert_eq!(s.per_officer[0].display_name, "Nguyễn Thị Hoa");
    drop(engine);
    let store = sohoa_store::Store::open(&data).unwrap();
    store
        .set_settings(
            &actor("admin"),
            &[(sohoa_engine::YEARLY_TARGET_SETTING.to_owned(), "nhiều".to_owned())],
        )
        .unwrap();
    drop(store);
    let engine: Engine = open(&data, "admin");
    let s = engine.statistics(today, today).unwrap();
    assert_eq!(s.year.target, None);
    assert_eq!(s.year.target_invalid.as_deref(), Some("nhiều"));
}
