//! `sohoa report`: statistics as JSON, the workbook written and read back, corrections imported, and the
//! refusals (usage, reversed period, officer role, missing folder, non-Excel file) with their exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::Output;

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

fn run(data: &Path, args: &[&str]) -> Output {
    support::sohoa(data, args)
        .env("PW_ADMIN", "quan-tri-123")
        .env("PW_HOA", "mat-khau-hoa")
        .env("PW_KS", "mat-khau-ks")
        .output()
        .unwrap()
}

fn ok_json(data: &Path, args: &[&str]) -> Value {
    support::json(args, |a| run(data, a))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Refused with `exit`, the reason on one line naming `code`.
fn refused(out: &Output, exit: i32, code: &str) {
    assert_eq!(out.status.code(), Some(exit), "{}", stderr(out));
    let err = stderr(out);
    let reason: Vec<&str> = err.lines().filter(|l| l.starts_with("sohoa: ")).collect();
    assert_eq!(reason.len(), 1, "{err}");
    assert!(reason[0].contains(code), "{err}");
    // Only the engine's role-refusal warning may precede it (access.rs logs refused actions at warn).
    let others = err.lines().filter(|l| !l.starts_with("sohoa: ")).count();
    assert!(others == 0 || (code == "auth.forbidden" && others == 1), "{err}");
}

fn today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(7))
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn report_exports_the_period_and_imports_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let day = today();
    let args = support::new_residence_args("Số 12 đường Lê Lợi");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let rec = ok_json(&data, &args);
    let id = rec["id"].as_str().unwrap().to_owned();
    let pages: Vec<String> = (1..=2)
        .map(|i| {
            let p = dir.path().join(format!("trang-{i}.png"));
            image::RgbImage::from_pixel(100, 140, image::Rgb([250, 250, 240 + i]))
                .save(&p)
                .unwrap();
            p.to_string_lossy().into_owned()
        })
        .collect();
    let out = run(&data, &["import", &pages[0], &pages[1], "--record", &id]);
    assert!(out.status.success(), "{}", stderr(&out));

    let xlsx = dir.path().join("bao-cao.xlsx");
    let x = xlsx.to_str().unwrap();
    let v = ok_json(&data, &["report", "--from", &day, "--to", &day, "--out", x]);
    assert_eq!(v["totals"]["records"], 1);
    assert_eq!(v["totals"]["pages"], 2);
    assert_eq!(v["per_officer"][0]["login"], "can-bo-test");
    assert_eq!(v["per_doc_type"][0]["doc_type_code"], "CT01");
    assert_eq!(v["year"]["target"], Value::Null);
    assert_eq!(v["export"]["records"], 1);
    // Without --out: statistics only; DD/MM/YYYY accepted.
    let vn_day = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
        .unwrap()
        .format("%d/%m/%Y")
        .to_string();
    let v = ok_json(&data, &["report", "--from", &vn_day, "--to", &vn_day]);
    assert_eq!(
        (v["totals"]["records"].as_u64(), v["export"].is_null()),
        (Some(1), true)
    );
    let human = run(&data, &["report", "--from", &day, "--to", &day]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("Hồ sơ số hóa: 1"));

    // The supervisor corrects the storage location in Excel: rewrite the sheet with one cell changed.
    let mut wb: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let rows: Vec<Vec<Data>> = wb
        .worksheet_range("Hồ sơ")
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(rows[1][0], Data::String(id.clone()));
    let edited = dir.path().join("sua.xlsx");
    let mut out_wb = rust_xlsxwriter::Workbook::new();
    let ws = out_wb.add_worksheet();
    ws.set_name("Hồ sơ").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let header = &rows[0][c as usize];
            match cell {
                _ if r == 1 && *header == Data::String("Kho lưu trữ".into()) => {
                    ws.write_string(r, c, "Kho tàng thư số 2").unwrap();
                }
                Data::String(s) => drop(ws.write_string(r, c, s).unwrap()),
                Data::Float(f) => drop(ws.write_number(r, c, *f).unwrap()),
                _ => {}
            }
        }
    }
    // A second row for an unknown record is refused without stopping the first.
    ws.write_string(2, 0, "0195f3a2-7c4e-7a10-8b3c-000000000000")
        .unwrap();
    out_wb.save(&edited).unwrap();
    let out = run(&data, &["report", "--import", edited.to_str().unwrap(), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "a refused row: exit 3; {}",
        stderr(&out)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((r["updated"].as_u64(), r["refused"].as_u64()), (Some(1), Some(1)));
    assert_eq!(r["rows"][0]["result"], "updated");
    assert_eq!(r["rows"][0]["fields"][0], "storage.warehouse");
    assert_eq!(r["rows"][1]["code"], "store.not_found");
    let shown = ok_json(&data, &["record", "show", &id]);
    let fields = shown["fields"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .any(|f| f["key"] == "storage.warehouse" && f["value"] == "Kho tàng thư số 2"),
        "{shown}"
    );
    assert_eq!(shown["summary"]["revision"], 2);

    // The unedited export imports cleanly as "nothing changed"… except that its revision is now stale.
    let out = run(&data, &["report", "--import", x]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("[store.conflict]"));
}

#[test]
fn report_refusals_have_their_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let day = today();
    // Usage: a bad date, a missing --to, --import with --from.
    for args in [
        vec!["report", "--from", "2026-13-01", "--to", "2026-12-01"],
        vec!["report", "--from", "2026-11-01"],
        vec!["report", "--import", "a.xlsx", "--from", "2026-11-01"],
    ] {
        let out = run(&data, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    refused(
        &run(&data, &["report", "--from", "2026-11-02", "--to", "2026-11-01"]),
        3,
        "report.period_reversed",
    );
    let missing = dir.path().join("khong-co/bao-cao.xlsx");
    refused(
        &run(
            &data,
            &[
                "report",
                "--from",
                &day,
                "--to",
                &day,
                "--out",
                missing.to_str().unwrap(),
            ],
        ),
        6,
        "report.io",
    );
    let not_xlsx = dir.path().join("ghi-chu.xlsx");
    std::fs::write(&not_xlsx, "không phải Excel").unwrap();
    refused(
        &run(&data, &["report", "--import", not_xlsx.to_str().unwrap()]),
        3,
        "report.not_xlsx",
    );

    // Roles: an officer is refused statistics and export; the supervisor is not.
    let add = |login: &str, role: &str, var: &str, signed: bool| {
        let mut a = vec![
            "user",
            "add",
            login,
            "--name",
            "Nguyễn Thị Hoa",
            "--role",
            role,
            "--password-env",
            var,
        ];
        if signed {
            a.extend_from_slice(&["--as", "admin", "--as-password-env", "PW_ADMIN"]);
        }
        let out = run(&data, &a);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    add("admin", "administrator", "PW_ADMIN", false);
    add("hoa", "officer", "PW_HOA", true);
    add("kiemsoat", "supervisor", "PW_KS", true);
    let out_file = dir.path().join("hoa.xlsx");
    let as_hoa = ["--as", "hoa", "--as-password-env", "PW_HOA"];
    let mut a = vec!["report", "--from", &day, "--to", &day];
    a.extend_from_slice(&as_hoa);
    refused(&run(&data, &a), 3, "auth.forbidden");
    a.extend_from_slice(&["--out", out_file.to_str().unwrap()]);
    refused(&run(&data, &a), 3, "auth.forbidden");
    assert!(!out_file.exists());
    let v = ok_json(
        &data,
        &[
            "report",
            "--from",
            &day,
            "--to",
            &day,
            "--as",
            "kiemsoat",
            "--as-password-env",
            "PW_KS",
        ],
    );
    assert_eq!(v["totals"]["records"], 0);
}
