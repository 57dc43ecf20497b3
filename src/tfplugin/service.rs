//! Every tfplugin6 RPC, each a few lines: name the RPC for the session, look the type up,
//! convert in, call the framework, convert out. Sessions, early returns and logging are
//! [`session`](super::session)'s; RPCs for features this provider does not offer answer from
//! [`not_offered`](super::not_offered).
//!
//! Must not: hold planning logic or resource knowledge (see the module above).

use std::future::Future;

use tonic::codegen::BoxStream;
use tonic::{Request, Response, Streaming};

use super::catalogue::{Catalogue, identity};
use super::convert;
use super::not_offered;
use super::proto::provider_server::Provider as ProviderRpc;
use super::proto::{
    apply_resource_change, call_function, close_ephemeral_resource, configure_provider,
    configure_state_store, delete_state, generate_resource_config, get_functions, get_metadata,
    get_provider_schema, get_resource_identity_schemas, get_states, import_resource_state,
    invoke_action, list_resource, lock_state, move_resource_state, open_ephemeral_resource,
    plan_action, plan_resource_change, read_data_source, read_resource, read_state_bytes,
    renew_ephemeral_resource, stop_provider, unlock_state, upgrade_resource_identity,
    upgrade_resource_state, validate_action_config, validate_data_resource_config,
    validate_ephemeral_resource_config, validate_list_resource_config, validate_provider_config,
    validate_resource_config, validate_state_store, write_state_bytes,
};
use super::session::{Diagnosable, Reply, Rpc, Session, Sessions};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::{ConfigureRequest, Provider};
use crate::logging;

/// The tfplugin6 service for one provider process.
pub struct ProviderService<P: Provider> {
    catalogue: Catalogue<P>,
    sessions: Sessions<P::Data>,
}

impl<P: Provider> ProviderService<P> {
    pub fn new(provider: P) -> Self {
        ProviderService {
            catalogue: Catalogue::new(provider),
            sessions: Sessions::new(),
        }
    }

    /// Serve one RPC through the session helper.
    async fn serve<T: Diagnosable, Fut>(
        &self,
        rpc: Rpc,
        body: impl FnOnce(Session<P::Data>) -> Fut,
    ) -> Reply<T>
    where
        Fut: Future<Output = Result<T, Diagnostics>>,
    {
        self.sessions.serve(rpc, body).await
    }
}

#[tonic::async_trait]
impl<P: Provider> ProviderRpc for ProviderService<P> {
    async fn get_metadata(
        &self,
        _: Request<get_metadata::Request>,
    ) -> Reply<get_metadata::Response> {
        let rpc = Rpc::provider("GetMetadata");
        self.serve(rpc, |_| async { Ok(self.catalogue.metadata()) })
            .await
    }

    async fn get_provider_schema(
        &self,
        _: Request<get_provider_schema::Request>,
    ) -> Reply<get_provider_schema::Response> {
        let rpc = Rpc::provider("GetProviderSchema");
        self.serve(rpc, |_| async { Ok(self.catalogue.schema_response()) })
            .await
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<get_resource_identity_schemas::Request>,
    ) -> Reply<get_resource_identity_schemas::Response> {
        let rpc = Rpc::provider("GetResourceIdentitySchemas");
        self.serve(rpc, |_| async { Ok(self.catalogue.identity_schemas()) })
            .await
    }

    async fn validate_provider_config(
        &self,
        req: Request<validate_provider_config::Request>,
    ) -> Reply<validate_provider_config::Response> {
        let req = req.into_inner();
        self.serve(Rpc::provider("ValidateProviderConfig"), |_| async move {
            let ty = self.catalogue.provider.schema().value_type();
            let config = convert::decode(req.config.as_ref(), &ty, "provider configuration")?;
            Ok(validate_provider_config::Response {
                diagnostics: convert::diagnostics(&self.catalogue.provider.validate(&config)),
            })
        })
        .await
    }

