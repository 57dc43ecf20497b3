//! The sandbox's clock (`clock.rs`, `GET`/`POST /_sandbox/clock`): creation
//! times and the rate windows follow it, it only moves forward, reset returns
//! it to the machine's clock, and every sandbox has its own.
//!
//! Most tests freeze it first, so that every time they expect is exact.

use crate::sandbox_harness;

use axum::http::{Method, StatusCode};
use sandbox_harness::{KEY, Sandbox, is_millis_z};
use serde_json::{Value, json};
use tfvonage::sandbox::timestamps::{millis_z, seconds_z, truncate_to_second};
use tfvonage::sandbox::{SandboxOptions, SandboxState, app};

const DAY_MS: i64 = 86_400_000;

async fn clock(sb: &Sandbox) -> Value {
    let reply = sb.admin(Method::GET, "/_sandbox/clock", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    reply.body
}

async fn set_clock(sb: &Sandbox, body: Value) -> Value {
    let reply = sb.admin(Method::POST, "/_sandbox/clock", Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    reply.body
}

/// Freezes the clock; answers where it stands (Unix ms).
async fn freeze(sb: &Sandbox) -> i64 {
    set_clock(sb, json!({"frozen": true})).await["now_ms"]
        .as_i64()
        .unwrap()
}

fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn unmoved_it_reads_the_machine_clock() {
    let sb = Sandbox::new();
    let before = wall_ms();
    let reading = clock(&sb).await;
    let after = wall_ms();
    let now = reading["now_ms"].as_i64().unwrap();
    assert!(
        (before..=after).contains(&now),
        "{before} <= {now} <= {after}"
    );
    assert_eq!(reading["now"], millis_z(now));
    assert!(is_millis_z(reading["now"].as_str().unwrap()));
    assert_eq!(
        (&reading["offset_ms"], &reading["frozen"]),
        (&json!(0), &json!(false))
    );
}

#[tokio::test]
async fn creation_times_follow_the_clock() {
    let sb = Sandbox::new();
    let then = freeze(&sb).await + DAY_MS;
    let moved = set_clock(&sb, json!({"advance_ms": DAY_MS})).await;
    assert_eq!(moved["now_ms"], then);
    assert_eq!(moved["offset_ms"], DAY_MS);

    let made = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/subaccounts"),
            Some(json!({"name": "tomorrow", "use_primary_account_balance": false})),
        )
        .await;
    assert_eq!(made.body["created_at"], millis_z(then), "{}", made.raw);
    let sub = made.body["api_key"].as_str().unwrap().to_string();
    let secret = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/secrets"),
            Some(json!({"secret": "Tomorrow123"})),
        )
        .await;
    assert_eq!(secret.body["created_at"], seconds_z(then), "{}", secret.raw);
    let transfer = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/balance-transfers"),
            Some(json!({"from": KEY, "to": sub, "amount": 1})),
        )
        .await;
    assert_eq!(
        transfer.body["created_at"],
        millis_z(truncate_to_second(then)),
        "{}",
        transfer.raw
    );
    let primary = sb
        .admin(
            Method::POST,
            "/_sandbox/primary-accounts",
            Some(json!({"api_key": "later01", "api_secret": "Later12345"})),
        )
        .await;
    assert_eq!(
        primary.body["created_at"],
        millis_z(then),
        "{}",
        primary.raw
    );
    let charge = sb
        .admin(
            Method::POST,
            &format!("/_sandbox/accounts/{KEY}/auto-reload-charges"),
            Some(json!({"amount": 5})),
        )
        .await;
    assert_eq!(charge.body["created_at"], millis_z(then), "{}", charge.raw);

    // Frozen, only advances move it: a second advance lands exactly there.
    let next = set_clock(&sb, json!({"advance_ms": 1500})).await;
    assert_eq!(next["now_ms"], then + 1500);
    let later = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/balance-transfers"),
            Some(json!({"from": KEY, "to": sub, "amount": 1})),
        )
        .await;
    assert_eq!(
        later.body["created_at"],
        millis_z(truncate_to_second(then + 1500))
    );
}

