//! Client ↔ sandbox over real HTTP: API secrets, for the client's own
//! account and (as a primary) for a subaccount.

use crate::common;

use common::requests::new_subaccount;
use common::{KEY, SECRET, SandboxProcess, client, client_as};
use tfvonage::vonage::{Error, Secret};

#[tokio::test]
async fn secret_lifecycle() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let initial = client.list_secrets(KEY).await.unwrap();
    assert_eq!(initial.len(), 1);
    assert_eq!(initial[0].created_at.len(), 20);

    let created = client
        .create_secret(KEY, &Secret::from("Rotated12345"))
        .await
        .unwrap();
    assert_eq!(client.get_secret(KEY, &created.id).await.unwrap(), created);
    let listed = client.list_secrets(KEY).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.contains(&created));

    // The new secret works; revoke the old one with it.
    let rotated = client_as(&sandbox, KEY, "Rotated12345");
    rotated.revoke_secret(KEY, &initial[0].id).await.unwrap();
    assert_eq!(
        rotated.list_secrets(KEY).await.unwrap(),
        vec![created.clone()]
    );
    let old = client.get_balance().await.unwrap_err();
    assert!(matches!(old, Error::Unauthorized { .. }));
}

#[tokio::test]
async fn secret_rules_map_to_typed_errors() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let weak = client
        .create_secret(KEY, &Secret::from("weakweak"))
        .await
        .unwrap_err();
    match &weak {
        Error::Validation { fields, .. } => assert_eq!(fields[0].name, "secret"),
        other => panic!("{other:?}"),
    }
    assert!(!weak.to_string().contains("weakweak"));

    client
        .create_secret(KEY, &Secret::from("Second12345"))
        .await
        .unwrap();
    let third = client
        .create_secret(KEY, &Secret::from("Third123456"))
        .await
        .unwrap_err();
    match &third {
        Error::MaxSecretsReached { api_key, .. } => assert_eq!(api_key, KEY),
        other => panic!("{other:?}"),
    }

    let missing = client
        .get_secret(KEY, "00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    match &missing {
        Error::NotFound { what, .. } => assert!(what.contains("00000000-0000"), "{what}"),
        other => panic!("{other:?}"),
    }
    let missing = client.revoke_secret(KEY, "nope").await.unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing:?}");

    let ids: Vec<String> = client
        .list_secrets(KEY)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    client.revoke_secret(KEY, &ids[1]).await.unwrap();
    let last = client.revoke_secret(KEY, &ids[0]).await.unwrap_err();
    match &last {
        Error::LastSecret { api_key, .. } => assert_eq!(api_key, KEY),
        other => panic!("{other:?}"),
    }
    let unknown_account = client.list_secrets("zzzz9999").await.unwrap_err();
    assert!(matches!(unknown_account, Error::NotFound { .. }));
}

#[tokio::test]
async fn primary_manages_subaccount_secrets_and_subaccounts_only_their_own() {
    let sandbox = SandboxProcess::spawn(&[]);
    let primary = client(&sandbox);
    let (sub, sub_secret) = primary
        .create_subaccount(&new_subaccount("secrets", Some(false), None))
        .await
        .unwrap();
    let sub_secret = sub_secret.expect("create returns the generated secret");
    let created = primary
        .create_secret(&sub.api_key, &Secret::from("SubSecond123"))
        .await
        .unwrap();
    assert_eq!(primary.list_secrets(&sub.api_key).await.unwrap().len(), 2);

    let as_sub = client_as(&sandbox, &sub.api_key, sub_secret.expose());
    assert_eq!(as_sub.api_key(), sub.api_key);
    assert_eq!(as_sub.list_secrets(&sub.api_key).await.unwrap().len(), 2);
    as_sub
        .revoke_secret(&sub.api_key, &created.id)
        .await
        .unwrap();
    let foreign = as_sub.list_secrets(KEY).await.unwrap_err();
    assert!(matches!(foreign, Error::NotFound { .. }), "{foreign:?}");
    let unprovisioned = as_sub.list_subaccounts().await.unwrap_err();
    assert!(
        matches!(unprovisioned, Error::Forbidden { .. }),
        "{unprovisioned:?}"
    );
    let _ = SECRET;
}

// ------------------------------------------------------------ a secret in a new subaccount

/// A new subaccount and what tells its first secret apart, as the provider's apply has them.
async fn made_subaccount(
    client: &tfvonage::vonage::Client,
    name: &str,
) -> (String, tfvonage::vonage::FirstSecretOnly) {
    let made = client
        .create_subaccount_after(&new_subaccount(name, None, None), &Default::default())
        .await
        .unwrap();
    let first = made
        .first_secret
        .expect("the create's answer times it to the millisecond");
    (made.subaccount.api_key, first)
}

