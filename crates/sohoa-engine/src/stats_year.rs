//! Periods as whole Vietnam days, and the yearly plan's arithmetic: apart from the queries so the edge
//! cases (no target, target reached, weekends, another offset) are unit-tested without a data directory.

use chrono::{DateTime, Datelike, NaiveDate, Weekday};
use serde::Serialize;

use crate::report_error::ReportError;

/// Ten years of days: a dashboard never needs more, and a typo in a year must not allocate a million rows.
const MAX_PERIOD_DAYS: i64 = 3660;

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
