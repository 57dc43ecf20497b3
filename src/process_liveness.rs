//! Which process of this machine did something, and whether it still runs: the owner of a
//! journalled run secret (`provider::run_secrets`).
//!
//! A pid alone does not name a process for long: pids are reused. A [`ProcessId`] is the pid
//! with the process's start time and the machine it ran on, and [`ProcessId::liveness`] says
//! [`Liveness::Dead`] only when that is certain:
//! - the machine is this one (its host name), and
//! - no process has the pid (`kill(pid, 0)` fails with `ESRCH`), or (Linux) the process with
//!   that pid started at another time, or in another boot, or has exited and awaits its reaper
//!   (a zombie).
//!
//! A process that still runs is [`Liveness::Alive`]; anything that cannot be told (another
//! machine sharing the folder, a platform without a start time, a start time not recorded) is
//! [`Liveness::Unknown`], which callers treat like alive. Start times are read on Linux
//! (`/proc/PID/stat`'s `starttime`, with `/proc/sys/kernel/random/boot_id`); elsewhere only the
//! pid's absence (Unix) proves a death, and on Windows nothing does.
//!
//! Must not: signal a process (`kill(pid, 0)` only asks), or call a pid dead on a guess.

use serde::{Deserialize, Serialize};

/// One process: where it ran, its pid, and when it started (`BOOT_ID:TICKS` on Linux).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ProcessId {
    pub host: String,
    pub pid: u32,
    pub started: Option<String>,
}

/// Whether a [`ProcessId`] still runs, as far as this machine can tell.
#[derive(Debug, PartialEq)]
pub enum Liveness {
    /// Certainly gone; the reason, for logs and messages.
    Dead(&'static str),
    Alive,
    /// It may run (another machine, no start time to compare).
    Unknown,
}

impl ProcessId {
    /// This process.
    pub fn this_process() -> ProcessId {
        let pid = std::process::id();
        ProcessId {
            host: host_name(),
            pid,
            started: start_time(pid).ok().flatten(),
        }
    }

    /// Whether it still runs (see the module's doc).
    pub fn liveness(&self) -> Liveness {
        if self.host != host_name() {
            return Liveness::Unknown;
        }
        if !pid_exists(self.pid) {
            return Liveness::Dead("no process has its pid");
        }
        match (start_time(self.pid), &self.started) {
            (Err(Gone::Exited), _) => Liveness::Dead("it exited (a zombie awaiting its reaper)"),
            (Ok(Some(now)), Some(then)) if now != *then => {
                Liveness::Dead("its pid belongs to a process started later")
            }
            (Ok(Some(_)), Some(_)) => Liveness::Alive,
            _ => Liveness::Unknown,
        }
    }
}

/// This machine's name, as the journal records it.
fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it (or
        // truncates, which only shortens the name).
        if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            return String::from_utf8_lossy(&buf[..end]).into_owned();
        }
        String::new()
    }
    #[cfg(not(unix))]
    {
        std::env::var("COMPUTERNAME").unwrap_or_default()
    }
}

fn pid_exists(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 checks for existence and permission only; nothing is sent.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Why no start time could be read for a pid that exists.
#[derive(Debug, PartialEq)]
enum Gone {
    Exited,
}

/// `BOOT_ID:TICKS` of the process with `pid` (Linux); `Ok(None)` where it cannot be read,
/// `Err(Exited)` for a zombie.
fn start_time(pid: u32) -> Result<Option<String>, Gone> {
    #[cfg(target_os = "linux")]
    {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return Ok(None);
        };
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap_or_default();
        parse_stat(&stat, boot.trim())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        Ok(None)
    }
}

/// From `/proc/PID/stat`: the state (field 3) and `starttime` (field 22). The command name
/// (field 2) is in parentheses and may hold spaces and parentheses, so fields are counted
/// after its last `)`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn parse_stat(stat: &str, boot_id: &str) -> Result<Option<String>, Gone> {
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return Ok(None);
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    if fields.first() == Some(&"Z") || fields.first() == Some(&"X") {
        return Err(Gone::Exited);
    }
    Ok(fields.get(19).map(|ticks| format!("{boot_id}:{ticks}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_give_the_start_time_and_zombies_count_as_exited() {
        let line = "4242 (terraform-provider-vonage (x) y) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 \
                    15 16 17 18 987654 20 21";
        assert_eq!(parse_stat(line, "b00t"), Ok(Some("b00t:987654".into())));
        let zombie = "4242 (p) Z 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654";
        assert_eq!(parse_stat(zombie, "b00t"), Err(Gone::Exited));
        assert_eq!(parse_stat("garbage", "b00t"), Ok(None));
    }

    #[test]
    fn this_process_is_alive_and_a_reused_or_vanished_pid_is_dead() {
        let me = ProcessId::this_process();
        assert!(!me.host.is_empty());
        if cfg!(target_os = "linux") {
            assert!(me.started.is_some());
            assert_eq!(me.liveness(), Liveness::Alive);
            let reused = ProcessId {
                started: Some("another-boot:1".into()),
                ..me.clone()
            };
            assert!(matches!(reused.liveness(), Liveness::Dead(_)));
        }
        // A pid above Linux's maximum (4194304) names no process.
        let vanished = ProcessId {
            pid: 99_999_999,
            ..me.clone()
        };
        if cfg!(unix) {
            assert!(matches!(vanished.liveness(), Liveness::Dead(_)));
        }
        let elsewhere = ProcessId {
            host: format!("{}-elsewhere", me.host),
            pid: 99_999_999,
            ..me
        };
        assert_eq!(elsewhere.liveness(), Liveness::Unknown);
    }

    #[cfg(unix)]
    #[test]
    fn a_finished_child_is_dead_before_and_after_it_is_reaped() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let id = ProcessId {
            host: host_name(),
            pid: child.id(),
            started: start_time(child.id()).ok().flatten(),
        };
        // Not reaped yet: a zombie, once it has exited.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while id.liveness() == Liveness::Alive {
            assert!(std::time::Instant::now() < deadline, "`true` did not exit");
            std::thread::yield_now();
        }
        assert!(matches!(
            id.liveness(),
            Liveness::Dead(_) | Liveness::Unknown
        ));
        child.wait().unwrap();
        assert!(matches!(id.liveness(), Liveness::Dead(_)));
    }
}
