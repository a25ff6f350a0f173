//! How results and failures reach the terminal: human tables in Vietnamese, or JSON for scripts.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use sohoa_engine::{EngineError, ErrorClass, RecordDetail, RecordSummary};

/// Exit codes, one per error class, documented in the README.
pub const EXIT_INTERNAL: u8 = 1;
pub const EXIT_INVALID: u8 = 3;
pub const EXIT_NOT_FOUND: u8 = 4;
pub const EXIT_CONFLICT: u8 = 5;
pub const EXIT_IO: u8 = 6;
pub const EXIT_INTEGRITY: u8 = 7;
pub const EXIT_BUSY: u8 = 8;

pub fn exit_code(class: ErrorClass) -> u8 {
    match class {
        // Refused credentials or role: the caller's input (who they are) is what must change.
        ErrorClass::Invalid | ErrorClass::Denied => EXIT_INVALID,
        ErrorClass::NotFound => EXIT_NOT_FOUND,
        ErrorClass::Conflict => EXIT_CONFLICT,
        ErrorClass::Io => EXIT_IO,
        ErrorClass::Integrity => EXIT_INTEGRITY,
        ErrorClass::Busy => EXIT_BUSY,
    }
}

/// Prints one line on stderr (and a JSON object on stdout with `--json`) and picks the exit code.
pub fn report_error(err: &anyhow::Error, json: bool) -> ExitCode {
    let (code, message_vi, message_en, exit) = match err.downcast_ref::<EngineError>() {
        Some(e) => (
            e.code().to_owned(),
            e.message_vi(),
            e.to_string(),
            exit_code(e.class()),
        ),
        None => (
            "internal".to_owned(),
            format!("Lỗi: {err:#}"),
            format!("{err:#}"),
            EXIT_INTERNAL,
        ),
    };
    if json {
        let body = serde_json::json!({"ok": false, "error": {"code": code, "message": message_vi, "message_en": message_en}});
        println!("{body}");
    }
    let one_line = format!("sohoa: {message_vi} — {message_en} [{code}]").replace('\n', " ");
    let _ = writeln!(std::io::stderr(), "{one_line}");
    ExitCode::from(exit)
}

pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    println!("{text}");
    Ok(())
}

fn short_id(id: &str) -> &str {
    id.get(..13).unwrap_or(id)
}

pub fn print_list(rows: &[RecordSummary]) {
    if rows.is_empty() {
        println!("(không có hồ sơ nào — no records)");
        return;
    }
    println!(
        "{:<13}  {:<9}  {:<12}  {:>5}  {:<19}  TIÊU ĐỀ / TITLE",
        "ID", "LOẠI", "CHỦ SỞ HỮU", "TRANG", "CẬP NHẬT"
    );
    for r in rows {
        let updated = r.updated_at.get(..19).unwrap_or(&r.updated_at);
        println!(
            "{:<13}  {:<9}  {:<12}  {:>5}  {:<19}  {}{}",
            short_id(&r.id),
            r.kind,
            r.owner_id.as_deref().unwrap_or("-"),
            r.page_count,
            updated,
            r.title,
            if r.trashed { "  [thùng rác]" } else { "" }
        );
    }
}

pub fn print_detail(d: &RecordDetail) {
    let s = &d.summary;
    println!("Hồ sơ {}  ({})", s.id, s.kind_label_vi);
    println!("  Tiêu đề: {}", s.title);
    if let Some(key) = &s.storage_key {
        println!("  Khóa lưu trữ: {key}");
    }
    println!(
        "  Phiên bản sửa: {}  ·  Phiên bản tệp: {}  ·  Số trang: {}{}",
        s.revision,
        s.current_version
            .map_or_else(|| "-".to_owned(), |v| v.to_string()),
        s.page_count,
        if s.trashed {
            "  ·  ĐANG Ở THÙNG RÁC"
        } else {
            ""
        }
    );
    let width = d
        .fields
        .iter()
        .map(|f| f.label_vi.chars().count())
        .max()
        .unwrap_or(0);
    println!("Thông tin:");
    for f in &d.fields {
        let pad = width - f.label_vi.chars().count();
        println!("  {}{}  {}", f.label_vi, " ".repeat(pad), f.value);
    }
    for v in &d.versions {
        println!(
            "Phiên bản {} — {} — {} — {}",
            v.number, v.created_at, v.actor, v.reason
        );
        for f in &v.files {
            println!(
                "  {:>3}. {}  {}  {} B  sha256 {}",
                f.ordinal,
                f.name,
                f.media_type,
                f.size,
                &f.sha256[..12.min(f.sha256.len())]
            );
        }
    }
    println!("Lịch sử:");
    for h in &d.history {
        println!("  #{:<5} {}  {:<12} {}", h.seq, h.at, h.user, h.summary_vi);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A refused lost update is a conflict for scripts too: retry after reading the record again.
    #[test]
    fn a_version_conflict_exits_with_the_conflict_code() {
        let e = EngineError::from(sohoa_store::StoreError::VersionConflict {
            record: "0b1c2d3e-0000-4000-8000-000000000001".to_owned(),
            expected: Some(1),
            found: Some(2),
        });
        assert_eq!(e.code(), "store.version_conflict");
        assert_eq!(exit_code(e.class()), EXIT_CONFLICT);
        assert_eq!(EXIT_CONFLICT, 5);
    }
}
