//! `--rate-limit`: a per-API-key request budget per wall-clock second.
//!
//! Owns: counting requests per key in one-second windows and describing a
//! refusal (Retry-After and the `X-RateLimit-*` headers Vonage sends).
//! Must not: build responses (see `problem::rate_limited`) or know about
//! routes; it is consulted by `auth` after a caller is authenticated.

use std::collections::HashMap;

/// A refused request: when to come back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttled {
    pub limit: u32,
    /// Whole seconds until the next window (at least 1).
    pub retry_after_secs: u64,
    /// Start of the next window, Unix milliseconds.
    pub reset_ms: i64,
}

pub struct RateWindows {
    limit: u32,
    windows: HashMap<String, (i64, u32)>,
}

impl RateWindows {
    pub fn new(limit: u32) -> RateWindows {
        RateWindows {
            limit,
            windows: HashMap::new(),
        }
    }

    /// Counts one request of `api_key` at `now_ms`; `Err` when over budget.
    pub fn admit(&mut self, api_key: &str, now_ms: i64) -> Result<(), Throttled> {
        let second = now_ms.div_euclid(1000);
        if self.windows.len() > 10_000 {
            self.windows.retain(|_, (s, _)| *s == second);
        }
        let window = self
            .windows
            .entry(api_key.to_string())
            .or_insert((second, 0));
        if window.0 != second {
            *window = (second, 0);
        }
        if window.1 >= self.limit {
            return Err(Throttled {
                limit: self.limit,
                retry_after_secs: 1,
                reset_ms: (second + 1) * 1000,
            });
        }
        window.1 += 1;
        Ok(())
    }

    pub fn clear(&mut self) {
        self.windows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_per_key_per_second() {
        let mut windows = RateWindows::new(2);
        assert!(windows.admit("a", 1_000).is_ok());
        assert!(windows.admit("a", 1_500).is_ok());
        let refused = windows.admit("a", 1_999).unwrap_err();
        assert_eq!(refused.reset_ms, 2_000);
        assert!(windows.admit("b", 1_999).is_ok(), "keys are independent");
        assert!(windows.admit("a", 2_000).is_ok(), "next window");
    }
}
