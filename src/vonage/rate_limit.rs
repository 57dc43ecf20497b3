//! Client-side pacing: at most N requests per second per API key, spread
//! evenly from the first call, with no burst.
//!
//! Two rules, both kept for every request:
//! * **spacing** (a GCRA, or leaky bucket, without burst): the first request
//!   of a client goes at once and each next one no sooner than `1/N` s after
//!   the previous one's slot. Idle time is never saved up: after a pause the
//!   first request goes at once and the second still waits `1/N` s.
//! * **window**: never more than `K = max(1, floor(N))` requests in any
//!   `max(1, K/N)` seconds. Spacing alone already gives that for a whole N;
//!   for a fractional one (7.5/s spaced 133 ms puts 8 in one second) the
//!   window keeps every second at or below the rate.
//!
//! Owns: slot reservation. The limiter lives inside one `Client` (shared by
//! its clones), so all calls made with that client's key are paced together,
//! from the provider process's first call.
//! Must not: sleep itself in the pure part (`reserve_at`), so that spacing is
//! unit-testable without a clock.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    /// `1/N`: the spacing of a steady stream, and the least gap between two requests.
    interval: Duration,
    /// `K` requests at most in any `window`.
    per_window: usize,
    window: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The earliest slot the next request may take (the previous slot plus `interval`).
    next_slot: Option<Instant>,
    /// The slots of the last `per_window` requests, oldest first.
    recent: VecDeque<Instant>,
}

impl RateLimiter {
    /// `per_second` must be positive and finite (checked by `Client::new`).
    pub fn new(per_second: f64) -> RateLimiter {
        let per_window = per_second.floor().max(1.0);
        RateLimiter {
            interval: Duration::from_secs_f64(1.0 / per_second),
            per_window: per_window as usize,
            window: Duration::from_secs_f64((per_window / per_second).max(1.0)),
            state: Mutex::new(State::default()),
        }
    }

    /// Books the next slot as seen at `now`; returns how long to wait for it.
    pub fn reserve_at(&self, now: Instant) -> Duration {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut slot = state.next_slot.map_or(now, |next| next.max(now));
        if state.recent.len() == self.per_window
            && let Some(oldest) = state.recent.front()
        {
            slot = slot.max(*oldest + self.window);
        }
        state.next_slot = Some(slot + self.interval);
        state.recent.push_back(slot);
        if state.recent.len() > self.per_window {
            state.recent.pop_front();
        }
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

    /// The waits of `n` requests all asked for at `t0`.
    fn queued(limiter: &RateLimiter, t0: Instant, n: usize) -> Vec<Duration> {
        (0..n).map(|_| limiter.reserve_at(t0)).collect()
    }

    /// Within the nanoseconds a `Duration` rounds each `1/N` to.
    fn about(d: Duration, seconds: f64) -> bool {
        (d.as_secs_f64() - seconds).abs() < 1e-6
    }

    #[test]
    fn paced_from_the_first_call_without_a_burst() {
        let limiter = RateLimiter::new(10.0);
        let t0 = Instant::now();
        assert_eq!(
            queued(&limiter, t0, 5),
            [0, 100, 200, 300, 400].map(Duration::from_millis).to_vec()
        );
    }

    #[test]
    fn idle_time_is_not_saved_up() {
        let limiter = RateLimiter::new(10.0);
        let t0 = Instant::now();
        assert_eq!(limiter.reserve_at(t0), Duration::ZERO);
        // Long idle: the next call goes at once, the one after still waits a slot.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(limiter.reserve_at(later), Duration::ZERO);
        assert_eq!(limiter.reserve_at(later), Duration::from_millis(100));
        // A call that comes after its slot has passed goes at once, and sets the next slot.
        let late = later + Duration::from_millis(300);
        assert_eq!(limiter.reserve_at(late), Duration::ZERO);
        assert_eq!(limiter.reserve_at(late), Duration::from_millis(100));
    }

    #[test]
    fn the_second_call_of_a_process_waits_one_interval_at_the_default_rate() {
        // A provider process checks its credentials, then makes its first operation's request.
        let limiter = RateLimiter::new(30.0);
        let t0 = Instant::now();
        let waits = queued(&limiter, t0, 3);
        assert_eq!(waits[0], Duration::ZERO);
        assert!(about(waits[1], 1.0 / 30.0), "{waits:?}");
        assert!(about(waits[2], 2.0 / 30.0), "{waits:?}");
    }

    /// The most of `slots` (sorted) that fall in any half-open window of `width`.
    fn most_in_any_window(slots: &[Duration], width: Duration) -> usize {
        (0..slots.len())
            .map(|i| {
                slots[i..]
                    .iter()
                    .take_while(|s| **s < slots[i] + width)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn never_more_than_the_rate_in_any_second_nor_closer_than_one_interval() {
        for per_second in [1000.0, 30.0, 7.5, 7.0, 2.5, 2.0, 1.5, 1.0, 0.5] {
            let limiter = RateLimiter::new(per_second);
            let t0 = Instant::now();
            // Everything queued at once, then more after a pause, then one at a time on
            // arrival: the worst cases for bursts.
            let mut slots = queued(&limiter, t0, 300);
            let pause = *slots.last().unwrap() + Duration::from_secs(5);
            slots.extend(queued(&limiter, t0 + pause, 300).iter().map(|w| pause + *w));
            let mut at = *slots.last().unwrap() + Duration::from_secs(3);
            for _ in 0..50 {
                slots.push(at + limiter.reserve_at(t0 + at));
                at += Duration::from_secs_f64(0.3 / per_second);
            }
            assert!(slots.windows(2).all(|w| w[0] <= w[1]));
            let interval = 1.0 / per_second;
            assert!(
                slots
                    .windows(2)
                    .all(|w| (w[1] - w[0]).as_secs_f64() >= interval - 1e-8),
                "{per_second}/s: two requests closer than 1/N"
            );
            let most = most_in_any_window(&slots, Duration::from_secs(1));
            assert!(
                most as f64 <= per_second.max(1.0),
                "{per_second}/s: {most} requests in one second"
            );
            // A whole rate is also the sustained rate: 300 requests take 299 intervals.
            if per_second.fract() == 0.0 && per_second <= 300.0 {
                assert_eq!(most, per_second as usize, "{per_second}/s");
                assert!(
                    about(slots[299], 299.0 * interval),
                    "{per_second}/s: {:?}",
                    slots[299]
                );
            }
        }
    }

    #[test]
    fn a_fractional_rate_rounds_each_second_down() {
        let t0 = Instant::now();
        // 7.5/s: spaced 133 ms, but the eighth waits a second after the first.
        let limiter = RateLimiter::new(7.5);
        let waits = queued(&limiter, t0, 9);
        assert!(about(waits[6], 6.0 / 7.5), "{waits:?}");
        assert_eq!(waits[7], Duration::from_secs(1));
        assert!(about(waits[8], 1.0 + 1.0 / 7.5), "{waits:?}");
        // 0.5/s: one every 2 s.
        let limiter = RateLimiter::new(0.5);
        assert_eq!(
            queued(&limiter, t0, 3),
            [0, 2, 4].map(Duration::from_secs).to_vec()
        );
    }
}
