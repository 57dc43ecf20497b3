//! API secret bodies (`/accounts/{api_key}/secrets`).
//!
//! Must not: hold logic or derive `Debug` on bodies that carry a secret.

use serde::{Deserialize, Serialize};

use super::hal::SelfLinks;

/// One secret's metadata. The secret value itself is never returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretResource {
    #[serde(rename = "_links")]
    pub links: SelfLinks,
    pub id: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_at: String,
}

/// `GET /accounts/{api_key}/secrets` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretList {
    #[serde(rename = "_links")]
    pub links: SelfLinks,
    #[serde(rename = "_embedded")]
    pub embedded: SecretListEmbedded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretListEmbedded {
    pub secrets: Vec<SecretResource>,
}

/// `POST /accounts/{api_key}/secrets` body. No `Debug`: it holds a secret.
#[derive(Clone, Serialize, Deserialize)]
pub struct CreateSecretRequest {
    pub secret: String,
}
