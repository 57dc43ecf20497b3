//! When and how long to wait before trying again.
//!
//! Owns: exponential backoff with full jitter, `Retry-After` parsing
//! (delta-seconds or HTTP-date, capped), and what one call may spend on
//! retries ([`RetryBudget`]): time (`retry_max_seconds` from the call's first
//! attempt, and the deadline of the operation it serves, from `crate::deadline`)
//! and, when set, a number of retries. Whether a failure is worth another
//! attempt is the classifiers' decision, in `retry_loop.rs`:
//! * never connected — nothing reached the server, so any method may be
//!   retried (but a refused connection, a name that does not resolve and an
//!   untrusted certificate point at the configuration, and are not);
//! * ambiguous — a 5xx, a timeout, or a transport error after the request
//!   went out (including "connection closed before message completed"): the
//!   server may or may not have acted. Idempotent calls retry; creates
//!   reconcile (see `reconcile.rs`);
//! * throttled — 429: not processed; wait `Retry-After`, then retry.
//!
//! Must not: send requests (see `call.rs`) or decide whether to (see `retry_loop.rs`).

use std::time::{Duration, Instant, SystemTime};

use rand::Rng;

/// Retry timing, from `ClientConfig`.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after the first attempt at most; `None`: no cap on the count, only on the time.
    pub max_retries: Option<u32>,
    /// How long a call may go on retrying, from its first attempt: no wait that would end later
    /// is started.
    pub max_elapsed: Duration,
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

    /// The wait after a 429: the server's `Retry-After` (capped), or the backoff when that is
    /// longer (so that a stream of 429s backs off even when Vonage asks for no wait); the
    /// backoff alone when the answer gives no `Retry-After`.
    pub fn throttle_wait(&self, retry_after: Option<Duration>, attempt: u32) -> Duration {
        let backoff = self.backoff(attempt);
        match retry_after {
            Some(after) => after.min(self.max_retry_after).max(backoff),
            None => backoff,
        }
    }
}

/// What one call may still spend on retries: a time (from `max_elapsed` and the deadline of the
/// operation it serves, whichever comes first) and, when `max_retries` is set, a number. The
/// retry loop asks it before every wait, with that wait.
#[derive(Debug)]
pub struct RetryBudget {
    retries_left: Option<u32>,
    /// No wait may end after this.
    until: Option<Instant>,
}

impl RetryPolicy {
    /// The budget of one call starting now, inside the current operation (`crate::deadline`).
    pub fn budget(&self) -> RetryBudget {
        self.budget_at(Instant::now(), crate::deadline::current())
    }

    /// The budget of one call starting at `start`, in an operation that must end by `deadline`.
    pub fn budget_at(&self, start: Instant, deadline: Option<Instant>) -> RetryBudget {
        let own = start.checked_add(self.max_elapsed);
        let until = match (own, deadline) {
            (Some(own), Some(deadline)) => Some(own.min(deadline)),
            (own, deadline) => own.or(deadline),
        };
        RetryBudget {
            retries_left: self.max_retries,
            until,
        }
    }
}

impl RetryBudget {
    /// Takes one retry, to be made after `wait`; `false` when none is left.
    pub fn spend(&mut self, wait: Duration) -> bool {
        self.spend_at(Instant::now(), wait)
    }

    /// [`spend`](Self::spend) as seen at `now`: `false` when the wait would end after the time
    /// budget, or no retry is left of the count.
    pub fn spend_at(&mut self, now: Instant, wait: Duration) -> bool {
        if let Some(until) = self.until
            && now.checked_add(wait).is_none_or(|end| end > until)
        {
            return false;
        }
        match self.retries_left {
            None => true,
            Some(left) => match left.checked_sub(1) {
                Some(left) => {
                    self.retries_left = Some(left);
                    true
                }
                None => false,
            },
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
            max_retries: Some(5),
            max_elapsed: Duration::from_secs(90),
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
        // Retry-After: 0 still backs off, growing with each retry.
        let late = p.throttle_wait(Some(Duration::ZERO), 6);
        assert!(late <= p.backoff_ceiling(6));
        let waits: Vec<Duration> = (0..50)
            .map(|_| p.throttle_wait(Some(Duration::ZERO), 6))
            .collect();
        assert!(waits.iter().any(|w| *w > Duration::from_millis(100)));
    }

    #[test]
    fn a_count_caps_retries_only_when_set() {
        let mut budget = RetryPolicy {
            max_retries: Some(2),
            ..policy()
        }
        .budget();
        assert!(budget.spend(Duration::ZERO));
        assert!(budget.spend(Duration::ZERO));
        assert!(!budget.spend(Duration::ZERO));
        assert!(!budget.spend(Duration::ZERO));
        let mut none = RetryPolicy {
            max_retries: Some(0),
            ..policy()
        }
        .budget();
        assert!(!none.spend(Duration::ZERO));
        let mut uncounted = RetryPolicy {
            max_retries: None,
            ..policy()
        }
        .budget();
        assert!((0..1000).all(|_| uncounted.spend(Duration::ZERO)));
    }

    #[test]
    fn time_bounds_every_wait_from_the_first_attempt() {
        let p = RetryPolicy {
            max_retries: None,
            max_elapsed: Duration::from_secs(90),
            ..policy()
        };
        let t0 = Instant::now();
        let mut budget = p.budget_at(t0, None);
        let second = Duration::from_secs(1);
        // A wait that ends at the budget is allowed; one that would end after it is not.
        assert!(budget.spend_at(t0 + Duration::from_secs(60), Duration::from_secs(30)));
        assert!(!budget.spend_at(t0 + Duration::from_secs(60), Duration::from_secs(31)));
        assert!(budget.spend_at(t0 + Duration::from_secs(89), second));
        assert!(!budget.spend_at(t0 + Duration::from_secs(90), second));
        // An operation's deadline (a resource's `timeouts`) bounds it further, never extends it.
        let mut timed = p.budget_at(t0, Some(t0 + Duration::from_secs(10)));
        assert!(timed.spend_at(t0 + Duration::from_secs(5), Duration::from_secs(5)));
        assert!(!timed.spend_at(t0 + Duration::from_secs(5), Duration::from_secs(6)));
        let mut long = p.budget_at(t0, Some(t0 + Duration::from_secs(3600)));
        assert!(!long.spend_at(t0 + Duration::from_secs(90), second));
        // The count, when set, stops it first.
        let mut counted = RetryPolicy {
            max_retries: Some(1),
            ..p
        }
        .budget_at(t0, None);
        assert!(counted.spend_at(t0, second));
        assert!(!counted.spend_at(t0, second));
    }
}