/// A burst against the command line's defaults (30 a second) with the clock
/// frozen: exactly 30 pass, however slow the machine, and the bucket refills
/// exactly as the clock is moved.
#[tokio::test]
async fn rate_windows_follow_the_clock() {
    let sb = Sandbox::vonage_defaults();
    let frozen = freeze(&sb).await;
    let balance = || sb.primary(Method::GET, "/account/get-balance", None);
    for i in 0..30 {
        assert_eq!(balance().await.status, StatusCode::OK, "request {i}");
    }
    let refused = balance().await;
    refused.assert_problem(429, "#rate-limit");
    assert_eq!(refused.headers["retry-after"], "1");
    // One token takes ceil(1000 / 30) = 34 ms.
    assert_eq!(
        refused.headers["x-ratelimit-reset"].to_str().unwrap(),
        (frozen + 34).to_string()
    );
    assert_eq!(balance().await.status, StatusCode::TOO_MANY_REQUESTS);
    set_clock(&sb, json!({"advance_ms": 33})).await;
    assert_eq!(balance().await.status, StatusCode::TOO_MANY_REQUESTS);
    set_clock(&sb, json!({"advance_ms": 1})).await;
    assert_eq!(balance().await.status, StatusCode::OK, "refilled at reset");
    assert_eq!(balance().await.status, StatusCode::TOO_MANY_REQUESTS);
    // Retry-After, advanced: the next request passes.
    set_clock(&sb, json!({"advance_ms": 1000})).await;
    assert_eq!(balance().await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_backward_or_malformed_change_is_refused_and_changes_nothing() {
    let sb = Sandbox::new();
    let refused = sb
        .admin(
            Method::POST,
            "/_sandbox/clock",
            Some(json!({"advance_ms": -1000})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.raw);
    let error = refused.body["error"].as_str().unwrap();
    assert!(error.contains("only moves forward"), "{error}");
    assert!(error.contains("/_sandbox/reset"), "{error}");
    for body in [
        json!({}),
        json!({"advance_ms": 1.5}),
        json!({"advance_ms": "1000"}),
        json!({"frozen": "yes"}),
        json!({"advance_ms": 1000, "rewind_ms": 1}),
        json!({"advance_ms": 200 * 366 * DAY_MS}),
    ] {
        let reply = sb
            .admin(Method::POST, "/_sandbox/clock", Some(body.clone()))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            reply.raw
        );
        assert!(reply.body["error"].is_string(), "{}", reply.raw);
    }
    let reading = clock(&sb).await;
    assert_eq!(
        (&reading["offset_ms"], &reading["frozen"]),
        (&json!(0), &json!(false))
    );
    // Zero is a forward move too.
    assert_eq!(
        set_clock(&sb, json!({"advance_ms": 0})).await["offset_ms"],
        0
    );
}

#[tokio::test]
async fn reset_returns_to_the_machine_clock() {
    let sb = Sandbox::new();
    set_clock(&sb, json!({"advance_ms": DAY_MS, "frozen": true})).await;
    let reply = sb.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let before = wall_ms();
    let reading = clock(&sb).await;
    let after = wall_ms();
    assert_eq!(
        (&reading["offset_ms"], &reading["frozen"]),
        (&json!(0), &json!(false))
    );
    let now = reading["now_ms"].as_i64().unwrap();
    assert!(
        (before..=after).contains(&now),
        "{before} <= {now} <= {after}"
    );
}

#[tokio::test]
async fn unfrozen_it_runs_on_from_where_it_stood() {
    let sb = Sandbox::new();
    let frozen = freeze(&sb).await;
    let moved = set_clock(&sb, json!({"advance_ms": 60_000, "frozen": false})).await;
    assert_eq!(moved["frozen"], false);
    assert!(
        moved["now_ms"].as_i64().unwrap() >= frozen + 60_000,
        "{moved}"
    );
    assert_eq!(moved["offset_ms"], 60_000);
}

/// The in-process tests run many sandboxes in one process: moving one clock
/// moves no other.
#[tokio::test]
async fn every_sandbox_has_its_own_clock() {
    let moved = Sandbox::new();
    let other = Sandbox::new();
    set_clock(&moved, json!({"advance_ms": DAY_MS, "frozen": true})).await;
    let reading = clock(&other).await;
    assert_eq!(
        (&reading["offset_ms"], &reading["frozen"]),
        (&json!(0), &json!(false))
    );
}

/// The offset is not in the state file, but a sandbox restarted on one
/// stamps every new time after the newest the file holds.
#[tokio::test]
async fn a_restart_on_a_state_file_starts_past_its_newest_time() {
    use tfvonage::sandbox::persistence::StateFile;
    let dir = std::env::temp_dir().join(format!("vsb-clock-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let open = || {
        let state = SandboxState::with_state_file(SandboxOptions::default(), StateFile::new(&path))
            .unwrap();
        Sandbox { app: app(state) }
    };
    let sb = open();
    set_clock(&sb, json!({"advance_ms": DAY_MS})).await;
    let (first, _) = sb.subaccount("before the restart", false).await;
    drop(sb);

    let sb = open();
    let reading = clock(&sb).await;
    assert!(reading["offset_ms"].as_i64().unwrap() > 0, "{reading}");
    let (second, _) = sb.subaccount("after the restart", false).await;
    let listed = sb
        .primary(Method::GET, &format!("/accounts/{KEY}/subaccounts"), None)
        .await;
    let subs = listed.body["_embedded"]["subaccounts"].as_array().unwrap();
    let keys: Vec<&str> = subs
        .iter()
        .map(|s| s["api_key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, [first.as_str(), second.as_str()], "oldest first");
    assert!(subs[0]["created_at"].as_str() <= subs[1]["created_at"].as_str());
    std::fs::remove_dir_all(dir).ok();
}
