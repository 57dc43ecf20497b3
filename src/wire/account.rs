//! Rest-host account bodies: balance, top-up and settings.
//!
//! Must not: hold logic; these are bodies as the API sends and receives them.

use serde::{Deserialize, Serialize};

/// `GET /account/get-balance` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceResponse {
    pub value: serde_json::Number,
    #[serde(rename = "autoReload")]
    pub auto_reload: bool,
}

/// `POST /account/top-up` form body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopUpForm {
    pub trx: String,
}

/// `POST /account/settings` form body. `None` fields are not sent; an empty
/// string unsets the value. This is the spelling of the spec and most SDKs
/// (`moCallBackUrl`); the Python SDK's `moCallbackUrl` is accepted by the
/// sandbox too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    #[serde(rename = "moCallBackUrl", skip_serializing_if = "Option::is_none")]
    pub mo_callback_url: Option<String>,
    #[serde(rename = "drCallBackUrl", skip_serializing_if = "Option::is_none")]
    pub dr_callback_url: Option<String>,
    #[serde(rename = "httpForwardMethod", skip_serializing_if = "Option::is_none")]
    pub http_forward_method: Option<String>,
}

/// `POST /account/settings` response. `http-forward-method` is not in the
/// documented response; the sandbox echoes it once it has been set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsResponse {
    #[serde(rename = "mo-callback-url", default)]
    pub mo_callback_url: Option<String>,
    #[serde(rename = "dr-callback-url", default)]
    pub dr_callback_url: Option<String>,
    #[serde(
        rename = "http-forward-method",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub http_forward_method: Option<String>,
    #[serde(rename = "max-outbound-request")]
    pub max_outbound_request: i64,
    #[serde(rename = "max-inbound-request")]
    pub max_inbound_request: i64,
    #[serde(rename = "max-calls-per-second")]
    pub max_calls_per_second: i64,
}
