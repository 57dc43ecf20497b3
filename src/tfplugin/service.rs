//! Every tfplugin6 RPC, each a few lines: name the RPC for the session, look the type up,
//! convert in, call the framework, convert out. Sessions, early returns and logging are
//! [`session`](super::session)'s; RPCs for features this provider does not offer answer from
//! [`not_offered`](super::not_offered).
//!
//! Must not: hold planning logic or resource knowledge (see the module above).

use std::future::Future;
use std::time::Duration;

use tonic::codegen::BoxStream;
use tonic::{Request, Response, Streaming};

use super::catalogue::Catalogue;
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
use crate::framework::left_open::{self, Closed, LeftOpen};
use crate::framework::provider::Provider;
use crate::logging;

/// The tfplugin6 service for one provider process.
pub struct ProviderService<P: Provider> {
    pub(super) catalogue: Catalogue<P>,
    pub(super) sessions: Sessions<P::Data>,
    /// The ephemeral resources opened and not yet closed (see `framework::left_open`).
    pub(super) left_open: LeftOpen,
}

impl<P: Provider> ProviderService<P> {
    pub fn new(provider: P) -> Self {
        ProviderService {
            catalogue: Catalogue::new(provider),
            sessions: Sessions::new(),
            left_open: LeftOpen::default(),
        }
    }

    /// Close, within `limit`, the ephemeral resources Terraform left open: when it shuts the
    /// process down (`GRPCController.Shutdown`), or died.
    pub async fn close_left_open(&self, limit: Duration) -> Closed {
        if self.left_open.is_empty() {
            return Closed::default();
        }
        let data = self.sessions.data();
        let find = |t: &str| self.catalogue.ephemeral_shared(t);
        left_open::close_left_open(&self.left_open, find, data, limit).await
    }

    /// Serve one RPC through the session helper.
    pub(super) async fn serve<T: Diagnosable, Fut>(
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
        req: Request<get_metadata::Request>,
    ) -> Reply<get_metadata::Response> {
        self.serve_get_metadata(req).await
    }

    async fn get_provider_schema(
        &self,
        req: Request<get_provider_schema::Request>,
    ) -> Reply<get_provider_schema::Response> {
        self.serve_get_provider_schema(req).await
    }

    async fn get_resource_identity_schemas(
        &self,
        req: Request<get_resource_identity_schemas::Request>,
    ) -> Reply<get_resource_identity_schemas::Response> {
        self.serve_get_resource_identity_schemas(req).await
    }

    async fn validate_provider_config(
        &self,
        req: Request<validate_provider_config::Request>,
    ) -> Reply<validate_provider_config::Response> {
        self.serve_validate_provider_config(req).await
    }

    async fn validate_resource_config(
        &self,
        req: Request<validate_resource_config::Request>,
    ) -> Reply<validate_resource_config::Response> {
        self.serve_validate_resource_config(req).await
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<validate_data_resource_config::Request>,
    ) -> Reply<validate_data_resource_config::Response> {
        self.serve_validate_data_resource_config(req).await
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<upgrade_resource_state::Request>,
    ) -> Reply<upgrade_resource_state::Response> {
        self.serve_upgrade_resource_state(req).await
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<upgrade_resource_identity::Request>,
    ) -> Reply<upgrade_resource_identity::Response> {
        self.serve_upgrade_resource_identity(req).await
    }

    async fn configure_provider(
        &self,
        req: Request<configure_provider::Request>,
    ) -> Reply<configure_provider::Response> {
        self.serve_configure_provider(req).await
    }

    async fn read_resource(
        &self,
        req: Request<read_resource::Request>,
    ) -> Reply<read_resource::Response> {
        self.serve_read_resource(req).await
    }

    async fn plan_resource_change(
        &self,
        req: Request<plan_resource_change::Request>,
    ) -> Reply<plan_resource_change::Response> {
        self.serve_plan_resource_change(req).await
    }

    async fn apply_resource_change(
        &self,
        req: Request<apply_resource_change::Request>,
    ) -> Reply<apply_resource_change::Response> {
        self.serve_apply_resource_change(req).await
    }

    async fn import_resource_state(
        &self,
        req: Request<import_resource_state::Request>,
    ) -> Reply<import_resource_state::Response> {
        self.serve_import_resource_state(req).await
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
        self.serve_read_data_source(req).await
    }

    async fn generate_resource_config(
        &self,
        req: Request<generate_resource_config::Request>,
    ) -> Reply<generate_resource_config::Response> {
        self.serve_generate_resource_config(req).await
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<validate_ephemeral_resource_config::Request>,
    ) -> Reply<validate_ephemeral_resource_config::Response> {
        self.serve_validate_ephemeral_resource_config(req).await
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<open_ephemeral_resource::Request>,
    ) -> Reply<open_ephemeral_resource::Response> {
        self.serve_open_ephemeral_resource(req).await
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
        req: Request<close_ephemeral_resource::Request>,
    ) -> Reply<close_ephemeral_resource::Response> {
        self.serve_close_ephemeral_resource(req).await
    }

    async fn list_resource(
        &self,
        req: Request<list_resource::Request>,
    ) -> Reply<BoxStream<list_resource::Event>> {
        self.serve_list_resource(req).await
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<validate_list_resource_config::Request>,
    ) -> Reply<validate_list_resource_config::Response> {
        self.serve_validate_list_resource_config(req).await
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

    async fn validate_action_config(
        &self,
        req: Request<validate_action_config::Request>,
    ) -> Reply<validate_action_config::Response> {
        self.serve_validate_action_config(req).await
    }

    async fn plan_action(
        &self,
        req: Request<plan_action::Request>,
    ) -> Reply<plan_action::Response> {
        self.serve_plan_action(req).await
    }

    async fn invoke_action(
        &self,
        req: Request<invoke_action::Request>,
    ) -> Reply<BoxStream<invoke_action::Event>> {
        self.serve_invoke_action(req)
    }

    async fn stop_provider(
        &self,
        _: Request<stop_provider::Request>,
    ) -> Reply<stop_provider::Response> {
        Rpc::provider("StopProvider").log_context().sync_scope(|| {
            self.sessions.stop();
            logging::info("StopProvider: cancelled in-flight operations", &[]);
        });
        Ok(Response::new(stop_provider::Response::default()))
    }
}
