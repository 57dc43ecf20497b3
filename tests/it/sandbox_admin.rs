//! The admin API (`admin.rs`): the state dump, the call log, reset, seeding
//! primaries, and a state file reloaded in-process.

use crate::sandbox_harness;

use axum::http::{Method, StatusCode};
use sandbox_harness::{KEY, SECRET, Sandbox, is_millis_z};
use serde_json::json;
use tfvonage::sandbox::{SandboxOptions, SandboxState, app};
use tower::ServiceExt;

#[tokio::test]
async fn admin_state_dump_redacts_secret_values() {
    let sb = Sandbox::new();
    let (_, sub_secret) = sb.subaccount("dumped", false).await;
    let reply = sb.admin(Method::GET, "/_sandbox/state", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(!reply.raw.contains(SECRET));
    assert!(!reply.raw.contains(&sub_secret));
    assert_eq!(reply.body["accounts"][0]["api_key"], KEY);
    assert_eq!(
        reply.body["accounts"][0]["secrets"][0]["value"],
        "[redacted]"
    );
    assert_eq!(reply.body["subaccounts"][0]["name"], "dumped");
    assert!(reply.body["accounts"][0]["settings"].is_object());
}

#[tokio::test]
async fn call_log_never_holds_credentials() {
    let sb = Sandbox::new();
    let query = format!("/account/get-balance?api_key={KEY}&api_secret={SECRET}&x=1");
    sb.call(Method::GET, &query, None, None).await;
    sb.primary(Method::GET, "/accounts/abcd1234/secrets", None)
        .await;
    sb.admin(Method::GET, "/_sandbox/health", None).await;
    let reply = sb.admin(Method::GET, "/_sandbox/calls", None).await;
    assert!(!reply.raw.contains(SECRET));
    let calls = reply.body["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2, "admin calls are not logged: {}", reply.raw);
    assert_eq!(calls[0]["method"], "GET");
    assert_eq!(calls[0]["path"], "/account/get-balance");
    assert_eq!(calls[0]["query"], "x=1");
    assert_eq!(calls[0]["status"], 200);
    assert!(is_millis_z(calls[0]["time"].as_str().unwrap()));
    let reply = sb.admin(Method::DELETE, "/_sandbox/calls", None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let reply = sb.admin(Method::GET, "/_sandbox/calls", None).await;
    assert_eq!(reply.body["calls"], json!([]));
}

#[tokio::test]
async fn reset_returns_to_the_seed() {
    let sb = Sandbox::new();
    let before = sb.admin(Method::GET, "/_sandbox/state", None).await.body;
    sb.subaccount("temp", false).await;
    sb.primary(
        Method::POST,
        &format!("/accounts/{KEY}/secrets"),
        Some(json!({"secret": "Another123"})),
    )
    .await;
    sb.admin(
        Method::POST,
        "/_sandbox/faults",
        Some(json!({"kind": "status", "status": 500})),
    )
    .await;
    let reply = sb.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let after = sb.admin(Method::GET, "/_sandbox/state", None).await.body;
    assert_eq!(before, after);
    let reply = sb.admin(Method::GET, "/_sandbox/faults", None).await;
    assert_eq!(reply.body["faults"], json!([]));
    let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn state_file_survives_a_restart_in_process() {
    use tfvonage::sandbox::persistence::StateFile;
    let dir = std::env::temp_dir().join(format!("vsb-app-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let state =
        SandboxState::with_state_file(SandboxOptions::default(), StateFile::new(&path)).unwrap();
    let sb = Sandbox { app: app(state) };
    let (sub, _) = sb.subaccount("durable", false).await;
    drop(sb);
    let state =
        SandboxState::with_state_file(SandboxOptions::default(), StateFile::new(&path)).unwrap();
    let sb = Sandbox { app: app(state) };
    let reply = sb
        .primary(
            Method::GET,
            &format!("/accounts/{KEY}/subaccounts/{sub}"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["name"], "durable");
    std::fs::remove_dir_all(dir).ok();
}

/// Identical concurrent `POST /_sandbox/primary-accounts`: the existence
/// check runs under the same lock as the insert, so exactly one succeeds.
/// (With the check outside the lock this failed in about a third of the
/// rounds on two cores.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_identical_primary_posts_create_one_account() {
    let sb = Sandbox::new();
    for round in 0..100 {
        let body = json!({"api_key": format!("race{round:04}"), "api_secret": "RaceSecret1"});
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let app = sb.app.clone();
                let body = body.clone();
                tokio::spawn(async move {
                    let sb = Sandbox { app };
                    sb.admin(Method::POST, "/_sandbox/primary-accounts", Some(body))
                        .await
                        .status
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(task.await.unwrap().as_u16());
        }
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 409, 409, 409], "round {round}");
    }
}

#[tokio::test]
async fn the_admin_api_answers_loopback_clients_only() {
    let sb = Sandbox::new();
    let remote: std::net::SocketAddr = "10.1.2.3:50000".parse().unwrap();
    let get = |path: &str| {
        axum::http::Request::builder()
            .uri(path)
            .header(
                axum::http::header::AUTHORIZATION,
                sandbox_harness::basic(KEY, SECRET),
            )
            .body(axum::body::Body::empty())
            .unwrap()
    };
    for path in [
        "/_sandbox/state",
        "/_sandbox/ui",
        "/_sandbox/webhooks/x",
        "/_sandbox/health",
    ] {
        let reply = sb.send_from(remote, get(path)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            reply.body["error"]
                .as_str()
                .unwrap()
                .contains("--admin-from-anywhere")
        );
        assert!(!reply.raw.contains(SECRET));
    }
    // The API itself answers anyone; IPv6 and mapped loopback count as loopback.
    assert_eq!(
        sb.send_from(remote, get("/account/get-balance"))
            .await
            .status,
        StatusCode::OK
    );
    for local in ["[::1]:1", "[::ffff:127.0.0.1]:1", "127.9.9.9:1"] {
        let reply = sb
            .send_from(local.parse().unwrap(), get("/_sandbox/health"))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{local}");
    }
    // No socket, no peer: refused.
    let reply = sb
        .app
        .clone()
        .oneshot(get("/_sandbox/health"))
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::FORBIDDEN);

    let open = Sandbox::with(SandboxOptions {
        admin_from_anywhere: true,
        ..SandboxOptions::default()
    });
    let reply = open.send_from(remote, get("/_sandbox/state")).await;
    assert_eq!(reply.status, StatusCode::OK);
}

/// Vonage's recorded subaccount list shows a primary whose `name` is `null`:
/// the admin API makes such a primary with `"name": null` (an absent name
/// gets the default), and the API lists it as `null`.
#[tokio::test]
async fn a_primary_without_a_name_is_listed_with_a_null_name() {
    let sb = Sandbox::new();
    let made = sb
        .admin(
            Method::POST,
            "/_sandbox/primary-accounts",
            Some(json!({"api_key": "nameless", "api_secret": "Nameless123", "name": null})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.raw);
    assert_eq!(made.body["name"], json!(null));
    let listed = sb
        .call(
            Method::GET,
            "/accounts/nameless/subaccounts",
            Some(("nameless", "Nameless123")),
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.raw);
    let primary = &listed.body["_embedded"]["primary_account"];
    assert!(primary.as_object().unwrap().contains_key("name"));
    assert_eq!(primary["name"], json!(null));
    // Without "name" the primary gets the default one.
    let made = sb
        .admin(
            Method::POST,
            "/_sandbox/primary-accounts",
            Some(json!({"api_key": "named", "api_secret": "Named12345"})),
        )
        .await;
    assert_eq!(made.body["name"], "Sandbox primary account");
}
