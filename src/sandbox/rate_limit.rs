//! The per-API-key request budget (`--rate-limit`, 30 per second by
//! default, as Vonage documents).
//!
//! Owns: one token bucket per key, holding up to `limit` requests and
//! refilled at `limit` per second, and describing a refusal (Retry-After and
//! the `X-RateLimit-*` headers Vonage sends). A bucket rather than
//! wall-clock windows: a client pacing itself evenly at the limit is never
//! refused, and a burst of `limit` is allowed after a pause, while the
//! sustained rate stays at the limit.
//! Must not: build responses (see `problem::rate_limited`) or know about
//! routes; it is consulted by `auth` after a caller is authenticated.

use std::collections::HashMap;

/// A refused request: when to come back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttled {
    pub limit: u32,
    /// Whole seconds until a request would be admitted (at least 1).
    pub retry_after_secs: u64,
    /// When a request will be admitted again, Unix milliseconds.
    pub reset_ms: i64,
}

/// Fixed-point tokens: 1 request = `UNIT`, so refills are exact integers.
const UNIT: i64 = 1_000;

struct Bucket {
    /// Tokens in `UNIT`s.
    tokens: i64,
    /// When `tokens` was last brought up to date, Unix milliseconds.
    at_ms: i64,
}

pub struct RateWindows {
    limit: u32,
    buckets: HashMap<String, Bucket>,
}

impl RateWindows {
    pub fn new(limit: u32) -> RateWindows {
        RateWindows {
            limit,
            buckets: HashMap::new(),
        }
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    fn capacity(&self) -> i64 {
        i64::from(self.limit) * UNIT
    }

    /// Counts one request of `api_key` at `now_ms`; `Err` when over budget.
    pub fn admit(&mut self, api_key: &str, now_ms: i64) -> Result<(), Throttled> {
        let capacity = self.capacity();
        let limit = i64::from(self.limit);
        if self.buckets.len() > 10_000 {
            // Forget keys whose bucket has refilled completely anyway.
            self.buckets
                .retain(|_, b| b.tokens + (now_ms - b.at_ms) * limit < capacity);
        }
        let bucket = self.buckets.entry(api_key.to_string()).or_insert(Bucket {
            tokens: capacity,
            at_ms: now_ms,
        });
        // `limit` requests per 1000 ms = `limit` UNITs per ms.
        let elapsed = (now_ms - bucket.at_ms).max(0);
        bucket.tokens = (bucket.tokens + elapsed.saturating_mul(limit)).min(capacity);
        bucket.at_ms = bucket.at_ms.max(now_ms);
        if bucket.tokens >= UNIT {
            bucket.tokens -= UNIT;
            return Ok(());
        }
        let wait_ms = (UNIT - bucket.tokens + limit - 1) / limit;
        Err(Throttled {
            limit: self.limit,
            retry_after_secs: ((wait_ms + 999) / 1000).max(1) as u64,
            reset_ms: now_ms + wait_ms,
        })
    }

    pub fn clear(&mut self) {
        self.buckets.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_the_limit_then_refusal() {
        let mut windows = RateWindows::new(2);
        assert!(windows.admit("a", 1_000).is_ok());
        assert!(windows.admit("a", 1_000).is_ok());
        let refused = windows.admit("a", 1_000).unwrap_err();
        assert_eq!(refused.limit, 2);
        assert_eq!(refused.retry_after_secs, 1);
        assert_eq!(refused.reset_ms, 1_500, "one token per 500 ms");
        assert!(windows.admit("b", 1_000).is_ok(), "keys are independent");
        assert!(windows.admit("a", 1_499).is_err());
        assert!(windows.admit("a", 1_500).is_ok(), "refilled");
    }

    #[test]
    fn an_evenly_paced_client_at_the_limit_is_never_refused() {
        let mut windows = RateWindows::new(30);
        // 30 per second, 33 or 34 ms apart, for ten seconds.
        for i in 0..300i64 {
            let at = 5_000 + i * 1000 / 30;
            assert!(windows.admit("k", at).is_ok(), "request {i} at {at}");
        }
    }

    #[test]
    fn the_sustained_rate_is_the_limit() {
        let mut windows = RateWindows::new(30);
        let admitted = (0..2000i64)
            .filter(|i| windows.admit("k", i * 5).is_ok()) // 200/s for 10 s
            .count();
        // A full bucket (30) plus 30 per second over the 9.995 s.
        assert!((328..=331).contains(&admitted), "{admitted}");
    }
}
