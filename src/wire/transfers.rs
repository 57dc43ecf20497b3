//! Credit and balance transfer bodies (`/accounts/{primary}/credit-transfers`
//! and `/balance-transfers`). Both kinds share one shape.
//!
//! Must not: hold logic; these are bodies as the API sends and receives them.

use serde::{Deserialize, Serialize};

use super::hal::SelfLinks;

/// Transfer request body; `amount` must be a positive JSON number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferRequest {
    pub from: String,
    pub to: String,
    pub amount: serde_json::Number,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A transfer. The create response carries `masterAccountId` and `_links`;
/// list items carry neither, and their `reference` may be `""`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferBody {
    #[serde(
        rename = "masterAccountId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub master_account_id: Option<String>,
    #[serde(rename = "_links", default, skip_serializing_if = "Option::is_none")]
    pub links: Option<SelfLinks>,
    pub from: String,
    pub to: String,
    pub amount: serde_json::Number,
    #[serde(default)]
    pub reference: Option<String>,
    pub id: String,
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub created_at: String,
}

/// `GET …/credit-transfers` response (underscore key, as every SDK and the
/// real API use; the spec's `credit-transfers` is wrong).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditTransferList {
    #[serde(rename = "_links")]
    pub links: SelfLinks,
    #[serde(rename = "_embedded")]
    pub embedded: CreditTransferListEmbedded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditTransferListEmbedded {
    pub credit_transfers: Vec<TransferBody>,
}

/// `GET …/balance-transfers` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceTransferList {
    #[serde(rename = "_links")]
    pub links: SelfLinks,
    #[serde(rename = "_embedded")]
    pub embedded: BalanceTransferListEmbedded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceTransferListEmbedded {
    pub balance_transfers: Vec<TransferBody>,
}
