//! The provider exits when Terraform dies.
//!
//! Terraform stops its providers with `GRPCController.Shutdown`. When Terraform itself is
//! killed (`kill -9`, the OOM killer, a CI job's timeout) nobody calls it, and a go-plugin
//! server lives on: its gRPC server does not notice (terraform-provider-aws was seen alive 30 s
//! after its Terraform was killed). [`watch`] starts a thread that notices, and fires the token
//! it returns; `server::serve` then closes what was left open within 1 s and returns, and
//! `plugin::run` exits. Should the runtime be stuck, the thread itself exits the process
//! [`BACKSTOP`] after it noticed, removing the plugin socket first: either way the process is
//! gone within 2 s of Terraform.
//!
//! How it notices:
//! - Unix: it polls `getppid()` every [`POLL`] and compares it with the parent seen at start.
//!   When the parent dies, the process is re-parented (to init, or to a subreaper such as a
//!   container's init or systemd's user manager, whose pid is anything), so any change counts.
//!   `PR_SET_PDEATHSIG` is not used: it fires when the *thread* that forked us exits, which in
//!   Go's runtime can be any thread at any time, not when the process does. A process whose
//!   parent is pid 1 at start is not watched: it was started by init, or by a Terraform that is
//!   its container's init, and when pid 1 exits the kernel kills everything in its namespace.
//! - Windows: it waits on a handle to the parent process, taken at start (written for Windows
//!   but neither built nor run here; see `windows` below).
//!
//! `--debug` mode runs without it: there the provider outlives the Terraform runs it serves on
//! purpose.
//!
//! Must not: exit before trying to close what was left open (the server does that), or use
//! signals that belong to Terraform.

use std::path::PathBuf;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::logging;

/// How often the parent is checked (Unix). A `getppid()` call costs well under a microsecond.
pub const POLL: Duration = Duration::from_millis(100);

/// How long after noticing the thread waits for the server to close what was left open and
/// the process to exit, before it exits the process itself.
pub const BACKSTOP: Duration = Duration::from_millis(1600);

/// Starts watching the parent process; the token fires once it is gone. `socket` is removed
/// when the thread has to exit the process itself.
pub fn watch(socket: PathBuf) -> CancellationToken {
    let orphaned = CancellationToken::new();
    let Some(parent) = platform::Parent::at_start() else {
        logging::debug("no parent process to watch", &[]);
        return orphaned;
    };
    let fire = orphaned.clone();
    let started = std::thread::Builder::new()
        .name("parent-watch".into())
        .spawn(move || {
            parent.wait_until_gone();
            logging::warn(
                "Terraform exited without stopping the provider: closing what it left open, \
                 then exiting",
                &[],
            );
            fire.cancel();
            std::thread::sleep(BACKSTOP);
            let _ = std::fs::remove_file(&socket);
            logging::warn(
                "the provider did not stop in time after Terraform exited",
                &[],
            );
            std::process::exit(1);
        });
    if let Err(e) = started {
        let error = e.to_string();
        logging::warn("could not watch the parent process", &[("error", &error)]);
    }
    orphaned
}

/// Returns once `current()` differs from `initial`, checking every `poll`.
#[cfg_attr(not(unix), allow(dead_code))]
fn wait_for_change(initial: u32, current: impl Fn() -> u32, poll: Duration) {
    while current() == initial {
        std::thread::sleep(poll);
    }
}

#[cfg(unix)]
mod platform {
    use super::{POLL, wait_for_change};

    /// The parent process, by the pid it had at start.
    pub struct Parent(u32);

    impl Parent {
        pub fn at_start() -> Option<Parent> {
            let pid = std::os::unix::process::parent_id();
            (pid != 1).then_some(Parent(pid))
        }

        pub fn wait_until_gone(&self) {
            wait_for_change(self.0, std::os::unix::process::parent_id, POLL);
        }
    }
}

