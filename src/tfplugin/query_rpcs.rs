//! The `terraform query` RPCs (Terraform 1.14+): `ListResource`, a stream of the objects a
//! list resource finds, `ValidateListResourceConfig`, and `GenerateResourceConfig`, the
//! configuration that adopts one of them (also used for import blocks with
//! `-generate-config-out`).
//!
//! Each `serve_*` method is the body of one RPC of [`ProviderService`]: it names the RPC for
//! the session, looks the type up in the catalogue, converts in, calls the framework and
//! converts out. A listing runs as a task of its own (`framework::list_resource`); the stream
//! returned here carries its events, and dropping it stops the listing.
//!
//! Must not: hold logic beyond conversion.

use tokio::sync::mpsc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tonic::codegen::BoxStream;
use tonic::{Request, Status};

use super::convert;
use super::proto::{generate_resource_config, list_resource, validate_list_resource_config};
use super::service::ProviderService;
use super::session::{Reply, Rpc};
use crate::framework::config_generation::config_from_state;
use crate::framework::cty::Type;
use crate::framework::list_resource::{ListEvent, ListRequest};
use crate::framework::provider::Provider;

/// The types a list event is encoded with: the resource's identity and object types.
struct EventTypes {
    identity: Type,
    object: Type,
}

fn event(e: ListEvent, types: &EventTypes) -> list_resource::Event {
    let mut diags = e.diags;
    let identity = if e.identity.is_null() {
        None
    } else {
        convert::encode(&e.identity, &types.identity, "list result identity")
            .map_err(|d| diags.extend(d))
            .ok()
            .map(|dv| super::proto::ResourceIdentityData {
                identity_data: Some(dv),
            })
    };
    let resource_object = e.object.and_then(|o| {
        convert::encode(&o, &types.object, "list result object")
            .map_err(|d| diags.extend(d))
            .ok()
    });
    list_resource::Event {
        identity,
        display_name: e.display_name,
        resource_object,
        diagnostic: convert::diagnostics(&diags),
    }
}

/// The response stream: one event per result. When Terraform drops it, the receiver goes with
/// it and the listing stops.
fn stream(rx: mpsc::Receiver<ListEvent>, types: EventTypes) -> BoxStream<list_resource::Event> {
    Box::pin(ReceiverStream::new(rx).map(move |e| Ok::<_, Status>(event(e, &types))))
}

impl<P: Provider> ProviderService<P> {
    pub(super) async fn serve_list_resource(
        &self,
        req: Request<list_resource::Request>,
    ) -> Reply<BoxStream<list_resource::Event>> {
        let req = req.into_inner();
        let rpc = Rpc::list("ListResource", &req.type_name);
        self.sessions.serve_stream(rpc, |s| {
            let list = self.catalogue.list(&req.type_name)?;
            let resource = self.catalogue.resource(&req.type_name)?;
            let identity = resource.identity_schema().map(|i| i.value_type());
            let identity = identity.ok_or_else(|| self.catalogue.no_identity(&req.type_name))?;
            let types = EventTypes {
                identity,
                object: resource.schema().value_type(),
            };
            let ty = list.schema().value_type();
            let config = convert::decode(req.config.as_ref(), &ty, "list configuration")?;
            let list_req = ListRequest {
                config,
                include_resource: req.include_resource_object,
                limit: req.limit,
            };
            let (data, cancel) = s.detach();
            Ok(stream(list.list(data, cancel, list_req), types))
        })
    }

    pub(super) async fn serve_validate_list_resource_config(
        &self,
        req: Request<validate_list_resource_config::Request>,
    ) -> Reply<validate_list_resource_config::Response> {
        let req = req.into_inner();
        let rpc = Rpc::list("ValidateListResourceConfig", &req.type_name);
        self.serve(rpc, |_| async move {
            let list = self.catalogue.list(&req.type_name)?;
            let ty = list.schema().value_type();
            let config = convert::decode(req.config.as_ref(), &ty, "list configuration")?;
            Ok(validate_list_resource_config::Response {
                diagnostics: convert::diagnostics(&list.validate(&config)),
            })
        })
        .await
    }

    pub(super) async fn serve_generate_resource_config(
        &self,
        req: Request<generate_resource_config::Request>,
    ) -> Reply<generate_resource_config::Response> {
        let req = req.into_inner();
        let rpc = Rpc::resource("GenerateResourceConfig", &req.type_name);
        self.serve(rpc, |_| async move {
            let schema = self.catalogue.resource(&req.type_name)?.schema();
            let ty = schema.value_type();
            let state = convert::decode(req.state.as_ref(), &ty, "resource state")?;
            let config = config_from_state(&schema.block, &state);
            Ok(generate_resource_config::Response {
                config: Some(convert::encode(&config, &ty, "generated configuration")?),
                diagnostics: Vec::new(),
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::cty::Value;
    use crate::framework::diagnostics::Diagnostic;

    #[test]
    fn a_diagnostic_only_event_has_no_identity() {
        let types = EventTypes {
            identity: Type::object([("id", Type::String)]),
            object: Type::object([("id", Type::String)]),
        };
        let e = event(
            ListEvent {
                identity: Value::Null,
                display_name: String::new(),
                object: None,
                diags: Diagnostic::warning("s", "d").into(),
            },
            &types,
        );
        assert!(e.identity.is_none() && e.resource_object.is_none());
        assert_eq!(e.diagnostic.len(), 1);
    }
}
