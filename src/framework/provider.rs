//! The provider-level interface: configuration and the catalogue of types.
//!
//! Owns [`Provider`], which the project's `provider` module implements once. The RPC layer
//! asks it for schemas, hands it the provider configuration, and looks resources and data
//! sources up by type name.
//!
//! Must not: hold per-request state; the configured data lives in the RPC layer's session.

use std::sync::Arc;

use async_trait::async_trait;

use super::cty::Value;
use super::data_source::DynDataSource;
use super::diagnostics::Diagnostics;
use super::ephemeral::DynEphemeralResource;
use super::resource::DynResource;
use super::schema::Schema;

/// What `ConfigureProvider` carries besides the configuration.
pub struct ConfigureRequest<'a> {
    pub config: &'a Value,
    pub terraform_version: &'a str,
    pub write_only_allowed: bool,
}

#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// What configuration produces and every operation receives (the API client, defaults).
    type Data: Send + Sync + 'static;

    /// The provider's local name, the prefix of its type names (`vonage`).
    fn name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// Build the provider's data. `Ok(None)` when the configuration is not yet known.
    async fn configure(&self, req: ConfigureRequest<'_>)
    -> Result<Option<Self::Data>, Diagnostics>;
    fn resources(&self) -> Vec<Arc<dyn DynResource<Self::Data>>>;
    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<Self::Data>>>;
    fn ephemeral_resources(&self) -> Vec<Arc<dyn DynEphemeralResource<Self::Data>>> {
        Vec::new()
    }
}
