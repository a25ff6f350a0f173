//! The supervisor's statistics: what the desk digitized in a period, by whom and of which kind, the state of
//! the vault queue, and progress against the yearly plan (the figures of the yearly report to the province).
//!
//! **A record digitized on day D** is a live (not trashed) record whose *first version holding a page image*
//! was stored on D, Vietnam time. Creating an empty record is not digitizing it, and a later rescan or page
//! edit does not count it again. Its **pages** are the page images (`image/*`) of its *current* version, so
//! a dossier rescanned after a rejection counts what it holds now; the OCR words (`application/json`,
//! [`crate::OCR_MEDIA_TYPE`]) and the signed copy ([`crate::SIGNED_COPY_NAME`], a PDF) are derived from the
//! pages and are not counted. The **officer** is the user who stored that first version (the scanner, not
//! whoever created the empty record). Information-only records (papers too damaged to scan) have no pages
//! and are counted separately, on the day they were created, in `info_only`.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use sohoa_core::record::RecordKind;

pub use crate::stats_year::YearProgress;
use crate::stats_year::{local_day, period_bounds, progress};
use crate::{Engine, EngineError};

/// The desk setting (administrator's settings screen) holding the yearly digitization target, in records.
pub const YEARLY_TARGET_SETTING: &str = "stats.yearly_target";

