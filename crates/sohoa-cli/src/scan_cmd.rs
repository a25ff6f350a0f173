//! `sohoa devices` and `sohoa scan`: scanners from every driver, pages to a folder or into a record.
//!
//! Native drivers run in a worker process — this same binary, started as the hidden `sohoa scan-worker` —
//! so a crashing vendor backend ends the scan with a typed error instead of taking the CLI down.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use serde_json::json;
use sohoa_engine::{Engine, ErrorClass, ScanRecordError, scan_class};
use sohoa_scan::profile::{Preset, ProfileError, Profiles};
use sohoa_scan::registry::{Registry, default_registry};
use sohoa_scan::worker::WorkerCommand;
use sohoa_scan::{ColorMode, Device, OptionValue, Page, ScanError, ScanSettings, Source};

use crate::output::{exit_code, print_json};

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Scanner id from `sohoa devices` (e.g. test:0, demo).
    #[arg(long, value_name = "ID", required_unless_present_any = ["unfinished", "attach", "discard"])]
    pub device: Option<String>,
    /// Document-type preset from scanner-profiles (cccd-card, cmnd-form, residence-dossier, ...).
    #[arg(long, value_name = "P")]
    pub profile: Option<String>,
    #[arg(long, value_parser = ["flatbed", "adf", "adf-duplex"])]
    pub source: Option<String>,
    #[arg(long, value_name = "N")]
    pub dpi: Option<u32>,
    #[arg(long, value_parser = ["color", "gray", "bw"])]
    pub mode: Option<String>,
    /// Stop after this many images.
    #[arg(long, value_name = "N")]
    pub max_pages: Option<u32>,
    /// A backend option, set before the scan (type-checked by the driver): brightness=10, swdeskew=true.
    #[arg(long = "option", value_name = "NAME=VALUE", value_parser = parse_option)]
    pub options: Vec<(String, OptionValue)>,
    /// Write page-NNN.png files here.
    #[arg(long, value_name = "DIR", conflicts_with = "record", required_unless_present_any = ["record", "unfinished", "attach", "discard"])]
    pub out: Option<PathBuf>,
    /// Store the pages in this record as a new version.
    #[arg(long, value_name = "ID")]
    pub record: Option<String>,
    /// List interrupted scans whose pages are waiting (crash recovery).
    #[arg(long, conflicts_with_all = ["device", "attach", "discard"])]
    pub unfinished: bool,
    /// Store an interrupted scan's pages (in --record, or the record it was meant for).
    #[arg(long, value_name = "SPOOL", conflicts_with_all = ["device", "discard"])]
    pub attach: Option<String>,
    /// Give up an interrupted scan's pages.
    #[arg(long, value_name = "SPOOL", conflicts_with = "device")]
    pub discard: Option<String>,
}

/// `true`/`false` → bool, integers → int, decimals → number, anything else → text; the driver converts
/// int ↔ fixed by value and refuses any other mismatch.
fn parse_option(s: &str) -> Result<(String, OptionValue), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, got '{s}'"))?;
    let value = match v {
        "true" | "yes" => OptionValue::Bool(true),
        "false" | "no" => OptionValue::Bool(false),
        _ => match (v.parse::<i32>(), v.parse::<f64>()) {
            (Ok(i), _) => OptionValue::Int(i),
            (_, Ok(f)) => OptionValue::Fixed(f),
            _ => OptionValue::String(v.to_owned()),
        },
    };
    Ok((k.trim().to_owned(), value))
}

fn open_device(
    registry: &Registry,
    id: &str,
    options: &[(String, OptionValue)],
) -> Result<Box<dyn Device>, ScanError> {
    let mut device = registry.open(id)?;
    for (name, value) in options {
        let out = device.set_option(name, value.clone())?;
        if out.inexact {
            eprintln!(
                "sohoa: {name}: máy quét làm tròn thành {:?} — the scanner rounded it to {:?}",
                out.applied, out.applied
            );
        }
    }
    Ok(device)
}

fn registry(profiles: Arc<Profiles>) -> Registry {
    let worker = std::env::current_exe()
        .ok()
        .map(|exe| WorkerCommand::new(exe).arg("scan-worker"));
    default_registry(worker, profiles)
}

