//! Fault injection (`faults.rs`, `middleware.rs`): status, latency and
//! drop faults, before and after the handler, and refused specs.

use crate::sandbox_harness;

use axum::http::{Method, StatusCode};
use sandbox_harness::{KEY, Sandbox};
use serde_json::{Value, json};
use tfvonage::sandbox::SandboxOptions;

#[tokio::test]
async fn status_faults_count_down() {
    let sb = Sandbox::new();
    let reply = sb
        .admin(
            Method::POST,
            "/_sandbox/faults",
            Some(json!({
                "route": "GET /account/get-balance", "kind": "status", "status": 503, "count": 2,
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.raw);
    for _ in 0..2 {
        let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
        reply.assert_problem(503, "#service-unavailable");
    }
    let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    // Other routes were never affected.
    let calls = sb.admin(Method::GET, "/_sandbox/calls", None).await;
    assert_eq!(calls.body["calls"][0]["fault"], "status 503");
}

#[tokio::test]
async fn rate_limit_fault_carries_retry_after() {
    let sb = Sandbox::new();
    sb.admin(
        Method::POST,
        "/_sandbox/faults",
        Some(json!({
            "route": "/accounts", "kind": "status", "status": 429, "retry_after": 3, "count": 1,
        })),
    )
    .await;
    let reply = sb
        .primary(Method::GET, &format!("/accounts/{KEY}/secrets"), None)
        .await;
    reply.assert_problem(429, "#rate-limit");
    assert_eq!(reply.headers["retry-after"], "3");
}

#[tokio::test]
async fn after_handler_faults_apply_the_change() {
    let sb = Sandbox::new();
    sb.admin(
        Method::POST,
        "/_sandbox/faults",
        Some(
            json!({"route": "POST /accounts/*/subaccounts$", "kind": "status", "status": 500,
                     "count": 1, "after_handler": true}),
        ),
    )
    .await;
    let reply = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/subaccounts"),
            Some(json!({"name": "ghost"})),
        )
        .await;
    reply.assert_problem(500, "#internal-error");
    let reply = sb
        .primary(Method::GET, &format!("/accounts/{KEY}/subaccounts"), None)
        .await;
    assert_eq!(reply.body["_embedded"]["subaccounts"][0]["name"], "ghost");

    // A drop before the handler changes nothing; in-process it is marked.
    sb.admin(
        Method::POST,
        "/_sandbox/faults",
        Some(json!({"route": "POST /accounts", "kind": "drop", "count": 1})),
    )
    .await;
    let reply = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/secrets"),
            Some(json!({"secret": "Dropped123"})),
        )
        .await;
    assert!(reply.dropped);
    let reply = sb
        .primary(Method::GET, &format!("/accounts/{KEY}/secrets"), None)
        .await;
    assert_eq!(
        reply.body["_embedded"]["secrets"].as_array().unwrap().len(),
        1
    );
    let calls = sb.admin(Method::GET, "/_sandbox/calls", None).await;
    let dropped = calls.body["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["fault"] == "drop")
        .unwrap()
        .clone();
    assert_eq!(dropped["status"], Value::Null);
}

#[tokio::test]
async fn latency_faults_delay() {
    let sb = Sandbox::new();
    sb.admin(
        Method::POST,
        "/_sandbox/faults",
        Some(json!({"kind": "latency", "latency_ms": 150, "count": 1})),
    )
    .await;
    let started = std::time::Instant::now();
    let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(started.elapsed() >= std::time::Duration::from_millis(150));
}

#[tokio::test]
async fn invalid_fault_specs_are_refused() {
    let sb = Sandbox::new();
    for body in [
        json!({"kind": "status"}),
        json!({"kind": "latency"}),
        json!({"kind": "explode"}),
        json!({"kind": "drop", "ratio": 2.0}),
        json!({"kind": "drop", "color": "red"}),
        json!({"kind": "status", "status": 500, "keep_bytes": 3}),
    ] {
        let reply = sb.admin(Method::POST, "/_sandbox/faults", Some(body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.raw);
        assert!(reply.body["error"].is_string());
    }
}

#[tokio::test]
async fn truncate_cuts_the_body_after_the_real_change() {
    let sb = Sandbox::new();
    sb.admin(
        Method::POST,
        "/_sandbox/faults",
        Some(json!({"route": "POST /accounts/*/subaccounts$", "kind": "truncate", "count": 1})),
    )
    .await;
    let reply = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/subaccounts"),
            Some(json!({"name": "half answered"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body_failed, "the body must end in an error");
    let declared: usize = reply.headers["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(reply.raw.len(), declared / 2, "half of {declared} bytes");
    assert_eq!(reply.body, Value::Null, "not parsable");
    // The change was made.
    let list = sb
        .primary(Method::GET, &format!("/accounts/{KEY}/subaccounts"), None)
        .await;
    assert_eq!(
        list.body["_embedded"]["subaccounts"][0]["name"],
        "half answered"
    );
    let calls = sb.admin(Method::GET, "/_sandbox/calls", None).await;
    assert_eq!(calls.body["calls"][0]["fault"], "truncate");
    assert_eq!(calls.body["calls"][0]["status"], 200);

    // keep_bytes chooses the cut.
    sb.admin(
        Method::POST,
        "/_sandbox/faults",
        Some(
            json!({"route": "GET /account/get-balance", "kind": "truncate", "keep_bytes": 5,
                    "count": 1}),
        ),
    )
    .await;
    let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
    assert!(reply.body_failed);
    assert_eq!(reply.raw, r#"{"val"#);
}

/// The statuses of 40 balance reads under a 50% fault.
async fn ratio_pattern(sb: &Sandbox) -> Vec<u16> {
    sb.admin(
        Method::POST,
        "/_sandbox/faults",
        Some(
            json!({"route": "GET /account/get-balance", "kind": "status", "status": 503,
                    "ratio": 0.5}),
        ),
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
        statuses.push(reply.status.as_u16());
        // Other routes do not draw.
        sb.primary(Method::GET, &format!("/accounts/{KEY}/secrets"), None)
            .await;
    }
    statuses
}

#[tokio::test]
async fn a_fault_seed_makes_ratio_faults_reproducible() {
    let seeded = |seed| {
        Sandbox::with(SandboxOptions {
            rate_limit: None,
            fault_seed: Some(seed),
            ..SandboxOptions::default()
        })
    };
    let first = seeded(42);
    let pattern = ratio_pattern(&first).await;
    let failures = pattern.iter().filter(|s| **s == 503).count();
    assert!((8..=32).contains(&failures), "{failures} of 40 at 0.5");
    assert_eq!(ratio_pattern(&seeded(42)).await, pattern, "same seed");
    let listed = first.admin(Method::GET, "/_sandbox/faults", None).await;
    assert_eq!(listed.body["seed"], 42);
    // Reset clears the faults: the draws start again from the seed.
    first.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(ratio_pattern(&first).await, pattern, "after reset");
    assert_ne!(ratio_pattern(&seeded(43)).await, pattern, "another seed");
    let unseeded = Sandbox::new();
    assert_eq!(
        unseeded
            .admin(Method::GET, "/_sandbox/faults", None)
            .await
            .body["seed"],
        Value::Null
    );
}