/// Windows has no re-parenting to watch; a handle on the parent process, opened at start,
/// becomes signalled when it exits. Kept minimal, and neither built nor run on this project's
/// Linux CI: the parent's pid comes from a Toolhelp snapshot, and if the parent already died
/// before the handle was opened and its pid was reused, the watch follows the wrong process
/// (the provider then outlives Terraform, as it would without a watch).
#[cfg(windows)]
mod platform {
    use std::ffi::c_void;

    type Handle = *mut c_void;

    const SYNCHRONIZE: u32 = 0x0010_0000;
    const INFINITE: u32 = u32::MAX;
    const TH32CS_SNAPPROCESS: u32 = 0x0000_0002;

    #[repr(C)]
    struct ProcessEntry32W {
        size: u32,
        usage: u32,
        process_id: u32,
        default_heap_id: usize,
        module_id: u32,
        threads: u32,
        parent_process_id: u32,
        priority_base: i32,
        flags: u32,
        exe_file: [u16; 260],
    }

    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn CreateToolhelp32Snapshot(flags: u32, pid: u32) -> Handle;
        fn Process32FirstW(snapshot: Handle, entry: *mut ProcessEntry32W) -> i32;
        fn Process32NextW(snapshot: Handle, entry: *mut ProcessEntry32W) -> i32;
        fn OpenProcess(access: u32, inherit: i32, pid: u32) -> Handle;
        fn WaitForSingleObject(handle: Handle, millis: u32) -> u32;
        fn CloseHandle(handle: Handle) -> i32;
    }

    /// A handle on the parent process, which the watch thread waits on.
    pub struct Parent(Handle);

    // SAFETY: a process handle may be used from any thread.
    unsafe impl Send for Parent {}

    impl Parent {
        pub fn at_start() -> Option<Parent> {
            let pid = parent_pid(std::process::id())?;
            // SAFETY: plain Win32 call; a null handle means failure.
            let handle = unsafe { OpenProcess(SYNCHRONIZE, 0, pid) };
            (!handle.is_null()).then_some(Parent(handle))
        }

        pub fn wait_until_gone(&self) {
            // SAFETY: the handle is open until `self` is dropped.
            unsafe { WaitForSingleObject(self.0, INFINITE) };
        }
    }

    impl Drop for Parent {
        fn drop(&mut self) {
            // SAFETY: the handle was opened by `at_start` and is closed once.
            unsafe { CloseHandle(self.0) };
        }
    }

    fn parent_pid(me: u32) -> Option<u32> {
        // SAFETY: the snapshot handle is checked, read with a sized entry, and closed.
        unsafe {
            let snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
            if snapshot.is_null() || snapshot as isize == -1 {
                return None;
            }
            let mut entry: ProcessEntry32W = std::mem::zeroed();
            entry.size = std::mem::size_of::<ProcessEntry32W>() as u32;
            let mut found = None;
            let mut more = Process32FirstW(snapshot, &mut entry) != 0;
            while more {
                if entry.process_id == me {
                    found = Some(entry.parent_process_id);
                    break;
                }
                more = Process32NextW(snapshot, &mut entry) != 0;
            }
            CloseHandle(snapshot);
            found
        }
    }
}

#[cfg(not(any(unix, windows)))]
mod platform {
    pub struct Parent;

    impl Parent {
        pub fn at_start() -> Option<Parent> {
            None
        }

        pub fn wait_until_gone(&self) {}
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[test]
    fn a_new_parent_of_any_pid_ends_the_wait() {
        // Re-parented to a subreaper (any pid), not only to init.
        let polls = AtomicU32::new(0);
        let current = || {
            let n = polls.fetch_add(1, Ordering::SeqCst);
            if n < 3 { 4242 } else { 977 }
        };
        wait_for_change(4242, current, Duration::from_millis(1));
        assert_eq!(polls.load(Ordering::SeqCst), 4);
    }
}
