//! Rules every API route shares: unknown routes and methods, the per-key
//! rate limit.

mod sandbox_harness;

use axum::http::{Method, StatusCode};
use sandbox_harness::{KEY, Sandbox};
use tfvonage::sandbox::SandboxOptions;

#[tokio::test]
async fn unknown_routes_and_methods_are_problems() {
    let sb = Sandbox::new();
    let reply = sb
        .primary(Method::GET, "/accounts/abcd1234/nothing", None)
        .await;
    reply.assert_problem(404, "#not-found");
    let reply = sb
        .primary(Method::PUT, &format!("/accounts/{KEY}/secrets"), None)
        .await;
    reply.assert_problem(405, "#method-not-allowed");
}

#[tokio::test]
async fn rate_limit_answers_429_with_headers() {
    let sb = Sandbox::with(SandboxOptions {
        rate_limit: Some(2),
        ..SandboxOptions::default()
    });
    let mut limited = None;
    for _ in 0..5 {
        let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(reply);
            break;
        }
    }
    let reply = limited.expect("5 calls within a second exceed a limit of 2");
    reply.assert_problem(429, "#rate-limit");
    assert_eq!(reply.headers["retry-after"], "1");
    assert_eq!(reply.headers["x-ratelimit-limit"], "2");
    assert_eq!(reply.headers["x-ratelimit-remaining"], "0");
    assert!(reply.headers.contains_key("x-ratelimit-reset"));
    let settings = sb.primary(Method::POST, "/account/settings", None).await;
    if settings.status == StatusCode::OK {
        assert_eq!(settings.body["max-calls-per-second"], 2);
    }
}
