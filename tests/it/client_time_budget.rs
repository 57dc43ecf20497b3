//! Retries on a budget of time: an outage shorter than `retry_max_elapsed` is ridden out
//! whatever the number of attempts it takes, a longer one ends with the last failure once the
//! budget is spent, and an operation's deadline (a resource's `timeouts`) bounds it further.
//! Outages are the sandbox's timed faults (`for_ms`); nothing here sleeps.

use crate::common;

use std::time::{Duration, Instant};

use common::{KEY, SECRET, SandboxProcess, calls, client_config, fault};
use serde_json::json;
use tfvonage::vonage::{Client, Error};

fn uncounted(sandbox: &SandboxProcess, budget: Duration) -> Client {
    let mut config = client_config(sandbox, KEY, SECRET);
    config.max_retries = None;
    config.retry_max_elapsed = budget;
    Client::new(config).unwrap()
}

#[tokio::test]
async fn an_outage_shorter_than_the_budget_is_ridden_out_however_many_attempts_it_takes() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = uncounted(&sandbox, Duration::from_secs(20));
    // Every request answered 503 for 1.5 s.
    fault(
        &sandbox,
        json!({"kind": "status", "status": 503, "for_ms": 1500}),
    )
    .await;
    let started = Instant::now();
    client.get_balance().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1400));
    let attempts = calls(&sandbox, "GET", "/account/get-balance").await;
    // More than the five attempts the old count allowed (waits of at most 200 ms here).
    assert!(attempts.len() > 5, "{} attempts", attempts.len());
    assert_eq!(attempts.last().unwrap()["status"], 200);
}

#[tokio::test]
async fn a_longer_outage_ends_with_the_last_failure_once_the_budget_is_spent() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = uncounted(&sandbox, Duration::from_secs(1));
    fault(&sandbox, json!({"kind": "status", "status": 503})).await;
    let started = Instant::now();
    let error = client.get_balance().await.unwrap_err();
    assert!(matches!(error, Error::Api { status: 503, .. }), "{error:?}");
    // No wait that would end after the budget is started (the last attempt takes a moment).
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert!(calls(&sandbox, "GET", "/account/get-balance").await.len() >= 2);
}

#[tokio::test]
async fn a_count_still_caps_retries_when_set() {
    let sandbox = SandboxProcess::spawn(&[]);
    let mut config = client_config(&sandbox, KEY, SECRET);
    config.max_retries = Some(2);
    config.retry_max_elapsed = Duration::from_secs(60);
    let client = Client::new(config).unwrap();
    fault(&sandbox, json!({"kind": "status", "status": 503})).await;
    client.get_balance().await.unwrap_err();
    assert_eq!(
        calls(&sandbox, "GET", "/account/get-balance").await.len(),
        3
    );
}

#[tokio::test]
async fn an_operations_deadline_ends_retrying_with_the_real_failure() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = uncounted(&sandbox, Duration::from_secs(60));
    fault(&sandbox, json!({"kind": "status", "status": 503})).await;
    let started = Instant::now();
    let error = tfvonage::deadline::within(Some(Duration::from_millis(600)), client.get_balance())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api { status: 503, .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1100),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_connection_nothing_listens_on_is_not_retried() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config =
        tfvonage::vonage::ClientConfig::new(KEY, tfvonage::vonage::Secret::from(SECRET));
    config.rest_url = format!("http://127.0.0.1:{port}");
    config.api_url = config.rest_url.clone();
    let started = Instant::now();
    let error = Client::new(config)
        .unwrap()
        .get_balance()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    // The default budget is 90 s: a refused connection points at the configuration instead.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
