//! Shared test support: running the real `vonage-sandbox` binary.
#![allow(dead_code)]

pub mod plugin_client;
pub mod requests;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const KEY: &str = "abcd1234";
pub const SECRET: &str = "SandboxSecret1";

/// A sandbox process; killed (SIGKILL) when dropped.
pub struct SandboxProcess {
    pub child: Child,
    pub base_url: String,
    pub ready_line: String,
    stdout_rest: mpsc::Receiver<String>,
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_vonage-sandbox")
}

impl SandboxProcess {
    /// Spawns with `--listen 127.0.0.1:0` plus `args`, waits for the ready line.
    pub fn spawn(args: &[&str]) -> SandboxProcess {
        Self::try_spawn(args).unwrap_or_else(|e| panic!("sandbox did not start: {e}"))
    }

    pub fn try_spawn(args: &[&str]) -> Result<SandboxProcess, String> {
        Self::try_spawn_listening("127.0.0.1:0", args)
    }

    /// Spawns with `--listen listen` plus `args`, waits for the ready line.
    pub fn try_spawn_listening(listen: &str, args: &[&str]) -> Result<SandboxProcess, String> {
        let mut child = Command::new(binary())
            .arg("--listen")
            .arg(listen)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let stdout = child.stdout.take().unwrap();
        let (line_tx, line_rx) = mpsc::channel();
        let (rest_tx, rest_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = line_tx.send(line);
            let mut rest = String::new();
            let _ = reader.read_to_string(&mut rest);
            let _ = rest_tx.send(rest);
        });
        let line = match line_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(line) if !line.is_empty() => line,
            _ => {
                let _ = child.kill();
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = stderr.read_to_string(&mut err);
                }
                let status = child.wait().ok();
                return Err(format!("no ready line (exit {status:?}); stderr: {err}"));
            }
        };
        let base_url = line
            .trim_end()
            .strip_prefix("vonage-sandbox listening on ")
            .ok_or_else(|| format!("unexpected ready line {line:?}"))?
            .to_string();
        Ok(SandboxProcess {
            child,
            base_url,
            ready_line: line,
            stdout_rest: rest_rx,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// SIGKILL and wait; returns whatever else was printed on stdout.
    pub fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stdout_rest
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_default()
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh private directory under the system temp dir.
pub fn temp_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vsb-{label}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary to completion (for refusals and --help).
pub fn run_to_exit(args: &[&str]) -> std::process::Output {
    Command::new(binary())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn file_mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A plain reqwest client for tests (no retries, short timeout).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// POSTs an admin JSON body and asserts success.
pub async fn admin_post(
    sandbox: &SandboxProcess,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    admin_send(sandbox, reqwest::Method::POST, path, body).await
}

/// Sends an admin JSON body and asserts success.
pub async fn admin_send(
    sandbox: &SandboxProcess,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let response = http()
        .request(method, sandbox.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let value: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
    assert!(status.is_success(), "{path}: {status} {value}");
    value
}

/// A client for `sandbox` with fast retries (20–200 ms backoff), a 2 s
/// timeout and no practical client-side rate limit.
pub fn client_config(
    sandbox: &SandboxProcess,
    key: &str,
    secret: &str,
) -> tfvonage::vonage::ClientConfig {
    let mut config =
        tfvonage::vonage::ClientConfig::new(key, tfvonage::vonage::Secret::from(secret));
    config.rest_url = sandbox.base_url.clone();
    config.api_url = sandbox.base_url.clone();
    config.timeout = Duration::from_secs(2);
    config.max_retries = Some(3);
    config.retry_base_delay = Duration::from_millis(20);
    config.retry_max_delay = Duration::from_millis(200);
    config.rate_limit_per_second = 1000.0;
    config
}

pub fn client(sandbox: &SandboxProcess) -> tfvonage::vonage::Client {
    tfvonage::vonage::Client::new(client_config(sandbox, KEY, SECRET)).unwrap()
}

pub fn client_as(sandbox: &SandboxProcess, key: &str, secret: &str) -> tfvonage::vonage::Client {
    tfvonage::vonage::Client::new(client_config(sandbox, key, secret)).unwrap()
}

/// GETs an admin path as JSON.
pub async fn admin_get(sandbox: &SandboxProcess, path: &str) -> serde_json::Value {
    http()
        .get(sandbox.url(path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Installs a fault.
pub async fn fault(sandbox: &SandboxProcess, spec: serde_json::Value) {
    admin_post(sandbox, "/_sandbox/faults", spec).await;
}

/// Polls `check` every 10 ms until it answers `Some`: a wait on a condition, never on time. The
/// 30 s deadline only turns a hang into a failure naming `what`.
pub async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits until the sandbox has taken every fault installed with a `count` (a fault whose count
/// is spent leaves the list): the requests they match have arrived, and a latency fault is now
/// holding them.
pub async fn wait_until_faults_taken(sandbox: &SandboxProcess) {
    wait_for("the sandbox to take its faults", || async {
        let faults = admin_get(sandbox, "/_sandbox/faults").await;
        faults["faults"]
            .as_array()
            .unwrap()
            .is_empty()
            .then_some(())
    })
    .await
}

/// The call log entries for `method` whose path starts with `prefix`.
pub async fn calls(sandbox: &SandboxProcess, method: &str, prefix: &str) -> Vec<serde_json::Value> {
    admin_get(sandbox, "/_sandbox/calls").await["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["method"] == method && c["path"].as_str().unwrap().starts_with(prefix))
        .cloned()
        .collect()
}
