//! Client-side pacing: at most N requests per second per API key, spread
//! evenly from the first call, with no burst, and slower for a while after
//! Vonage answers 429.
//!
//! Three rules, all kept for every request ([`Schedule`], the pure part):
//! * **spacing** (a GCRA, or leaky bucket, without burst): the first request
//!   goes at once and each next one no sooner than `1/N` s after the
//!   previous one's slot. Idle time is never saved up: after a pause the
//!   first request goes at once and the second still waits `1/N` s.
//! * **window**: never more than `K = max(1, floor(N))` requests in any
//!   `max(1, K/N)` seconds. Spacing alone already gives that for a whole N;
//!   for a fractional one (7.5/s spaced 133 ms puts 8 in one second) the
//!   window keeps every second at or below the rate.
//! * **slowing down**: a 429 pauses every request until its `Retry-After`
//!   has passed, and halves the rate (down to 1/16 of it); the rate comes
//!   back by half of what it lost every 10 s. A slot booked before the 429
//!   no longer holds: its request books again once it wakes. After the
//!   pause the slots resume one interval apart, so there is no burst.
//!
//! The schedule counts time from an epoch of the caller's choosing: the
//! in-process [`RateLimiter`] its creation, the machine-wide one
//! (`shared_pacing.rs`) the Unix epoch, so that processes agree.
//!
//! Owns: slot reservation. Must not: sleep in the pure part, so that pacing
//! is unit-testable without a clock.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// How much a run of 429s can slow pacing down: to 1/16 of the rate.
const MOST_SLOWDOWN: f64 = 16.0;
/// The slowdown halves every this long without a 429.
const RECOVERY_HALF_LIFE: Duration = Duration::from_secs(10);
/// 429s closer together than this are one episode: they slow pacing down once.
const EPISODE: Duration = Duration::from_secs(1);

/// When requests may go, as times since an epoch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Schedule {
    /// The earliest slot the next request may take (the previous slot plus an interval).
    next_slot: Option<Duration>,
    /// The slots of the latest requests, oldest first (at most `K` of them matter).
    recent: VecDeque<Duration>,
    /// The rate is divided by this (at least 1) as of `slowed_at`.
    #[serde(default)]
    slowdown: f64,
    /// When the last 429 slowed pacing down.
    #[serde(default)]
    slowed_at: Duration,
}

impl Schedule {
    /// The factor the rate is divided by at `now`: decays towards 1 after the last 429.
    fn slowdown_at(&self, now: Duration) -> f64 {
        if self.slowdown <= 1.0 {
            return 1.0;
        }
        let since = now.saturating_sub(self.slowed_at).as_secs_f64();
        let decayed = self.slowdown * 0.5f64.powf(since / RECOVERY_HALF_LIFE.as_secs_f64());
        decayed.max(1.0)
    }

    /// The rate pacing keeps at `now` for a configured `rate`.
    pub fn rate_at(&self, now: Duration, rate: f64) -> f64 {
        rate / self.slowdown_at(now)
    }

    /// Books the slot of a request asked for at `now`, at `rate` requests per second (positive
    /// and finite); returns the slot (no earlier than `now`).
    pub fn reserve(&mut self, now: Duration, rate: f64) -> Duration {
        let rate = self.rate_at(now, rate);
        let interval = Duration::from_secs_f64(1.0 / rate);
        let per_window = rate.floor().max(1.0);
        let window = Duration::from_secs_f64((per_window / rate).max(1.0));
        let per_window = per_window as usize;
        let mut slot = self.next_slot.map_or(now, |next| next.max(now));
        if self.recent.len() >= per_window {
            let oldest = self.recent[self.recent.len() - per_window];
            slot = slot.max(oldest + window);
        }
        self.next_slot = Some(slot + interval);
        self.recent.push_back(slot);
        while self.recent.len() > per_window {
            self.recent.pop_front();
        }
        slot
    }

    /// Vonage answered 429 at `now`: no request goes before `pause` has passed, and the rate is
    /// halved (once per episode of 429s).
    pub fn throttled(&mut self, now: Duration, pause: Duration) {
        let current = self.slowdown_at(now);
        let new_episode = now >= self.slowed_at + EPISODE || self.slowdown < 1.0;
        self.slowdown = if new_episode {
            (current * 2.0).min(MOST_SLOWDOWN)
        } else {
            current.max(self.slowdown.min(MOST_SLOWDOWN))
        };
        self.slowed_at = now;
        let resume = now + pause;
        self.next_slot = Some(self.next_slot.map_or(resume, |next| next.max(resume)));
    }

