//! The supervisor's Excel workbook: the records of a period (one row each, editable and importable back,
//! see `xlsx_import`) and the statistics sheets of the report to the province.
//!
//! The workbook is built in memory, written to a temporary file beside the destination, flushed, and renamed
//! over it: a full disk or a killed process leaves at worst a stray temporary file, never a half workbook
//! under the name the supervisor will send. Owner names and ID numbers are in the workbook by design (it
//! is the supervisor's export); they are never logged.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};
use serde::Serialize;
use sohoa_core::record::{RecordKind, RecordMeta};
use sohoa_core::text::nfc;

use crate::report_error::ReportError;
use crate::stats::Statistics;
use crate::xlsx_layout::{
    Col, DeliveryState, RECORD_COLUMNS, SHEET_DAYS, SHEET_DOC_TYPES, SHEET_OFFICERS, SHEET_RECORDS,
    SHEET_YEAR, current_value,
};
use crate::{Engine, EngineError};

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub path: PathBuf,
    /// Rows of the "Hồ sơ" sheet: live records created in the period.
    pub records: u64,
    pub bytes: u64,
    pub statistics: Statistics,
}

struct Formats {
    header: Format,
    datetime: Format,
    date: Format,
    percent: Format,
    decimal: Format,
}

fn formats() -> Formats {
    Formats {
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color("#DDEBF7"),
        datetime: Format::new().set_num_format("dd/mm/yyyy hh:mm:ss"),
        date: Format::new().set_num_format("dd/mm/yyyy"),
        percent: Format::new().set_num_format("0.0%"),
        decimal: Format::new().set_num_format("0.0"),
    }
}

fn werr(e: XlsxError) -> EngineError {
    ReportError::Write(e.to_string()).into()
}

/// A stored timestamp as the Vietnam-time wall clock Excel shows (Excel dates carry no zone).
fn local_datetime(ts: &str) -> Option<NaiveDateTime> {
    let vn = chrono::FixedOffset::east_opt(7 * 3600)?;
    DateTime::parse_from_rfc3339(ts)
        .ok()
        .map(|t| t.with_timezone(&vn).naive_local())
}