    async fn validate_resource_config(
        &self,
        req: Request<validate_resource_config::Request>,
    ) -> Reply<validate_resource_config::Response> {
        let req = req.into_inner();
        let rpc = Rpc::resource("ValidateResourceConfig", &req.type_name);
        self.serve(rpc, |_| async move {
            let r = self.catalogue.resource(&req.type_name)?;
            let ty = r.schema().value_type();
            let config = convert::decode(req.config.as_ref(), &ty, "resource configuration")?;
            let allowed = convert::write_only_allowed(req.client_capabilities.as_ref());
            Ok(validate_resource_config::Response {
                diagnostics: convert::diagnostics(&r.validate(&config, allowed)),
            })
        })
        .await
    }

    async fn validate_data_resource_config(
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

    async fn upgrade_resource_state(
        &self,
        req: Request<upgrade_resource_state::Request>,
    ) -> Reply<upgrade_resource_state::Response> {
        let req = req.into_inner();
        let rpc = Rpc::resource("UpgradeResourceState", &req.type_name);
        self.serve(rpc, |_| async move {
            let r = self.catalogue.resource(&req.type_name)?;
            let raw = req.raw_state.unwrap_or_default();
            let state = r.upgrade_state(req.version, convert::raw_state(&raw))?;
            let ty = r.schema().value_type();
            Ok(upgrade_resource_state::Response {
                upgraded_state: Some(convert::encode(&state, &ty, "upgraded state")?),
                diagnostics: Vec::new(),
            })
        })
        .await
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<upgrade_resource_identity::Request>,
    ) -> Reply<upgrade_resource_identity::Response> {
        let req = req.into_inner();
        let rpc = Rpc::resource("UpgradeResourceIdentity", &req.type_name);
        self.serve(rpc, |_| async move {
            let r = self.catalogue.resource(&req.type_name)?;
            let raw = req.raw_identity.unwrap_or_default();
            let (identity, schema) = r.upgrade_identity(req.version, &raw.json)?;
            Ok(upgrade_resource_identity::Response {
                upgraded_identity: Some(convert::identity(&identity, &schema)?),
                diagnostics: Vec::new(),
            })
        })
        .await
    }

    async fn configure_provider(
        &self,
        req: Request<configure_provider::Request>,
    ) -> Reply<configure_provider::Response> {
        let req = req.into_inner();
        self.serve(Rpc::provider("ConfigureProvider"), |_| async move {
            let ty = self.catalogue.provider.schema().value_type();
            let config = convert::decode(req.config.as_ref(), &ty, "provider configuration")?;
            let creq = ConfigureRequest {
                config: &config,
                terraform_version: &req.terraform_version,
                write_only_allowed: convert::write_only_allowed(req.client_capabilities.as_ref()),
            };
            self.sessions
                .configure(self.catalogue.provider.configure(creq).await?);
            Ok(configure_provider::Response::default())
        })
        .await
    }

    async fn read_resource(
        &self,
        req: Request<read_resource::Request>,
    ) -> Reply<read_resource::Response> {
        let req = req.into_inner();
        let rpc = Rpc::resource("ReadResource", &req.type_name);
        self.serve(rpc, |s| async move {
            let s = s.with_private(&req.private);
            let r = self.catalogue.resource(&req.type_name)?;
            let ty = r.schema().value_type();
            let current = convert::decode(req.current_state.as_ref(), &ty, "current state")?;
            let (new_state, mut diags) = r.read(&s.ctx(), &current).await;
            let encoded = convert::encode(&new_state, &ty, "new state");
            Ok(read_resource::Response {
                new_state: encoded.map_err(|d| diags.extend(d)).ok(),
                private: s.private_bytes(),
                new_identity: identity(r, &new_state),
                diagnostics: convert::diagnostics(&diags),
                deferred: None,
            })
        })
        .await
    }

    async fn plan_resource_change(
        &self,
        req: Request<plan_resource_change::Request>,
    ) -> Reply<plan_resource_change::Response> {
        let req = req.into_inner();
        let rpc = Rpc::resource("PlanResourceChange", &req.type_name);
        self.serve(rpc, |s| async move {
            let s = s.with_private(&req.prior_private);
            let r = self.catalogue.resource(&req.type_name)?;
            let ty = r.schema().value_type();
            let prior = convert::decode(req.prior_state.as_ref(), &ty, "prior state")?;
            let proposed =
                convert::decode(req.proposed_new_state.as_ref(), &ty, "proposed new state")?;
            let config = convert::decode(req.config.as_ref(), &ty, "configuration")?;
            let mut planned = r.plan(&s.ctx(), &prior, &proposed, &config).await;
            let encoded = convert::encode(&planned.planned, &ty, "planned state");
            // An identity can only be planned once every value it is made of is known.
            let planned_identity = (planned.planned.is_wholly_known())
                .then(|| identity(r, &planned.planned))
                .flatten();
            Ok(plan_resource_change::Response {
                planned_state: encoded.map_err(|d| planned.diags.extend(d)).ok(),
                requires_replace: planned.requires_replace.iter().map(convert::path).collect(),
                planned_private: s.private_bytes(),
                diagnostics: convert::diagnostics(&planned.diags),
                legacy_type_system: false,
                deferred: None,
                planned_identity,
            })
        })
        .await
    }

    async fn apply_resource_change(
        &self,
        req: Request<apply_resource_change::Request>,
    ) -> Reply<apply_resource_change::Response> {
        let req = req.into_inner();
        let rpc = Rpc::resource("ApplyResourceChange", &req.type_name);
        self.serve(rpc, |s| async move {
            let s = s.with_private(&req.planned_private);
            let r = self.catalogue.resource(&req.type_name)?;
            let ty = r.schema().value_type();
            let prior = convert::decode(req.prior_state.as_ref(), &ty, "prior state")?;
            let planned = convert::decode(req.planned_state.as_ref(), &ty, "planned state")?;
            let config = convert::decode(req.config.as_ref(), &ty, "configuration")?;
            let (new_state, mut diags) = r.apply(&s.ctx(), &prior, &planned, &config).await;
            let encoded = convert::encode(&new_state, &ty, "new state");
            Ok(apply_resource_change::Response {
                new_state: encoded.map_err(|d| diags.extend(d)).ok(),
                private: s.private_bytes(),
                new_identity: identity(r, &new_state),
                diagnostics: convert::diagnostics(&diags),
                legacy_type_system: false,
            })
        })
        .await
    }

    async fn import_resource_state(
        &self,
        req: Request<import_resource_state::Request>,
    ) -> Reply<import_resource_state::Response> {
        let req = req.into_inner();
        let rpc = Rpc::resource("ImportResourceState", &req.type_name);
        self.serve(rpc, |s| async move {
            let r = self.catalogue.resource(&req.type_name)?;
            let ty = r.schema().value_type();
            let given = convert::given_identity(req.identity.as_ref(), r.identity_schema())?;
            let (state, diags) = r.import(&s.ctx(), &req.id, given.as_ref()).await;
            let diags = diags.fail_on_errors()?;
            let imported = import_resource_state::ImportedResource {
                type_name: req.type_name.clone(),
                state: Some(convert::encode(&state, &ty, "imported state")?),
                private: s.private_bytes(),
                identity: identity(r, &state),
            };
            Ok(import_resource_state::Response {
                imported_resources: vec![imported],
                diagnostics: convert::diagnostics(&diags),
                deferred: None,
            })
        })
        .await
    }

    async fn move_resource_state(
        &self,
        _: Request<move_resource_state::Request>,
    ) -> Reply<move_resource_state::Response> {
        not_offered::move_resource_state()
    }

    async fn read_data_source(
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
            let diags = diags.fail_on_errors()?;
            Ok(read_data_source::Response {
                state: Some(convert::encode(&state, &ty, "data source state")?),
                diagnostics: convert::diagnostics(&diags),
                deferred: None,
            })
        })
        .await
    }

    async fn generate_resource_config(
        &self,
        _: Request<generate_resource_config::Request>,
    ) -> Reply<generate_resource_config::Response> {
        not_offered::generate_resource_config()
    }

    async fn validate_ephemeral_resource_config(
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

    async fn open_ephemeral_resource(
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
            let (result, diags) = e.open(&s.ctx(), &config).await;
            let diags = diags.fail_on_errors()?;
            Ok(open_ephemeral_resource::Response {
                result: Some(convert::encode(&result, &ty, "ephemeral result")?),
                diagnostics: convert::diagnostics(&diags),
                ..Default::default()
            })
        })
        .await
    }

    async fn renew_ephemeral_resource(
        &self,
        _: Request<renew_ephemeral_resource::Request>,
    ) -> Reply<renew_ephemeral_resource::Response> {
        // Our ephemeral results never expire, so Open never asks for a renewal.
        Ok(Response::new(Default::default()))
    }

    async fn close_ephemeral_resource(
        &self,
        _: Request<close_ephemeral_resource::Request>,
    ) -> Reply<close_ephemeral_resource::Response> {
        // Nothing is held open remotely.
        Ok(Response::new(Default::default()))
    }

    async fn list_resource(
        &self,
        req: Request<list_resource::Request>,
    ) -> Reply<BoxStream<list_resource::Event>> {
        not_offered::list_resource(&req.into_inner().type_name)
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<validate_list_resource_config::Request>,
    ) -> Reply<validate_list_resource_config::Response> {
        let type_name = req.into_inner().type_name;
        not_offered::validate_list_resource_config(&type_name)
    }

    async fn get_functions(
        &self,
        _: Request<get_functions::Request>,
    ) -> Reply<get_functions::Response> {
        not_offered::get_functions()
    }

    async fn call_function(
        &self,
        req: Request<call_function::Request>,
    ) -> Reply<call_function::Response> {
        not_offered::call_function(&req.into_inner().name)
    }

    async fn validate_state_store_config(
        &self,
        _: Request<validate_state_store::Request>,
    ) -> Reply<validate_state_store::Response> {
        not_offered::validate_state_store()
    }

    async fn configure_state_store(
        &self,
        _: Request<configure_state_store::Request>,
    ) -> Reply<configure_state_store::Response> {
        not_offered::configure_state_store()
    }

    async fn read_state_bytes(
        &self,
        _: Request<read_state_bytes::Request>,
    ) -> Reply<BoxStream<read_state_bytes::Response>> {
        not_offered::read_state_bytes()
    }

    async fn write_state_bytes(
        &self,
        _: Request<Streaming<write_state_bytes::RequestChunk>>,
    ) -> Reply<write_state_bytes::Response> {
        not_offered::write_state_bytes()
    }

    async fn lock_state(&self, _: Request<lock_state::Request>) -> Reply<lock_state::Response> {
        not_offered::lock_state()
    }

    async fn unlock_state(
        &self,
        _: Request<unlock_state::Request>,
    ) -> Reply<unlock_state::Response> {
        not_offered::unlock_state()
    }

    async fn get_states(&self, _: Request<get_states::Request>) -> Reply<get_states::Response> {
        not_offered::get_states()
    }

    async fn delete_state(
        &self,
        _: Request<delete_state::Request>,
    ) -> Reply<delete_state::Response> {
        not_offered::delete_state()
    }

    async fn plan_action(&self, _: Request<plan_action::Request>) -> Reply<plan_action::Response> {
        not_offered::plan_action()
    }

    async fn invoke_action(
        &self,
        _: Request<invoke_action::Request>,
    ) -> Reply<BoxStream<invoke_action::Event>> {
        not_offered::invoke_action()
    }

    async fn validate_action_config(
        &self,
        _: Request<validate_action_config::Request>,
    ) -> Reply<validate_action_config::Response> {
        not_offered::validate_action_config()
    }

    async fn stop_provider(
        &self,
        _: Request<stop_provider::Request>,
    ) -> Reply<stop_provider::Response> {
        self.sessions.stop();
        logging::info("StopProvider: cancelled in-flight operations", &[]);
        Ok(Response::new(stop_provider::Response::default()))
    }
}
