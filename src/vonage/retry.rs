//! When and how long to wait before trying again.
//!
//! Owns: exponential backoff with full jitter, `Retry-After` parsing
//! (delta-seconds or HTTP-date, capped), and what one call may spend on
//! retries ([`RetryBudget`]). Whether a failure is worth another attempt is
//! the classifiers' decision, in `retry_loop.rs`:
//! * never connected — nothing reached the server, so any method may be
//!   retried;
//! * ambiguous — a 5xx, a timeout, or a transport error after the request
//!   went out (including "connection closed before message completed"): the
//!   server may or may not have acted. Idempotent calls retry; creates
//!   reconcile (see `reconcile.rs`);
//! * throttled — 429: not processed; wait `Retry-After`, then retry.
//!
//! Must not: send requests (see `call.rs`) or decide whether to (see `retry_loop.rs`).

use std::time::{Duration, SystemTime};

use rand::Rng;

/// Retry timing, from `ClientConfig`.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Longest `Retry-After` honoured; longer ones are cut to this.
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    /// Upper bound of the backoff before retry number `attempt` (0-based):
    /// `min(max_delay, base_delay · 2^attempt)`.
    pub fn backoff_ceiling(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.min(30));
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// Full jitter: uniformly random in `[0, ceiling]`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.backoff_ceiling(attempt);
        let nanos = ceiling.as_nanos().min(u64::MAX as u128) as u64;
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(rand::rng().random_range(0..=nanos))
    }

    /// The wait after a 429: the server's `Retry-After` (capped), else backoff.
    pub fn throttle_wait(&self, retry_after: Option<Duration>, attempt: u32) -> Duration {
        match retry_after {
            Some(after) => after.min(self.max_retry_after),
            None => self.backoff(attempt),
        }
    }
}

/// What one call may still spend on retries: today a number of retries. The retry loop asks it
/// before every wait, with that wait, so a budget of time is one more field here rather than a
/// change to the loop.
#[derive(Debug)]
pub struct RetryBudget {
    retries_left: u32,
}

impl RetryPolicy {
    /// The budget of one call.
    pub fn budget(&self) -> RetryBudget {
        RetryBudget {
            retries_left: self.max_retries,
        }
    }
}

impl RetryBudget {
    /// Takes one retry, to be made after `_wait`; `false` when none is left.
    pub fn spend(&mut self, _wait: Duration) -> bool {
        match self.retries_left.checked_sub(1) {
            Some(left) => {
                self.retries_left = left;
                true
            }
            None => false,
        }
    }
}

/// Parses `Retry-After`: delta-seconds (`"3"`) or an HTTP-date; a date in
/// the past means "now".
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>()
        && seconds.is_finite()
        && seconds >= 0.0
    {
        return Some(Duration::from_secs_f64(seconds.min(1e9)));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(30),
        }
    }

    #[test]
    fn backoff_grows_exponentially_and_is_capped() {
        let p = policy();
        assert_eq!(p.backoff_ceiling(0), Duration::from_millis(100));
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(200));
        assert_eq!(p.backoff_ceiling(3), Duration::from_millis(800));
        assert_eq!(p.backoff_ceiling(5), Duration::from_secs(2));
        assert_eq!(p.backoff_ceiling(64), Duration::from_secs(2));
    }

    #[test]
    fn full_jitter_stays_within_bounds_and_varies() {
        let p = policy();
        for attempt in 0..8 {
            let ceiling = p.backoff_ceiling(attempt);
            let samples: Vec<Duration> = (0..200).map(|_| p.backoff(attempt)).collect();
            assert!(samples.iter().all(|d| *d <= ceiling));
            let distinct: std::collections::HashSet<_> = samples.iter().collect();
            assert!(distinct.len() > 50, "jitter should spread values");
        }
        let zero = RetryPolicy {
            base_delay: Duration::ZERO,
            ..policy()
        };
        assert_eq!(zero.backoff(3), Duration::ZERO);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn retry_after_is_capped() {
        let p = policy();
        assert_eq!(
            p.throttle_wait(Some(Duration::from_secs(3600)), 0),
            Duration::from_secs(30)
        );
        assert_eq!(
            p.throttle_wait(Some(Duration::from_secs(2)), 0),
            Duration::from_secs(2)
        );
        assert!(p.throttle_wait(None, 0) <= Duration::from_millis(100));
    }

    #[test]
    fn a_budget_allows_max_retries_retries() {
        let mut budget = RetryPolicy {
            max_retries: 2,
            ..policy()
        }
        .budget();
        assert!(budget.spend(Duration::ZERO));
        assert!(budget.spend(Duration::ZERO));
        assert!(!budget.spend(Duration::ZERO));
        assert!(!budget.spend(Duration::ZERO));
        let mut none = RetryPolicy {
            max_retries: 0,
            ..policy()
        }
        .budget();
        assert!(!none.spend(Duration::ZERO));
    }
}
