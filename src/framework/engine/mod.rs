//! The managed-resource engine: [`DynResource`], the value-level face of a resource that the
//! RPC layer calls, implemented once for every [`Resource`]. This is where every resource gets
//! the same behaviour: models in and out of cty values, the plan rules of `framework::plan`,
//! write-only checks for old Terraform, operation timeouts from the `timeouts` block,
//! cancellation, and the apply checker.
//!
//! One file per RPC, as terraform-plugin-framework's `internal/fwserver` keeps them:
//! `validate_resource_config`, `read_resource`, `plan_resource_change`, `apply_resource_change`,
//! `import_resource_state`, `upgrade_resource_state`, `upgrade_resource_identity`. This file only
//! routes each method of [`DynResource`] to its file.
//!
//! Must not: see protobuf or msgpack (that is `tfplugin`), know any Vonage detail, or hold an
//! author-facing type (those are `framework::resource`'s).

mod apply_resource_change;
mod import_resource_state;
mod plan_resource_change;
mod read_resource;
mod upgrade_resource_identity;
mod upgrade_resource_state;
mod validate_resource_config;

use async_trait::async_trait;

use crate::framework::cty::{self, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::operation::Ctx;
use crate::framework::resource::Resource;
use crate::framework::schema::{IdentitySchema, Schema};
use crate::framework::upgrade::RawState;

pub use plan_resource_change::Planned;

/// The value-level face of a resource, which the RPC layer calls with cty values. Implemented
/// for every [`Resource`]; each method answers one RPC.
#[async_trait]
pub trait DynResource<D: Send + Sync>: Send + Sync {
    /// The resource type name, as [`Resource::type_name`].
    fn type_name(&self) -> &'static str;
    /// The schema, as [`Resource::schema`].
    fn schema(&self) -> Schema;
    /// The identity schema, as [`Resource::identity_schema`].
    fn identity_schema(&self) -> Option<IdentitySchema>;
    /// The identity of an object in state, conformed to the identity schema; `None` for a
    /// resource without one, a null state or an identity not wholly known yet.
    fn identity_of(&self, state: &Value) -> Option<Value>;
    /// `ValidateResourceConfig`. `write_only_allowed` is false for a Terraform older than 1.11,
    /// which would store write-only values: setting one is then refused.
    fn validate(&self, config: &Value, write_only_allowed: bool) -> Diagnostics;
    /// `UpgradeResourceState`: stored state of schema `version`, in the current schema (see
    /// `framework::upgrade`).
    fn upgrade_state(&self, version: i64, raw: RawState<'_>) -> Result<Value, Diagnostics>;
    /// `UpgradeResourceIdentity`: a stored identity of identity-schema `version`, in the
    /// current identity schema.
    fn upgrade_identity(
        &self,
        version: i64,
        json: &[u8],
    ) -> Result<(Value, IdentitySchema), Diagnostics>;
    /// `ReadResource`: the refreshed state (null when the object is gone), or the given state
    /// with diagnostics.
    async fn read(&self, ctx: &Ctx<'_, D>, state: &Value) -> (Value, Diagnostics);
    /// `PlanResourceChange`: the planned state and the paths that force a replacement.
    async fn plan(
        &self,
        ctx: &Ctx<'_, D>,
        prior: &Value,
        proposed: &Value,
        config: &Value,
    ) -> Planned;
    /// `ApplyResourceChange`: the new state (null after a delete), or the state to keep with
    /// diagnostics.
    async fn apply(
        &self,
        ctx: &Ctx<'_, D>,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> (Value, Diagnostics);
    /// `ImportResourceState`, by import ID, or by identity when `id` is empty.
    async fn import(
        &self,
        ctx: &Ctx<'_, D>,
        id: &str,
        identity: Option<&Value>,
    ) -> (Value, Diagnostics);
}

#[async_trait]
impl<D: Send + Sync, R: Resource<D>> DynResource<D> for R {
    fn type_name(&self) -> &'static str {
        Resource::type_name(self)
    }
    fn schema(&self) -> Schema {
        Resource::schema(self)
    }
    fn identity_schema(&self) -> Option<IdentitySchema> {
        Resource::identity_schema(self)
    }
    fn identity_of(&self, state: &Value) -> Option<Value> {
        if state.is_null() {
            return None;
        }
        let model: R::Model = cty::serde::from_value(state).ok()?;
        let ty = Resource::identity_schema(self)?.value_type();
        Resource::identity(self, &model)?.conform(&ty).ok()
    }
    fn validate(&self, config: &Value, write_only_allowed: bool) -> Diagnostics {
        validate_resource_config::validate(self, config, write_only_allowed)
    }
    fn upgrade_state(&self, version: i64, raw: RawState<'_>) -> Result<Value, Diagnostics> {
        upgrade_resource_state::upgrade_state(self, version, raw)
    }
    fn upgrade_identity(
        &self,
        version: i64,
        json: &[u8],
    ) -> Result<(Value, IdentitySchema), Diagnostics> {
        upgrade_resource_identity::upgrade_identity(self, version, json)
    }
    async fn read(&self, ctx: &Ctx<'_, D>, state: &Value) -> (Value, Diagnostics) {
        read_resource::read(self, ctx, state).await
    }
    async fn plan(
        &self,
        ctx: &Ctx<'_, D>,
        prior: &Value,
        proposed: &Value,
        config: &Value,
    ) -> Planned {
        plan_resource_change::plan(self, ctx, prior, proposed, config).await
    }
    async fn apply(
        &self,
        ctx: &Ctx<'_, D>,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> (Value, Diagnostics) {
        apply_resource_change::apply(self, ctx, prior, planned, config).await
    }
    async fn import(
        &self,
        ctx: &Ctx<'_, D>,
        id: &str,
        identity: Option<&Value>,
    ) -> (Value, Diagnostics) {
        import_resource_state::import(self, ctx, id, identity).await
    }
}
