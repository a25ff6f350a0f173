//! The SoHoa Desk workflow: the one API the desktop app and the `sohoa` CLI call.
//!
//! The engine joins the domain rules (`sohoa-core`) to the durable store (`sohoa-store`): every record is
//! validated before it is written, every write is audited by the store in the same transaction, and the
//! views it returns are what both front ends display. Later stages (scan, imaging, OCR, PDF, signing,
//! vault) plug in here, never in the front ends.

mod access;
mod accounts;
mod acting;
mod atomic;
mod backup;
mod batch;
mod card;
mod config;
mod desk_status;
mod doctor;
mod dossier_list;
mod error;
mod intake;
mod media;
mod ocr;
mod page_ops;
mod pages;
mod password;
mod reception;
mod record_pdf;
mod records;
mod report_error;
mod review;
mod scan;
mod scan_presets;
mod scanners;
mod settings;
mod signing;
mod signing_tokens;
mod stats;
mod stats_year;
mod suggest;
mod trust_admin;
mod vault;
mod views;
mod xlsx_export;
mod xlsx_import;
mod xlsx_layout;

use std::path::Path;

use sohoa_core::catalog::Catalogs;
use sohoa_store::{Store, TrashFilter};

pub use access::{Action, Caller, Role};
pub use accounts::{
    LOCKOUT_MINUTES, MAX_FAILED_ATTEMPTS, NewUserRequest, TRAINING_ACCOUNTS, UserView, normalize_login,
};
pub use acting::Acting;
pub use backup::{APP_VERSION, restore_backup};
pub use batch::{
    BatchError, BatchEvent, BatchProfile, BatchReport, PendingDossier, SaveDossier, SavedDossier, SheetCheck,
    StorageStart, batch_profile, batch_profiles,
};
pub use card::CardReading;
pub use config::EngineConfig;
pub use desk_status::{
    DeviceProbe, ScannerState, ScannerStatus, TOKEN_PROBE_TIMEOUT, TokenState, TokenStatus, VaultStatus,
    probe_devices, scanner_status, summarize_tokens, token_status,
};
pub use doctor::{Check, CheckStatus, DoctorOptions, DoctorReport, StatusCounts, run_doctor};
pub use error::{EngineError, ErrorClass, FileProblem};
pub use intake::{
    ChecklistPaper, DossierChecklist, DossierIntake, IntakeError, IntakePaper, PaperStatus, ReceivedDossier,
    ReceivedPaper,
};
pub use ocr::{OCR_MEDIA_TYPE, RecordOcrError, RecordOcrReport, ocr_file_name};
pub use page_ops::{MergeCandidate, MergeReport, PageOpsError, SplitReport};
pub use pages::PageEdit;
pub use password::MIN_PASSWORD_CHARS;
pub use reception::{DocTypeOption, FormField, OwnerIdCheck, PageImage, RecordForm};
pub use record_pdf::{RecordPdfError, RecordPdfReport};
pub use records::NewRecordRequest;
pub use report_error::ReportError;
pub use review::{
    DEFAULT_SAMPLE_SHARE, PageQuality, PageToRescan, RescanReport, ReturnedPage, ReturnedRecord, ReviewError,
    ReviewFilter, ReviewPage, ReviewQueueItem, ReviewState, ReviewStatus, SAMPLE_SHARE_SETTING, SampleDraw,
    sample_indices, sample_size,
};
pub use scan::{ScanRecordError, ScanRecordReport, scan_class};
pub use scan_presets::{
    Preset, PresetError, PresetOrigin, ScanPresets, desk_profiles_dir, desk_worker, scan_profiles,
    validate_presets,
};
pub use scanners::{ScanPreset, ScannerChoices, open_scanner, scanner_choices};
pub use settings::DeskSettings;
pub use signing::{
    RecordSignOptions, SIGNED_COPY_NAME, SignRecordReport, open_trusted_signer, sao_y_options,
};
pub use signing_tokens::{
    SigningToken, SigningTokens, TokenCertificate, TokenKind, TokenModule, list_signing_tokens,
};
pub use sohoa_imaging::Verdict as QualityVerdict;
pub use sohoa_ocr::OcrConfig;
/// Binaries call this first in `main`: Tesseract must start with `OMP_THREAD_LIMIT=1` (see `sohoa_ocr::omp`).
pub use sohoa_ocr::omp::reexec_with_thread_limit;
/// The native scanner drivers' worker process: a front end started with its worker arguments runs this
/// and exits (the app and the CLI each re-execute themselves as their own worker).
pub use sohoa_scan::worker::{WorkerCommand, main_with_args as scan_worker_main};
pub use sohoa_scan::{DeviceInfo, Page};
pub use sohoa_sign::{TokenEvent, TokenMonitor};
pub use sohoa_store::{Actor, AuditReport, IntegrityReport, ReconcileReport};
pub use sohoa_store::{BackupError, BackupManifest, BackupReport, RestoreReport};
pub use sohoa_store::{OutboxCounts, OutboxRow, OutboxState};
pub use sohoa_store::{ReviewRow, ReviewVerdict, SampleRow};
pub use sohoa_vault::{Delivery, PassReport, VaultConfig, VaultError};
pub use stats::{
    BatchStats, Counts, DayStats, DocTypeStats, OfficerStats, QueueStats, Statistics, YEARLY_TARGET_SETTING,
    YearProgress,
};
pub use suggest::{Attention, FieldSuggestion, FieldSuggestions, LOW_WORD_CONFIDENCE, PageSpot, WeakWord};
pub use trust_admin::{
    EXPIRING_DAYS, TrustCertificate, TrustError, TrustSource, desk_trust_dir, desk_trust_store,
};
pub use vault::{EnqueueReport, Skipped};
pub use views::{
    FieldView, FileView, HistoryView, ImportReport, RecordDetail, RecordQuery, RecordSummary, VersionView,
};
pub use xlsx_export::ExportReport;
pub use xlsx_import::{ImportMetadataReport, RowOutcome, RowResult};
pub use xlsx_layout::{
    DeliveryState, SHEET_DAYS, SHEET_DOC_TYPES, SHEET_OFFICERS, SHEET_RECORDS, SHEET_YEAR,
};

