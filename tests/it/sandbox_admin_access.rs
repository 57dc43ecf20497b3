//! Who the admin API answers, over real sockets: loopback clients only,
//! unless `--admin-from-anywhere`. A client that is not on loopback is made
//! with a network namespace joined to this one by a veth pair (the test's
//! own host, on a private /30): the sandbox listens on this side's address
//! and `curl` runs inside the namespace. Needs root and iproute2: skipped
//! without them, failed under CI=true.

use crate::common;

use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use common::SandboxProcess;

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
}

/// `Some(reason)` when this machine cannot make a namespace host.
fn missing_prerequisite() -> Option<String> {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        return Some("network namespaces need root".into());
    }
    for tool in ["ip", "curl"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            return Some(format!("{tool} is not installed"));
        }
    }
    None
}

fn run(args: &[&str]) -> Output {
    Command::new(args[0])
        .args(&args[1..])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn must(args: &[&str]) {
    let output = run(args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A network namespace with one address, reachable from here over veth.
struct NamespaceHost {
    namespace: String,
    link: String,
    /// This side's address: the sandbox listens here.
    local: String,
}

impl NamespaceHost {
    fn new() -> NamespaceHost {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let pid = std::process::id();
        let tag = format!("{}{n}", pid % 100_000);
        let namespace = format!("vsb-admin-{tag}");
        let link = format!("vsba{tag}");
        let peer_link = format!("vsbb{tag}");
        // A /30 of 10.0.0.0/8 chosen from the pid, so runs side by side differ.
        let (b, c, d) = (1 + (pid >> 8) % 250, pid % 250, (n % 60) * 4);
        let local = format!("10.{b}.{c}.{}", d + 1);
        let remote = format!("10.{b}.{c}.{}", d + 2);
        let host = NamespaceHost {
            namespace,
            link,
            local,
        };
        must(&["ip", "netns", "add", &host.namespace]);
        must(&[
            "ip", "link", "add", &host.link, "type", "veth", "peer", "name", &peer_link,
        ]);
        must(&["ip", "link", "set", &peer_link, "netns", &host.namespace]);
        must(&[
            "ip",
            "addr",
            "add",
            &format!("{}/30", host.local),
            "dev",
            &host.link,
        ]);
        must(&["ip", "link", "set", &host.link, "up"]);
        let inside = |args: &[&str]| {
            let mut full = vec!["ip", "netns", "exec", &host.namespace];
            full.extend_from_slice(args);
            must(&full);
        };
        inside(&[
            "ip",
            "addr",
            "add",
            &format!("{remote}/30"),
            "dev",
            &peer_link,
        ]);
        inside(&["ip", "link", "set", &peer_link, "up"]);
        inside(&["ip", "link", "set", "lo", "up"]);
        host
    }

    /// `curl` from inside the namespace: (status, body).
    fn get(&self, url: &str) -> (u16, String) {
        let output = run(&[
            "ip",
            "netns",
            "exec",
            &self.namespace,
            "curl",
            "-s",
            "-m",
            "10",
            "-u",
            "abcd1234:SandboxSecret1",
            "-w",
            "\n%{http_code}",
            url,
        ]);
        let text = String::from_utf8_lossy(&output.stdout).to_string();
        let (body, status) = text.rsplit_once('\n').unwrap_or(("", "0"));
        (status.trim().parse().unwrap_or(0), body.to_string())
    }
}

impl Drop for NamespaceHost {
    fn drop(&mut self) {
        // Deleting the namespace deletes its end of the pair, and with it ours.
        let _ = run(&["ip", "netns", "del", &self.namespace]);
        let _ = run(&["ip", "link", "del", &self.link]);
    }
}

/// Skips (or, under CI=true, fails) when namespaces cannot be made.
fn namespace_host() -> Option<NamespaceHost> {
    if let Some(reason) = missing_prerequisite() {
        assert!(!in_ci(), "CI=true and a prerequisite is missing: {reason}");
        eprintln!("skipped: {reason}");
        return None;
    }
    Some(NamespaceHost::new())
}

#[test]
fn a_client_beyond_loopback_reaches_the_api_but_not_the_admin_api() {
    let Some(host) = namespace_host() else { return };
    let sandbox = SandboxProcess::try_spawn_listening(&format!("{}:0", host.local), &[]).unwrap();
    for path in ["/_sandbox/health", "/_sandbox/state", "/_sandbox/ui"] {
        let (status, body) = host.get(&sandbox.url(path));
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body.contains("loopback clients only"), "{body}");
    }
    let (status, body) = host.get(&sandbox.url("/account/get-balance"));
    assert_eq!(status, 200, "{body}");
}

#[test]
fn admin_from_anywhere_opens_the_admin_api_and_says_so() {
    let Some(host) = namespace_host() else { return };
    let mut sandbox = SandboxProcess::try_spawn_listening(
        &format!("{}:0", host.local),
        &["--admin-from-anywhere"],
    )
    .unwrap();
    let (status, body) = host.get(&sandbox.url("/_sandbox/health"));
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    let (status, _) = host.get(&sandbox.url("/_sandbox/state"));
    assert_eq!(status, 200);
    let _ = sandbox.child.kill();
    let _ = sandbox.child.wait();
    let mut stderr = String::new();
    use std::io::Read;
    sandbox
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("--admin-from-anywhere"), "{stderr}");
}
