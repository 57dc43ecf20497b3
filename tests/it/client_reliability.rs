//! The client's retry, reconciliation, pacing and cancellation behaviour,
//! driven through the sandbox's fault injection over real HTTP.

use crate::common;

use std::time::{Duration, Instant};

use common::requests::{new_subaccount, own_balance_sub, transfer_request};
use common::{KEY, SECRET, SandboxProcess, calls, client, client_config, fault};
use serde_json::json;
use tfvonage::vonage::{
    CancellationToken, Client, Error, NumberTransfer, Secret, TransferQuery, TransportClass,
};

// ------------------------------------------------------------ idempotent calls

#[tokio::test]
async fn retry_after_is_honoured_on_429() {
    let sandbox = SandboxProcess::spawn(&[]);
    fault(
        &sandbox,
        json!({
            "route": "GET /account/get-balance", "kind": "status", "status": 429, "retry_after": 1,
            "count": 1,
        }),
    )
    .await;
    let started = Instant::now();
    client(&sandbox).get_balance().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        calls(&sandbox, "GET", "/account/get-balance").await.len(),
        2
    );
}

#[tokio::test]
async fn persistent_429_ends_as_rate_limited() {
    let sandbox = SandboxProcess::spawn(&[]);
    fault(
        &sandbox,
        json!({"route": "/accounts", "kind": "status", "status": 429, "retry_after": 0}),
    )
    .await;
    let error = client(&sandbox).list_secrets(KEY).await.unwrap_err();
    assert_eq!(
        error,
        Error::RateLimited {
            retry_after: Some(Duration::ZERO)
        }
    );
    // 1 attempt + 3 retries.
    assert_eq!(calls(&sandbox, "GET", "/accounts").await.len(), 4);
}

#[tokio::test]
async fn server_errors_and_drops_are_retried_for_reads() {
    let sandbox = SandboxProcess::spawn(&[]);
    fault(
        &sandbox,
        json!({"route": "GET /accounts", "kind": "status", "status": 500, "count": 1}),
    )
    .await;
    fault(
        &sandbox,
        json!({"route": "GET /accounts", "kind": "status", "status": 503, "count": 1}),
    )
    .await;
    fault(
        &sandbox,
        json!({"route": "GET /accounts", "kind": "drop", "count": 1}),
    )
    .await;
    let secrets = client(&sandbox).list_secrets(KEY).await.unwrap();
    assert_eq!(secrets.len(), 1);
    let statuses: Vec<_> = calls(&sandbox, "GET", "/accounts")
        .await
        .iter()
        .map(|c| c["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        vec![json!(500), json!(503), json!(null), json!(200)]
    );
}

#[tokio::test]
async fn exhausted_retries_report_the_last_failure() {
    let sandbox = SandboxProcess::spawn(&[]);
    fault(
        &sandbox,
        json!({"route": "/account", "kind": "status", "status": 503}),
    )
    .await;
    let error = client(&sandbox).get_balance().await.unwrap_err();
    assert!(matches!(error, Error::Api { status: 503, .. }), "{error:?}");
}

#[tokio::test]
async fn slow_responses_time_out_and_are_retried() {
    let sandbox = SandboxProcess::spawn(&[]);
    fault(
        &sandbox,
        json!({"route": "/account", "kind": "latency", "latency_ms": 3000, "count": 1}),
    )
    .await;
    let mut config = client_config(&sandbox, KEY, SECRET);
    config.timeout = Duration::from_millis(500);
    let client = Client::new(config).unwrap();
    client.read_settings().await.unwrap();
    fault(
        &sandbox,
        json!({"route": "/account", "kind": "latency", "latency_ms": 3000}),
    )
    .await;
    let error = client.read_settings().await.unwrap_err();
    match &error {
        Error::Timeout { after, .. } => assert_eq!(*after, Duration::from_millis(500)),
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("timed out"));
}

#[tokio::test]
async fn revoke_retried_after_an_applied_failure_counts_as_done() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let extra = client
        .create_secret(KEY, &Secret::from("Extra123456"))
        .await
        .unwrap();
    fault(
        &sandbox,
        json!({
            "route": "DELETE /accounts", "kind": "status", "status": 500, "count": 1,
            "after_handler": true,
        }),
    )
    .await;
    client.revoke_secret(KEY, &extra.id).await.unwrap();
    let statuses: Vec<_> = calls(&sandbox, "DELETE", "/accounts")
        .await
        .iter()
        .map(|c| c["status"].clone())
        .collect();
    assert_eq!(statuses, vec![json!(500), json!(404)]);
    assert_eq!(client.list_secrets(KEY).await.unwrap().len(), 1);
}

