//! Pacing across clients and after 429s: clients that share a pacing folder (as the provider's
//! processes on one machine do) share one budget per API key, the lowest rate among them
//! applies, and a 429 slows everyone down without a burst afterwards.

use crate::common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::{KEY, SECRET, SandboxProcess, calls, client_config};
use tfvonage::vonage::Client;

fn pacing_dir(tag: &str) -> PathBuf {
    let dir = common::temp_dir(tag);
    tfvonage::user_state::ensure_private_dir(&dir).unwrap();
    dir
}

fn paced(sandbox: &SandboxProcess, rate: f64, dir: Option<&PathBuf>) -> Client {
    let mut config = client_config(sandbox, KEY, SECRET);
    config.rate_limit_per_second = rate;
    config.pacing_dir = dir.cloned();
    config.max_retries = None;
    config.retry_max_elapsed = Duration::from_secs(30);
    Client::new(config).unwrap()
}

/// Sends `n` balance reads on each client at once and waits for all of them.
async fn burst(clients: &[&Client], n: usize) {
    let tasks: Vec<_> = clients
        .iter()
        .flat_map(|c| (0..n).map(move |_| (*c).clone()))
        .map(|c| tokio::spawn(async move { c.get_balance().await }))
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
}

async fn throttled(sandbox: &SandboxProcess) -> usize {
    calls(sandbox, "GET", "/account/get-balance")
        .await
        .iter()
        .filter(|c| c["status"] == 429)
        .count()
}

#[tokio::test]
async fn two_clients_of_one_key_share_one_budget() {
    let sandbox = SandboxProcess::spawn(&["--rate-limit", "10"]);
    let dir = pacing_dir("pacing-shared");
    let (a, b) = (
        paced(&sandbox, 10.0, Some(&dir)),
        paced(&sandbox, 10.0, Some(&dir)),
    );
    // 2 × 12 requests at once: alone, each client would send 10 in the first second (20 in
    // all, against a budget of 10 with a bucket of 10).
    burst(&[&a, &b], 12).await;
    assert_eq!(
        throttled(&sandbox).await,
        0,
        "the two clients overran the key's budget"
    );
    assert!(a.settings().pacing_shared);
}

#[tokio::test]
async fn the_lowest_rate_among_the_clients_of_a_key_applies() {
    let sandbox = SandboxProcess::spawn(&[]);
    let dir = pacing_dir("pacing-lowest");
    let (fast, slow) = (
        paced(&sandbox, 100.0, Some(&dir)),
        paced(&sandbox, 4.0, Some(&dir)),
    );
    slow.get_balance().await.unwrap();
    let started = Instant::now();
    burst(&[&fast], 5).await;
    // Five requests at 4/s take at least a second; at 100/s they would take 40 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_429_slows_pacing_down_so_few_requests_are_refused() {
    // The client thinks it may send 20/s; the key allows 5/s (with a bucket of 5).
    let sandbox = SandboxProcess::spawn(&["--rate-limit", "5"]);
    let client = paced(&sandbox, 20.0, None);
    burst(&[&client], 30).await;
    // Without slowing down, every request past the bucket meets a 429 at least once (more than
    // twenty); pausing for Retry-After and halving the rate leaves a handful.
    let refused = throttled(&sandbox).await;
    assert!(refused <= 6, "{refused} requests answered 429");
}
