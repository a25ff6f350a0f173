//! Exponential backoff with full jitter (AWS, "Exponential Backoff and Jitter"): spreads desks that lost
//! the same link at the same moment, so they do not all hammer the vault when it comes back.

use std::time::Duration;

use rand::Rng;

/// `random(0, min(cap, base · 2^attempt))`, never shorter than the server's `Retry-After`.
pub fn full_jitter(
    rng: &mut impl Rng,
    attempt: u32,
    base: Duration,
    cap: Duration,
    retry_after: Option<Duration>,
) -> Duration {
    let ceiling = base.checked_mul(1u32 << attempt.min(30)).unwrap_or(cap).min(cap);
    let ms = ceiling.as_millis().min(u128::from(u64::MAX)) as u64;
    let jittered = Duration::from_millis(if ms == 0 { 0 } else { rng.random_range(0..=ms) });
    jittered.max(retry_after.unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn stays_under_the_growing_ceiling_and_the_cap_and_honours_retry_after() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(10);
        let mut max_seen = [Duration::ZERO; 12];
        for _ in 0..2000 {
            for (a, seen) in max_seen.iter_mut().enumerate() {
                let d = full_jitter(&mut rng, a as u32, base, cap, None);
                assert!(d <= (base * (1 << a)).min(cap), "attempt {a}: {d:?}");
                *seen = (*seen).max(d);
            }
        }
        // Full jitter really uses the whole range (not "base · 2^n ± a little").
        assert!(max_seen[3] > Duration::from_millis(700));
        assert!(max_seen[11] > Duration::from_secs(9));
        let d = full_jitter(&mut rng, 0, base, cap, Some(Duration::from_secs(3)));
        assert!(d >= Duration::from_secs(3));
        assert!(full_jitter(&mut rng, 500, base, cap, None) <= cap);
    }
}
