//! Client-side pacing: at most N requests per second per API key, spread
//! evenly (a GCRA / leaky bucket without burst: the first call goes at once,
//! each next one no sooner than `1/N` s after the previous slot).
//!
//! Owns: slot reservation. The limiter lives inside one `Client` (shared by
//! its clones), so all calls made with that client's key are paced together.
//! Must not: sleep itself in the pure part (`reserve_at`), so that spacing is
//! unit-testable without a clock.

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    interval: Duration,
    /// Theoretical arrival time of the next allowed request.
    next_slot: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// `per_second` must be positive and finite (checked by `Client::new`).
    pub fn new(per_second: f64) -> RateLimiter {
        RateLimiter {
            interval: Duration::from_secs_f64(1.0 / per_second),
            next_slot: Mutex::new(None),
        }
    }

    /// Books the next slot as seen at `now`; returns how long to wait for it.
    pub fn reserve_at(&self, now: Instant) -> Duration {
        let mut next = self
            .next_slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let slot = match *next {
            Some(t) if t > now => t,
            _ => now,
        };
        *next = Some(slot + self.interval);
        slot - now
    }

    /// Waits for the next slot.
    pub async fn acquire(&self) {
        let wait = self.reserve_at(Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_evenly_spaced_without_initial_burst() {
        let limiter = RateLimiter::new(10.0);
        let t0 = Instant::now();
        let waits: Vec<Duration> = (0..5).map(|_| limiter.reserve_at(t0)).collect();
        assert_eq!(
            waits,
            (0..5)
                .map(|i| Duration::from_millis(100 * i))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn idle_time_is_not_saved_up_as_burst() {
        let limiter = RateLimiter::new(10.0);
        let t0 = Instant::now();
        assert_eq!(limiter.reserve_at(t0), Duration::ZERO);
        // Long idle: the next call goes at once, the one after waits a slot.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(limiter.reserve_at(later), Duration::ZERO);
        assert_eq!(limiter.reserve_at(later), Duration::from_millis(100));
    }

    #[test]
    fn thirty_per_second_default_spacing() {
        let limiter = RateLimiter::new(30.0);
        let t0 = Instant::now();
        limiter.reserve_at(t0);
        let second = limiter.reserve_at(t0);
        assert!(second >= Duration::from_micros(33_333) && second <= Duration::from_micros(33_334));
    }
}
