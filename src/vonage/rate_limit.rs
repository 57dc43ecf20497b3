//! Client-side pacing: at most N requests per second per API key, spread
//! evenly, with the first two of a quiet spell sent together.
//!
//! Two rules, both kept for every request:
//! * **spacing** (a GCRA, or leaky bucket, with a burst of two): each request
//!   goes no sooner than `1/N` s after the previous one's slot, except that a
//!   client that has been quiet may send two at once. A provider process makes
//!   the credential check of its configuration and then its first operation's
//!   request; without the burst the second would always wait `1/N` s (33 ms at
//!   the default 30/s), several times in every Terraform command.
//! * **window**: never more than `K = max(1, floor(N))` requests in any `K/N`
//!   seconds (at most 30 in any one second by default), so the burst is paid
//!   back within the window and the documented maximum per second holds.
//!
//! Owns: slot reservation. The limiter lives inside one `Client` (shared by
//! its clones), so all calls made with that client's key are paced together.
//! Must not: sleep itself in the pure part (`reserve_at`), so that spacing is
//! unit-testable without a clock.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Requests a quiet client may send at once.
const BURST: u32 = 2;

pub struct RateLimiter {
    /// `1/N`: the spacing of a steady stream.
    interval: Duration,
    /// How far ahead of the steady schedule a request may go: `(burst - 1) * interval`.
    tolerance: Duration,
    /// `K` requests at most in any `window`.
    per_window: usize,
    window: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Theoretical arrival time of the next request on the steady schedule.
    next_slot: Option<Instant>,
    /// The slots of the last `per_window` requests, oldest first.
    recent: VecDeque<Instant>,
}

impl RateLimiter {
    /// `per_second` must be positive and finite (checked by `Client::new`).
    pub fn new(per_second: f64) -> RateLimiter {
        let per_window = per_second.floor().max(1.0);
        // Below two per second the window holds one request: no burst.
        let burst = BURST.min(per_window as u32);
        let interval = Duration::from_secs_f64(1.0 / per_second);
        RateLimiter {
            interval,
            tolerance: interval * (burst - 1),
            per_window: per_window as usize,
            window: Duration::from_secs_f64(per_window / per_second),
            state: Mutex::new(State::default()),
        }
    }

    /// Books the next slot as seen at `now`; returns how long to wait for it.
    pub fn reserve_at(&self, now: Instant) -> Duration {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut slot = now;
        if let Some(next) = state.next_slot {
            slot = slot.max(next.checked_sub(self.tolerance).unwrap_or(next));
        }
        if state.recent.len() == self.per_window
            && let Some(oldest) = state.recent.front()
        {
            slot = slot.max(*oldest + self.window);
        }
        let next = state.next_slot.map_or(slot, |n| n.max(slot));
        state.next_slot = Some(next + self.interval);
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

    #[test]
    fn two_go_at_once_then_slots_are_evenly_spaced() {
        let limiter = RateLimiter::new(10.0);
        let t0 = Instant::now();
        assert_eq!(
            queued(&limiter, t0, 5),
            [0, 0, 100, 200, 300].map(Duration::from_millis).to_vec()
        );
    }

    #[test]
    fn idle_time_is_saved_up_as_a_burst_of_two_only() {
        let limiter = RateLimiter::new(10.0);
        let t0 = Instant::now();
        assert_eq!(limiter.reserve_at(t0), Duration::ZERO);
        // Long idle: the next two go at once, the one after waits a slot.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(limiter.reserve_at(later), Duration::ZERO);
        assert_eq!(limiter.reserve_at(later), Duration::ZERO);
        assert_eq!(limiter.reserve_at(later), Duration::from_millis(100));
    }

    #[test]
    fn thirty_per_second_default_spacing_after_the_burst() {
        let limiter = RateLimiter::new(30.0);
        let t0 = Instant::now();
        let waits = queued(&limiter, t0, 3);
        assert_eq!(waits[1], Duration::ZERO);
        assert!(
            waits[2] >= Duration::from_micros(33_333) && waits[2] <= Duration::from_micros(33_334)
        );
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
    fn never_more_than_the_rate_in_any_second_and_the_sustained_rate_is_the_rate() {
        for per_second in [30.0, 7.0, 2.0] {
            let limiter = RateLimiter::new(per_second);
            let t0 = Instant::now();
            // Everything queued at once, then more after a pause: the worst cases for bursts.
            let mut slots = queued(&limiter, t0, 300);
            let pause = *slots.last().unwrap() + Duration::from_secs(5);
            let after_pause = queued(&limiter, t0 + pause, 300);
            slots.extend(after_pause.iter().map(|w| pause + *w));
            assert!(slots.windows(2).all(|w| w[0] <= w[1]));
            assert_eq!(
                most_in_any_window(&slots, Duration::from_secs(1)),
                per_second as usize,
                "{per_second}/s"
            );
            // 300 requests take 299 intervals of a steady stream, less at most the burst's one
            // (to within the nanoseconds a `Duration` rounds each interval to).
            let span = slots[299].as_secs_f64();
            let steady = 299.0 / per_second;
            assert!(
                span <= steady + 1e-6 && span >= steady - 1.0 / per_second - 1e-6,
                "{per_second}/s: 300 requests over {span} s, steady {steady} s"
            );
        }
    }

    #[test]
    fn below_two_per_second_there_is_no_burst() {
        let t0 = Instant::now();
        let limiter = RateLimiter::new(0.5);
        assert_eq!(
            queued(&limiter, t0, 3),
            [0, 2, 4].map(Duration::from_secs).to_vec()
        );
        // One in any 2/3 s at 1.5/s: nothing goes together.
        let limiter = RateLimiter::new(1.5);
        let waits = queued(&limiter, t0, 2);
        assert!(waits[1] >= Duration::from_millis(666), "{waits:?}");
        // Two in any 0.8 s at 2.5/s: a burst of two, then a window's wait.
        let limiter = RateLimiter::new(2.5);
        let waits = queued(&limiter, t0, 3);
        assert_eq!(waits[1], Duration::ZERO);
        assert!(waits[2] >= Duration::from_millis(800), "{waits:?}");
    }
}
