//! Number bodies: transfers (`POST /accounts/{primary}/transfer-number`) and the Numbers API's
//! list of an account's numbers (`GET /account/numbers`).
//!
//! Must not: hold logic; these are bodies as the API sends and receives them.

use serde::{Deserialize, Serialize};

/// Request body; every SDK sends `number` as a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberTransferRequest {
    pub from: String,
    pub to: String,
    pub number: String,
    pub country: String,
}

/// Response body (a real capture also carries `masterAccountId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberTransferBody {
    pub number: String,
    pub country: String,
    pub from: String,
    pub to: String,
    #[serde(
        rename = "masterAccountId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub master_account_id: Option<String>,
}

/// `GET /account/numbers` (Numbers API, rest host): the account's numbers matching the filters,
/// one page of them. Vonage answers `{}` when nothing matches (the Python SDK's fixture and
/// parser), so both fields may be absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedNumbersBody {
    /// How many numbers match, on every page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numbers: Option<Vec<OwnedNumberBody>>,
}

/// One number of `GET /account/numbers`, under the Numbers API's names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedNumberBody {
    pub country: String,
    pub msisdn: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub number_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    #[serde(rename = "moHttpUrl", default, skip_serializing_if = "Option::is_none")]
    pub mo_http_url: Option<String>,
    #[serde(
        rename = "voiceCallbackType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub voice_callback_type: Option<String>,
    #[serde(
        rename = "voiceCallbackValue",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub voice_callback_value: Option<String>,
    #[serde(
        rename = "voiceStatusCallbackUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub voice_status_callback: Option<String>,
    #[serde(
        rename = "messagesCallbackType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub messages_callback_type: Option<String>,
    #[serde(
        rename = "messagesCallbackValue",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub messages_callback_value: Option<String>,
}