fn header_row(ws: &mut Worksheet, f: &Formats, headers: &[(&str, f64)]) -> Result<(), EngineError> {
    for (i, (text, width)) in headers.iter().enumerate() {
        let col = i as u16;
        ws.write_string_with_format(0, col, nfc(text), &f.header)
            .map_err(werr)?;
        ws.set_column_width(col, *width).map_err(werr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(werr)?;
    Ok(())
}

fn put_text(ws: &mut Worksheet, row: u32, col: u16, text: Option<&str>) -> Result<(), EngineError> {
    if let Some(t) = text.filter(|t| !t.is_empty()) {
        ws.write_string(row, col, nfc(t)).map_err(werr)?;
    }
    Ok(())
}

fn put_num(ws: &mut Worksheet, row: u32, col: u16, n: impl Into<f64>) -> Result<(), EngineError> {
    ws.write_number(row, col, n).map_err(werr)?;
    Ok(())
}

impl Engine {
    /// Writes the workbook for `[from, to]` to `path` (replacing it only once the new one is complete).
    pub fn export_xlsx(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        path: &Path,
    ) -> Result<ExportReport, EngineError> {
        let statistics = self.statistics(from, to)?;
        let (from_ts, to_ts) = crate::stats_year::period_bounds(from, to)?;
        let f = formats();
        let mut wb = Workbook::new();
        let records = self.records_sheet(wb.add_worksheet(), &f, &from_ts, &to_ts)?;
        days_sheet(wb.add_worksheet(), &f, &statistics)?;
        officers_sheet(wb.add_worksheet(), &f, &statistics)?;
        doc_types_sheet(wb.add_worksheet(), &f, &statistics)?;
        year_sheet(wb.add_worksheet(), &f, &statistics)?;
        let bytes = wb.save_to_buffer().map_err(werr)?;
        write_atomically(path, &bytes)?;
        tracing::info!(records, bytes = bytes.len(), "statistics workbook written");
        Ok(ExportReport {
            path: path.to_owned(),
            records,
            bytes: bytes.len() as u64,
            statistics,
        })
    }

    fn records_sheet(
        &self,
        ws: &mut Worksheet,
        f: &Formats,
        from_ts: &str,
        to_ts: &str,
    ) -> Result<u64, EngineError> {
        ws.set_name(SHEET_RECORDS).map_err(werr)?;
        let headers: Vec<(&str, f64)> = RECORD_COLUMNS.iter().map(|c| (c.header, c.width)).collect();
        header_row(ws, f, &headers)?;
        let latest: HashMap<String, (String, Option<u32>)> = self
            .store
            .latest_deliveries()?
            .into_iter()
            .map(|d| (d.record_id, (d.state, d.record_version)))
            .collect();
        let rows = self.store.created_between(from_ts, to_ts)?;
        for (i, created) in rows.iter().enumerate() {
            let row = (i + 1) as u32;
            let rec = self.store.get_record(&created.record_id)?;
            let meta: Option<RecordMeta> = serde_json::from_value(rec.metadata.clone()).ok();
            let delivery = DeliveryState::from_latest(
                latest.get(&rec.id).map(|(s, v)| (s.as_str(), *v)),
                rec.current_version,
            );
            for (j, column) in RECORD_COLUMNS.iter().enumerate() {
                let col = j as u16;
                match column.col {
                    Col::Id => put_text(ws, row, col, Some(&rec.id))?,
                    Col::Revision => put_num(ws, row, col, rec.revision)?,
                    Col::Kind => {
                        let label = rec
                            .kind
                            .parse::<RecordKind>()
                            .map_or(rec.kind.as_str(), |k| k.label_vi());
                        put_text(ws, row, col, Some(label))?;
                    }
                    Col::StorageKey => put_text(ws, row, col, rec.storage_key.as_deref())?,
                    // Text, never a number: a 12-digit ID starting with 0 must keep its zero.
                    Col::OwnerId => put_text(ws, row, col, rec.owner_id.as_deref())?,
                    Col::Field(key) => {
                        let value = meta.as_ref().map(|m| current_value(m, key));
                        put_text(ws, row, col, value.as_deref())?;
                    }
                    Col::DocTypeName => put_text(
                        ws,
                        row,
                        col,
                        rec.doc_type_code
                            .as_deref()
                            .and_then(|c| self.catalogs.document_type(c))
                            .map(|t| t.name_vi.as_str()),
                    )?,
                    Col::Pages => put_num(ws, row, col, created.pages)?,
                    Col::CreatedAt => match local_datetime(&rec.created_at) {
                        Some(t) => {
                            ws.write_datetime_with_format(row, col, t, &f.datetime)
                                .map_err(werr)?;
                        }
                        None => put_text(ws, row, col, Some(&rec.created_at))?,
                    },
                    Col::CreatedBy => put_text(ws, row, col, Some(&rec.created_by))?,
                    Col::CurrentVersion => {
                        if let Some(v) = rec.current_version {
                            put_num(ws, row, col, v)?;
                        }
                    }
                    Col::Delivery => put_text(ws, row, col, Some(delivery.label_vi()))?,
                }
            }
        }
        if !rows.is_empty() {
            ws.autofilter(0, 0, rows.len() as u32, (RECORD_COLUMNS.len() - 1) as u16)
                .map_err(werr)?;
        }
        Ok(rows.len() as u64)
    }
}

fn days_sheet(ws: &mut Worksheet, f: &Formats, s: &Statistics) -> Result<(), EngineError> {
    ws.set_name(SHEET_DAYS).map_err(werr)?;
    header_row(
        ws,
        f,
        &[
            ("Ngày", 12.0),
            ("Số hồ sơ", 10.0),
            ("Số trang", 10.0),
            ("Hồ sơ chỉ có thông tin", 14.0),
        ],
    )?;
    for (i, d) in s.per_day.iter().enumerate() {
        let row = (i + 1) as u32;
        ws.write_date_with_format(row, 0, d.date, &f.date).map_err(werr)?;
        put_num(ws, row, 1, d.counts.records as f64)?;
        put_num(ws, row, 2, d.counts.pages as f64)?;
        put_num(ws, row, 3, d.counts.info_only as f64)?;
    }
    let total = (s.per_day.len() + 1) as u32;
    ws.write_string_with_format(total, 0, "Tổng cộng", &f.header)
        .map_err(werr)?;
    put_num(ws, total, 1, s.totals.records as f64)?;
    put_num(ws, total, 2, s.totals.pages as f64)?;
    put_num(ws, total, 3, s.totals.info_only as f64)?;
    Ok(())
}

fn officers_sheet(ws: &mut Worksheet, f: &Formats, s: &Statistics) -> Result<(), EngineError> {
    ws.set_name(SHEET_OFFICERS).map_err(werr)?;
    header_row(
        ws,
        f,
        &[
            ("Cán bộ", 28.0),
            ("Tên đăng nhập", 18.0),
            ("Số hồ sơ", 10.0),
            ("Số trang", 10.0),
            ("Hồ sơ chỉ có thông tin", 14.0),
        ],
    )?;
    for (i, o) in s.per_officer.iter().enumerate() {
        let row = (i + 1) as u32;
        put_text(ws, row, 0, Some(&o.display_name))?;
        put_text(ws, row, 1, Some(&o.login))?;
        put_num(ws, row, 2, o.counts.records as f64)?;
        put_num(ws, row, 3, o.counts.pages as f64)?;
        put_num(ws, row, 4, o.counts.info_only as f64)?;
    }
    Ok(())
}

fn doc_types_sheet(ws: &mut Worksheet, f: &Formats, s: &Statistics) -> Result<(), EngineError> {
    ws.set_name(SHEET_DOC_TYPES).map_err(werr)?;
    header_row(
        ws,
        f,
        &[
            ("Loại hồ sơ", 30.0),
            ("Mã loại giấy tờ", 16.0),
            ("Tên loại giấy tờ", 44.0),
            ("Số hồ sơ", 10.0),
            ("Số trang", 10.0),
            ("Hồ sơ chỉ có thông tin", 14.0),
        ],
    )?;
    for (i, t) in s.per_doc_type.iter().enumerate() {
        let row = (i + 1) as u32;
        put_text(ws, row, 0, Some(&t.kind_label_vi))?;
        put_text(ws, row, 1, t.doc_type_code.as_deref())?;
        put_text(ws, row, 2, t.doc_type_name_vi.as_deref())?;
        put_num(ws, row, 3, t.counts.records as f64)?;
        put_num(ws, row, 4, t.counts.pages as f64)?;
        put_num(ws, row, 5, t.counts.info_only as f64)?;
    }
    Ok(())
}

fn year_sheet(ws: &mut Worksheet, f: &Formats, s: &Statistics) -> Result<(), EngineError> {
    ws.set_name(SHEET_YEAR).map_err(werr)?;
    header_row(ws, f, &[("Chỉ tiêu", 46.0), ("Giá trị", 16.0)])?;
    let y = &s.year;
    let mut row = 1;
    let mut line = |ws: &mut Worksheet, label: &str| -> Result<u32, EngineError> {
        put_text(ws, row, 0, Some(label))?;
        row += 1;
        Ok(row - 1)
    };
    let r = line(ws, "Năm")?;
    put_num(ws, r, 1, y.year)?;
    let r = line(ws, "Tính đến ngày")?;
    ws.write_date_with_format(r, 1, y.as_of, &f.date).map_err(werr)?;
    let r = line(ws, "Chỉ tiêu số hóa cả năm (hồ sơ)")?;
    match (y.target, &y.target_invalid) {
        (Some(t), _) => put_num(ws, r, 1, t as f64)?,
        (None, Some(raw)) => put_text(ws, r, 1, Some(&format!("Cấu hình không hợp lệ: {raw}")))?,
        (None, None) => put_text(ws, r, 1, Some("Chưa đặt chỉ tiêu"))?,
    }
    let r = line(ws, "Đã số hóa từ đầu năm (hồ sơ)")?;
    put_num(ws, r, 1, y.digitized as f64)?;
    let r = line(ws, "Đã số hóa từ đầu năm (trang)")?;
    put_num(ws, r, 1, y.pages as f64)?;
    if let Some(share) = y.share_percent {
        let r = line(ws, "Tỷ lệ hoàn thành chỉ tiêu")?;
        ws.write_number_with_format(r, 1, share / 100.0, &f.percent)
            .map_err(werr)?;
    }
    if let Some(rem) = y.remaining {
        let r = line(ws, "Còn phải số hóa (hồ sơ)")?;
        put_num(ws, r, 1, rem as f64)?;
    }
    let r = line(ws, "Số ngày làm việc còn lại trong năm")?;
    put_num(ws, r, 1, y.remaining_working_days)?;
    if let Some(pace) = y.needed_per_working_day {
        let r = line(ws, "Cần số hóa mỗi ngày làm việc (hồ sơ)")?;
        ws.write_number_with_format(r, 1, pace, &f.decimal)
            .map_err(werr)?;
    }
    let q = &s.queue;
    for (label, n) in [
        ("Hàng đợi gửi kho: đang chờ", q.queued),
        ("Hàng đợi gửi kho: gửi lỗi", q.failed),
        ("Đã gửi kho (có biên nhận)", q.delivered),
        ("Đã gửi kho trong kỳ", q.delivered_in_period),
    ] {
        let r = line(ws, label)?;
        put_num(ws, r, 1, n as f64)?;
    }
    let r = line(ws, "Số lô số hóa trong kỳ")?;
    put_num(ws, r, 1, s.batches.len() as f64)?;
    Ok(())
}

/// Temporary file in the destination's directory (same file system, so the rename is atomic), flushed to
/// disk before it takes the final name.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export.xlsx".to_owned());
    let io = |e: std::io::Error| EngineError::from(ReportError::io(path, &e));
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    if let Ok(d) = std::fs::File::open(&dir) {
        // Best effort: the rename is durable once the directory is synced; a failure here loses nothing.
        let _ = d.sync_all();
    }
    Ok(())
}
