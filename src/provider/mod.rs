//! The Vonage provider: its configuration and its catalogue of resources and data sources.
//!
//! One file per resource or data source; each holds its schema (with the descriptions the
//! docs are generated from), its model, and its mapping onto the client's calls:
//! - [`account_settings`]: `vonage_account_settings` (SMS callback URLs);
//! - [`api_secret`]: `vonage_api_secret` (secrets, write-only, rotation within two slots);
//! - [`subaccount`]: the `vonage_subaccount` resource;
//! - [`balance`], [`api_secrets`], [`subaccounts`]: data sources;
//! - [`generated_secret`]: an ephemeral resource making strong secrets for `secret_wo`.
//!
//! [`config`] reads the provider block and builds the client; [`api_errors`] turns client
//! errors into diagnostics that say what to do.
//!
//! Must not: speak HTTP (that is `vonage`) or apply plan rules (that is `framework::plan`).

pub mod account_settings;
pub mod api_errors;
pub mod api_secret;
pub mod api_secrets;
pub mod balance;
pub mod config;
pub mod generated_secret;
pub mod secret_strength;
pub mod subaccount;
pub mod subaccounts;

use std::sync::Arc;

use async_trait::async_trait;

use crate::framework::cty::Value;
use crate::framework::data_source::DynDataSource;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::ephemeral::DynEphemeralResource;
use crate::framework::provider::{ConfigureRequest, Provider};
use crate::framework::resource::DynResource;
use crate::framework::schema::Schema;

pub use config::ProviderData;

pub struct VonageProvider;

#[async_trait]
impl Provider for VonageProvider {
    type Data = ProviderData;

    fn name(&self) -> &'static str {
        "vonage"
    }
    fn schema(&self) -> Schema {
        config::schema()
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        config::validate(config)
    }
    async fn configure(
        &self,
        req: ConfigureRequest<'_>,
    ) -> Result<Option<ProviderData>, Diagnostics> {
        config::configure(req)
    }
    fn resources(&self) -> Vec<Arc<dyn DynResource<ProviderData>>> {
        vec![
            Arc::new(account_settings::AccountSettings),
            Arc::new(api_secret::ApiSecret),
            Arc::new(subaccount::Subaccount),
        ]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<ProviderData>>> {
        vec![
            Arc::new(balance::Balance),
            Arc::new(api_secrets::ApiSecrets),
            Arc::new(subaccounts::Subaccounts),
        ]
    }
    fn ephemeral_resources(&self) -> Vec<Arc<dyn DynEphemeralResource<ProviderData>>> {
        vec![Arc::new(generated_secret::GeneratedSecret)]
    }
}
