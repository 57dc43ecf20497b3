//! Request builders the client tests share: the bodies they send again and again.

use tfvonage::vonage::{Client, CreateSubaccount, Secret, TransferRequest};

/// A JSON number from its text, exactly as written (`"60.01"` stays 60.01).
pub fn amount(text: &str) -> serde_json::Number {
    serde_json::from_str(text).unwrap()
}

/// A create-subaccount body.
pub fn new_subaccount(name: &str, shared: Option<bool>, secret: Option<&str>) -> CreateSubaccount {
    CreateSubaccount {
        name: name.to_string(),
        secret: secret.map(Secret::from),
        use_primary_account_balance: shared,
    }
}

/// Creates a subaccount with its own balance and returns its key.
pub async fn own_balance_sub(client: &Client, name: &str) -> String {
    client
        .create_subaccount(&new_subaccount(name, Some(false), None))
        .await
        .unwrap()
        .0
        .api_key
}

/// A credit or balance transfer body.
pub fn transfer_request(
    from: &str,
    to: &str,
    value: &str,
    reference: Option<&str>,
) -> TransferRequest {
    TransferRequest {
        from: from.into(),
        to: to.into(),
        amount: amount(value),
        reference: reference.map(str::to_owned),
        reference_is_unique: false,
    }
}
