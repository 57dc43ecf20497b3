//! Client ↔ sandbox over real HTTP: subaccounts.

use crate::common;

use common::requests::new_subaccount;
use common::{KEY, SandboxProcess, client, client_as};
use tfvonage::vonage::{Error, ModifySubaccount};

#[tokio::test]
async fn create_get_list() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let (own, secret) = client
        .create_subaccount(&new_subaccount("own", Some(false), Some("GivenSecret1")))
        .await
        .unwrap();
    assert_eq!(secret.unwrap().expose(), "GivenSecret1");
    assert_eq!(own.api_key.len(), 8);
    assert_eq!(own.primary_account_api_key, KEY);
    assert!(!own.use_primary_account_balance);
    assert_eq!(own.balance.as_ref().unwrap().to_string(), "0.0000");
    assert_eq!(own.credit_limit.as_ref().unwrap().to_string(), "0.0000");

    let (shared, generated) = client
        .create_subaccount(&new_subaccount("shared", None, None))
        .await
        .unwrap();
    assert!(shared.use_primary_account_balance);
    assert_eq!(shared.balance, None);
    assert_eq!(shared.credit_limit, None);
    let generated = generated.unwrap();
    // The generated secret authenticates the subaccount.
    let as_shared = client_as(&sandbox, &shared.api_key, generated.expose());
    assert_eq!(
        as_shared.get_balance().await.unwrap().value.to_string(),
        "100.00000000"
    );

    let fetched = client.get_subaccount(&own.api_key).await.unwrap();
    assert_eq!(fetched.name, "own");
    // Vonage shows `.000Z` here and milliseconds in the create response; the client reads
    // both in whole seconds, so they agree.
    assert_eq!(fetched.created_at, own.created_at);
    assert!(fetched.created_at.ends_with('Z') && !fetched.created_at.contains('.'));

    let list = client.list_subaccounts().await.unwrap();
    assert_eq!(list.primary.api_key, KEY);
    assert!(list.primary.name.is_some());
    assert_eq!(list.total_balance.to_string(), "100.0000");
    assert_eq!(list.total_credit_limit.to_string(), "0.0000");
    let mut keys: Vec<String> = list.subaccounts.iter().map(|s| s.api_key.clone()).collect();
    keys.sort();
    let mut expected = vec![own.api_key.clone(), shared.api_key.clone()];
    expected.sort();
    assert_eq!(keys, expected);

    let missing = client.get_subaccount("ffffffff").await.unwrap_err();
    match missing {
        Error::NotFound { what, .. } => assert!(what.contains("ffffffff")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn validation_errors() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    for name in ["", &"x".repeat(81)] {
        let error = client
            .create_subaccount(&new_subaccount(name, None, None))
            .await
            .unwrap_err();
        match error {
            Error::Validation { fields, .. } => assert_eq!(fields[0].name, "name"),
            other => panic!("{other:?}"),
        }
    }
    let error = client
        .create_subaccount(&new_subaccount("weak", None, Some("weakweak")))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Validation { .. }), "{error:?}");
    assert!(!format!("{error} {error:?}").contains("weakweak"));
}

#[tokio::test]
async fn modify_rename_suspend_and_balance_mode() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let (sub, secret) = client
        .create_subaccount(&new_subaccount("before", Some(false), None))
        .await
        .unwrap();
    let secret = secret.unwrap();
    let renamed = client
        .modify_subaccount(
            &sub.api_key,
            &ModifySubaccount {
                name: Some("after".into()),
                suspended: Some(true),
                use_primary_account_balance: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.name, "after");
    assert!(renamed.suspended);
    let as_sub = client_as(&sandbox, &sub.api_key, secret.expose());
    let refused = as_sub.get_balance().await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    // The primary still manages the suspended subaccount's secrets.
    assert_eq!(client.list_secrets(&sub.api_key).await.unwrap().len(), 1);

    let back = client
        .modify_subaccount(
            &sub.api_key,
            &ModifySubaccount {
                suspended: Some(false),
                ..ModifySubaccount::default()
            },
        )
        .await
        .unwrap();
    assert!(!back.suspended);
    as_sub.get_balance().await.unwrap();

    let irreversible = client
        .modify_subaccount(
            &sub.api_key,
            &ModifySubaccount {
                use_primary_account_balance: Some(true),
                ..ModifySubaccount::default()
            },
        )
        .await
        .unwrap_err();
    match irreversible {
        Error::Validation { fields, .. } => {
            assert_eq!(fields[0].name, "use_primary_account_balance")
        }
        other => panic!("{other:?}"),
    }
    let (shared, _) = client
        .create_subaccount(&new_subaccount("shared", None, None))
        .await
        .unwrap();
    let own = client
        .modify_subaccount(
            &shared.api_key,
            &ModifySubaccount {
                use_primary_account_balance: Some(false),
                ..ModifySubaccount::default()
            },
        )
        .await
        .unwrap();
    assert!(!own.use_primary_account_balance);
    assert_eq!(own.balance.unwrap().to_string(), "0.0000");
}
