//! Client ↔ sandbox over real HTTP: balance, top-up, settings.

use crate::common;

use common::{KEY, SECRET, SandboxProcess, client, client_as};
use serde_json::json;
use tfvonage::vonage::{Error, SettingsUpdate};

#[tokio::test]
async fn balance_is_read_losslessly() {
    let sandbox = SandboxProcess::spawn(&["--balance", "27.45716"]);
    let balance = client(&sandbox).get_balance().await.unwrap();
    assert_eq!(balance.value.to_string(), "27.45716000");
    assert!(!balance.auto_reload);
}

#[tokio::test]
async fn wrong_secret_is_unauthorized_and_never_echoed() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client_as(&sandbox, KEY, "WrongSecret99");
    let error = client.get_balance().await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    let error = client.list_secrets(KEY).await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
    ] {
        assert!(!text.contains("WrongSecret99"), "{text}");
    }
}

#[tokio::test]
async fn top_up_requires_auto_reload() {
    // Any trx: this tests the client, not which references Vonage takes.
    let sandbox = SandboxProcess::spawn(&["--any-top-up-trx"]);
    let client = client(&sandbox);
    let error = client.top_up("trx-1").await.unwrap_err();
    assert!(
        matches!(error, Error::AutoReloadDisabled { .. }),
        "{error:?}"
    );
    common::admin_send(
        &sandbox,
        reqwest::Method::PATCH,
        &format!("/_sandbox/accounts/{KEY}"),
        json!({"auto_reload": true, "top_up_amount": 5}),
    )
    .await;
    client.top_up("trx-1").await.unwrap();
    let balance = client.get_balance().await.unwrap();
    assert_eq!(balance.value.to_string(), "105.00000000");
    assert!(balance.auto_reload);
    let error = client.top_up("").await.unwrap_err();
    match error {
        Error::Validation { fields, .. } => assert_eq!(fields[0].name, "trx"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn settings_read_update_unset() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let settings = client.read_settings().await.unwrap();
    assert_eq!(settings.mo_callback_url, None);
    assert_eq!(settings.dr_callback_url, None);
    assert_eq!(settings.http_forward_method, None);
    assert_eq!(settings.max_calls_per_second, 30);
    assert_eq!(settings.max_inbound_request, 30);
    assert_eq!(settings.max_outbound_request, 30);

    let updated = client
        .update_settings(&SettingsUpdate {
            mo_callback_url: Some("https://example.com/inbound".into()),
            dr_callback_url: Some("https://example.com/dlr".into()),
            http_forward_method: Some("POST_JSON".into()),
        })
        .await
        .unwrap();
    assert_eq!(
        updated.mo_callback_url.as_deref(),
        Some("https://example.com/inbound")
    );
    assert_eq!(
        updated.dr_callback_url.as_deref(),
        Some("https://example.com/dlr")
    );
    assert_eq!(updated.http_forward_method.as_deref(), Some("POST_JSON"));

    // None leaves alone; "" unsets.
    let updated = client
        .update_settings(&SettingsUpdate {
            mo_callback_url: Some(String::new()),
            ..SettingsUpdate::default()
        })
        .await
        .unwrap();
    assert_eq!(updated.mo_callback_url, None);
    assert_eq!(
        updated.dr_callback_url.as_deref(),
        Some("https://example.com/dlr")
    );
    assert_eq!(client.read_settings().await.unwrap(), updated);
}

#[tokio::test]
async fn settings_validation_names_the_field() {
    let sandbox = SandboxProcess::spawn(&[]);
    let error = client(&sandbox)
        .update_settings(&SettingsUpdate {
            dr_callback_url: Some("not-a-url".into()),
            ..SettingsUpdate::default()
        })
        .await
        .unwrap_err();
    match &error {
        Error::Validation { fields, .. } => {
            assert_eq!(fields.len(), 1);
            assert_eq!(fields[0].name, "drCallBackUrl");
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("drCallBackUrl"), "{error}");
}

#[tokio::test]
async fn settings_with_callback_checks() {
    let sandbox = SandboxProcess::spawn(&["--check-callbacks"]);
    // The sandbox's own health endpoint answers 200.
    let good = sandbox.url("/_sandbox/health");
    let client = client(&sandbox);
    let updated = client
        .update_settings(&SettingsUpdate {
            mo_callback_url: Some(good.clone()),
            ..SettingsUpdate::default()
        })
        .await
        .unwrap();
    assert_eq!(updated.mo_callback_url, Some(good));
    let error = client
        .update_settings(&SettingsUpdate {
            mo_callback_url: Some(sandbox.url("/_sandbox/nothing-here")),
            ..SettingsUpdate::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Validation { .. }), "{error:?}");
}

#[tokio::test]
async fn a_path_in_a_base_url_is_named_as_the_mistake_not_as_a_missing_account() {
    let sandbox = SandboxProcess::spawn(&[]);
    let mut config = common::client_config(&sandbox, KEY, SECRET);
    config.api_url = format!("{}/v2", sandbox.base_url);
    let error = tfvonage::vonage::Client::new(config)
        .unwrap()
        .list_secrets(KEY)
        .await
        .unwrap_err();
    match &error {
        Error::NoSuchPath { url, setting } => {
            assert_eq!(*setting, "api_url");
            assert!(url.ends_with("/v2/accounts/abcd1234/secrets"), "{url}");
        }
        other => panic!("{other:?}"),
    }
    // A real missing object is still one.
    let missing = common::client(&sandbox).list_secrets("nobody12").await;
    assert!(
        matches!(missing, Err(Error::NotFound { .. })),
        "{missing:?}"
    );
}
