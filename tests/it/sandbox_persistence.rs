//! Durability: a sandbox killed with SIGKILL in the middle of concurrent
//! writes has lost nothing it acknowledged. Every write is fsynced and
//! renamed into place before the response is sent, so after a restart on
//! the same state file every acknowledged change must be there.

use crate::common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{KEY, SECRET, SandboxProcess, http, temp_dir};
use serde_json::{Value, json};

/// What one writer knows about its subaccount.
#[derive(Default, Clone)]
struct Ledger {
    /// Name acknowledged last.
    acknowledged: String,
    /// Name of a rename sent but not (yet) acknowledged.
    in_flight: Option<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_nothing_acknowledged() {
    let dir = temp_dir("kill9");
    let path = dir.join("state.json");
    let path_arg = path.to_str().unwrap().to_string();
    // A stress test: as many writes as the sandbox takes, unthrottled.
    let sandbox = SandboxProcess::spawn(&["--state", &path_arg, "--rate-limit", "0"]);
    let pid = sandbox.child.id();
    let base = sandbox.base_url.clone();
    let ledgers: Arc<Mutex<HashMap<String, Ledger>>> = Arc::default();
    let acknowledged_writes = Arc::new(std::sync::atomic::AtomicUsize::new(0));

    const WRITERS: usize = 8;
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let base = base.clone();
        let ledgers = ledgers.clone();
        let count = acknowledged_writes.clone();
        tasks.push(tokio::spawn(async move {
            let client = http();
            let name = format!("writer-{writer}");
            let created = client
                .post(format!("{base}/accounts/{KEY}/subaccounts"))
                .basic_auth(KEY, Some(SECRET))
                .json(&json!({"name": name}))
                .send()
                .await;
            let Ok(created) = created else { return };
            if created.status() != 200 {
                return;
            }
            let Ok(body) = created.json::<Value>().await else {
                return;
            };
            let key = body["api_key"].as_str().unwrap().to_string();
            ledgers.lock().unwrap().insert(
                key.clone(),
                Ledger {
                    acknowledged: name,
                    in_flight: None,
                },
            );
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            for round in 0.. {
                let next = format!("writer-{writer}-round-{round}");
                ledgers.lock().unwrap().get_mut(&key).unwrap().in_flight = Some(next.clone());
                let renamed = client
                    .patch(format!("{base}/accounts/{KEY}/subaccounts/{key}"))
                    .basic_auth(KEY, Some(SECRET))
                    .json(&json!({"name": next}))
                    .send()
                    .await;
                match renamed {
                    Ok(r) if r.status() == 200 => {
                        let mut ledgers = ledgers.lock().unwrap();
                        let ledger = ledgers.get_mut(&key).unwrap();
                        ledger.acknowledged = next;
                        ledger.in_flight = None;
                        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                    _ => return,
                }
            }
        }));
    }
    // Let a good number of writes be acknowledged, then SIGKILL mid-stream.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while acknowledged_writes.load(std::sync::atomic::Ordering::SeqCst) < 120 {
        assert!(std::time::Instant::now() < deadline, "writes too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    for task in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(15), task).await;
    }
    drop(sandbox);
    let acknowledged = acknowledged_writes.load(std::sync::atomic::Ordering::SeqCst);
    let ledgers = ledgers.lock().unwrap().clone();
    assert_eq!(
        ledgers.len(),
        WRITERS,
        "every writer created its subaccount"
    );

    // Restart on the same file and compare.
    let sandbox = SandboxProcess::spawn(&["--state", &path_arg]);
    let list: Value = http()
        .get(sandbox.url(&format!("/accounts/{KEY}/subaccounts")))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: HashMap<String, String> = list["_embedded"]["subaccounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["api_key"].as_str().unwrap().to_string(),
                s["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (key, ledger) in &ledgers {
        let stored = names
            .get(key)
            .unwrap_or_else(|| panic!("acknowledged subaccount {key} lost"));
        let allowed = stored == &ledger.acknowledged || Some(stored) == ledger.in_flight.as_ref();
        assert!(
            allowed,
            "{key}: stored name {stored:?}, acknowledged {:?}, in flight {:?}",
            ledger.acknowledged, ledger.in_flight
        );
    }
    eprintln!("{acknowledged} acknowledged writes survived kill -9");
}

/// An after-handler latency fault holds the answer back after the change is
/// on disk: a test can stop the sandbox during the delay and restart it on
/// the same state file with the change there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_during_an_after_handler_delay_the_change_survives() {
    let dir = temp_dir("delayed");
    let path = dir.join("state.json");
    let path_arg = path.to_str().unwrap().to_string();
    let sandbox = SandboxProcess::spawn(&["--state", &path_arg]);
    common::fault(
        &sandbox,
        json!({"route": "POST /accounts/*/subaccounts$", "kind": "latency", "latency_ms": 60000,
               "after_handler": true, "count": 1}),
    )
    .await;
    let url = sandbox.url(&format!("/accounts/{KEY}/subaccounts"));
    let request = tokio::spawn(async move {
        http()
            .post(url)
            .basic_auth(KEY, Some(SECRET))
            .json(&json!({"name": "made before the stop"}))
            .send()
            .await
    });
    // Wait until the change is on disk; the answer is still held back.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(&path)
        .unwrap_or_default()
        .contains("made before the stop")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the change never reached the file"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!request.is_finished(), "the answer must still be delayed");
    // Stop it (SIGTERM, as a test runner would), mid-delay.
    let pid = sandbox.child.id().to_string();
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(stopped.success());
    let answer = tokio::time::timeout(Duration::from_secs(10), request)
        .await
        .expect("the client hears the connection close")
        .unwrap();
    assert!(answer.is_err(), "no answer was ever sent: {answer:?}");
    drop(sandbox);

    let sandbox = SandboxProcess::spawn(&["--state", &path_arg]);
    let list: Value = http()
        .get(sandbox.url(&format!("/accounts/{KEY}/subaccounts")))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["_embedded"]["subaccounts"][0]["name"],
        "made before the stop"
    );
    // Faults are not state: the restarted sandbox has none.
    let faults: Value = http()
        .get(sandbox.url("/_sandbox/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(faults["faults"], json!([]));
}
