//! The `vonage-sandbox` binary on a real socket: the startup contract, TLS,
//! dropped connections, state files. (In-process behaviour: one file per
//! route group on the `sandbox_harness` module; kill -9 durability:
//! sandbox_persistence.rs.)

use crate::common;

use common::{KEY, SECRET, SandboxProcess, file_mode, http, run_to_exit, temp_dir};
use serde_json::{Value, json};

#[tokio::test]
async fn prints_exactly_one_ready_line() {
    let sandbox = SandboxProcess::spawn(&[]);
    let line = sandbox.ready_line.clone();
    assert!(
        line.starts_with("vonage-sandbox listening on http://127.0.0.1:"),
        "{line:?}"
    );
    assert!(line.ends_with('\n'));
    let port: u16 = line.trim_end().rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);
    // Startup time is measured by `cargo bench --bench sandbox`, not asserted here.
    let response = http()
        .get(sandbox.url("/account/get-balance"))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let rest = sandbox.kill();
    assert_eq!(rest, "", "nothing else on stdout");
}

#[test]
fn help_documents_defaults_and_admin_api() {
    let output = run_to_exit(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "--listen",
        "--state",
        "--api-key",
        "--api-secret",
        "--balance",
        "--credit-limit",
        "--rate-limit",
        "[default: 30]",
        "--rate-limit 0",
        "--strict",
        "--check-callbacks",
        "--provision-subaccounts",
        "--transfers-oldest-first",
        "--any-top-up-trx",
        "--max-subaccounts",
        "#provisioning",
        "Vonage's rules on in every mode",
        "Vonage's rules that need --strict",
        "docs/sandbox.md",
        "X-Request-Id",
        "newest first",
        "#invalid-json",
        "#unprovisioned",
        "#unsupported-media-type",
        "within 2 s",
        "before applying a configuration to",
        "/_sandbox/webhooks",
        "auto-reload-charges",
        "subaccounts_provisioned",
        "truncate",
        "keep_bytes",
        "--fault-seed",
        "--admin-from-anywhere",
        "loopback clients only",
        "development tool",
        "/_sandbox/ui",
        "--tls",
        "--tls-cert-out",
        "abcd1234",
        "SandboxSecret1",
        "/_sandbox/health",
        "/_sandbox/reset",
        "/_sandbox/state",
        "/_sandbox/calls",
        "/_sandbox/faults",
        "after_handler",
        "/_sandbox/clock",
        "advance_ms",
        "frozen",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn refuses_bad_arguments() {
    for args in [
        vec!["--api-secret", "weak"],
        vec!["--balance", "lots"],
        vec!["--credit-limit", "-5"],
        vec!["--tls"],
        vec!["--listen", "nonsense"],
    ] {
        let output = run_to_exit(&args);
        assert!(!output.status.success(), "{args:?} was accepted");
        assert!(output.stdout.is_empty(), "{args:?} printed on stdout");
    }
}

#[tokio::test]
async fn max_subaccounts_flag_limits_creates() {
    let sandbox = SandboxProcess::spawn(&["--max-subaccounts", "1"]);
    let create = |name: &'static str| {
        http()
            .post(sandbox.url(&format!("/accounts/{KEY}/subaccounts")))
            .basic_auth(KEY, Some(SECRET))
            .json(&serde_json::json!({ "name": name }))
            .send()
    };
    assert_eq!(create("first").await.unwrap().status(), 200);
    let refused = create("second").await.unwrap();
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body["type"],
        "https://developer.nexmo.com/api-errors/account/subaccounts#provisioning"
    );
}

