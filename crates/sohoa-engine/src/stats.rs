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

use chrono::{DateTime, Datelike, NaiveDate, Weekday};
use serde::Serialize;
use sohoa_core::record::RecordKind;

use crate::report_error::ReportError;
use crate::{Engine, EngineError};

/// The desk setting (administrator's settings screen) holding the yearly digitization target, in records.
pub const YEARLY_TARGET_SETTING: &str = "stats.yearly_target";

/// Ten years of days: a dashboard never needs more, and a typo in a year must not allocate a million rows.
const MAX_PERIOD_DAYS: i64 = 3660;

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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearProgress {
    pub year: i32,
    /// The day the figures are computed for (today, Vietnam time).
    pub as_of: NaiveDate,
    /// Records, from the `stats.yearly_target` setting; `None` when no target is set.
    pub target: Option<u64>,
    /// The setting's text when it is present but not a whole number (shown to the supervisor as a problem).
    pub target_invalid: Option<String>,
    /// Records digitized from 1 January to `as_of`.
    pub digitized: u64,
    pub pages: u64,
    /// `digitized / target` in percent (may exceed 100).
    pub share_percent: Option<f64>,
    /// Records still to digitize (0 once the target is reached).
    pub remaining: Option<u64>,
    /// Monday-to-Friday days from `as_of` (included) to 31 December; public holidays are not known to the
    /// desk and are not subtracted.
    pub remaining_working_days: u32,
    /// Records per remaining working day needed to reach the target.
    pub needed_per_working_day: Option<f64>,
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

/// `[from 00:00, to+1 00:00)` in the store's timestamp format (see `sohoa_store::stats`).
pub(crate) fn period_bounds(from: NaiveDate, to: NaiveDate) -> Result<(String, String), ReportError> {
    if to < from {
        return Err(ReportError::PeriodReversed { from, to });
    }
    if (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(ReportError::PeriodTooLong {
            max_days: MAX_PERIOD_DAYS,
        });
    }
    let end = to.succ_opt().unwrap_or(to);
    Ok((day_start(from), day_start(end)))
}

fn day_start(d: NaiveDate) -> String {
    format!("{}T00:00:00.000+07:00", d.format("%Y-%m-%d"))
}

/// The Vietnam-time day of a stored timestamp (stored ones already carry +07:00; others are converted).
pub(crate) fn local_day(ts: &str) -> Option<NaiveDate> {
    let vn = chrono::FixedOffset::east_opt(7 * 3600)?;
    DateTime::parse_from_rfc3339(ts)
        .ok()
        .map(|t| t.with_timezone(&vn).date_naive())
}

/// Monday-to-Friday days from `from` (included) to the end of its year.
pub(crate) fn working_days_left(from: NaiveDate) -> u32 {
    let mut n = 0;
    let mut d = from;
    while d.year() == from.year() {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            n += 1;
        }
        match d.succ_opt() {
            Some(next) => d = next,
            None => break,
        }
    }
    n
}

/// The target's arithmetic, apart so the edge cases (no target, target reached, no day left) are testable.
pub(crate) fn progress(as_of: NaiveDate, setting: Option<&str>, digitized: u64, pages: u64) -> YearProgress {
    let parsed = setting.map(|s| s.trim().replace(['.', ',', ' '], "").parse::<u64>());
    let (target, target_invalid) = match (parsed, setting) {
        (Some(Ok(t)), _) if t > 0 => (Some(t), None),
        (Some(_), Some(raw)) => (None, Some(raw.to_owned())),
        _ => (None, None),
    };
    let remaining_working_days = working_days_left(as_of);
    let remaining = target.map(|t| t.saturating_sub(digitized));
    YearProgress {
        year: as_of.year(),
        as_of,
        target,
        target_invalid,
        digitized,
        pages,
        share_percent: target.map(|t| digitized as f64 * 100.0 / t as f64),
        remaining,
        remaining_working_days,
        needed_per_working_day: remaining.map(|r| {
            if r == 0 {
                0.0
            } else {
                r as f64 / f64::from(remaining_working_days.max(1))
            }
        }),
    }
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
            out.push(BatchStats {
                records: self.store.batch_records(&b.id)?.len() as u64,
                id: b.id,
                profile: b.profile,
                state: b.state.as_str().to_owned(),
                started_at: b.started_at,
                finished_at: b.finished_at,
                started_by: b.started_by,
                sheets: b.sheets,
                separators: b.separators,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn periods_are_whole_vietnam_days_and_checked() {
        let (a, b) = period_bounds(day(2026, 11, 1), day(2026, 11, 30)).unwrap();
        assert_eq!(a, "2026-11-01T00:00:00.000+07:00");
        assert_eq!(b, "2026-12-01T00:00:00.000+07:00");
        // A stored timestamp of the last evening falls inside, the next midnight outside.
        assert!("2026-11-30T23:59:59.999+07:00" < b.as_str());
        assert!("2026-12-01T00:00:00.000+07:00" >= b.as_str());
        let err = period_bounds(day(2026, 11, 2), day(2026, 11, 1)).unwrap_err();
        assert_eq!(err.code(), "report.period_reversed");
        let err = period_bounds(day(2000, 1, 1), day(2026, 1, 1)).unwrap_err();
        assert_eq!(err.code(), "report.period_too_long");
    }

    #[test]
    fn local_day_converts_other_offsets_to_vietnam_time() {
        assert_eq!(
            local_day("2026-11-21T23:30:00.000+07:00"),
            Some(day(2026, 11, 21))
        );
        // 17:30 UTC is 00:30 the next day in Vietnam.
        assert_eq!(local_day("2026-11-21T17:30:00Z"), Some(day(2026, 11, 22)));
        assert_eq!(local_day("garbage"), None);
    }

    #[test]
    fn working_days_skip_weekends_to_the_year_end() {
        // Monday 28 December 2026 .. Thursday 31 December: 4 working days.
        assert_eq!(working_days_left(day(2026, 12, 28)), 4);
        // Saturday 26 December: the same four.
        assert_eq!(working_days_left(day(2026, 12, 26)), 4);
        assert_eq!(working_days_left(day(2026, 12, 31)), 1);
        // 2026 starts on a Thursday and has 261 weekdays.
        assert_eq!(working_days_left(day(2026, 1, 1)), 261);
    }

    #[test]
    fn progress_states_the_pace_the_target_needs() {
        let p = progress(day(2026, 12, 28), Some("1.000"), 960, 5000);
        assert_eq!(p.target, Some(1000));
        assert_eq!(p.remaining, Some(40));
        assert_eq!(p.remaining_working_days, 4);
        assert_eq!(p.needed_per_working_day, Some(10.0));
        assert_eq!(p.share_percent, Some(96.0));

        let reached = progress(day(2026, 12, 28), Some("900"), 960, 0);
        assert_eq!(reached.remaining, Some(0));
        assert_eq!(reached.needed_per_working_day, Some(0.0));

        let none = progress(day(2026, 6, 1), None, 10, 0);
        assert_eq!(
            (none.target, none.share_percent, none.target_invalid),
            (None, None, None)
        );

        let bad = progress(day(2026, 6, 1), Some("nhiều"), 10, 0);
        assert_eq!(bad.target, None);
        assert_eq!(bad.target_invalid.as_deref(), Some("nhiều"));
        assert_eq!(progress(day(2026, 6, 1), Some("0"), 1, 0).target, None);
    }
}
