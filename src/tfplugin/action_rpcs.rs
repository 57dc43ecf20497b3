//! The action RPCs (Terraform 1.14+): validate, plan and the `InvokeAction` stream.
//!
//! Each `serve_*` method is the body of one RPC of [`ProviderService`]: it names the RPC for
//! the session, looks the type up in the catalogue, converts in, calls the framework and
//! converts out. An invocation outlives its RPC body, so it takes the session's provider data
//! and stop signal with it; the engine ends its stream with exactly one completion.
//!
//! Must not: hold logic beyond conversion.

use tokio_stream::StreamExt;
use tonic::Request;
use tonic::codegen::BoxStream;

use super::convert;
use super::proto::{invoke_action, plan_action, validate_action_config};
use super::service::ProviderService;
use super::session::{Reply, Rpc};
use crate::framework::provider::Provider;

impl<P: Provider> ProviderService<P> {
    pub(super) async fn serve_validate_action_config(
        &self,
        req: Request<validate_action_config::Request>,
    ) -> Reply<validate_action_config::Response> {
        let req = req.into_inner();
        let rpc = Rpc::action("ValidateActionConfig", &req.type_name);
        self.serve(rpc, |_| async move {
            let a = self.catalogue.action(&req.type_name)?;
            let ty = a.schema().value_type();
            let config = convert::decode(req.config.as_ref(), &ty, "action configuration")?;
            Ok(validate_action_config::Response {
                diagnostics: convert::diagnostics(&a.validate(&config)),
            })
        })
        .await
    }

    pub(super) async fn serve_plan_action(
        &self,
        req: Request<plan_action::Request>,
    ) -> Reply<plan_action::Response> {
        let req = req.into_inner();
        let rpc = Rpc::action("PlanAction", &req.action_type);
        self.serve(rpc, |s| async move {
            let a = self.catalogue.action(&req.action_type)?;
            let ty = a.schema().value_type();
            let config = convert::decode(req.config.as_ref(), &ty, "action configuration")?;
            let diags = s.with_warnings(a.plan(&s.ctx(), &config).await);
            Ok(plan_action::Response {
                diagnostics: convert::diagnostics(&diags),
                deferred: None,
            })
        })
        .await
    }

    pub(super) fn serve_invoke_action(
        &self,
        req: Request<invoke_action::Request>,
    ) -> Reply<BoxStream<invoke_action::Event>> {
        let req = req.into_inner();
        let rpc = Rpc::action("InvokeAction", &req.action_type);
        self.sessions.serve_stream(rpc, |s| {
            let a = self.catalogue.action(&req.action_type)?;
            let ty = a.schema().value_type();
            let config = convert::decode(req.config.as_ref(), &ty, "action configuration")?;
            let (data, cancel) = s.into_parts();
            let events = a.invoke(data, cancel, config);
            Ok(Box::pin(events.map(|e| Ok(convert::action_event(e)))))
        })
    }
}
