//! API secret operations (docs/vonage-api-notes.md §4) for the client's own account or,
//! as a primary, for one of its subaccounts (`api_key` argument).
//!
//! Reconciliation of `create_secret`: the secret ids are listed before the
//! POST. After an ambiguous outcome the list is read again: exactly one new
//! id is the created secret (adopted); none means the POST provably did not
//! happen (created again); more than one means someone else created secrets
//! meanwhile, and the outcome is reported as unknown.
//! `revoke_secret` is retried like any DELETE; a 404 invalid-id on a retry
//! means the earlier attempt did it.
//!
//! Must not: retry a create blindly; an unknown outcome is reconciled first.

use std::collections::HashSet;

use reqwest::Method;

use super::call::{Call, Host, Payload, decode};
use super::client::Client;
use super::errors::{ApiFailure, Error};
use super::reconcile::{Probe, ProbeFuture};
use super::secret::Secret;
use crate::wire::secrets::{CreateSecretRequest, SecretList, SecretResource};

/// An API secret's metadata (the value is never returned by the API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiSecret {
    pub id: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_at: String,
}

impl From<SecretResource> for ApiSecret {
    fn from(wire: SecretResource) -> ApiSecret {
        ApiSecret {
            id: wire.id,
            created_at: wire.created_at,
        }
    }
}

impl Client {
    /// `GET /accounts/{api_key}/secrets`.
    pub async fn list_secrets(&self, api_key: &str) -> Result<Vec<ApiSecret>, Error> {
        let call = Call::new(
            Method::GET,
            Host::Api,
            &["accounts", api_key, "secrets"],
            format!("list the API secrets of account '{api_key}'"),
        );
        let ctx = self.context(api_key, format!("account '{api_key}'"), &[]);
        let raw = self.idempotent(&call, &ctx).await?;
        let list: SecretList = decode(&raw, &call.operation)?;
        Ok(list
            .embedded
            .secrets
            .into_iter()
            .map(ApiSecret::from)
            .collect())
    }

    /// `POST /accounts/{api_key}/secrets`, reconciled on an unknown outcome.
    pub async fn create_secret(&self, api_key: &str, secret: &Secret) -> Result<ApiSecret, Error> {
        let before: HashSet<String> = self
            .list_secrets(api_key)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        self.create_secret_after(api_key, secret, &before).await
    }

    /// [`create_secret`](Self::create_secret) for a caller that listed the account's secrets
    /// itself: `before` holds every id it saw before sending.
    pub async fn create_secret_after(
        &self,
        api_key: &str,
        secret: &Secret,
        before: &HashSet<String>,
    ) -> Result<ApiSecret, Error> {
        let call = Call::new(
            Method::POST,
            Host::Api,
            &["accounts", api_key, "secrets"],
            format!("create an API secret for account '{api_key}'"),
        )
        .with_payload(Payload::json(&CreateSecretRequest {
            secret: secret.expose().to_string(),
        }));
        let ctx = self.context(api_key, format!("account '{api_key}'"), &[secret.expose()]);
        let parse = |raw| {
            let created: SecretResource = decode(&raw, &call.operation)?;
            Ok(ApiSecret::from(created))
        };
        let probe = || -> ProbeFuture<'_, ApiSecret> {
            Box::pin(async move {
                let after = self.list_secrets(api_key).await?;
                let mut new: Vec<ApiSecret> = after
                    .into_iter()
                    .filter(|s| !before.contains(&s.id))
                    .collect();
                Ok(match new.len() {
                    0 => Probe::Absent,
                    1 => Probe::Found(new.remove(0)),
                    n => Probe::Unclear(format!(
                        "\
                        {n} new secrets appeared on account '{api_key}' ({}), so which one is \
                        ours cannot be told",
                        new.iter()
                            .map(|s| s.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                })
            })
        };
        self.create_reconciled(&call, &ctx, parse, probe).await
    }

    /// `GET /accounts/{api_key}/secrets/{id}`.
    pub async fn get_secret(&self, api_key: &str, id: &str) -> Result<ApiSecret, Error> {
        let call = Call::new(
            Method::GET,
            Host::Api,
            &["accounts", api_key, "secrets", id],
            format!("read API secret '{id}' of account '{api_key}'"),
        );
        let ctx = self.context(
            api_key,
            format!("API secret '{id}' of account '{api_key}'"),
            &[],
        );
        let raw = self.idempotent(&call, &ctx).await?;
        Ok(decode::<SecretResource>(&raw, &call.operation)?.into())
    }

    /// `DELETE /accounts/{api_key}/secrets/{id}`.
    pub async fn revoke_secret(&self, api_key: &str, id: &str) -> Result<(), Error> {
        let call = Call::new(
            Method::DELETE,
            Host::Api,
            &["accounts", api_key, "secrets", id],
            format!("revoke API secret '{id}' of account '{api_key}'"),
        );
        let ctx = self.context(
            api_key,
            format!("API secret '{id}' of account '{api_key}'"),
            &[],
        );
        self.idempotent_settled_by(&call, &ctx, ApiFailure::is_unknown_id)
            .await?;
        Ok(())
    }
}