#[tokio::test]
async fn a_secret_in_a_new_subaccount_needs_no_list_and_a_lost_answer_is_still_reconciled() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    // Answered: one POST, no list.
    let (sub, first) = made_subaccount(&client, "plain").await;
    common::admin_send(
        &sandbox,
        reqwest::Method::DELETE,
        "/_sandbox/calls",
        serde_json::json!({}),
    )
    .await;
    let made = client
        .create_secret_in_new_account(&sub, &Secret::from("NewOne12345"), &first)
        .await
        .unwrap();
    let log = common::calls(&sandbox, "GET", "/accounts").await;
    assert!(log.is_empty(), "listed before the POST: {log:?}");
    assert!(client.list_secrets(&sub).await.unwrap().contains(&made));

    // The answer lost after Vonage made it (or a 5xx after), and a 503 before it did: the
    // secret made since the subaccount's second is adopted, or the POST sent again; never two.
    for (name, fault) in [
        (
            "lost",
            serde_json::json!({"kind": "drop", "after_handler": true}),
        ),
        (
            "failed",
            serde_json::json!({"kind": "status", "status": 500, "after_handler": true}),
        ),
        (
            "refused",
            serde_json::json!({"kind": "status", "status": 503}),
        ),
    ] {
        let (sub, first) = made_subaccount(&client, name).await;
        let mut spec = fault;
        spec["route"] = serde_json::json!(format!("POST /accounts/{sub}/secrets"));
        spec["count"] = serde_json::json!(1);
        common::fault(&sandbox, spec).await;
        let made = client
            .create_secret_in_new_account(&sub, &Secret::from("Recon12345ab"), &first)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let secrets = client.list_secrets(&sub).await.unwrap();
        assert_eq!(secrets.len(), 2, "{name}: {secrets:?}");
        assert!(secrets.contains(&made), "{name}");
        client_as(&sandbox, &sub, "Recon12345ab")
            .list_secrets(&sub)
            .await
            .unwrap_or_else(|e| panic!("{name}: the adopted secret is ours: {e}"));
    }
}

#[tokio::test]
async fn without_its_first_secret_a_new_subaccounts_lost_create_is_not_guessed() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let (sub, first) = made_subaccount(&client, "odd").await;
    // Someone adds a secret (after the subaccount's second, as ours will be), then revokes the
    // first one: which of the two newer secrets is ours cannot be told.
    let other = client
        .create_secret_in_new_account(&sub, &Secret::from("Other123456"), &first)
        .await
        .unwrap();
    let initial: Vec<_> = client
        .list_secrets(&sub)
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.id != other.id)
        .collect();
    client.revoke_secret(&sub, &initial[0].id).await.unwrap();
    common::fault(
        &sandbox,
        serde_json::json!({
            "route": format!("POST /accounts/{sub}/secrets"), "kind": "drop",
            "after_handler": true, "count": 1,
        }),
    )
    .await;
    let error = client
        .create_secret_in_new_account(&sub, &Secret::from("Mine1234567"), &first)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::UnknownOutcome { .. }), "{error:?}");
}

#[tokio::test]
async fn a_dot_segment_is_never_sent_as_a_name() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    for dots in [".", "..", "%2e", ".%2E"] {
        let error = client.list_secrets(dots).await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidConfig { .. }),
            "{dots}: {error:?}"
        );
    }
    assert!(
        common::calls(&sandbox, "GET", "/").await.is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_revoke_whose_answer_was_lost_is_checked_by_listing_again() {
    let sandbox = SandboxProcess::spawn(&[]);
    let mut config = common::client_config(&sandbox, KEY, SECRET);
    config.max_retries = Some(0);
    let client = tfvonage::vonage::Client::new(config).unwrap();
    let extra = client
        .create_secret(KEY, &Secret::from("Extra123456"))
        .await
        .unwrap();
    // Vonage revokes it, and the answer is lost; no retry is left to see the 404.
    common::fault(
        &sandbox,
        serde_json::json!({
            "route": "DELETE /accounts", "kind": "drop", "after_handler": true, "count": 1,
        }),
    )
    .await;
    client.revoke_secret(KEY, &extra.id).await.unwrap();
    assert_eq!(client.list_secrets(KEY).await.unwrap().len(), 1);

    // A DELETE that failed before Vonage acted: the secret is listed still, and the failure
    // stands.
    let extra = client
        .create_secret(KEY, &Secret::from("Extra654321"))
        .await
        .unwrap();
    common::fault(
        &sandbox,
        serde_json::json!({
            "route": "DELETE /accounts", "kind": "status", "status": 503, "count": 1,
        }),
    )
    .await;
    let error = client.revoke_secret(KEY, &extra.id).await.unwrap_err();
    assert!(matches!(error, Error::Api { status: 503, .. }), "{error:?}");
    assert_eq!(client.list_secrets(KEY).await.unwrap().len(), 2);
}
