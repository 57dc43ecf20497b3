//! The provider-level interface: configuration and the catalogue of types.
//!
//! Owns [`Provider`], which the project's `provider` module implements once. The RPC layer
//! asks it for schemas, hands it the provider configuration, and looks resources, data
//! sources, ephemeral resources and actions up by type name.
//!
//! Must not: hold per-request state; the configured data lives in the RPC layer's session.

use std::sync::Arc;

use async_trait::async_trait;

use super::action::DynAction;
use super::config_checks;
use super::cty::Value;
use super::data_source::DynDataSource;
use super::diagnostics::Diagnostics;
use super::engine::DynResource;
use super::ephemeral::DynEphemeralResource;
use super::list_resource::DynListResource;
use super::schema::Schema;

/// What `ConfigureProvider` carries besides the configuration.
pub struct ConfigureRequest<'a> {
    pub config: &'a Value,
    pub terraform_version: &'a str,
    pub write_only_allowed: bool,
}

/// The provider itself: its configuration block and its catalogue of types.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// What configuration produces and every operation receives (the API client, defaults).
    type Data: Send + Sync + 'static;

    /// The provider's local name, the prefix of its type names (`vonage`).
    fn name(&self) -> &'static str;
    /// The `provider` block's attributes. Sent once per process; must always be the same.
    fn schema(&self) -> Schema;
    /// `ValidateProviderConfig`: checks of the provider block that need no API. Values may be
    /// unknown (they can come from resources not yet created); check only known ones.
    /// Diagnostics carry the attribute path and never the value.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// `ConfigureProvider`: once per provider process, before any resource or data source
    /// operation. Build the provider's data, or return `Ok(None)` when the configuration is
    /// not yet wholly known (operations then see `ctx.data == None`). Terraform starts the
    /// provider several times per command, so this must be cheap: at most one API call.
    async fn configure(&self, req: ConfigureRequest<'_>)
    -> Result<Option<Self::Data>, Diagnostics>;
    /// The managed resources, asked once when the provider starts.
    fn resources(&self) -> Vec<Arc<dyn DynResource<Self::Data>>>;
    /// The data sources, asked once when the provider starts.
    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<Self::Data>>>;
    /// The ephemeral resources, asked once when the provider starts.
    fn ephemeral_resources(&self) -> Vec<Arc<dyn DynEphemeralResource<Self::Data>>> {
        Vec::new()
    }
    /// The actions (Terraform 1.14+), asked once when the provider starts.
    fn actions(&self) -> Vec<Arc<dyn DynAction<Self::Data>>> {
        Vec::new()
    }
    /// List resources (`terraform query`), each named after the managed resource it lists.
    fn list_resources(&self) -> Vec<Arc<dyn DynListResource<Self::Data>>> {
        Vec::new()
    }
}

/// `ValidateProviderConfig`: the schema's own checks (see [`config_checks`]), then the
/// provider's `validate`.
pub fn validate_config<P: Provider>(provider: &P, config: &Value) -> Diagnostics {
    let mut diags = config_checks::check(&provider.schema().block, config);
    diags.extend(provider.validate(config));
    diags
}

/// `ConfigureProvider`: refused when the schema's own checks fail (values unknown at
/// validate time may be known now), otherwise the provider's `configure`.
pub async fn configure<P: Provider>(
    provider: &P,
    req: ConfigureRequest<'_>,
) -> Result<Option<P::Data>, Diagnostics> {
    let refused = config_checks::check(&provider.schema().block, req.config).errors();
    if refused.has_errors() {
        return Err(refused);
    }
    provider.configure(req).await
}
