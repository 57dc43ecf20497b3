//! Number transfer bodies (`POST /accounts/{primary}/transfer-number`).
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
