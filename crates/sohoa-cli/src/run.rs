//! Maps each command onto one engine call.

use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::json;
use sohoa_core::record::{RecordKind, field_keys};
use sohoa_engine::{Engine, EngineConfig, EngineError, NewRecordRequest, RecordQuery};

use crate::args::{AuditCmd, Cli, Command, RecordCmd};
use crate::output::{self, EXIT_INTEGRITY, print_json};

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let json = cli.json;
    if let Command::Fields { kind } = &cli.command {
        return list_fields(kind.as_deref(), json);
    }
    if let Command::Ocr(a) = &cli.command {
        if a.record.is_none() {
            return crate::ocr_cmd::run(a, json);
        }
        crate::ocr_cmd::prepare_record();
    }
    if let Command::Extract(a) = &cli.command {
        return crate::extract_cmd::run(a, json);
    }
    match cli.command {
        Command::Sign(a) if a.record.is_none() => {
            let desk = desk_dir(cli.data_dir.as_deref())?;
            return crate::pdf_cmd::dispatch(crate::pdf_cmd::sign(a, &desk, json), json);
        }
        Command::Verify(a) => return crate::pdf_cmd::dispatch(crate::verify_cmd::verify(a, json), json),
        Command::Pdf(a) if a.record.is_none() => {
            return crate::pdf_cmd::dispatch(crate::pdf_cmd::pdf(a, json), json);
        }
        Command::Devices => return crate::scan_cmd::devices(json),
        Command::SeparatorSheet(a) => return crate::separator_cmd::run(&a, json),
        Command::Doctor(a) => return crate::doctor_cmd::run(cli.data_dir.as_deref(), &a, json),
        Command::Restore(a) => return crate::backup_cmd::restore(cli.data_dir.as_deref(), &a, json),
        Command::ScanWorker { driver } => {
            return Ok(sohoa_scan::worker::main_with_args(&["--driver".into(), driver]));
        }
        Command::Scan(args) => return crate::scan_cmd::scan(args, cli.data_dir.as_deref(), json),
        Command::Clean {
            pages,
            out,
            profile,
            dpi,
            binarize,
            thumbs,
            jobs,
        } => {
            let a = crate::clean_cmd::CleanArgs {
                pages,
                out,
                profile,
                dpi,
                binarize,
                thumbs,
                jobs,
            };
            return crate::clean_cmd::run(a, json);
        }
        Command::Tokens {
            modules,
            watch,
            watch_for,
        } => return crate::tokens_cmd::tokens(&modules, watch, watch_for, json),
        _ => {}
    }
    let config = match &cli.data_dir {
        Some(dir) => EngineConfig::with_data_dir(dir),
        None => EngineConfig::from_env()?,
    };
    let engine = Engine::open(config)?;
    match cli.command {
        Command::Record(cmd) => record(&engine, cmd, json),
        Command::Import { files, record } => {
            let report = engine.import_files(&record, &files)?;
            if json {
                print_json(&report)?;
            } else {
                println!(
                    "Đã thêm {} tệp vào hồ sơ {} (phiên bản {}{})",
                    report.added.len(),
                    report.record_id,
                    report.version,
                    if report.deduplicated > 0 {
                        format!(", {} tệp trùng nội dung", report.deduplicated)
                    } else {
                        String::new()
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(cmd) => audit(&engine, cmd, json),
        Command::Backup(a) => crate::backup_cmd::backup(&engine, &a, json),
        Command::Sync(args) => crate::sync_cmd::run(&engine, args, json),
        Command::User(args) => crate::user_cmd::run(&engine, &args, json),
        Command::Review(args) => crate::review_cmd::run(&engine, &args, json),
        Command::Report(args) => crate::report_cmd::run(&engine, &args, json),
        Command::Pdf(a) => crate::pdf_cmd::dispatch(crate::pdf_cmd::pdf_record(&engine, a, json), json),
        Command::Sign(a) => crate::pdf_cmd::dispatch(crate::pdf_cmd::sign_record(&engine, a, json), json),
        Command::Ocr(a) => crate::ocr_cmd::run_record(&engine, &a, json),
        Command::Fields { .. }
        | Command::Tokens { .. }
        | Command::Devices
        | Command::SeparatorSheet(_)
        | Command::Scan(_)
        | Command::ScanWorker { .. }
        | Command::Clean { .. }
        | Command::Extract(_)
        | Command::Verify(_)
        | Command::Restore(_)
        | Command::Doctor(_) => Ok(ExitCode::SUCCESS),
    }
}

fn record(engine: &Engine, cmd: RecordCmd, json: bool) -> anyhow::Result<ExitCode> {
    match cmd {
        RecordCmd::New(a) => {
            let req = NewRecordRequest {
                kind: a.kind,
                owner_id: a.owner_id,
                doc_type_code: a.doc_type,
                fields: a.fields,
            };
            let detail = engine.create_record(&req)?;
            if json {
                print_json(&json!({"id": detail.summary.id, "record": detail}))?;
            } else {
                println!("Đã tạo hồ sơ {}", detail.summary.id);
            }
        }
        RecordCmd::List(a) => {
            let query = RecordQuery {
                text: a.search,
                kind: a.kind,
                trash: a.trash,
                limit: a.limit,
                offset: a.offset,
                ..RecordQuery::default()
            };
            let rows = engine.list_records(&query)?;
            if json {
                print_json(&rows)?
            } else {
                output::print_list(&rows)
            }
        }
        RecordCmd::Show { id } => {
            let detail = engine.record_detail(&id)?;
            if json {
                print_json(&detail)?
            } else {
                output::print_detail(&detail)
            }
        }
        RecordCmd::Edit {
            id,
            fields,
            expect_revision,
        } => {
            let detail = engine.edit_record(&id, &fields, expect_revision)?;
            if json {
                print_json(&detail)?;
            } else {
                println!(
                    "Đã sửa hồ sơ {} (phiên bản sửa {})",
                    detail.summary.id, detail.summary.revision
                );
            }
        }
        RecordCmd::Delete { id, reason } => {
            let s = engine.trash_record(&id, &reason)?;
            if json {
                print_json(&s)?
            } else {
                println!("Đã chuyển hồ sơ {} vào thùng rác", s.id)
            }
        }
        RecordCmd::Restore { id } => {
            let s = engine.restore_record(&id)?;
            if json {
                print_json(&s)?
            } else {
                println!("Đã khôi phục hồ sơ {}", s.id)
            }
        }
        RecordCmd::Purge { id, yes } => {
            if !yes {
                anyhow::bail!("xóa vĩnh viễn cần --yes — permanent deletion needs --yes");
            }
            let report = engine.purge_record(&id)?;
            if json {
                print_json(&report)?
            } else {
                println!("Đã xóa vĩnh viễn hồ sơ {id}")
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn audit(engine: &Engine, cmd: AuditCmd, json: bool) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCmd::Verify { deep } => {
            let report = engine.audit_verify()?;
            let integrity = if deep {
                Some(engine.integrity_check(true)?)
            } else {
                None
            };
            let chain_ok = report.first_broken.is_none();
            let store_ok = integrity.as_ref().is_none_or(|r| r.ok);
            if json {
                print_json(&json!({"ok": chain_ok && store_ok, "audit": report, "integrity": integrity}))?;
            } else {
                match &report.first_broken {
                    None => println!(
                        "Chuỗi nhật ký hợp lệ: {} mục, đầu chuỗi {}",
                        report.entries, report.head_hash
                    ),
                    Some(b) => println!("Chuỗi nhật ký BỊ HỎNG tại mục #{}: {}", b.seq, b.reason),
                }
                if let Some(r) = &integrity {
                    println!("Kiểm tra kho: {}", if r.ok { "tốt" } else { "CÓ LỖI" });
                    for problem in integrity_problems(r) {
                        println!("  - {problem}");
                    }
                }
            }
            if !(chain_ok && store_ok) {
                if !json {
                    eprintln!("sohoa: audit chain or store integrity check failed [audit.broken]");
                }
                return Ok(ExitCode::from(EXIT_INTEGRITY));
            }
        }
        AuditCmd::Log { record } => {
            let entries = engine.audit_log(record.as_deref())?;
            if json {
                print_json(&entries)?;
            } else {
                for e in entries {
                    println!(
                        "#{:<6} {}  {:<12} {:<16} {}",
                        e.seq,
                        e.at,
                        e.user,
                        e.action,
                        e.record_id.as_deref().unwrap_or("-")
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn list_fields(kind: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let kind: Option<RecordKind> = kind
        .map(|k| k.parse().map_err(|_| EngineError::UnknownKind(k.to_owned())))
        .transpose()
        .context("--kind")?;
    let defs: Vec<_> = field_keys()
        .iter()
        .filter(|d| kind.is_none_or(|k| d.kinds.contains(&k)))
        .collect();
    if json {
        let rows: Vec<_> = defs
            .iter()
            .map(|d| {
                json!({"key": d.key, "label_vi": d.label_vi, "label_en": d.label_en,
                            "required": kind.is_some_and(|k| d.required_for.contains(&k))})
            })
            .collect();
        print_json(&rows)?;
    } else {
        for d in defs {
            let required = kind.is_some_and(|k| d.required_for.contains(&k));
            println!(
                "{:<26} {}{} — {}",
                d.key,
                d.label_vi,
                if required { " (bắt buộc)" } else { "" },
                d.label_en
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per finding, for the human report of `audit verify --deep`.
fn integrity_problems(r: &sohoa_engine::IntegrityReport) -> Vec<String> {
    let mut out: Vec<String> = r.sqlite_errors.iter().map(|e| format!("SQLite: {e}")).collect();
    out.extend(
        r.foreign_key_violations
            .iter()
            .map(|e| format!("khóa ngoại / foreign key: {e}")),
    );
    out.extend(
        r.fts_error
            .iter()
            .map(|e| format!("chỉ mục tìm kiếm / search index: {e}")),
    );
    out.extend(r.missing_blobs.iter().map(|m| {
        format!(
            "thiếu tệp / missing blob {} (hồ sơ {}, phiên bản {})",
            m.sha256, m.record_id, m.version
        )
    }));
    out.extend(
        r.damaged_blobs
            .iter()
            .map(|b| format!("tệp hỏng / damaged blob {}: {}", b.sha256, b.problem)),
    );
    out.extend(
        r.orphan_blobs
            .iter()
            .map(|o| format!("tệp mồ côi / orphan blob {o}")),
    );
    out
}

/// The desk's data directory (`--data-dir`, else the environment's or the default) for commands that read
/// the administrator's desk files (trust anchors, scan presets) without opening the record store.
pub(crate) fn desk_dir(data_dir: Option<&std::path::Path>) -> anyhow::Result<std::path::PathBuf> {
    Ok(match data_dir {
        Some(dir) => dir.to_path_buf(),
        None => EngineConfig::from_env()?.data_dir,
    })
}
