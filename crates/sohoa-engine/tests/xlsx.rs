//! The supervisor's workbook: written from a real desk, read back with calamine and (when Python is there)
//! by openpyxl as an outside reader; edited, imported back row by row; bad files and full disks refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod stats_support;
mod support;

use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use chrono::Duration;
use sohoa_engine::{RowResult, SHEET_DAYS, SHEET_DOC_TYPES, SHEET_OFFICERS, SHEET_RECORDS, SHEET_YEAR};
use stats_support::*;

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

fn col(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|h| text(h) == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// openpyxl (SOHOA_OPENPYXL_PYTHON, a venv at /var/tmp/sohoa-pyxl, or Debian's python3-openpyxl) reads the workbook as Excel would: the
/// header bold and frozen, widths set, the creation time a real date. Returns None without openpyxl.
fn openpyxl_check(path: &Path) -> Option<serde_json::Value> {
    let script = r#"
import json, sys
try:
    import openpyxl
except ImportError:
    print("null"); sys.exit(0)
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Hồ sơ"]
print(json.dumps({
    "sheets": wb.sheetnames,
    "freeze": ws.freeze_panes,
    "bold": ws["A1"].font.b,
    "width_a": ws.column_dimensions["A"].width,
    "created_is_date": ws.cell(row=2, column=15).is_date,
    "created_year": ws.cell(row=2, column=15).value.year,
    "owner_id": ws.cell(row=2, column=5).value,
    "rows": ws.max_row,
}))
"#;
    let pythons = [
        std::env::var("SOHOA_OPENPYXL_PYTHON").unwrap_or_default(),
        "/var/tmp/sohoa-pyxl/bin/python".to_owned(),
        // Debian's python3-openpyxl (installer/install-deps.sh test), whatever python3 is first on PATH.
        "/usr/bin/python3".to_owned(),
        "python3".to_owned(),
    ];
    for py in pythons.iter().filter(|p| !p.is_empty()) {
        let Ok(out) = std::process::Command::new(py)
            .arg("-c")
            .arg(script)
            .arg(path)
            .output()
        else {
            continue;
        };
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        if !v.is_null() {
            return Some(v);
        }
    }
    None
}

#[test]
fn the_workbook_holds_the_records_and_statistics_and_corrections_come_back_as_revisions() {
    let desk = Desk::build();
    let (today, yesterday) = (desk.today, desk.today - Duration::days(1));
    let engine = desk.open("kiemsoat");
    let sup = engine.authenticate("kiemsoat", PASSWORD).unwrap();
    let out = desk.dir.path().join("bao-cao.xlsx");
    let report = engine.acting(&sup).export_xlsx(yesterday, today, &out).unwrap();
    assert_eq!(report.records, 5, "A, B, C, D, F; the trashed record is left out");
    assert_eq!(report.bytes, std::fs::metadata(&out).unwrap().len());

    let wb: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            SHEET_RECORDS,
            SHEET_DAYS,
            SHEET_OFFICERS,
            SHEET_DOC_TYPES,
            SHEET_YEAR
        ]
    );
    let rows = sheet(&out, SHEET_RECORDS);
    assert_eq!(rows.len(), 6);
    let h = &rows[0];
    let id_of = |r: &Vec<Data>| text(&r[col(h, "Mã hồ sơ")]);
    // Oldest first: C was created yesterday.
    assert_eq!(id_of(&rows[1]), desk.c);
    let row = |id: &str| rows.iter().find(|r| id_of(r) == id).unwrap();
    let a = row(&desk.a);
    assert_eq!(a[col(h, "Số định danh")], Data::String("036090004567".into()));
    assert_eq!(
        a[col(h, "Số trang")],
        Data::Float(4.0),
        "4 images; the signed PDF is not a page"
    );
    assert_eq!(text(&a[col(h, "Mã loại giấy tờ")]), "CT01");
    assert_eq!(
        text(&a[col(h, "Tên loại giấy tờ")]),
        "Tờ khai thay đổi thông tin cư trú"
    );
    assert_eq!(text(&a[col(h, "Mã lưu trữ")]), "036090004567.CT01");
    assert_eq!(text(&a[col(h, "Loại hồ sơ")]), "Hồ sơ cư trú");
    assert_eq!(text(&a[col(h, "Người tạo")]), "hoa");
    assert_eq!(
        text(&a[col(h, "Họ tên chủ hồ sơ")]),
        "Phạm Đức Thắng",
        "the household head"
    );
    assert_eq!(a[col(h, "Phiên bản hiện tại")], Data::Float(2.0));
    assert_eq!(text(&a[col(h, "Trạng thái gửi kho")]), "Đã gửi (có biên nhận)");
    match &a[col(h, "Ngày tạo")] {
        Data::DateTime(dt) => assert_eq!(dt.as_datetime().unwrap().date(), today),
        other => panic!("creation time is not an Excel date: {other:?}"),
    }
    assert_eq!(text(&row(&desk.b)[col(h, "Trạng thái gửi kho")]), "Đang chờ gửi");
    assert_eq!(text(&row(&desk.c)[col(h, "Trạng thái gửi kho")]), "Chưa gửi");
    assert_eq!(row(&desk.d)[col(h, "Số trang")], Data::Float(0.0));

    let days = sheet(&out, SHEET_DAYS);
    let nums = |r: &[Data]| r[1..].iter().map(text).collect::<Vec<_>>().join(",");
    assert_eq!(nums(&days[1]), "1,1,0");
    assert_eq!(nums(&days[2]), "2,6,1");
    assert_eq!(
        (text(&days[3][0]), nums(&days[3])),
        ("Tổng cộng".to_owned(), "3,7,1".to_owned())
    );
    let officers = sheet(&out, SHEET_OFFICERS);
    assert_eq!(text(&officers[1][0]), "Nguyễn Thị Hoa");
    assert_eq!(nums(&officers[1][1..]), "2,6,0");
    let year = sheet(&out, SHEET_YEAR);
    let target = year
        .iter()
        .find(|r| text(&r[0]).starts_with("Chỉ tiêu số hóa"))
        .unwrap();
    assert_eq!(target[1], Data::Float(40.0));

    match openpyxl_check(&out) {
        Some(v) => {
            assert_eq!(v["freeze"], "A2");
            assert_eq!(v["bold"], true);
            assert!(v["width_a"].as_f64().unwrap() > 30.0, "{v}");
            assert_eq!(v["created_is_date"], true);
            assert_eq!(v["owner_id"], "079203001234");
            assert_eq!(v["rows"], 6);
            assert_eq!(v["sheets"][4], SHEET_YEAR);
        }
        None => eprintln!("openpyxl not installed: outside-reader check skipped"),
    }

    // D is edited on screen after the export: its row in the workbook is now stale.
    engine
        .edit_record(&desk.d, &[kv("doc_name", "Tờ khai đã sửa")], None)
        .unwrap();

    // The supervisor's corrections, written back as Excel would save them.
    let edited = desk.dir.path().join("bao-cao-sua.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_RECORDS).unwrap();
    let nfd_store = "Kho Co\u{302}ng an huye\u{323}\u{302}n";
    let mut r_out = 0u32;
    for r in &rows {
        let id = id_of(r);
        for (c, cell) in r.iter().enumerate() {
            let header = text(&h[c]);
            let c = c as u16;
            let value = if id == desk.a && header == "Kho lưu trữ" {
                Data::String(nfd_store.into())
            } else if id == desk.a && header == "Hộp số" {
                Data::Float(15.0)
            } else if id == desk.b && header == "Mã loại giấy tờ" {
                Data::String("XX-KHONG-CO".into())
            } else if id == desk.b && header == "Họ tên chủ hồ sơ" {
                Data::String("Tên mới".into())
            } else if id == desk.f && header == "Họ tên chủ hồ sơ" {
                Data::String("Lê Thị Hoa".into())
            } else if id == desk.d && header == "Giá, kệ" {
                Data::String("K2".into())
            } else {
                cell.clone()
            };
            match value {
                Data::String(s) => drop(ws.write_string(r_out, c, s).unwrap()),
                Data::Float(f) => drop(ws.write_number(r_out, c, f).unwrap()),
                Data::DateTime(dt) => drop(ws.write_number(r_out, c, dt.as_f64()).unwrap()),
                _ => {}
            }
        }
        r_out += 1;
    }
    r_out += 1; // a blank row is skipped
    ws.write_string(r_out, 0, "0195f3a2-7c4e-7a10-8b3c-000000000000")
        .unwrap();
    ws.write_string(r_out + 1, 5, "Dòng không có mã").unwrap();
    wb.save(&edited).unwrap();

    let imported = engine.acting(&sup).import_metadata_xlsx(&edited).unwrap();
    let outcome = |id: &str| {
        imported
            .rows
            .iter()
            .find(|o| o.record_id.as_deref() == Some(id))
            .unwrap()
            .result
            .clone()
    };
    assert_eq!(
        outcome(&desk.a),
        RowResult::Updated {
            revision: 2,
            fields: vec!["storage.warehouse".into(), "storage.box".into()]
        }
    );
    match outcome(&desk.b) {
        RowResult::Refused { code, message_vi } => {
            assert_eq!(code, "field.doc_type_unknown");
            assert!(message_vi.contains("XX-KHONG-CO"), "{message_vi}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(outcome(&desk.c), RowResult::Unchanged);
    assert!(matches!(outcome(&desk.d), RowResult::Refused { code, .. } if code == "store.conflict"));
    assert!(matches!(outcome(&desk.f), RowResult::Updated { revision: 2, .. }));
    assert!(matches!(
        outcome("0195f3a2-7c4e-7a10-8b3c-000000000000"),
        RowResult::Refused { code, .. } if code == "store.not_found"
    ));
    let no_id = imported.rows.iter().find(|o| o.record_id.is_none()).unwrap();
    assert_eq!(no_id.row, r_out + 2, "Excel's row number (1-based)");
    assert!(matches!(&no_id.result, RowResult::Refused { code, .. } if code == "report.row_without_id"));
    assert_eq!(
        (imported.updated, imported.unchanged, imported.refused),
        (2, 1, 4)
    );

    // A: one new revision with both fields, NFC, by the supervisor, audited.
    let a = engine.record_detail(&desk.a).unwrap();
    let field = |d: &sohoa_engine::RecordDetail, k: &str| {
        d.fields.iter().find(|f| f.key == k).map(|f| f.value.clone())
    };
    assert_eq!(a.summary.revision, 2);
    assert_eq!(
        field(&a, "storage.warehouse").as_deref(),
        Some("Kho Công an huyện")
    );
    assert_eq!(field(&a, "storage.box").as_deref(), Some("15"));
    let last = a.history.last().unwrap();
    assert_eq!(
        (last.user.as_str(), last.action.as_str()),
        ("kiemsoat", "record.update")
    );
    // B: nothing of its row applied (its owner-name change was valid, the doc type was not).
    let b = engine.record_detail(&desk.b).unwrap();
    assert_eq!(b.summary.revision, 1);
    assert_eq!(
        b.summary.owner_name.as_deref(),
        Some("Phạm Văn Bảy"),
        "the household head"
    );
    assert_eq!(b.summary.doc_type_code.as_deref(), Some("CT01"));
    // D keeps the on-screen edit, not the stale row.
    let d = engine.record_detail(&desk.d).unwrap();
    assert_eq!(field(&d, "doc_name").as_deref(), Some("Tờ khai đã sửa"));
    assert_eq!(field(&d, "storage.shelf"), None);
    assert_eq!(
        engine
            .record_detail(&desk.f)
            .unwrap()
            .summary
            .owner_name
            .as_deref(),
        Some("Lê Thị Hoa")
    );

    // The same workbook again: A's row is now stale, so nothing is applied twice.
    let again = engine.acting(&sup).import_metadata_xlsx(&edited).unwrap();
    assert_eq!(again.updated, 0);
    assert_eq!(engine.record_detail(&desk.a).unwrap().summary.revision, 2);
}

#[test]
fn bad_files_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let engine = open(&data, "admin");
    let err = |p: &Path| engine.import_metadata_xlsx(p).unwrap_err();

    let missing = dir.path().join("khong-co.xlsx");
    assert_eq!(err(&missing).code(), "report.io");
    let text_file = dir.path().join("ghi-chu.xlsx");
    std::fs::write(&text_file, "đây không phải tệp Excel").unwrap();
    let e = err(&text_file);
    assert_eq!(e.code(), "report.not_xlsx");
    assert_eq!(e.class(), sohoa_engine::ErrorClass::Invalid);
    assert!(
        e.message_vi().contains("không phải tệp Excel"),
        "{}",
        e.message_vi()
    );
    // A zip that is not a workbook, and a workbook cut in half.
    let good = dir.path().join("tot.xlsx");
    let today = today_vn();
    engine.export_xlsx(today, today, &good).unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("cut.xlsx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert_eq!(err(&cut).code(), "report.not_xlsx");

    let other = dir.path().join("khac.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("Trang 1").unwrap();
    wb.save(&other).unwrap();
    assert_eq!(err(&other).code(), "report.missing_sheet");
    let no_id = dir.path().join("thieu-cot.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_RECORDS).unwrap();
    ws.write_string(0, 0, "Họ tên chủ hồ sơ").unwrap();
    wb.save(&no_id).unwrap();
    assert_eq!(err(&no_id).code(), "report.missing_column");
    // An exported workbook of an empty period imports as nothing to do.
    let r = engine.import_metadata_xlsx(&good).unwrap();
    assert_eq!((r.updated, r.unchanged, r.refused, r.rows.len()), (0, 0, 0, 0));
}

/// Unmounts the small tmpfs even when an assertion fails.
struct Mounted(std::path::PathBuf);
impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_or_a_missing_folder_never_leaves_a_half_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let engine = open(&data, "admin");
    let today = today_vn();
    let e = engine
        .export_xlsx(today, today, &dir.path().join("khong-co/bao-cao.xlsx"))
        .unwrap_err();
    assert_eq!(e.code(), "report.io");
    assert!(!dir.path().join("khong-co").exists());

    let small = dir.path().join("small");
    std::fs::create_dir(&small).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&small)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !mounted {
        eprintln!("cannot mount a tmpfs here (not root?): the full-disk case is not exercised");
        return;
    }
    let _guard = Mounted(small.clone());
    let target = small.join("bao-cao.xlsx");
    std::fs::write(&target, b"ban cu").unwrap();
    // Fill the rest of the 64 KiB.
    let mut filler = std::fs::File::create(small.join("filler")).unwrap();
    let block = vec![0u8; 1024];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    drop(filler);
    let e = engine.export_xlsx(today, today, &target).unwrap_err();
    assert_eq!(e.code(), "report.disk_full", "{e}");
    assert_eq!(e.class(), sohoa_engine::ErrorClass::Io);
    assert!(e.message_vi().starts_with("Ổ đĩa đã đầy"), "{}", e.message_vi());
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"ban cu",
        "the old file is untouched"
    );
    let mut left: Vec<String> = std::fs::read_dir(&small)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["bao-cao.xlsx", "filler"], "no temporary file left behind");
    // With room again, the export replaces the old file whole.
    std::fs::remove_file(small.join("filler")).unwrap();
    engine.export_xlsx(today, today, &target).unwrap();
    let wb: Xlsx<_> = calamine::open_workbook(&target).unwrap();
    assert_eq!(wb.sheet_names().len(), 5);
}
