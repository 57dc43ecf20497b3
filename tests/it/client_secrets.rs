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
