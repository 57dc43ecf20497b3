//! The provider-wide RPCs: metadata, the schemas, and validating and configuring the provider block.
//!
//! Each `serve_*` method is the body of one RPC of [`ProviderService`]: it names the RPC for
//! the session, looks the type up in the catalogue, converts in, calls the framework and
//! converts out.
//!
//! Must not: hold resource knowledge; the catalogue answers for the types.

use tonic::Request;

use super::convert;
use super::proto::{
    configure_provider, get_metadata, get_provider_schema, get_resource_identity_schemas,
    validate_provider_config,
};
use super::service::ProviderService;
use super::session::{Reply, Rpc};
use crate::framework::provider::{self, ConfigureRequest, Provider};

impl<P: Provider> ProviderService<P> {
    pub(super) async fn serve_get_metadata(
        &self,
        _: Request<get_metadata::Request>,
    ) -> Reply<get_metadata::Response> {
        let rpc = Rpc::provider("GetMetadata");
        self.serve(rpc, |_| async { Ok(self.catalogue.metadata()) })
            .await
    }

    pub(super) async fn serve_get_provider_schema(
        &self,
        _: Request<get_provider_schema::Request>,
    ) -> Reply<get_provider_schema::Response> {
        let rpc = Rpc::provider("GetProviderSchema");
        self.serve(rpc, |_| async { Ok(self.catalogue.schema_response()) })
            .await
    }

    pub(super) async fn serve_get_resource_identity_schemas(
        &self,
        _: Request<get_resource_identity_schemas::Request>,
    ) -> Reply<get_resource_identity_schemas::Response> {
        let rpc = Rpc::provider("GetResourceIdentitySchemas");
        self.serve(rpc, |_| async { Ok(self.catalogue.identity_schemas()) })
            .await
    }

    pub(super) async fn serve_validate_provider_config(
        &self,
        req: Request<validate_provider_config::Request>,
    ) -> Reply<validate_provider_config::Response> {
        let req = req.into_inner();
        self.serve(Rpc::provider("ValidateProviderConfig"), |_| async move {
            let (p, config) = self.catalogue.provider_config(req.config.as_ref())?;
            Ok(validate_provider_config::Response {
                diagnostics: convert::diagnostics(&provider::validate_config(p, &config)),
            })
        })
        .await
    }

    pub(super) async fn serve_configure_provider(
        &self,
        req: Request<configure_provider::Request>,
    ) -> Reply<configure_provider::Response> {
        let req = req.into_inner();
        self.serve(Rpc::provider("ConfigureProvider"), |_| async move {
            let (p, config) = self.catalogue.provider_config(req.config.as_ref())?;
            let creq = ConfigureRequest {
                config: &config,
                terraform_version: &req.terraform_version,
                write_only_allowed: convert::write_only_allowed(req.client_capabilities.as_ref()),
            };
            self.sessions.configure(provider::configure(p, creq).await?);
            Ok(configure_provider::Response::default())
        })
        .await
    }
}
