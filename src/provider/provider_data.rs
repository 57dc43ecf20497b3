//! [`ProviderData`]: what configuring the provider produces and every operation receives (the
//! client, the provider's api key, and the books one provider process keeps).
//!
//! It sits below `config` (which builds it and checks its credentials) and `api_errors` (which
//! reads what this process revoked to explain a 401), so that neither imports the other's.
//!
//! Must not: call the API, or hold a secret value anywhere but inside the client.

use std::sync::Mutex;

use crate::framework::diagnostics::Diagnostics;
use crate::provider::lost_creates::RecoveryBook;
use crate::provider::number_snapshots::NumberSnapshots;
use crate::provider::snapshots::Snapshots;
use crate::vonage::{self, Client};

/// What configuration produces and every operation receives.
pub struct ProviderData {
    pub client: Client,
    /// The key the provider authenticates with: the default `api_key` of resources.
    pub api_key: String,
    /// The id of the secret the provider authenticates with, when the provider block names it
    /// (`api_secret_id`): Terraform refuses to destroy or replace it (see `own_credential`).
    pub api_secret_id: Option<String>,
    /// Secrets this process revoked (`api_key/id`), to explain a 401 that follows.
    pub revoked: Mutex<Vec<String>>,
    /// Secrets (`api_key/id`) a destroy left in place because Vonage refused to revoke an
    /// account's last secret, which a later create in the account revokes (`last_secret`).
    pub kept_last_secrets: Mutex<Vec<String>>,
    /// What this process's refreshes found of creates whose answer was lost.
    pub recovery: RecoveryBook,
    /// This process's read-through snapshots of the subaccount and secret lists.
    pub snapshots: Snapshots,
    /// This process's read-through lists of each account's numbers.
    pub numbers: NumberSnapshots,
    /// The outcome of this process's credential check, once definite (see
    /// `credentials_checked`, in `config`).
    pub(super) credentials: tokio::sync::OnceCell<Result<(), Diagnostics>>,
}

impl ProviderData {
    /// The client for one operation: it stops (starting no new request) when `cancel` fires.
    pub fn client_for(&self, cancel: &vonage::CancellationToken) -> Client {
        self.client.with_cancel(cancel.clone())
    }

    pub fn new(client: Client, api_key: String) -> ProviderData {
        ProviderData {
            client,
            api_key,
            api_secret_id: None,
            revoked: Mutex::new(Vec::new()),
            kept_last_secrets: Mutex::new(Vec::new()),
            recovery: RecoveryBook::default(),
            snapshots: Snapshots::default(),
            numbers: NumberSnapshots::default(),
            credentials: tokio::sync::OnceCell::new(),
        }
    }
}
