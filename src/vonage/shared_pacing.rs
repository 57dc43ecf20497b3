//! One rate budget per API key on this machine: every provider process that uses a key paces
//! its requests through one small file, so that several provider blocks (Terraform runs each
//! in its own process) and several runs at once stay within the key's rate together.
//!
//! The file lives in the per-user folder of `crate::user_state`, named by a hash of the API
//! host and the key (`pace-…`), and holds only times and rates: the [`Schedule`] the processes
//! share, and the rate each live process was configured with. Reserving a send time locks it
//! (`flock`, or `LockFileEx` on Windows), reads it, books the slot and writes it back; the wait
//! for the slot happens after the lock is released. Where processes set different rates for
//! one key, the lowest live one applies; a process counts as live while it runs (on Unix,
//! checked by its pid) and for at most ten minutes after it last sent.
//!
//! The guarantee covers one machine: processes on other machines (or tools other than this
//! provider) using the same key are not seen.
//!
//! Owns: the file's format and the rules above. Must not: write the key or any secret into the
//! file or its name, hold the lock while waiting, or fail a request because the file cannot be
//! used (pacing then falls back to this process alone, with one warning in the log).

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::rate_limit::{RateLimiter, Schedule};
use crate::logging;
use crate::user_state;

/// How a client paces its requests: within this process only, or with every process on this
/// machine that uses the same key.
pub(super) enum Pacer {
    Process(RateLimiter),
    Machine(SharedPacer),
}

impl Pacer {
    /// Waits for the next slot. A 429 that comes while it waits voids the slot: it books again.
    pub async fn acquire(&self) {
        loop {
            let booked = Instant::now();
            let (wait, at) = match self {
                Pacer::Process(limiter) => (limiter.reserve_at(booked), None),
                Pacer::Machine(shared) => shared.reserve(),
            };
            if wait.is_zero() {
                return;
            }
            tokio::time::sleep(wait).await;
            let voided = match (self, at) {
                (Pacer::Process(limiter), _) => limiter.throttled_since(booked),
                (Pacer::Machine(shared), Some(at)) => shared.throttled_since(at),
                (Pacer::Machine(_), None) => false,
            };
            if !voided {
                return;
            }
        }
    }

    /// Vonage answered 429: pause for `pause`, then go slower.
    pub fn throttled(&self, pause: Duration) {
        match self {
            Pacer::Process(limiter) => limiter.throttled_at(Instant::now(), pause),
            Pacer::Machine(shared) => shared.throttled(pause),
        }
    }
}

/// A process that has not sent for this long no longer counts, whatever its pid says.
const STALE: Duration = Duration::from_secs(600);

/// What the file holds.
#[derive(Default, Serialize, Deserialize)]
struct Book {
    schedule: Schedule,
    #[serde(default)]
    members: Vec<Member>,
}

/// One pacer of one process, and the rate it was configured with.
#[derive(Clone, Serialize, Deserialize)]
struct Member {
    id: u64,
    pid: u32,
    rate: f64,
    /// When it last reserved a slot, since the Unix epoch.
    seen: Duration,
}

/// Pacing shared through a file, with this process's own limiter to fall back on.
pub(super) struct SharedPacer {
    dir: PathBuf,
    file: String,
    id: u64,
    rate: f64,
    fallback: RateLimiter,
    warned: AtomicBool,
}

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Whether process `pid` still runs (always assumed where it cannot be checked).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks that the process exists and may be signalled.
        let sent = unsafe { libc::kill(pid, 0) };
        sent == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

impl Book {
    /// Records `me` as seen at `now`, drops the members that are gone, and returns the lowest
    /// rate of those left.
    fn join(&mut self, me: Member, now: Duration, alive: impl Fn(u32) -> bool) -> f64 {
        let rate = me.rate;
        self.members
            .retain(|m| m.id != me.id && now.saturating_sub(m.seen) < STALE && alive(m.pid));
        self.members.push(me);
        self.members
            .iter()
            .map(|m| m.rate)
            .filter(|r| r.is_finite() && *r > 0.0)
            .fold(rate, f64::min)
    }
}

impl SharedPacer {
    /// Pacing for `api_key` at `api_host` (scheme, host and port), shared through a file in
    /// `dir`, at `rate` requests per second for this process.
    pub fn new(dir: PathBuf, api_host: &str, api_key: &str, rate: f64) -> SharedPacer {
        SharedPacer {
            dir,
            file: user_state::file_name_for("pace", &[api_host, api_key]),
            id: rand::random(),
            rate,
            fallback: RateLimiter::new(rate),
            warned: AtomicBool::new(false),
        }
    }

    /// Locks the file, changes what it holds with `change` (given the time since the Unix
    /// epoch), writes it back and unlocks it.
    fn with_book<T>(&self, change: impl FnOnce(&mut Book, Duration) -> T) -> std::io::Result<T> {
        let mut file = user_state::open_locked(&self.dir, &self.file)?;
        let mut text = String::new();
        file.read_to_string(&mut text)?;
        let mut book: Book = serde_json::from_str(&text).unwrap_or_default();
        let now = since_epoch();
        book.schedule.clock_went_back(now);
        let result = change(&mut book, now);
        let text = serde_json::to_vec(&book).map_err(std::io::Error::other)?;
        file.seek(SeekFrom::Start(0))?;
        file.set_len(0)?;
        file.write_all(&text)?;
        Ok(result)
    }