pub fn devices(json: bool) -> anyhow::Result<ExitCode> {
    let profiles =
        Profiles::from_env().map_err(|e| anyhow::anyhow!("{} — {e} [{}]", e.message_vi(), e.code()))?;
    let found = registry(Arc::new(profiles)).discover();
    for (driver, e) in &found.failures {
        eprintln!("sohoa: {driver:?}: {} — {e} [{}]", e.message_vi(), e.code());
    }
    if json {
        print_json(&found.devices)?;
        return Ok(ExitCode::SUCCESS);
    }
    if found.devices.is_empty() {
        println!("(không tìm thấy máy quét nào — no scanners found)");
    }
    for d in &found.devices {
        let sources: Vec<_> = d.sources.iter().map(|s| source_name(*s)).collect();
        println!(
            "{:<28} {:<6} {:<48} {}{}",
            d.id,
            format!("{:?}", d.driver).to_lowercase(),
            d.name,
            sources.join(","),
            if d.duplex { "  (hai mặt / duplex)" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Flatbed => "flatbed",
        Source::Adf => "adf",
        Source::AdfDuplex => "adf-duplex",
    }
}

/// A preset (or the Decree 30-safe defaults: colour, 300 dpi) with the command-line overrides applied; a
/// legal-copy preset whose overrides break Decree 30 is refused with the reason.
fn settings(a: &ScanArgs, profiles: &Profiles) -> Result<(ScanSettings, Option<String>), ProfileError> {
    let mut preset = match &a.profile {
        Some(p) => profiles.preset(p)?.clone(),
        None => Preset {
            id: "default".into(),
            name_vi: String::new(),
            source: Source::Flatbed,
            mode: ColorMode::Color,
            dpi: 300,
            width_mm: None,
            height_mm: None,
            scale_percent: 100,
            legal_copy: false,
        },
    };
    // clap has already limited both to the enum's kebab-case names.
    if let Some(s) = a
        .source
        .as_deref()
        .and_then(|s| serde_json::from_value(json!(s)).ok())
    {
        preset.source = s;
    }
    if let Some(m) = a
        .mode
        .as_deref()
        .and_then(|m| serde_json::from_value(json!(m)).ok())
    {
        preset.mode = m;
    }
    if let Some(d) = a.dpi {
        preset.dpi = d;
    }
    preset.check_decree30()?;
    let mut s = preset.settings();
    s.max_pages = a.max_pages;
    Ok((s, a.profile.clone()))
}

/// A refused preset (Decree 30, unknown name) is the caller's input: exit code 3 or 4, with the reason.
fn profile_fail(e: &ProfileError, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        println!(
            "{}",
            json!({"ok": false, "error": {"code": e.code(), "message": e.message_vi(), "message_en": e.to_string()}})
        );
    }
    eprintln!("sohoa: {} — {e} [{}]", e.message_vi(), e.code());
    let class = match e {
        ProfileError::UnknownPreset(_) => ErrorClass::NotFound,
        ProfileError::Io { .. } => ErrorClass::Io,
        _ => ErrorClass::Invalid,
    };
    Ok(ExitCode::from(exit_code(class)))
}

fn fail(e: &ScanError, json: bool, extra: serde_json::Value) -> anyhow::Result<ExitCode> {
    if json {
        let mut body = json!({"ok": false, "error": {"code": e.code(), "message": e.message_vi(), "message_en": e.to_string()}});
        if let (Some(b), Some(x)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(x.clone());
        }
        println!("{body}");
    }
    eprintln!("sohoa: {} — {e} [{}]", e.message_vi(), e.code());
    Ok(ExitCode::from(exit_code(scan_class(e))))
}

pub fn scan(a: ScanArgs, data_dir: Option<&Path>, json: bool) -> anyhow::Result<ExitCode> {
    if a.unfinished || a.attach.is_some() || a.discard.is_some() {
        return recovery(&a, &open_engine(data_dir)?, json);
    }
    // Read once: the presets pick the settings, the registry's drivers use the device quirks. The desk's own
    // presets (edited by the administrator in the app) apply here too, unless SOHOA_SCANNER_PROFILES is set.
    let desk = crate::run::desk_dir(data_dir)?;
    let profiles = match sohoa_engine::scan_profiles(&desk) {
        Ok(p) => p,
        Err(e) => return profile_fail(&e, json),
    };
    let (settings, preset) = match settings(&a, &profiles) {
        Ok(s) => s,
        Err(e) => return profile_fail(&e, json),
    };
    let id = a.device.clone().unwrap_or_default();
    let registry = registry(Arc::new(profiles));
    if let Some(record) = &a.record {
        let engine = open_engine(data_dir)?;
        let mut device = match open_device(&registry, &id, &a.options) {
            Ok(d) => d,
            Err(e) => return fail(&e, json, json!({})),
        };
        let progress = |p: &Page| {
            if !json {
                println!(
                    "  trang / page {} ({:?}) {}x{}",
                    p.sheet,
                    p.side,
                    p.image.width(),
                    p.image.height()
                );
            }
        };
        return match engine.scan_into_record(record, device.as_mut(), &settings, preset.as_deref(), progress)
        {
            Ok(report) => {
                let fault = report.fault.clone();
                if json {
                    print_json(&json!({"ok": fault.is_none(), "scan": report}))?;
                } else if let Some(i) = &report.import {
                    println!(
                        "Đã lưu {} trang vào hồ sơ {} (phiên bản {})",
                        report.pages, i.record_id, i.version
                    );
                }
                match fault {
                    None => Ok(ExitCode::SUCCESS),
                    Some(code) => {
                        eprintln!(
                            "sohoa: lượt quét dừng giữa chừng, các trang đã quét được đã lưu — scan stopped early, pages acquired were stored [{code}]"
                        );
                        Ok(ExitCode::from(exit_code(ErrorClass::Io)))
                    }
                }
            }
            Err(ScanRecordError::Scan(e)) => fail(&e, json, json!({})),
            Err(ScanRecordError::Engine(e)) => Err(e.into()),
            Err(e) => Err(anyhow::anyhow!("{} — {e} [{}]", e.message_vi(), e.code())),
        };
    }
    let out = a.out.clone().context("--out or --record is required")?;
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut device = match open_device(&registry, &id, &a.options) {
        Ok(d) => d,
        Err(e) => return fail(&e, json, json!({})),
    };
    let mut written = Vec::new();
    let mut fault = None;
    {
        let mut stream = match device.scan(&settings) {
            Ok(s) => s,
            Err(e) => return fail(&e, json, json!({})),
        };
        while let Some(next) = stream.next_page() {
            match next {
                Ok(page) => {
                    let file = out.join(format!("page-{:03}.png", written.len() + 1));
                    write_page(&file, &page)?;
                    if !json {
                        println!("{}", file.display());
                    }
                    written.push(json!({"file": file, "sheet": page.sheet, "side": page.side,
                        "width": page.image.width(), "height": page.image.height(), "dpi": page.dpi_x}));
                }
                Err(e) => {
                    fault = Some(e);
                    break;
                }
            }
        }
    }
    match fault {
        Some(e) => fail(&e, json, json!({"pages": written})),
        None => {
            if json {
                print_json(&json!({"ok": true, "device": id, "pages": written}))?;
            } else {
                println!(
                    "Đã quét {} trang — {} page(s) scanned",
                    written.len(),
                    written.len()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Temporary file, fsync, rename: a page on disk is a whole page.
fn write_page(path: &Path, page: &Page) -> anyhow::Result<()> {
    let bytes =
        sohoa_scan::spool::encode_png_at(&page.image, page.dpi_x, page.dpi_y).map_err(anyhow::Error::msg)?;
    let tmp = path.with_extension("png.tmp");
    let mut f = std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(&bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn open_engine(data_dir: Option<&Path>) -> anyhow::Result<Engine> {
    let config = match data_dir {
        Some(dir) => sohoa_engine::EngineConfig::with_data_dir(dir),
        None => sohoa_engine::EngineConfig::from_env()?,
    };
    Ok(Engine::open(config)?)
}

fn recovery(a: &ScanArgs, engine: &Engine, json: bool) -> anyhow::Result<ExitCode> {
    let lift = |e: ScanRecordError| match e {
        ScanRecordError::Engine(e) => anyhow::Error::from(e),
        e => anyhow::anyhow!("{} — {e} [{}]", e.message_vi(), e.code()),
    };
    if let Some(spool) = &a.attach {
        let report = engine
            .attach_unfinished_scan(spool, a.record.as_deref())
            .map_err(lift)?;
        if json {
            print_json(&report)?;
        } else {
            println!(
                "Đã lưu {} trang vào hồ sơ {} (phiên bản {})",
                report.added.len(),
                report.record_id,
                report.version
            );
        }
    } else if let Some(spool) = &a.discard {
        engine.discard_unfinished_scan(spool).map_err(lift)?;
        if json {
            print_json(&json!({"ok": true, "discarded": spool}))?;
        } else {
            println!("Đã bỏ lượt quét dở {spool}");
        }
    } else {
        let list = engine.unfinished_scans().map_err(lift)?;
        if json {
            print_json(&list)?;
        } else if list.is_empty() {
            println!("(không có lượt quét dở — no unfinished scans)");
        } else {
            for m in list {
                println!(
                    "{}  {}  {} trang  hồ sơ {}  {}",
                    m.id,
                    m.created_at,
                    m.pages.len(),
                    m.meta.record_id.as_deref().unwrap_or("-"),
                    m.last_fault.as_deref().unwrap_or("")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