#[tokio::test]
async fn number_transfer_after_a_lost_answer_counts_as_done() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let sub = own_balance_sub(&client, "numbers").await;
    common::admin_post(
        &sandbox,
        &format!("/_sandbox/accounts/{KEY}/numbers"),
        json!({"number": "447700900001", "country": "GB"}),
    )
    .await;
    fault(
        &sandbox,
        json!({
            "route": "POST /accounts/*/transfer-number", "kind": "drop", "count": 1,
            "after_handler": true,
        }),
    )
    .await;
    let result = client
        .transfer_number(&NumberTransfer {
            from: KEY.into(),
            to: sub.clone(),
            number: "447700900001".into(),
            country: "GB".into(),
        })
        .await
        .unwrap();
    assert_eq!(result.to, sub);
    let state = common::admin_get(&sandbox, "/_sandbox/state").await;
    assert_eq!(state["numbers"][0]["owner"], sub.as_str());
}

// ------------------------------------------------------------ creates

#[tokio::test]
async fn lost_secret_create_is_adopted_without_duplicate() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    for kind in [
        json!({"kind": "status", "status": 500}),
        json!({"kind": "drop"}),
    ] {
        common::http()
            .post(sandbox.url("/_sandbox/reset"))
            .send()
            .await
            .unwrap();
        let mut spec = kind.clone();
        spec["route"] = json!("POST /accounts/*/secrets");
        spec["count"] = json!(1);
        spec["after_handler"] = json!(true);
        fault(&sandbox, spec).await;
        let created = client
            .create_secret(KEY, &Secret::from("Adopted12345"))
            .await
            .unwrap();
        let secrets = client.list_secrets(KEY).await.unwrap();
        assert_eq!(secrets.len(), 2, "{kind}");
        assert!(secrets.contains(&created));
        assert_eq!(
            calls(&sandbox, "POST", "/accounts").await.len(),
            1,
            "never re-posted"
        );
        // The adopted secret is the one we sent.
        common::client_as(&sandbox, KEY, "Adopted12345")
            .get_balance()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn secret_create_that_did_not_happen_is_sent_again() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    fault(
        &sandbox,
        json!({"route": "POST /accounts/*/secrets", "kind": "status", "status": 503, "count": 1}),
    )
    .await;
    let created = client
        .create_secret(KEY, &Secret::from("Retried12345"))
        .await
        .unwrap();
    assert_eq!(client.list_secrets(KEY).await.unwrap().len(), 2);
    let posts: Vec<_> = calls(&sandbox, "POST", "/accounts")
        .await
        .iter()
        .map(|c| c["status"].clone())
        .collect();
    assert_eq!(posts, vec![json!(503), json!(201)]);
    assert_eq!(client.get_secret(KEY, &created.id).await.unwrap(), created);
}

#[tokio::test]
async fn timed_out_secret_create_is_adopted() {
    let sandbox = SandboxProcess::spawn(&[]);
    // The client's 2 s timeout must fire after the handler has made the secret (a slow machine
    // can spend a few hundred ms getting there), and long before the held answer.
    let client = client(&sandbox);
    fault(
        &sandbox,
        json!({
            "route": "POST /accounts/*/secrets", "kind": "latency", "latency_ms": 60000,
            "count": 1, "after_handler": true,
        }),
    )
    .await;
    let created = client
        .create_secret(KEY, &Secret::from("Timeout12345"))
        .await
        .unwrap();
    let secrets = client.list_secrets(KEY).await.unwrap();
    assert_eq!(secrets.len(), 2);
    assert!(secrets.contains(&created));
}

