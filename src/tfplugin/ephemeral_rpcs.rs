//! The ephemeral-resource RPCs that do work: validate, open and close (renew needs nothing:
//! our results never expire). Open sends the private state the resource kept, and close
//! hands it back; both go through `framework::left_open`, which keeps what Terraform has not
//! closed for `GRPCController.Shutdown`.
//!
//! Each `serve_*` method is the body of one RPC of [`ProviderService`]: it names the RPC for
//! the session, looks the type up in the catalogue, converts in, calls the framework and
//! converts out.
//!
//! Must not: hold logic beyond conversion.

use tonic::Request;

use super::convert;
use super::proto::{
    close_ephemeral_resource, open_ephemeral_resource, validate_ephemeral_resource_config,
};
use super::service::ProviderService;
use super::session::{Reply, Rpc};
use crate::framework::left_open;
use crate::framework::provider::Provider;

impl<P: Provider> ProviderService<P> {
    pub(super) async fn serve_validate_ephemeral_resource_config(
        &self,
        req: Request<validate_ephemeral_resource_config::Request>,
    ) -> Reply<validate_ephemeral_resource_config::Response> {
        let req = req.into_inner();
        let rpc = Rpc::ephemeral("ValidateEphemeralResourceConfig", &req.type_name);
        self.serve(rpc, |_| async move {
            let e = self.catalogue.ephemeral(&req.type_name)?;
            let ty = e.schema().value_type();
            let what = "ephemeral resource configuration";
            let config = convert::decode(req.config.as_ref(), &ty, what)?;
            Ok(validate_ephemeral_resource_config::Response {
                diagnostics: convert::diagnostics(&e.validate(&config)),
            })
        })
        .await
    }

    pub(super) async fn serve_open_ephemeral_resource(
        &self,
        req: Request<open_ephemeral_resource::Request>,
    ) -> Reply<open_ephemeral_resource::Response> {
        let req = req.into_inner();
        let rpc = Rpc::ephemeral("OpenEphemeralResource", &req.type_name);
        self.serve(rpc, |s| async move {
            let e = self.catalogue.ephemeral(&req.type_name)?;
            let ty = e.schema().value_type();
            let what = "ephemeral resource configuration";
            let config = convert::decode(req.config.as_ref(), &ty, what)?;
            let (result, diags) = left_open::open(e, &self.left_open, &s.ctx(), &config).await;
            let diags = s.with_warnings(diags).fail_on_errors()?;
            let private = s.private_bytes();
            Ok(open_ephemeral_resource::Response {
                result: Some(convert::encode(&result, &ty, "ephemeral result")?),
                private: (!private.is_empty()).then_some(private),
                diagnostics: convert::diagnostics(&diags),
                ..Default::default()
            })
        })
        .await
    }

    pub(super) async fn serve_close_ephemeral_resource(
        &self,
        req: Request<close_ephemeral_resource::Request>,
    ) -> Reply<close_ephemeral_resource::Response> {
        let req = req.into_inner();
        let rpc = Rpc::ephemeral("CloseEphemeralResource", &req.type_name);
        self.serve(rpc, |s| async move {
            let e = self.catalogue.ephemeral(&req.type_name)?;
            let s = s.with_private(req.private.as_deref().unwrap_or_default());
            let diags = left_open::close(e, &self.left_open, &s.ctx()).await;
            Ok(close_ephemeral_resource::Response {
                diagnostics: convert::diagnostics(&s.with_warnings(diags)),
            })
        })
        .await
    }
}
