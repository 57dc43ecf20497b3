//! Client ↔ sandbox over real HTTP: credit, balance and number transfers.

use crate::common;

use common::requests::{own_balance_sub, transfer_request};
use common::{KEY, SandboxProcess, client};
use serde_json::json;
use tfvonage::vonage::{Error, NumberTransfer, TransferQuery};

#[tokio::test]
async fn balance_transfers_and_listing() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let sub = own_balance_sub(&client, "funded").await;
    let transfer = client
        .transfer_balance(&transfer_request(
            KEY,
            &sub,
            "12.5",
            Some("initial funding"),
        ))
        .await
        .unwrap();
    assert_eq!(transfer.from, KEY);
    assert_eq!(transfer.to, sub);
    assert_eq!(transfer.amount.to_string(), "12.5");
    assert_eq!(transfer.reference.as_deref(), Some("initial funding"));
    let back = client
        .transfer_balance(&transfer_request(&sub, KEY, "2.25", None))
        .await
        .unwrap();
    assert_eq!(back.reference, None);

    assert_eq!(
        client
            .get_subaccount(&sub)
            .await
            .unwrap()
            .balance
            .unwrap()
            .to_string(),
        "10.2500"
    );
    let all = client
        .list_balance_transfers(&TransferQuery::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    // Newest first, as Vonage lists them.
    assert_eq!(all[0].id, back.id);
    assert_eq!(all[1].id, transfer.id);
    let filtered = client
        .list_balance_transfers(&TransferQuery {
            subaccounts: vec!["ffffffff".into()],
            ..TransferQuery::default()
        })
        .await
        .unwrap();
    assert!(filtered.is_empty());
    let future = client
        .list_balance_transfers(&TransferQuery::since(
            time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        ))
        .await
        .unwrap();
    assert!(future.is_empty());
    assert!(
        client
            .list_credit_transfers(&TransferQuery::default())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn credit_transfers_with_a_credit_line() {
    let sandbox = SandboxProcess::spawn(&["--credit-limit", "100"]);
    let client = client(&sandbox);
    let sub = own_balance_sub(&client, "postpaid").await;
    let transfer = client
        .transfer_credit(&transfer_request(KEY, &sub, "40", Some("credit")))
        .await
        .unwrap();
    assert_eq!(transfer.amount.to_string(), "40");
    let listed = client
        .list_credit_transfers(&TransferQuery::default())
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, transfer.id);
    let list = client.list_subaccounts().await.unwrap();
    assert_eq!(list.primary.credit_limit.to_string(), "-60.0000");
    assert_eq!(
        list.subaccounts[0]
            .credit_limit
            .as_ref()
            .unwrap()
            .to_string(),
        "-40.0000"
    );

    let too_much = client
        .transfer_credit(&transfer_request(KEY, &sub, "60.01", None))
        .await
        .unwrap_err();
    assert!(
        matches!(too_much, Error::InsufficientFunds { .. }),
        "{too_much:?}"
    );
}

#[tokio::test]
async fn transfer_errors() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let a = own_balance_sub(&client, "a").await;
    let b = own_balance_sub(&client, "b").await;
    let request = |from: &str, to: &str, value: &str| transfer_request(from, to, value, None);
    let cases = [
        (request(&a, &b, "1"), "invalid"),
        (request(KEY, KEY, "1"), "validation"),
        (request(KEY, &a, "-1"), "validation"),
        (request(KEY, &a, "100.01"), "funds"),
        (request(KEY, "ffffffff", "1"), "invalid"),
    ];
    for (req, expected) in cases {
        let error = client.transfer_balance(&req).await.unwrap_err();
        let ok = match expected {
            "invalid" => matches!(error, Error::InvalidTransfer { .. }),
            "validation" => matches!(error, Error::Validation { .. }),
            "funds" => matches!(error, Error::InsufficientFunds { .. }),
            _ => false,
        };
        assert!(ok, "{req:?}: {error:?}");
    }
}

#[tokio::test]
async fn number_transfer_and_its_errors() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let a = own_balance_sub(&client, "a").await;
    common::admin_post(
        &sandbox,
        &format!("/_sandbox/accounts/{KEY}/numbers"),
        json!({"number": "447700900000", "country": "GB"}),
    )
    .await;
    let move_to = |from: &str, to: &str| NumberTransfer {
        from: from.into(),
        to: to.into(),
        number: "447700900000".into(),
        country: "GB".into(),
    };
    let result = client.transfer_number(&move_to(KEY, &a)).await.unwrap();
    assert_eq!(result.to, a);
    assert_eq!(result.number, "447700900000");
    let conflict = client.transfer_number(&move_to(KEY, &a)).await.unwrap_err();
    assert!(
        matches!(conflict, Error::Api { status: 409, .. }),
        "{conflict:?}"
    );
    let same = client
        .transfer_number(&move_to(KEY, KEY))
        .await
        .unwrap_err();
    assert!(matches!(same, Error::Validation { .. }), "{same:?}");
    let b = own_balance_sub(&client, "b").await;
    let not_owned = client.transfer_number(&move_to(KEY, &b)).await.unwrap_err();
    assert!(
        matches!(not_owned, Error::InvalidTransfer { .. }),
        "{not_owned:?}"
    );
    let mut unknown = move_to(&a, KEY);
    unknown.number = "15550000000".into();
    let missing = client.transfer_number(&unknown).await.unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing:?}");
    let back = client.transfer_number(&move_to(&a, KEY)).await.unwrap();
    assert_eq!(back.to, KEY);
    let foreign = client
        .transfer_number(&move_to(KEY, "ffffffff"))
        .await
        .unwrap_err();
    assert!(
        matches!(foreign, Error::InvalidTransfer { .. }),
        "{foreign:?}"
    );
}
