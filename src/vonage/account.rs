//! Account operations on the rest host (docs/vonage-api-notes.md §3): balance, top-up,
//! settings. `top_up` is not idempotent and cannot be reconciled (the API
//! offers no way to see whether a top-up happened other than the balance),
//! so an ambiguous top-up is reported as `UnknownOutcome`.
//!
//! Must not: send credentials anywhere but the Basic header (the client's request path does that).

use reqwest::Method;

use super::call::{Call, Host, Payload, decode};
use super::client::Client;
use super::errors::Error;
use crate::wire::account::{BalanceResponse, SettingsForm, SettingsResponse, TopUpForm};

/// The account balance in EUR.
#[derive(Debug, Clone, PartialEq)]
pub struct Balance {
    /// Exactly as sent (serde_json keeps the digits: arbitrary_precision).
    pub value: serde_json::Number,
    pub auto_reload: bool,
}

/// Account settings. Unset URLs are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub mo_callback_url: Option<String>,
    pub dr_callback_url: Option<String>,
    /// `GET_QUERY_PARAMS`, `POST_QUERY_PARAMS` or `POST_JSON`, when known.
    pub http_forward_method: Option<String>,
    pub max_outbound_request: i64,
    pub max_inbound_request: i64,
    pub max_calls_per_second: i64,
}

/// A settings change: `None` leaves a field alone, `Some("")` unsets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsUpdate {
    pub mo_callback_url: Option<String>,
    pub dr_callback_url: Option<String>,
    pub http_forward_method: Option<String>,
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

impl From<SettingsResponse> for Settings {
    fn from(wire: SettingsResponse) -> Settings {
        Settings {
            mo_callback_url: non_empty(wire.mo_callback_url),
            dr_callback_url: non_empty(wire.dr_callback_url),
            http_forward_method: non_empty(wire.http_forward_method),
            max_outbound_request: wire.max_outbound_request,
            max_inbound_request: wire.max_inbound_request,
            max_calls_per_second: wire.max_calls_per_second,
        }
    }
}

impl Client {
    fn own_context(&self, what: &str) -> super::errors::ErrorContext<'_> {
        self.context(
            self.api_key(),
            format!("{what} of account '{}'", self.api_key()),
            &[],
        )
    }

    async fn settings_call(&self, payload: Payload, operation: &str) -> Result<Settings, Error> {
        let call = Call::new(
            Method::POST,
            Host::Rest,
            &["account", "settings"],
            format!("{operation} of account '{}'", self.api_key()),
        )
        .with_payload(payload);
        let ctx = self.own_context("settings");
        let raw = self.idempotent(&call, &ctx).await?;
        Ok(decode::<SettingsResponse>(&raw, &call.operation)?.into())
    }

    /// `GET /account/get-balance`.
    pub async fn get_balance(&self) -> Result<Balance, Error> {
        let call = Call::new(
            Method::GET,
            Host::Rest,
            &["account", "get-balance"],
            format!("read the balance of account '{}'", self.api_key()),
        );
        let ctx = self.own_context("balance");
        let raw = self.idempotent(&call, &ctx).await?;
        let wire: BalanceResponse = decode(&raw, &call.operation)?;
        Ok(Balance {
            value: wire.value,
            auto_reload: wire.auto_reload,
        })
    }

    /// `POST /account/top-up` with the transaction reference of the payment
    /// that enabled auto-reload.
    pub async fn top_up(&self, trx: &str) -> Result<(), Error> {
        let call = Call::new(
            Method::POST,
            Host::Rest,
            &["account", "top-up"],
            format!("top up account '{}'", self.api_key()),
        )
        .with_payload(Payload::form(&TopUpForm {
            trx: trx.to_string(),
        }));
        let ctx = self.own_context("top-up");
        self.create_unreconcilable(
            &call,
            &ctx,
            |_| Ok(()),
            "a top-up cannot be identified afterwards; compare the balance before trying again",
        )
        .await
    }

    /// Reads the settings (an empty `POST /account/settings`).
    pub async fn read_settings(&self) -> Result<Settings, Error> {
        self.settings_call(Payload::Empty, "read the settings")
            .await
    }

    /// Changes the given settings and returns the resulting settings.
    pub async fn update_settings(&self, update: &SettingsUpdate) -> Result<Settings, Error> {
        let form = SettingsForm {
            mo_callback_url: update.mo_callback_url.clone(),
            dr_callback_url: update.dr_callback_url.clone(),
            http_forward_method: update.http_forward_method.clone(),
        };
        self.settings_call(Payload::form(&form), "update the settings")
            .await
    }
}