#[tokio::test]
async fn lost_subaccount_create_is_adopted() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    // With the caller's secret: adopted with that secret.
    fault(
        &sandbox,
        json!({
            "route": "POST /accounts/*/subaccounts", "kind": "status", "status": 500, "count": 1,
            "after_handler": true,
        }),
    )
    .await;
    let (sub, secret) = client
        .create_subaccount(&new_subaccount(
            "adopted",
            Some(false),
            Some("GivenSecret1"),
        ))
        .await
        .unwrap();
    assert_eq!(sub.name, "adopted");
    assert_eq!(secret.unwrap().expose(), "GivenSecret1");
    // Generated secret: adopted, but the secret is unknowable.
    fault(
        &sandbox,
        json!({
            "route": "POST /accounts/*/subaccounts", "kind": "drop", "count": 1,
            "after_handler": true,
        }),
    )
    .await;
    let (generated, secret) = client
        .create_subaccount(&new_subaccount("generated", None, None))
        .await
        .unwrap();
    assert_eq!(generated.name, "generated");
    assert!(secret.is_none());
    let list = client.list_subaccounts().await.unwrap();
    assert_eq!(list.subaccounts.len(), 2, "no duplicates");
    assert_eq!(calls(&sandbox, "POST", "/accounts").await.len(), 2);
}

