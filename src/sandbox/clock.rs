//! The sandbox's clock: what "now" is for the world it emulates.
//!
//! Owns: the one reading of "now" that stamps what the API creates
//! (subaccounts, secrets, transfers, admin-made accounts and auto-reload
//! payments) and that runs the rate windows: the machine's clock plus an
//! offset that a test moves forward (`POST /_sandbox/clock`), optionally
//! frozen. The sandbox's time never moves backwards while it runs: an
//! advance is never negative, a reading is never earlier than the one
//! before (even if the machine's clock steps back), and unfreezing resumes
//! the machine's clock plus the offset, which is at or past the frozen
//! instant. Only a reset (back to the seeded world) returns to the plain
//! machine clock.
//!
//! One clock per `SandboxState`, never a global: tests run many sandboxes
//! in one process.
//!
//! Must not: time requests (the call log, the webhook receiver and the
//! dashboard read `timestamps::wall_clock_ms`, the machine's clock: they
//! record when something happened on this machine), or know about routes.

use std::sync::{Mutex, MutexGuard};

use super::timestamps::wall_clock_ms;

/// The furthest a test may move the clock ahead: 100 years (the text
/// formats stop at year 9999).
pub const MAX_OFFSET_MS: i64 = 100 * 366 * 24 * 3_600_000;

/// What the clock reads, as `GET /_sandbox/clock` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The sandbox's now, Unix milliseconds.
    pub now_ms: i64,
    /// How far the sandbox is ahead of the machine's clock by advances.
    pub offset_ms: i64,
    pub frozen: bool,
}

/// Why a clock change was refused (shown to the admin client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

#[derive(Default)]
struct Setting {
    offset_ms: i64,
    /// The instant the clock stands at while frozen.
    frozen_at_ms: Option<i64>,
    /// The latest reading given out: no later reading is earlier.
    last_ms: i64,
}

impl Setting {
    fn read(&mut self) -> i64 {
        let now = self
            .frozen_at_ms
            .unwrap_or_else(|| wall_clock_ms().saturating_add(self.offset_ms))
            .max(self.last_ms);
        self.last_ms = now;
        now
    }
}

#[derive(Default)]
pub struct SandboxClock {
    setting: Mutex<Setting>,
}

impl SandboxClock {
    /// A clock that starts `offset_ms` ahead of the machine's (a state file
    /// holding later times than the machine's clock: see `SandboxState`).
    pub fn starting_ahead(offset_ms: i64) -> SandboxClock {
        SandboxClock {
            setting: Mutex::new(Setting {
                offset_ms: offset_ms.clamp(0, MAX_OFFSET_MS),
                ..Setting::default()
            }),
        }
    }

    fn setting(&self) -> MutexGuard<'_, Setting> {
        self.setting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The sandbox's now, Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.setting().read()
    }

    pub fn reading(&self) -> Reading {
        let mut setting = self.setting();
        Reading {
            now_ms: setting.read(),
            offset_ms: setting.offset_ms,
            frozen: setting.frozen_at_ms.is_some(),
        }
    }

    /// Moves the sandbox's time `by_ms` forward (frozen or not).
    pub fn advance(&self, by_ms: i64) -> Result<(), Refused> {
        if by_ms < 0 {
            return Err(Refused(format!(
                "\"advance_ms\" must be zero or more (got {by_ms}): the sandbox's time only \
                 moves forward, so that what it made stays in the order it was made; POST \
                 /_sandbox/reset returns to the machine's clock"
            )));
        }
        let mut setting = self.setting();
        let offset = setting
            .offset_ms
            .checked_add(by_ms)
            .filter(|o| *o <= MAX_OFFSET_MS)
            .ok_or_else(|| {
                Refused(format!(
                    "\"advance_ms\": the clock may run at most {MAX_OFFSET_MS} ms (100 years) \
                     ahead of the machine's; it is {} ms ahead",
                    setting.offset_ms
                ))
            })?;
        setting.offset_ms = offset;
        if let Some(frozen) = &mut setting.frozen_at_ms {
            *frozen += by_ms;
        }
        Ok(())
    }

    /// Freezes the clock at its current reading, or lets it run again from
    /// the machine's clock plus the offset (never earlier than the frozen
    /// instant).
    pub fn set_frozen(&self, frozen: bool) {
        let mut setting = self.setting();
        let now = setting.read();
        match (frozen, setting.frozen_at_ms) {
            (true, None) => setting.frozen_at_ms = Some(now),
            (false, Some(_)) => setting.frozen_at_ms = None,
            _ => {}
        }
    }

    /// Back to the machine's clock: no offset, not frozen (`POST /_sandbox/reset`).
    pub fn reset(&self) {
        *self.setting() = Setting::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advances_move_now_and_never_back() {
        let clock = SandboxClock::default();
        let before = clock.now_ms();
        clock.advance(3_600_000).unwrap();
        let reading = clock.reading();
        assert_eq!(reading.offset_ms, 3_600_000);
        assert!(reading.now_ms >= before + 3_600_000);
        assert!(
            clock
                .advance(-1)
                .unwrap_err()
                .0
                .contains("only moves forward")
        );
        assert!(clock.advance(MAX_OFFSET_MS).is_err(), "beyond 100 years");
        assert_eq!(
            clock.reading().offset_ms,
            3_600_000,
            "a refusal changes nothing"
        );
    }

    #[test]
    fn frozen_it_moves_only_by_advances_and_resumes_forward() {
        let clock = SandboxClock::default();
        clock.set_frozen(true);
        let frozen = clock.now_ms();
        assert_eq!(clock.now_ms(), frozen);
        clock.advance(1_000).unwrap();
        assert_eq!(clock.now_ms(), frozen + 1_000);
        assert!(clock.reading().frozen);
        clock.set_frozen(false);
        assert!(clock.now_ms() >= frozen + 1_000);
        assert!(!clock.reading().frozen);
    }

    #[test]
    fn reset_returns_to_the_machine_clock() {
        let clock = SandboxClock::starting_ahead(86_400_000);
        clock.set_frozen(true);
        clock.reset();
        let reading = clock.reading();
        assert_eq!((reading.offset_ms, reading.frozen), (0, false));
        assert!((reading.now_ms - wall_clock_ms()).abs() < 60_000);
    }
}