/// Counts shared by every breakdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Records digitized (see the module doc).
    pub records: u64,
    /// Page images of those records.
    pub pages: u64,
    /// Information-only records created.
    pub info_only: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayStats {
    pub date: NaiveDate,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficerStats {
    /// The login stored with the version (or the OS user for records made with the CLI).
    pub login: String,
    /// The local account's display name, else the login.
    pub display_name: String,
    /// True when the login is a local account of this desk.
    pub local_account: bool,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocTypeStats {
    pub kind: String,
    pub kind_label_vi: String,
    pub doc_type_code: Option<String>,
    /// The catalogue's Vietnamese name of the document type, when the code is in the catalogue.
    pub doc_type_name_vi: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
}

/// The vault queue now (all records, not only the period): a record counts as delivered only once the
/// vault's receipt is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueueStats {
    /// Waiting or being sent (pending, uploading, uploaded without receipt, waiting to retry).
    pub queued: u64,
    /// Of `queued`, those waiting after a failed attempt.
    pub retrying: u64,
    /// Refused for good; need an officer.
    pub failed: u64,
    /// Acknowledged by the vault's receipt.
    pub delivered: u64,
    /// Receipts stored within the period.
    pub delivered_in_period: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchStats {
    pub id: String,
    pub profile: String,
    /// running, finished, stopped or failed.
    pub state: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub started_by: String,
    pub sheets: u32,
    pub separators: u32,
    /// Records (dossiers) linked to the batch.
    pub records: u64,
}

impl From<sohoa_store::BatchRow> for BatchStats {
    fn from(b: sohoa_store::BatchRow) -> Self {
        BatchStats {
            records: u64::from(b.records),
            id: b.id,
            profile: b.profile,
            state: b.state.as_str().to_owned(),
            started_at: b.started_at,
            finished_at: b.finished_at,
            started_by: b.started_by,
            sheets: b.sheets,
            separators: b.separators,
        }
    }
}

/// Everything the dashboard shows for a period `[from, to]` (both days included, Vietnam time).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub totals: Counts,
    /// Every day of the period, days without work included (a chart needs the gaps).
    pub per_day: Vec<DayStats>,
    /// Most records first.
    pub per_officer: Vec<OfficerStats>,
    /// By kind, then document type code.
    pub per_doc_type: Vec<DocTypeStats>,
    pub queue: QueueStats,
    pub year: YearProgress,
    /// Archive batches started in the period, newest first.
    pub batches: Vec<BatchStats>,
}

fn add(c: &mut Counts, pages: u32) {
    c.records += 1;
    c.pages += u64::from(pages);
}

impl Engine {
    /// The dashboard figures for `[from, to]` (see the module doc for what is counted).
    pub fn statistics(&self, from: NaiveDate, to: NaiveDate) -> Result<Statistics, EngineError> {
        self.statistics_as_of(from, to, crate::records::today_vn())
    }

    pub(crate) fn statistics_as_of(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<Statistics, EngineError> {
        let (from_ts, to_ts) = period_bounds(from, to)?;
        let digitized = self.store.digitized_between(&from_ts, &to_ts)?;
        let info_only: Vec<_> = self
            .store
            .created_between(&from_ts, &to_ts)?
            .into_iter()
            .filter(|r| r.kind == RecordKind::InfoOnly.as_str())
            .collect();

        let mut per_day: BTreeMap<NaiveDate, Counts> = BTreeMap::new();
        let mut d = from;
        while d <= to {
            per_day.insert(d, Counts::default());
            d = match d.succ_opt() {
                Some(n) => n,
                None => break,
            };
        }
        let mut per_officer: BTreeMap<String, Counts> = BTreeMap::new();
        let mut per_type: BTreeMap<(String, Option<String>), Counts> = BTreeMap::new();
        let mut totals = Counts::default();
        for r in &digitized {
            if let Some(c) = local_day(&r.digitized_at).and_then(|day| per_day.get_mut(&day)) {
                add(c, r.pages);
            }
            add(per_officer.entry(r.digitized_by.clone()).or_default(), r.pages);
            add(
                per_type
                    .entry((r.kind.clone(), r.doc_type_code.clone()))
                    .or_default(),
                r.pages,
            );
            add(&mut totals, r.pages);
        }
        for r in &info_only {
            if let Some(c) = local_day(&r.created_at).and_then(|day| per_day.get_mut(&day)) {
                c.info_only += 1;
            }
            per_officer.entry(r.created_by.clone()).or_default().info_only += 1;
            per_type
                .entry((r.kind.clone(), r.doc_type_code.clone()))
                .or_default()
                .info_only += 1;
            totals.info_only += 1;
        }

        let names: HashMap<String, String> = self
            .store
            .list_users()?
            .into_iter()
            .map(|u| (u.login, u.display_name))
            .collect();
        let mut per_officer: Vec<OfficerStats> = per_officer
            .into_iter()
            .map(|(login, counts)| OfficerStats {
                display_name: names.get(&login).cloned().unwrap_or_else(|| login.clone()),
                local_account: names.contains_key(&login),
                login,
                counts,
            })
            .collect();
        per_officer.sort_by(|a, b| {
            (b.counts.records, b.counts.pages, b.counts.info_only)
                .cmp(&(a.counts.records, a.counts.pages, a.counts.info_only))
                .then_with(|| a.login.cmp(&b.login))
        });

        Ok(Statistics {
            from,
            to,
            totals,
            per_day: per_day
                .into_iter()
                .map(|(date, counts)| DayStats { date, counts })
                .collect(),
            per_officer,
            per_doc_type: per_type
                .into_iter()
                .map(|((kind, code), counts)| self.doc_type_stats(kind, code, counts))
                .collect(),
            queue: self.queue_stats(&from_ts, &to_ts)?,
            year: self.year_progress(today)?,
            batches: self.batch_stats(from, to)?,
        })
    }

    fn doc_type_stats(&self, kind: String, code: Option<String>, counts: Counts) -> DocTypeStats {
        DocTypeStats {
            kind_label_vi: kind
                .parse::<RecordKind>()
                .map_or_else(|_| kind.clone(), |k| k.label_vi().to_owned()),
            doc_type_name_vi: code
                .as_deref()
                .and_then(|c| self.catalogs.document_type(c))
                .map(|t| t.name_vi.clone()),
            kind,
            doc_type_code: code,
            counts,
        }
    }

    fn queue_stats(&self, from_ts: &str, to_ts: &str) -> Result<QueueStats, EngineError> {
        let c = self.store.outbox_counts()?;
        Ok(QueueStats {
            queued: c.pending + c.uploading + c.uploaded + c.retry_wait,
            retrying: c.retry_wait,
            failed: c.failed_permanent,
            delivered: c.acknowledged,
            delivered_in_period: self.store.acknowledged_between(from_ts, to_ts)?,
        })
    }

    fn year_progress(&self, today: NaiveDate) -> Result<YearProgress, EngineError> {
        let jan1 = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let (from_ts, to_ts) = period_bounds(jan1, today)?;
        let rows = self.store.digitized_between(&from_ts, &to_ts)?;
        let pages = rows.iter().map(|r| u64::from(r.pages)).sum();
        let settings = self.store.settings()?;
        Ok(progress(
            today,
            settings.get(YEARLY_TARGET_SETTING).map(String::as_str),
            rows.len() as u64,
            pages,
        ))
    }

    fn batch_stats(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<BatchStats>, EngineError> {
        let mut out = Vec::new();
        for b in self.store.list_batches(u32::MAX)? {
            let Some(day) = local_day(&b.started_at) else {
                continue;
            };
            if day < from || day > to {
                continue;
            }
            out.push(BatchStats::from(b));
        }
        Ok(out)
    }
}