    /// Whether a 429 came after a slot was booked at `booked`: that slot no longer holds, and
    /// the request books another.
    pub fn throttled_since(&self, booked: Duration) -> bool {
        self.slowdown >= 1.0 && self.slowed_at > booked
    }

    /// Forgets everything booked after `now` (the clock went back).
    pub fn clock_went_back(&mut self, now: Duration) -> bool {
        let ahead = |t: &Duration| *t > now + Duration::from_secs(3600);
        if self.next_slot.as_ref().is_some_and(ahead) || self.recent.iter().any(ahead) {
            *self = Schedule::default();
            return true;
        }
        false
    }
}

/// The pause a 429 imposes on every request: its `Retry-After`, capped, or a second.
pub(super) fn pause_after_429(retry_after: Option<Duration>, cap: Duration) -> Duration {
    retry_after.unwrap_or(Duration::from_secs(1)).min(cap)
}

/// Pacing within one process: the client's clones share it.
pub struct RateLimiter {
    per_second: f64,
    epoch: Instant,
    schedule: Mutex<Schedule>,
}

impl RateLimiter {
    /// `per_second` must be positive and finite (checked by `Client::new`).
    pub fn new(per_second: f64) -> RateLimiter {
        RateLimiter {
            per_second,
            epoch: Instant::now(),
            schedule: Mutex::new(Schedule::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Schedule> {
        self.schedule
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Books the next slot as seen at `now`; returns how long to wait for it.
    pub fn reserve_at(&self, now: Instant) -> Duration {
        let t = now.saturating_duration_since(self.epoch);
        self.lock().reserve(t, self.per_second) - t
    }

    /// Whether a 429 came after `booked`, when a slot was booked.
    pub fn throttled_since(&self, booked: Instant) -> bool {
        let t = booked.saturating_duration_since(self.epoch);
        self.lock().throttled_since(t)
    }

    /// Vonage answered 429 at `now`: pause everyone for `pause`, and slow down.
    pub fn throttled_at(&self, now: Instant, pause: Duration) {
        let t = now.saturating_duration_since(self.epoch);
        self.lock().throttled(t, pause);
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

    #[test]
    fn a_429_pauses_everyone_then_resumes_slower_without_a_burst() {
        let limiter = RateLimiter::new(10.0);
        let t0 = Instant::now();
        queued(&limiter, t0, 3);
        // Vonage answers 429 with Retry-After: 1 at t0 + 250 ms.
        let at = t0 + Duration::from_millis(250);
        limiter.throttled_at(at, Duration::from_secs(1));
        // Ten requests waiting meanwhile go from the end of the pause, 200 ms apart (half the
        // rate), never two at once.
        let waits = queued(&limiter, at, 10);
        assert_eq!(waits[0], Duration::from_secs(1));
        for pair in waits.windows(2) {
            let gap = pair[1] - pair[0];
            assert!(
                gap >= Duration::from_millis(199),
                "a burst after the pause: {waits:?}"
            );
        }
        // A slot booked before the 429 no longer holds.
        assert!(limiter.throttled_since(t0));
        assert!(!limiter.throttled_since(at + Duration::from_millis(1)));
        // More 429s in the same second are one episode: they do not slow it further.
        limiter.throttled_at(at + Duration::from_millis(10), Duration::from_secs(1));
        let mut schedule = limiter.lock().clone();
        let now = (at + Duration::from_millis(10)).saturating_duration_since(limiter.epoch);
        assert!((schedule.rate_at(now, 10.0) - 5.0).abs() < 0.01);
        // Another episode halves it again, down to a floor of 1/16.
        for i in 0..10 {
            schedule.throttled(now + Duration::from_secs(2 * (i + 1)), Duration::ZERO);
        }
        let later = now + Duration::from_secs(20);
        assert!(schedule.rate_at(later, 10.0) >= 10.0 / 16.0 - 1e-9);
        // And it recovers: half of the slowdown goes every 10 s.
        let rested = schedule.rate_at(later + Duration::from_secs(60), 10.0);
        assert!(rested > 9.0, "{rested}");
    }

    #[test]
    fn a_clock_that_went_back_forgets_the_bookings() {
        let mut schedule = Schedule::default();
        let now = Duration::from_secs(10_000);
        schedule.reserve(now, 30.0);
        assert!(!schedule.clock_went_back(now));
        assert!(schedule.clock_went_back(now - Duration::from_secs(7200)));
        assert_eq!(schedule, Schedule::default());
    }
}
