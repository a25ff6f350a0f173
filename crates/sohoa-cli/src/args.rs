//! Command-line grammar (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sohoa",
    version,
    about = "SoHoa Desk — số hóa hồ sơ (digitization workstation)"
)]
pub struct Cli {
    /// Data directory (default: the platform data directory).
    #[arg(long, global = true, env = "SOHOA_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Machine-readable output on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, list, show, edit, delete and restore records.
    #[command(subcommand)]
    Record(RecordCmd),
    /// Add images or PDFs to a record as a new version.
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[arg(long, value_name = "ID")]
        record: String,
    },
    /// Audit chain and store integrity.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// List smart-card readers, signing tokens and their certificates; --watch prints insert/remove events.
    Tokens {
        /// PKCS#11 module to ask (repeatable); default: every installed module the desk knows.
        #[arg(long = "module", value_name = "PATH")]
        modules: Vec<PathBuf>,
        /// Print token insert/remove events (JSON lines with --json) until interrupted.
        #[arg(long)]
        watch: bool,
        /// With --watch: stop after this many seconds.
        #[arg(long, value_name = "SECONDS", requires = "watch")]
        watch_for: Option<u64>,
    },
    /// Local accounts of the desktop app (add, list, passwd, disable, enable).
    User(crate::user_cmd::UserArgs),
    /// Supervisor review: queue with quality verdicts, batch samples, approve, reject (list, sample, approve,
    /// reject, returned, history).
    Review(crate::review_cmd::ReviewArgs),
    /// Send queued records to the ministry vault (training mode without SOHOA_VAULT_URL).
    Sync(SyncArgs),
    /// List scanners from every driver (id, driver, name, sources, duplex).
    Devices,
    /// Acquire pages from a scanner into a folder (page-NNN.png) or a record.
    Scan(crate::scan_cmd::ScanArgs),
    /// Internal: the crash-isolated scanner driver process.
    #[command(hide = true)]
    ScanWorker {
        #[arg(long, default_value = "sane")]
        driver: String,
    },
    /// Clean up page images (orientation, deskew, crop, despeckle, blank and quality checks); no record store.
    Clean {
        #[arg(required = true, value_name = "PAGE")]
        pages: Vec<PathBuf>,
        /// Directory for the cleaned pages (`<stem>.png`).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Quality thresholds: default, admin-doc, id-card, handwritten-form.
        #[arg(long, default_value = "default")]
        profile: String,
        /// Scan resolution, when the file does not say it and the paper is not a standard size.
        #[arg(long)]
        dpi: Option<f64>,
        /// Also write a black-and-white derivative `<stem>.bw.png`.
        #[arg(long)]
        binarize: bool,
        /// Also write a thumbnail `<stem>.thumb.png`.
        #[arg(long)]
        thumbs: bool,
        /// Worker threads (default: one per CPU).
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// OCR page images (Vietnamese): writes <stem>.txt and <stem>.json (words, boxes, confidences).
    Ocr(crate::ocr_cmd::OcrArgs),
    /// Extract fields (CCCD QR/MRZ, CMND form, document header, residence form) with confidences.
    Extract(crate::extract_cmd::ExtractArgs),
    /// Build the PDF/A-2b legal copy (text layer, metadata) from page images or a record.
    Pdf(crate::pdf_cmd::PdfArgs),
    /// Sign a PDF (PAdES, Decree 30 copy stamp).
    Sign(crate::pdf_cmd::SignArgs),
    /// Verify signatures (integrity, signer, time, level, chain), or lint PDF/A with --pdfa.
    Verify(crate::verify_cmd::VerifyArgs),
    /// Back up the data directory (consistent while the desk is in use); verified copies, manifest.
    Backup(crate::backup_cmd::BackupArgs),
    /// Restore a backup into --data-dir (empty, or --force), then verify the audit chain and every file.
    Restore(crate::backup_cmd::RestoreArgs),
    /// Statistics of a period and the supervisor's Excel workbook (--out); --import applies corrections from one.
    Report(crate::report_cmd::ReportArgs),
    /// First-run check: OCR data, scanners, pcscd, PKCS#11 modules, trust anchors, data dir, vault.
    Doctor(crate::doctor_cmd::DoctorArgs),
    /// Write the Patch T separator sheet that splits an archive batch into dossiers (print it at 100 %).
    SeparatorSheet(crate::separator_cmd::SeparatorArgs),
    /// List the field keys usable with --field.
    Fields {
        /// Only the fields that apply to this kind.
        #[arg(long)]
        kind: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecordCmd {
    /// Create a record; the owner ID is validated.
    New(NewArgs),
    /// List records (newest first), optionally searching metadata.
    List(ListArgs),
    /// Show a record with its fields, versions and history.
    Show { id: String },
    /// Change fields; all edits are validated together and stored as one revision.
    Edit {
        id: String,
        #[arg(long = "field", value_name = "KEY=VALUE", value_parser = parse_kv, required = true)]
        fields: Vec<(String, String)>,
        /// Refuse the edit if someone else changed the record since this revision.
        #[arg(long, value_name = "N")]
        expect_revision: Option<u32>,
    },
    /// Move a record to the trash (restorable).
    Delete {
        id: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Bring a record back from the trash.
    Restore { id: String },
    /// Delete a trashed record for good, with its files no other record uses.
    Purge {
        id: String,
        /// Confirm the permanent deletion.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// result | residence | id-card | info-only
    #[arg(long)]
    pub kind: String,
    /// Owner identification number (12-digit personal ID, 9-digit CMND, passport, tax code). Without it,
    /// give owner_name, birth_year, id_issue_date and id_issuer as fields.
    #[arg(long, value_name = "ID")]
    pub owner_id: Option<String>,
    /// Document type code from the catalogue (assets/catalogs/document-types.toml).
    #[arg(long = "type", value_name = "CODE")]
    pub doc_type: Option<String>,
    #[arg(long = "field", value_name = "KEY=VALUE", value_parser = parse_kv)]
    pub fields: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Full-text search over metadata (diacritics optional).
    #[arg(long, short)]
    pub search: Option<String>,
    #[arg(long)]
    pub kind: Option<String>,
    /// List the trash instead.
    #[arg(long)]
    pub trash: bool,
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// One pass over the queue, then exit (otherwise run until interrupted).
    #[arg(long)]
    pub once: bool,
    /// Queue this record's current version first (repeatable).
    #[arg(long, value_name = "ID")]
    pub enqueue: Vec<String>,
    /// Queue every record whose current version was never sent.
    #[arg(long)]
    pub all: bool,
    /// Only print the queue.
    #[arg(long)]
    pub status: bool,
    /// Send a refused message again once its cause is fixed (message id; repeatable).
    #[arg(long, value_name = "MESSAGE_ID")]
    pub requeue: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Check the hash chain; names the first broken entry.
    Verify {
        /// Also check the database, every blob's presence and hash, and orphan files.
        #[arg(long)]
        deep: bool,
    },
    /// Print audit entries (all, or one record's).
    Log {
        #[arg(long, value_name = "ID")]
        record: Option<String>,
    },
}

fn parse_kv(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("expected KEY=VALUE, got '{s}'"))?;
    let key = k.trim();
    if key.is_empty() {
        return Err(format!("empty key in '{s}'"));
    }
    Ok((key.to_owned(), v.to_owned()))
}