#[tokio::test]
async fn subaccount_create_with_two_candidates_is_an_unknown_outcome() {
    let sandbox = SandboxProcess::spawn(&[]);
    // A timeout well past the held answer below: a timed-out before-list would be read again.
    let mut config = client_config(&sandbox, KEY, SECRET);
    config.timeout = Duration::from_secs(30);
    let client = Client::new(config).unwrap();
    // The before-list is read at once and answered 3 s later; meanwhile someone else creates
    // "twin".
    fault(
        &sandbox,
        json!({
            "route": "GET /accounts/*/subaccounts", "kind": "latency", "latency_ms": 3000,
            "count": 1, "after_handler": true,
        }),
    )
    .await;
    let task = {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .create_subaccount(&new_subaccount("twin", None, None))
                .await
        })
    };
    // The fault is taken as the before-list arrives, which its handler then reads (the taking
    // and the reading happen in one step of the request, without a wait between them).
    common::wait_until_faults_taken(&sandbox).await;
    let other = common::http()
        .post(sandbox.url(&format!("/accounts/{KEY}/subaccounts")))
        .basic_auth(KEY, Some(SECRET))
        .json(&json!({"name": "twin"}))
        .send()
        .await
        .unwrap();
    assert!(other.status().is_success());
    // Now the client's own POST is applied but its answer lost.
    fault(
        &sandbox,
        json!({
            "route": "POST /accounts/*/subaccounts", "kind": "status", "status": 500, "count": 1,
            "after_handler": true,
        }),
    )
    .await;
    let error = task.await.unwrap().unwrap_err();
    match &error {
        Error::UnknownOutcome { operation, detail } => {
            assert!(operation.contains("twin"), "{operation}");
            assert!(detail.contains("2 new subaccounts"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn transfer_with_reference_is_reconciled_once() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let sub = own_balance_sub(&client, "funded").await;
    fault(
        &sandbox,
        json!({
            "route": "POST /accounts/*/balance-transfers", "kind": "drop", "count": 1,
            "after_handler": true,
        }),
    )
    .await;
    let transfer = client
        .transfer_balance(&transfer_request(KEY, &sub, "7.5", Some("tf-run-1")))
        .await
        .unwrap();
    assert_eq!(transfer.reference.as_deref(), Some("tf-run-1"));
    let all = client
        .list_balance_transfers(&TransferQuery::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1, "moved once");
    assert_eq!(all[0].id, transfer.id);
    assert_eq!(
        client
            .get_subaccount(&sub)
            .await
            .unwrap()
            .balance
            .unwrap()
            .to_string(),
        "7.5000"
    );
}

#[tokio::test]
async fn credit_transfer_that_did_not_happen_is_sent_again() {
    let sandbox = SandboxProcess::spawn(&["--credit-limit", "50"]);
    let client = client(&sandbox);
    let sub = own_balance_sub(&client, "credit").await;
    fault(
        &sandbox,
        json!({
            "route": "POST /accounts/*/credit-transfers", "kind": "status", "status": 502,
            "count": 1,
        }),
    )
    .await;
    client
        .transfer_credit(&transfer_request(KEY, &sub, "10", Some("retry-me")))
        .await
        .unwrap();
    assert_eq!(
        client
            .list_credit_transfers(&TransferQuery::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        calls(&sandbox, "POST", "/accounts/abcd1234/credit")
            .await
            .len(),
        2
    );
}

#[tokio::test]
async fn transfer_without_reference_is_found_not_repeated() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let sub = own_balance_sub(&client, "funded").await;
    fault(
        &sandbox,
        json!({
            "route": "POST /accounts/*/balance-transfers", "kind": "status", "status": 500,
            "count": 1, "after_handler": true,
        }),
    )
    .await;
    let transfer = client
        .transfer_balance(&transfer_request(KEY, &sub, "3", None))
        .await
        .unwrap();
    let all = client
        .list_balance_transfers(&TransferQuery::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1, "moved once");
    assert_eq!(all[0].id, transfer.id);
    assert_eq!(
        calls(&sandbox, "POST", "/accounts/abcd1234/balance")
            .await
            .len(),
        1
    );
}

/// A reference need not be unique: an earlier transfer with the same accounts, amount and
/// reference is set aside (it was in the list read before the POST), and the new one is found.
#[tokio::test]
async fn a_repeated_reference_is_not_taken_for_the_lost_transfer() {
    let sandbox = SandboxProcess::spawn(&["--credit-limit", "50"]);
    let client = client(&sandbox);
    let sub = own_balance_sub(&client, "credit").await;
    let request = transfer_request(KEY, &sub, "5", Some("monthly"));
    let first = client.transfer_credit(&request).await.unwrap();
    fault(
        &sandbox,
        json!({
            "route": "POST /accounts/*/credit-transfers", "kind": "drop", "count": 1,
            "after_handler": true,
        }),
    )
    .await;
    let second = client.transfer_credit(&request).await.unwrap();
    assert_ne!(
        second.id, first.id,
        "the lost transfer, not the earlier one"
    );
    let all = client
        .list_credit_transfers(&TransferQuery::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(
        calls(&sandbox, "POST", "/accounts/abcd1234/credit")
            .await
            .len(),
        2
    );

    // And when the POST provably did not happen, the earlier transfer does not stop it either.
    fault(
        &sandbox,
        json!({
            "route": "POST /accounts/*/credit-transfers", "kind": "status", "status": 503,
            "count": 1,
        }),
    )
    .await;
    let third = client.transfer_credit(&request).await.unwrap();
    assert!(third.id != first.id && third.id != second.id);
    let all = client
        .list_credit_transfers(&TransferQuery::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 3, "{all:?}");
}

/// With a reference the caller vouches is unique, nothing is listed before the POST.
#[tokio::test]
async fn a_unique_reference_needs_no_list_before_the_post() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let sub = own_balance_sub(&client, "funded").await;
    let mut request = transfer_request(KEY, &sub, "1", Some("tf-2f9c1d"));
    request.reference_is_unique = true;
    client.transfer_balance(&request).await.unwrap();
    assert!(
        calls(&sandbox, "GET", "/accounts/abcd1234/balance")
            .await
            .is_empty()
    );
    request.reference_is_unique = false;
    request.reference = Some("tf-7a41e0".into());
    client.transfer_balance(&request).await.unwrap();
    assert_eq!(
        calls(&sandbox, "GET", "/accounts/abcd1234/balance")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn top_up_with_a_lost_answer_is_an_unknown_outcome() {
    // Any trx, so the handler really tops up before the fault hides it.
    let sandbox = SandboxProcess::spawn(&["--any-top-up-trx"]);
    common::admin_send(
        &sandbox,
        reqwest::Method::PATCH,
        &format!("/_sandbox/accounts/{KEY}"),
        json!({"auto_reload": true}),
    )
    .await;
    fault(
        &sandbox,
        json!({
            "route": "POST /account/top-up", "kind": "status", "status": 500, "count": 1,
            "after_handler": true,
        }),
    )
    .await;
    let error = client(&sandbox).top_up("trx").await.unwrap_err();
    assert!(matches!(error, Error::UnknownOutcome { .. }), "{error:?}");
    assert_eq!(calls(&sandbox, "POST", "/account/top-up").await.len(), 1);
}

#[tokio::test]
async fn unreachable_server_is_a_transport_error_even_for_creates() {
    // Bind then drop a listener: the port is (very likely) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = tfvonage::vonage::ClientConfig::new(KEY, Secret::from(SECRET));
    config.rest_url = format!("http://127.0.0.1:{port}");
    config.api_url = config.rest_url.clone();
    config.retry_base_delay = Duration::from_millis(5);
    config.retry_max_delay = Duration::from_millis(20);
    let client = Client::new(config).unwrap();
    let read = client.get_balance().await.unwrap_err();
    let expected_url = format!("http://127.0.0.1:{port}/account/get-balance");
    assert!(
        matches!(&read, Error::Transport { class: TransportClass::Refused, url, .. }
            if *url == expected_url),
        "{read:?}"
    );
    let create = client.top_up("trx").await.unwrap_err();
    assert!(
        matches!(create, Error::Transport { .. }),
        "not unknown: {create:?}"
    );
    assert!(!create.to_string().contains(SECRET));
}

#[tokio::test]
async fn transport_failures_are_classified_with_the_url_tried() {
    // A name that cannot resolve (`.invalid` is reserved for exactly that).
    let mut config = tfvonage::vonage::ClientConfig::new(KEY, Secret::from(SECRET));
    config.rest_url = "http://vonage-sandbox.invalid:8080".into();
    config.api_url = config.rest_url.clone();
    config.max_retries = Some(0);
    let dns = Client::new(config)
        .unwrap()
        .get_balance()
        .await
        .unwrap_err();
    assert!(
        matches!(&dns, Error::Transport { class: TransportClass::Dns, url, .. }
            if url == "http://vonage-sandbox.invalid:8080/account/get-balance"),
        "{dns:?}"
    );

    // A TLS server whose certificate the client does not trust, then does.
    let dir = common::temp_dir("tls-trust");
    let cert = dir.join("sandbox.pem");
    let cert_arg = cert.to_str().unwrap();
    let sandbox = SandboxProcess::spawn(&["--tls", "--tls-cert-out", cert_arg]);
    let mut config = client_config(&sandbox, KEY, SECRET);
    config.max_retries = Some(0);
    let untrusted = Client::new(config.clone())
        .unwrap()
        .get_balance()
        .await
        .unwrap_err();
    assert!(
        matches!(&untrusted, Error::Transport { class: TransportClass::Tls, url, .. }
            if url.starts_with("https://127.0.0.1:")),
        "{untrusted:?}"
    );
    config.extra_root_certificate_pem = Some(std::fs::read_to_string(&cert).unwrap());
    Client::new(config).unwrap().get_balance().await.unwrap();
}

// ------------------------------------------------------------ pacing, cancellation

#[tokio::test]
async fn client_side_rate_limit_spreads_calls() {
    let sandbox = SandboxProcess::spawn(&[]);
    let mut config = client_config(&sandbox, KEY, SECRET);
    config.rate_limit_per_second = 20.0;
    let client = Client::new(config).unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_balance().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    // Six slots at 20/s from the first call, no burst: the last starts ≥ 250 ms after the first
    // (a burst of two would let all six finish in about 200 ms).
    assert!(
        started.elapsed() >= Duration::from_millis(245),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn client_pacing_stays_under_the_sandbox_limit() {
    let sandbox = SandboxProcess::spawn(&["--rate-limit", "10"]);
    let mut config = client_config(&sandbox, KEY, SECRET);
    config.rate_limit_per_second = 8.0;
    config.max_retries = Some(0);
    let client = Client::new(config).unwrap();
    for _ in 0..12 {
        client.get_balance().await.unwrap();
    }
}

#[tokio::test]
async fn a_create_in_flight_is_answered_not_abandoned_when_cancelled() {
    let sandbox = SandboxProcess::spawn(&[]);
    let token = CancellationToken::new();
    let client = client(&sandbox).with_cancel(token.clone());
    // Vonage makes the secret at once but answers 1.5 s later; the stop comes in between, once
    // the sandbox holds the POST.
    fault(
        &sandbox,
        json!({
            "route": "POST /accounts/*/secrets", "kind": "latency", "latency_ms": 1500,
            "count": 1, "after_handler": true,
        }),
    )
    .await;
    let creating = {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .create_secret(KEY, &Secret::from("Finished1Anyway"))
                .await
        })
    };
    common::wait_until_faults_taken(&sandbox).await;
    token.cancel();
    let made = creating
        .await
        .unwrap()
        .expect("the answer is awaited, so the caller knows what Vonage made");
    let listed = common::client(&sandbox).list_secrets(KEY).await.unwrap();
    assert!(listed.iter().any(|s| s.id == made.id));
    // And nothing new starts once cancelled.
    let before = calls(&sandbox, "POST", "/").await.len();
    assert_eq!(
        client
            .create_secret(KEY, &Secret::from("Never1Sent"))
            .await
            .unwrap_err(),
        Error::Cancelled
    );
    assert_eq!(calls(&sandbox, "POST", "/").await.len(), before);
}

/// Each cancellation comes once the sandbox shows the request held (or answered with a 429), and
/// what proves it interrupted is what the sandbox saw, not a stopwatch: the held request was
/// hung up on (it would otherwise be answered after a minute, within the client's timeout),
/// and the 429 was never retried (the client would retry after 20 s).
#[tokio::test]
async fn cancellation_interrupts_requests_and_backoff() {
    let sandbox = SandboxProcess::spawn(&[]);
    let token = CancellationToken::new();
    let mut config = client_config(&sandbox, KEY, SECRET);
    config.timeout = Duration::from_secs(120);
    let client = Client::new(config).unwrap().with_cancel(token.clone());
    fault(
        &sandbox,
        json!({"route": "/account", "kind": "latency", "latency_ms": 60000, "count": 1}),
    )
    .await;
    let reading = tokio::spawn(async move { client.get_balance().await });
    common::wait_until_faults_taken(&sandbox).await;
    token.cancel();
    assert_eq!(reading.await.unwrap().unwrap_err(), Error::Cancelled);
    let held = common::wait_for("the held request in the call log", || async {
        calls(&sandbox, "GET", "/account/get-balance").await.pop()
    })
    .await;
    assert_eq!(held["abandoned"], true, "{held}");

    // During a long Retry-After wait.
    let token = CancellationToken::new();
    let client = common::client(&sandbox).with_cancel(token.clone());
    fault(
        &sandbox,
        json!({
            "route": "/accounts", "kind": "status", "status": 429, "retry_after": 20, "count": 1,
        }),
    )
    .await;
    let listing = {
        let client = client.clone();
        tokio::spawn(async move { client.list_secrets(KEY).await })
    };
    common::wait_for("the 429 to be answered", || async {
        calls(&sandbox, "GET", "/accounts")
            .await
            .iter()
            .any(|c| c["status"] == 429)
            .then_some(())
    })
    .await;
    token.cancel();
    assert_eq!(listing.await.unwrap().unwrap_err(), Error::Cancelled);
    assert_eq!(
        calls(&sandbox, "GET", "/accounts").await.len(),
        1,
        "not retried"
    );
    // An already-cancelled client does not send at all.
    let before = calls(&sandbox, "GET", "/").await.len();
    assert_eq!(client.get_balance().await.unwrap_err(), Error::Cancelled);
    assert_eq!(calls(&sandbox, "GET", "/").await.len(), before);
}
