//! Sample checks: a share of each feeder batch drawn at random for the supervisor to look at closely.
//!
//! The draw is a pure function of a seed, the batch size and the share ([`sample_indices`]); the seed is
//! stored with the draw, so an auditor can redraw it and see that the supervisor did not pick the easy
//! dossiers. A batch has one draw: asking again returns the stored one.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use sohoa_store::SampleRow;

use super::ReviewError;
use crate::{Engine, EngineError};

/// Desk setting (administrator) with the share drawn when the supervisor does not give one.
pub const SAMPLE_SHARE_SETTING: &str = "review.sample_share";
pub const DEFAULT_SAMPLE_SHARE: f64 = 0.1;

/// A batch's sample draw; `fresh` is false when it was drawn before and is returned as stored.
#[derive(Debug, Clone, Serialize)]
pub struct SampleDraw {
    #[serde(flatten)]
    pub sample: SampleRow,
    pub fresh: bool,
}

/// How many of `population` records a `share` draws: rounded up, at least one. The tolerance keeps
/// 0.1 × 30 (3.0000000000000004 in floating point) at 3.
pub fn sample_size(population: usize, share: f64) -> usize {
    let n = (share * population as f64 - 1e-9).ceil().max(1.0) as usize;
    n.min(population)
}

/// Positions (0-based, ascending) of the records drawn from a batch of `population` with `seed`.
/// ChaCha8 is specified and portable, so the same seed gives the same draw on any machine and release.
pub fn sample_indices(seed: u64, population: usize, share: f64) -> Vec<usize> {
    if population == 0 {
        return Vec::new();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut drawn = rand::seq::index::sample(&mut rng, population, sample_size(population, share)).into_vec();
    drawn.sort_unstable();
    drawn
}

fn check_share(share: f64, shown: &str) -> Result<f64, ReviewError> {
    if share.is_finite() && share > 0.0 && share <= 1.0 {
        Ok(share)
    } else {
        Err(ReviewError::BadShare(shown.to_owned()))
    }
}

impl Engine {
    pub(crate) fn draw_sample_by(
        &self,
        actor: &sohoa_store::Actor,
        batch_id: &str,
        share: Option<f64>,
    ) -> Result<SampleDraw, EngineError> {
        let share = match share {
            Some(s) => check_share(s, &s.to_string())?,
            None => match self.store.settings()?.get(SAMPLE_SHARE_SETTING) {
                Some(text) => check_share(text.trim().parse().unwrap_or(f64::NAN), text)?,
                None => DEFAULT_SAMPLE_SHARE,
            },
        };
        let batch = self.store.get_batch(batch_id)?;
        if let Some(sample) = self.store.review_sample(&batch.id)? {
            return Ok(SampleDraw { sample, fresh: false });
        }
        // Only records with pages can be checked: an information-only record (papers too damaged to scan)
        // drawn into the sample would leave the supervisor nothing to look at.
        let mut records = Vec::new();
        for id in self.store.batch_records(&batch.id)? {
            if self.store.get_record(&id)?.kind != sohoa_core::record::RecordKind::InfoOnly.as_str() {
                records.push(id);
            }
        }
        if records.is_empty() {
            return Err(ReviewError::EmptyBatch(batch.id).into());
        }
        // 63 bits: the seed is stored as an SQLite integer.
        let seed = rand::random::<u64>() >> 1;
        let drawn = sample_indices(seed, records.len(), share)
            .into_iter()
            .filter_map(|i| records.get(i).cloned())
            .collect();
        let draw = SampleRow {
            batch_id: batch.id.clone(),
            share,
            seed: seed as i64,
            population: records.len() as u32,
            drawn_at: String::new(),
            drawn_by: String::new(),
            records: drawn,
        };
        let (sample, fresh) = self.store.save_review_sample(actor, &draw)?;
        tracing::info!(batch = %batch.id, drawn = sample.records.len(), population = sample.population, fresh, "review sample drawn");
        Ok(SampleDraw { sample, fresh })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_rounds_up_and_never_draws_nothing() {
        assert_eq!(sample_size(8, 0.25), 2);
        assert_eq!(sample_size(30, 0.1), 3);
        assert_eq!(sample_size(31, 0.1), 4);
        assert_eq!(sample_size(5, 0.01), 1);
        assert_eq!(sample_size(5, 1.0), 5);
    }

    #[test]
    fn a_seed_redraws_the_same_records_and_another_seed_usually_not() {
        let a = sample_indices(7, 100, 0.1);
        assert_eq!(a, sample_indices(7, 100, 0.1));
        assert_eq!(a.len(), 10);
        assert!(a.windows(2).all(|w| w[0] < w[1]) && a.iter().all(|&i| i < 100));
        let differing = (8..28).filter(|&s| sample_indices(s, 100, 0.1) != a).count();
        assert!(differing >= 19, "{differing}");
    }

    #[test]
    fn shares_outside_zero_to_one_are_refused() {
        for bad in [0.0, -0.1, 1.01, f64::NAN, f64::INFINITY] {
            assert_eq!(check_share(bad, "x").unwrap_err().code(), "review.bad_share");
        }
        assert_eq!(check_share(1.0, "1").unwrap(), 1.0);
    }
}