/// An open data directory: the store, the catalogues and the acting officer.
pub struct Engine {
    config: EngineConfig,
    store: Store,
    catalogs: Catalogs,
}

const DEFAULT_PAGE: u32 = 200;

impl Engine {
    /// Opens (creating if needed) the data directory, runs migrations and the store's start-up reconciliation.
    pub fn open(config: EngineConfig) -> Result<Engine, EngineError> {
        let catalogs = match &config.catalog_dir {
            Some(dir) => Catalogs::load_dir(dir)?,
            None => Catalogs::embedded(),
        };
        let store = Store::open(&config.data_dir)?;
        let report = store.last_reconcile();
        tracing::info!(
            data_dir = %config.data_dir.display(),
            temp_removed = report.temp_removed,
            orphans_removed = report.orphan_blobs_removed,
            missing_blobs = report.missing_blobs.len(),
            "store opened"
        );
        Ok(Engine {
            config,
            store,
            catalogs,
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }

    pub fn actor(&self) -> &Actor {
        &self.config.actor
    }

    pub fn catalogs(&self) -> &Catalogs {
        &self.catalogs
    }

    /// What the last start-up reconciliation found (missing blobs need an operator's attention).
    pub fn reconcile_report(&self) -> &ReconcileReport {
        self.store.last_reconcile()
    }

    /// Live records (trash excluded).
    pub fn record_count(&self) -> Result<u64, EngineError> {
        Ok(self.store.count_records(TrashFilter::Exclude)?)
    }

    pub fn list_records(&self, query: &RecordQuery) -> Result<Vec<RecordSummary>, EngineError> {
        let filter = sohoa_store::ListFilter {
            trash: if query.trash {
                TrashFilter::Only
            } else {
                TrashFilter::Exclude
            },
            kind: query.kind.clone().filter(|k| !k.is_empty()),
            owner_id: None,
            limit: if query.limit == 0 {
                DEFAULT_PAGE
            } else {
                query.limit
            },
            offset: query.offset,
        };
        let text = query.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let dossier = query.dossier.as_deref().map(str::trim).filter(|d| !d.is_empty());
        let rows = match (dossier, text) {
            (Some(dossier), text) => self.dossier_rows(dossier, text, &filter)?,
            (None, Some(text)) => self.store.search(&sohoa_core::text::clean_text(text), &filter)?,
            (None, None) => self.store.list_records(&filter)?,
        };
        Ok(rows.iter().map(records::summary).collect())
    }

    /// Verifies the whole audit chain; the report names the first broken entry.
    pub fn audit_verify(&self) -> Result<AuditReport, EngineError> {
        Ok(self.store.audit_verify()?)
    }

    /// Database integrity, blob presence (and with `deep`, blob hashes), orphan files.
    pub fn integrity_check(&self, deep: bool) -> Result<IntegrityReport, EngineError> {
        Ok(self.store.integrity_check(deep)?)
    }

    pub fn audit_log(&self, record: Option<&str>) -> Result<Vec<sohoa_store::AuditEntry>, EngineError> {
        let id = record.map(|r| self.store.resolve_id(r)).transpose()?;
        Ok(self.store.audit_entries(id.as_deref())?)
    }
}
