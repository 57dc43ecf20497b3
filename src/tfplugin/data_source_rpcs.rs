//! The data source RPCs: validate and read.
//!
//! Each `serve_*` method is the body of one RPC of [`ProviderService`]: it names the RPC for
//! the session, looks the type up in the catalogue, converts in, calls the framework and
//! converts out.
//!
//! Must not: hold logic beyond conversion.

use tonic::Request;

use super::convert;
use super::proto::{read_data_source, validate_data_resource_config};
use super::service::ProviderService;
use super::session::{Reply, Rpc};
use crate::framework::provider::Provider;

impl<P: Provider> ProviderService<P> {
    pub(super) async fn serve_validate_data_resource_config(
        &self,
        req: Request<validate_data_resource_config::Request>,
    ) -> Reply<validate_data_resource_config::Response> {
        let req = req.into_inner();
        let rpc = Rpc::data_source("ValidateDataResourceConfig", &req.type_name);
        self.serve(rpc, |_| async move {
            let d = self.catalogue.data_source(&req.type_name)?;
            let ty = d.schema().value_type();
            let config = convert::decode(req.config.as_ref(), &ty, "data source configuration")?;
            Ok(validate_data_resource_config::Response {
                diagnostics: convert::diagnostics(&d.validate(&config)),
            })
        })
        .await
    }

    pub(super) async fn serve_read_data_source(
        &self,
        req: Request<read_data_source::Request>,
    ) -> Reply<read_data_source::Response> {
        let req = req.into_inner();
        let rpc = Rpc::data_source("ReadDataSource", &req.type_name);
        self.serve(rpc, |s| async move {
            let d = self.catalogue.data_source(&req.type_name)?;
            let ty = d.schema().value_type();
            let config = convert::decode(req.config.as_ref(), &ty, "data source configuration")?;
            let (state, diags) = d.read(&s.ctx(), &config).await;
            let diags = s.with_warnings(diags).fail_on_errors()?;
            Ok(read_data_source::Response {
                state: Some(convert::encode(&state, &ty, "data source state")?),
                diagnostics: convert::diagnostics(&diags),
                deferred: None,
            })
        })
        .await
    }
}
