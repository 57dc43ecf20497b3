//! Subaccounts API bodies (`/accounts/{primary}/subaccounts`).
//!
//! Must not: hold logic or derive `Debug` on bodies that carry a secret.

use serde::{Deserialize, Serialize};

use super::hal::SelfLinks;

/// A subaccount as returned by get, modify and list. For a subaccount that
/// uses the primary's balance, `balance` and `credit_limit` are `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubaccountBody {
    pub api_key: String,
    pub primary_account_api_key: String,
    pub use_primary_account_balance: bool,
    pub name: String,
    pub balance: Option<serde_json::Number>,
    pub credit_limit: Option<serde_json::Number>,
    pub suspended: bool,
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub created_at: String,
}

/// The create response: the subaccount's fields plus its API secret. (Not
/// `#[serde(flatten)]`: flattening breaks `arbitrary_precision` numbers.)
/// No `Debug`: it holds a secret.
#[derive(Clone, Serialize, Deserialize)]
pub struct CreatedSubaccountBody {
    pub api_key: String,
    pub primary_account_api_key: String,
    pub use_primary_account_balance: bool,
    pub name: String,
    pub balance: Option<serde_json::Number>,
    pub credit_limit: Option<serde_json::Number>,
    pub suspended: bool,
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, with real milliseconds.
    pub created_at: String,
    pub secret: String,
}

/// The primary account inside the list response (`name` may be `null`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrimaryAccountBody {
    pub api_key: String,
    pub name: Option<String>,
    pub balance: serde_json::Number,
    pub credit_limit: serde_json::Number,
    pub suspended: bool,
    pub created_at: String,
}

/// `GET /accounts/{primary}/subaccounts` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubaccountList {
    #[serde(rename = "_links")]
    pub links: SelfLinks,
    pub total_balance: serde_json::Number,
    pub total_credit_limit: serde_json::Number,
    #[serde(rename = "_embedded")]
    pub embedded: SubaccountListEmbedded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubaccountListEmbedded {
    pub primary_account: PrimaryAccountBody,
    pub subaccounts: Vec<SubaccountBody>,
}

/// `POST /accounts/{primary}/subaccounts` body. No `Debug`: it may hold a
/// secret.
#[derive(Clone, Serialize, Deserialize)]
pub struct CreateSubaccountRequest {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_primary_account_balance: Option<bool>,
}

/// `PATCH /accounts/{primary}/subaccounts/{subaccount}` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifySubaccountRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspended: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_primary_account_balance: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