    fn fall_back(&self, error: &std::io::Error) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            logging::warn(
                "Vonage request pacing is not shared with other processes",
                &[
                    ("folder", &self.dir.display().to_string()),
                    ("error", &error.to_string()),
                ],
            );
        }
    }

    /// Books the next slot for this key on this machine; returns how long to wait for it and,
    /// when the file was used, when (since the Unix epoch) it was booked.
    pub fn reserve(&self) -> (Duration, Option<Duration>) {
        let me = |now| Member {
            id: self.id,
            pid: std::process::id(),
            rate: self.rate,
            seen: now,
        };
        let booked = self.with_book(|book, now| {
            let rate = book.join(me(now), now, alive);
            (book.schedule.reserve(now, rate).saturating_sub(now), now)
        });
        match booked {
            Ok((wait, now)) => (wait, Some(now)),
            Err(e) => {
                self.fall_back(&e);
                (self.fallback.reserve_at(Instant::now()), None)
            }
        }
    }

    /// Whether any process using the key met a 429 after `booked`.
    pub fn throttled_since(&self, booked: Duration) -> bool {
        self.with_book(|book, _| book.schedule.throttled_since(booked))
            .unwrap_or(false)
    }

    /// Vonage answered 429: every process using the key pauses for `pause`, then goes slower.
    pub fn throttled(&self, pause: Duration) {
        let booked = self.with_book(|book, now| book.schedule.throttled(now, pause));
        if let Err(e) = booked {
            self.fall_back(&e);
        }
        self.fallback.throttled_at(Instant::now(), pause);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: u64, pid: u32, rate: f64, seen: u64) -> Member {
        Member {
            id,
            pid,
            rate,
            seen: Duration::from_secs(seen),
        }
    }

    #[test]
    fn the_lowest_live_rate_applies() {
        let mut book = Book::default();
        let now = Duration::from_secs(10_000);
        let everyone = |_| true;
        assert_eq!(book.join(member(1, 10, 30.0, 10_000), now, everyone), 30.0);
        assert_eq!(book.join(member(2, 20, 5.0, 10_000), now, everyone), 5.0);
        assert_eq!(book.join(member(1, 10, 30.0, 10_000), now, everyone), 5.0);
        assert_eq!(book.members.len(), 2, "a member is listed once");
        // Process 20 exits: its rate no longer applies.
        assert_eq!(
            book.join(member(1, 10, 30.0, 10_001), now, |pid| pid != 20),
            30.0
        );
        // A member silent for ten minutes is dropped even if its pid runs (reused, or idle).
        book.join(member(3, 30, 2.0, 10_000), now, everyone);
        let later = now + STALE;
        assert_eq!(
            book.join(member(1, 10, 30.0, 10_600), later, everyone),
            30.0
        );
    }

    fn temp_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "shared-pacing-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        user_state::ensure_private_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn pacers_of_one_key_share_the_budget_and_other_keys_or_hosts_do_not() {
        let dir = temp_dir();
        let host = "http://127.0.0.1:8080";
        let a = SharedPacer::new(dir.clone(), host, "abcd1234", 10.0);
        let b = SharedPacer::new(dir.clone(), host, "abcd1234", 10.0);
        // Two pacers, one budget: the second request waits an interval whichever asks.
        assert!(a.reserve().0 < Duration::from_millis(50));
        let (second, booked) = b.reserve();
        assert!(booked.is_some());
        assert!(second > Duration::from_millis(50), "{second:?}");
        // Another key, or the same key at another host, has a budget of its own.
        let c = SharedPacer::new(dir.clone(), host, "other123", 10.0);
        assert!(c.reserve().0 < Duration::from_millis(50));
        let d = SharedPacer::new(dir.clone(), "http://127.0.0.1:9090", "abcd1234", 10.0);
        assert!(d.reserve().0 < Duration::from_millis(50));
        // A 429 met by one voids the slots the others booked before it.
        a.throttled(Duration::from_secs(1));
        assert!(b.throttled_since(booked.unwrap()));
        assert!(
            a.reserve().0 > Duration::from_millis(900),
            "paused for Retry-After"
        );
        // The file holds times and rates, never the key.
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            assert!(
                name.starts_with("pace-") && !name.contains("abcd1234"),
                "{name}"
            );
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert!(
                !text.contains("abcd1234") && !text.contains("other123"),
                "{text}"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_that_cannot_be_used_falls_back_to_this_process() {
        let dir = temp_dir();
        let missing = dir.join("not-there");
        let pacer = SharedPacer::new(missing, "http://h", "abcd1234", 10.0);
        assert_eq!(pacer.reserve(), (Duration::ZERO, None));
        assert!(pacer.reserve().0 > Duration::from_millis(50), "still paced");
        pacer.throttled(Duration::from_secs(1));
        assert!(
            pacer.reserve().0 > Duration::from_millis(900),
            "and still slowed by a 429"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
