//! The provider process exits when the process that started it dies without calling
//! `GRPCController.Shutdown` (Terraform killed with `kill -9`), and stays while it lives.
//! `tests/acceptance/test_terraform_killed.py` does the same under real Terraform.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::plugin_client::go_plugin_like_client_cert;
use tfvonage::plugin::handshake;

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-vonage");

/// The process is gone, or has exited and waits for its reaper (a zombie).
fn exited(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, r)| r.split_whitespace().next());
            matches!(state, Some("Z" | "X"))
        }
        Err(_) => true,
    }
}

#[test]
fn the_provider_exits_within_2_s_of_its_parent_and_not_before() {
    let client = go_plugin_like_client_cert();
    let tmp = std::env::temp_dir().join(format!("tpv-parent-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    // A parent that starts the provider, says its pid, then waits for it, as Terraform does.
    let mut parent = Command::new("sh")
        .args([
            "-c",
            "\"$0\" >\"$1\" 2>/dev/null </dev/null & echo $!; wait",
            BIN,
        ])
        .arg(tmp.join("handshake"))
        .env(handshake::MAGIC_COOKIE_KEY, handshake::MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_CLIENT_CERT", &client.pem)
        .env("TMPDIR", &tmp)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(parent.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let provider: u32 = line.trim().parse().expect("the provider's pid");
    let deadline = Instant::now() + Duration::from_secs(30);
    let socket = loop {
        let handshake = std::fs::read_to_string(tmp.join("handshake")).unwrap_or_default();
        if let Some(path) = handshake.split('|').nth(3) {
            break std::path::PathBuf::from(path);
        }
        assert!(Instant::now() < deadline, "no handshake from the provider");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(
        !exited(provider),
        "the provider serves while its parent lives"
    );

    parent.kill().unwrap(); // SIGKILL: no Shutdown, no signal to the provider.
    let killed = Instant::now();
    parent.wait().unwrap();
    while !exited(provider) {
        assert!(
            killed.elapsed() < Duration::from_secs(2),
            "the provider outlived its parent by 2 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!socket.exists(), "the socket file is removed");
    let _ = std::fs::remove_dir_all(&tmp);
}
