//! The managed-resource RPCs: validate, upgrade, read, plan, apply and import, each a
//! conversion in, a framework call and a conversion out.
//!
//! Each `serve_*` method is the body of one RPC of [`ProviderService`]: it names the RPC for
//! the session, looks the type up in the catalogue, converts in, calls the framework and
//! converts out.
//!
//! Must not: hold planning logic: that is `framework::plan` and the resource engine.

use tonic::Request;

use super::catalogue::identity;
use super::convert;
use super::proto::{
    apply_resource_change, import_resource_state, plan_resource_change, read_resource,
    upgrade_resource_identity, upgrade_resource_state, validate_resource_config,
};
use super::service::ProviderService;
use super::session::{Reply, Rpc};
use crate::framework::provider::Provider;

impl<P: Provider> ProviderService<P> {
    pub(super) async fn serve_validate_resource_config(
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

    pub(super) async fn serve_upgrade_resource_state(
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

    pub(super) async fn serve_upgrade_resource_identity(
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

    pub(super) async fn serve_read_resource(
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
            let (new_state, diags) = r.read(&s.ctx(), &current).await;
            let mut diags = s.with_warnings(diags);
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

    pub(super) async fn serve_plan_resource_change(
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
            planned.diags = s.with_warnings(planned.diags);
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

    pub(super) async fn serve_apply_resource_change(
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
            let (new_state, diags) = r.apply(&s.ctx(), &prior, &planned, &config).await;
            let mut diags = s.with_warnings(diags);
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

    pub(super) async fn serve_import_resource_state(
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
            let diags = s.with_warnings(diags).fail_on_errors()?;
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
}