#[tokio::test]
async fn seeds_the_given_primary() {
    let sandbox = SandboxProcess::spawn(&[
        "--api-key",
        "prim0001",
        "--api-secret",
        "OtherSecret9",
        "--balance",
        "12.345",
        "--credit-limit",
        "50",
    ]);
    let client = http();
    let balance: Value = client
        .get(sandbox.url("/account/get-balance"))
        .basic_auth("prim0001", Some("OtherSecret9"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(balance["value"].to_string(), "12.34500000");
    let list: Value = client
        .get(sandbox.url("/accounts/prim0001/subaccounts"))
        .basic_auth("prim0001", Some("OtherSecret9"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["_embedded"]["primary_account"]["credit_limit"].to_string(),
        "-50.0000"
    );
    let refused = client
        .get(sandbox.url("/account/get-balance"))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}

#[tokio::test]
async fn drop_fault_closes_the_connection_without_a_response() {
    let sandbox = SandboxProcess::spawn(&[]);
    common::admin_post(
        &sandbox,
        "/_sandbox/faults",
        json!({
            "route": "POST /accounts/*/secrets", "kind": "drop", "count": 1, "after_handler": true,
        }),
    )
    .await;
    let result = http()
        .post(sandbox.url(&format!("/accounts/{KEY}/secrets")))
        .basic_auth(KEY, Some(SECRET))
        .json(&json!({"secret": "Dropped1234"}))
        .send()
        .await;
    let error = result.expect_err("the connection must close without a response");
    assert!(!error.is_connect(), "the request was sent: {error:?}");
    // …but the change happened (after_handler).
    let list: Value = http()
        .get(sandbox.url(&format!("/accounts/{KEY}/secrets")))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["_embedded"]["secrets"].as_array().unwrap().len(), 2);
    let calls: Value = http()
        .get(sandbox.url("/_sandbox/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(calls["calls"][0]["fault"], "drop after handler");
    assert_eq!(calls["calls"][0]["status"], Value::Null);
}

#[tokio::test]
async fn tls_mode_serves_https_with_h2_and_http1() {
    let dir = temp_dir("tls");
    let cert_path = dir.join("cert.pem");
    let sandbox = SandboxProcess::spawn(&["--tls", "--tls-cert-out", cert_path.to_str().unwrap()]);
    assert!(
        sandbox.base_url.starts_with("https://127.0.0.1:"),
        "{}",
        sandbox.base_url
    );
    let pem = std::fs::read(&cert_path).unwrap();
    assert!(String::from_utf8_lossy(&pem).contains("BEGIN CERTIFICATE"));
    assert!(!String::from_utf8_lossy(&pem).contains("PRIVATE KEY"));
    let cert = reqwest::Certificate::from_pem(&pem).unwrap();
    let h2 = reqwest::Client::builder()
        .tls_certs_only([cert.clone()])
        .build()
        .unwrap();
    let response = h2
        .get(sandbox.url("/account/get-balance"))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    let h1 = reqwest::Client::builder()
        .tls_certs_only([cert.clone()])
        .http1_only()
        .build()
        .unwrap();
    let response = h1
        .get(sandbox.url(&format!("/accounts/{KEY}/secrets")))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
    // The certificate also names localhost.
    let port = sandbox.base_url.rsplit(':').next().unwrap();
    let response = h1
        .get(format!("https://localhost:{port}/_sandbox/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn state_file_is_private_and_reloaded() {
    let dir = temp_dir("state");
    let path = dir.join("state.json");
    let path_arg = path.to_str().unwrap().to_string();
    let sandbox = SandboxProcess::spawn(&["--state", &path_arg]);
    assert_eq!(file_mode(&path), 0o600);
    common::admin_send(
        &sandbox,
        reqwest::Method::PATCH,
        &format!("/_sandbox/accounts/{KEY}"),
        json!({"balance": 42.5}),
    )
    .await;
    let created = http()
        .post(sandbox.url(&format!("/accounts/{KEY}/subaccounts")))
        .basic_auth(KEY, Some(SECRET))
        .json(&json!({"name": "kept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let created: Value = created.json().await.unwrap();
    sandbox.kill();
    assert_eq!(file_mode(&path), 0o600);

    // Restart without the seed flags: the file wins.
    let sandbox = SandboxProcess::spawn(&["--state", &path_arg, "--balance", "1"]);
    let sub: Value = http()
        .get(sandbox.url(&format!(
            "/accounts/{KEY}/subaccounts/{}",
            created["api_key"].as_str().unwrap()
        )))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sub["name"], "kept");
    let balance: Value = http()
        .get(sandbox.url("/account/get-balance"))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(balance["value"].to_string(), "42.50000000");
    // The subaccount's generated secret still authenticates after restart.
    let secret = created["secret"].as_str().unwrap();
    let own = http()
        .get(sandbox.url("/account/get-balance"))
        .basic_auth(created["api_key"].as_str().unwrap(), Some(secret))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
}

#[test]
fn corrupt_state_file_is_refused_and_left_untouched() {
    let dir = temp_dir("corrupt");
    let path = dir.join("state.json");
    for contents in [
        &b"{\"format\": \"vonage-sandbox-state/1\", \"world\": 7"[..],
        b"",
        b"{\"format\":\"other\",\"world\":{}}",
    ] {
        std::fs::write(&path, contents).unwrap();
        let output = run_to_exit(&["--listen", "127.0.0.1:0", "--state", path.to_str().unwrap()]);
        assert!(!output.status.success());
        assert!(output.stdout.is_empty(), "no ready line");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("state file"), "{stderr}");
        assert_eq!(std::fs::read(&path).unwrap(), contents);
    }
}

#[tokio::test]
async fn rate_limit_flag_throttles_per_key() {
    let sandbox = SandboxProcess::spawn(&["--rate-limit", "3"]);
    // Frozen, the bucket never refills however slow the requests are.
    common::admin_post(&sandbox, "/_sandbox/clock", json!({"frozen": true})).await;
    let client = http();
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let response = client
            .get(sandbox.url("/account/get-balance"))
            .basic_auth(KEY, Some(SECRET))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
            break;
        }
    }
    assert_eq!(statuses, [200, 200, 200, 429]);
}

#[tokio::test]
async fn a_truncate_fault_cuts_the_body_on_the_wire() {
    let sandbox = SandboxProcess::spawn(&[]);
    common::fault(
        &sandbox,
        json!({"route": "GET /accounts/*/secrets", "kind": "truncate", "count": 1}),
    )
    .await;
    let response = http()
        .get(sandbox.url(&format!("/accounts/{KEY}/secrets")))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let declared = response.content_length().unwrap();
    assert!(declared > 100, "{declared}");
    let error = response.bytes().await.expect_err("the body must end early");
    assert!(error.is_body() || error.is_decode(), "{error:?}");
    // The next request is whole again.
    let whole = http()
        .get(sandbox.url(&format!("/accounts/{KEY}/secrets")))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    let body: Value = whole.json().await.unwrap();
    assert_eq!(body["_embedded"]["secrets"].as_array().unwrap().len(), 1);
}

/// Statuses of 30 balance reads against a binary started with `args`,
/// under a 30% fault.
async fn pattern_of(args: &[&str]) -> Vec<u16> {
    let sandbox = SandboxProcess::spawn(args);
    common::fault(
        &sandbox,
        json!({"route": "/account/get-balance", "kind": "status", "status": 500, "ratio": 0.3}),
    )
    .await;
    let client = http();
    let mut statuses = Vec::new();
    for _ in 0..30 {
        let response = client
            .get(sandbox.url("/account/get-balance"))
            .basic_auth(KEY, Some(SECRET))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn fault_seed_gives_the_same_faults_for_the_same_requests() {
    let first = pattern_of(&["--fault-seed", "2026"]).await;
    assert!(first.contains(&500) && first.contains(&200), "{first:?}");
    assert_eq!(pattern_of(&["--fault-seed", "2026"]).await, first);
    assert_ne!(pattern_of(&["--fault-seed", "2027"]).await, first);
}

#[tokio::test]
async fn a_truncated_body_declares_its_full_length_and_sends_keep_bytes() {
    use std::io::{Read, Write};
    let sandbox = SandboxProcess::spawn(&[]);
    common::fault(
        &sandbox,
        json!({"route": "GET /account/get-balance", "kind": "truncate", "keep_bytes": 7,
               "count": 1}),
    )
    .await;
    let address = sandbox.base_url.trim_start_matches("http://").to_string();
    let raw = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        // abcd1234:SandboxSecret1
        stream
            .write_all(
                b"GET /account/get-balance HTTP/1.1\r\nHost: sandbox\r\n\
                  Authorization: Basic YWJjZDEyMzQ6U2FuZGJveFNlY3JldDE=\r\n\r\n",
            )
            .unwrap();
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw); // ends when the server closes
        String::from_utf8(raw).unwrap()
    })
    .await
    .unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let declared: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_string)
        })
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(body, r#"{"value"#);
    assert_eq!(
        declared,
        r#"{"value":100.00000000,"autoReload":false}"#.len()
    );
}

/// Polls the call log until a record for `path` shows up (hyper drops an
/// abandoned request's future when it sees the client's connection close).
async fn call_record(sandbox: &SandboxProcess, path: &str) -> Value {
    common::wait_for(&format!("a call to {path} in the call log"), || async {
        let calls = common::admin_get(sandbox, "/_sandbox/calls").await;
        calls["calls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["path"] == path)
            .cloned()
    })
    .await
}

/// A request its client abandoned (the client hung up during a latency
/// fault) is in the call log, marked abandoned. It used to be missing, even
/// when its handler had run and changed the state.
///
/// The client hangs up once the sandbox shows that it has the request (the
/// change made; the fault taken), never after a fixed time, which a slow
/// machine could spend before the handler ran.
#[tokio::test]
async fn an_abandoned_request_is_in_the_call_log() {
    let sandbox = SandboxProcess::spawn(&[]);
    // The change is made, then the answer is held for a minute: the client
    // hangs up first.
    let subaccounts = format!("/accounts/{KEY}/subaccounts");
    common::admin_post(
        &sandbox,
        "/_sandbox/faults",
        serde_json::json!({"route": format!("POST {subaccounts}"), "kind": "latency",
                           "latency_ms": 60000, "after_handler": true, "count": 1}),
    )
    .await;
    let url = sandbox.url(&subaccounts);
    let request = tokio::spawn(async move {
        http()
            .post(url)
            .basic_auth(KEY, Some(SECRET))
            .json(&serde_json::json!({"name": "made, answer lost"}))
            .send()
            .await
    });
    common::wait_for("the held create to be made", || async {
        let state = common::admin_get(&sandbox, "/_sandbox/state").await;
        (state["subaccounts"][0]["name"] == "made, answer lost").then_some(())
    })
    .await;
    assert!(!request.is_finished(), "the answer is held");
    request.abort(); // the client hangs up
    let call = call_record(&sandbox, &subaccounts).await;
    assert_eq!(call["abandoned"], true, "{call}");
    assert_eq!(call["status"], Value::Null, "{call}");
    assert_eq!(call["handler_status"], 200, "{call}");
    assert_eq!(call["fault"], "latency 60000ms after handler", "{call}");
    let state = common::admin_get(&sandbox, "/_sandbox/state").await;
    assert_eq!(state["subaccounts"][0]["name"], "made, answer lost");
    // Abandoned before the handler ran: recorded, and nothing was handled.
    common::admin_post(
        &sandbox,
        "/_sandbox/faults",
        serde_json::json!({"route": "GET /account/get-balance", "kind": "latency",
                           "latency_ms": 60000, "count": 1}),
    )
    .await;
    let url = sandbox.url("/account/get-balance");
    let request =
        tokio::spawn(async move { http().get(url).basic_auth(KEY, Some(SECRET)).send().await });
    common::wait_until_faults_taken(&sandbox).await;
    assert!(!request.is_finished(), "the request is held");
    request.abort();
    let call = call_record(&sandbox, "/account/get-balance").await;
    assert_eq!(call["abandoned"], true, "{call}");
    assert!(call.get("handler_status").is_none(), "{call}");
    // The dashboard shows both, counted as failed.
    let page = http()
        .get(sandbox.url("/_sandbox/ui/live"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("abandoned (handled: 200)"), "{page}");
    assert!(page.contains("2 calls, 2 failed"), "{page}");
}
