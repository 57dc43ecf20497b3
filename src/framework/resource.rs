//! The managed-resource interface for authors: [`Resource`], the trait one resource file
//! implements on its own typed model, and the requests and results of its methods.
//!
//! Every method says when Terraform calls it and what it must keep. The engine
//! ([`engine`](super::engine), which implements [`DynResource`] for every `Resource`) sits
//! between Terraform and these methods and keeps Terraform's rules; [`Ctx`], [`ValidateRequest`]
//! and [`Timeouts`] are re-exported here, from `operation` and `timeouts`, so that a resource
//! file imports what it implements from one place, and so are [`DynResource`] and [`Planned`]
//! for code that holds a resource by value.
//!
//! Must not: run anything (that is the engine's), see protobuf or msgpack (that is
//! `tfplugin`), or know any Vonage detail.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::cty::Value;
use super::diagnostics::{Diagnostic, Diagnostics};
pub use super::engine::{DynResource, Planned};
pub use super::operation::{Ctx, ValidateRequest};
use super::schema::{IdentitySchema, Schema};
pub use super::timeouts::Timeouts;
use super::upgrade::StateUpgrader;

/// A failed create or update, with the object as it now exists when part of it happened.
pub struct ApplyFailure<M> {
    /// What went wrong and what to do about it.
    pub diags: Diagnostics,
    /// The object as it now exists, when part of the change happened (a create that made the
    /// object and then failed, an update that changed some of it); the engine keeps it in
    /// state. `None` keeps the prior state (nothing for a create).
    pub partial: Option<M>,
}

impl<M> From<Diagnostics> for ApplyFailure<M> {
    fn from(diags: Diagnostics) -> Self {
        ApplyFailure {
            diags,
            partial: None,
        }
    }
}

impl<M> From<Diagnostic> for ApplyFailure<M> {
    fn from(d: Diagnostic) -> Self {
        ApplyFailure {
            diags: d.into(),
            partial: None,
        }
    }
}

/// What `modify_plan` plans from.
pub struct PlanRequest<'a, M> {
    /// The refreshed state; `None` on create.
    pub prior: Option<&'a M>,
    /// What the engine planned so far; return it changed or as it is.
    pub planned: M,
    /// The configuration, with write-only values.
    pub config: &'a M,
    /// True when a top-level attribute of the plan or the configuration is still unknown.
    pub unknown: &'a (dyn Fn(&str) -> bool + Sync),
}

/// What `create` makes.
pub struct CreateRequest<M> {
    /// The plan; its write-only attributes are `None`.
    pub planned: M,
    /// The configuration, which alone carries write-only values.
    pub config: M,
}

/// What `update` changes.
pub struct UpdateRequest<M> {
    /// State as Terraform last recorded it, which may be stale (see `Resource::update`).
    pub prior: M,
    /// The plan; its write-only attributes are `None`.
    pub planned: M,
    /// The configuration, which alone carries write-only values.
    pub config: M,
}

/// One managed resource type, written against its own model struct.
///
/// Terraform drives a resource through these methods; the engine (the blanket
/// [`DynResource`] implementation) sits in between and keeps Terraform's rules, so a method
/// only does what its documentation says. Every method that gets a [`Ctx`] may find
/// `ctx.data` to be `None` while the provider's configuration is not yet known; operations
/// that need the API call `ctx.configured()?`. Operations are bounded by the `timeouts` block
/// and cancelled when Terraform asks the provider to stop.
#[async_trait]
pub trait Resource<D: Send + Sync>: Send + Sync + 'static {
    /// One field per attribute and nested block of [`schema`](Resource::schema), each an
    /// `Option` (null reads as `None`, and so does a value not yet known during planning).
    /// Derive `Serialize` and `Deserialize`; never `Debug` when a field can hold a secret.
    type Model: Serialize + DeserializeOwned + Send + Sync;

    /// The resource type name (`vonage_...`). Asked once, when the provider starts; it must
    /// never change.
    fn type_name(&self) -> &'static str;
    /// The attributes and blocks, with their flags and descriptions. Sent to Terraform once
    /// per process (`GetProviderSchema`) and used by the engine on every operation, so it must
    /// be cheap and always return the same schema. Bump its version (and add a state
    /// upgrader) when state stored by an earlier version would no longer read.
    fn schema(&self) -> Schema;
    /// The attributes that identify an object (Terraform 1.12+: import blocks with
    /// `identity`). `None` for a resource without an identity.
    fn identity_schema(&self) -> Option<IdentitySchema> {
        None
    }
    /// The identity of an object in state, after every read, apply and import, and at plan
    /// time once the whole plan is known. Made from the model alone; `None` while a part of it
    /// is missing. It must not change during the object's life: Terraform refuses that.
    fn identity(&self, _state: &Self::Model) -> Option<Value> {
        None
    }

    /// `ValidateResourceConfig`: checks that need no API, such as formats, conflicts between
    /// arguments and strength rules. Terraform calls it on `validate`, `plan` and `apply`,
    /// possibly before the provider is configured, so it gets no provider data. Arguments not
    /// yet known read as `None`: ask `req.unknown` before calling one missing. The engine has
    /// already checked the schema's own rules (timeouts, write-only support). Diagnostics
    /// carry the attribute path and never the value.
    fn validate(&self, _req: ValidateRequest<'_, Self::Model>) -> Diagnostics {
        Diagnostics::new()
    }
    /// Defaults known only at run time (the provider's api key), for optional + computed
    /// attributes: `(attribute, value)` pairs. `PlanResourceChange` asks for them before the
    /// engine marks computed values unknown, so the plan shows the value, exactly as for a
    /// schema default, and an identity made of it is known at plan time. A default applies
    /// where the configuration leaves the attribute null and the prior state has no value
    /// (a create, a replacement, an import that left it null): an existing object keeps the
    /// value it has. Return none while `ctx.data` is `None`.
    fn run_time_defaults(&self, _ctx: &Ctx<'_, D>) -> Vec<(&'static str, Value)> {
        Vec::new()
    }
    /// Computed attributes that the change planned in `planned` (as `modify_plan` returned it)
    /// gives new values, beyond those the engine already marks: for a change the resource
    /// decides on at plan time, such as a rotation that is due. Called after `modify_plan`; the
    /// engine plans them as "known after apply". Only computed attributes the configuration
    /// leaves null qualify (anything else is refused as a provider bug).
    fn known_after_apply(&self, _planned: &Self::Model) -> Vec<&'static str> {
        Vec::new()
    }
    /// `PlanResourceChange`, for a create (`req.prior` is `None`, also for the create half of
    /// a replacement) or an update, never for a destroy. Runs after the engine applied the
    /// plan rules (defaults, computed values unknown or kept, write-only values null), and
    /// before it works out replacements. Return the planned model: it may fill computed
    /// attributes the configuration leaves null, or refuse the change with a diagnostic at
    /// the attribute's path, but must keep every configured value (Terraform refuses a plan
    /// that changes one). Values that read as `None` because they are unknown can be left
    /// alone: the engine restores the unknowns. A check that needs a known value waits when
    /// `req.unknown` says so, and is made again by `create` or `update`.
    async fn modify_plan(
        &self,
        _ctx: &Ctx<'_, D>,
        req: PlanRequest<'_, Self::Model>,
    ) -> Result<Self::Model, Diagnostics> {
        Ok(req.planned)
    }
    /// `PlanResourceChange` for a destroy: the block was removed, `terraform destroy`, a
    /// `removed` block that destroys, a deposed object. `prior` is the refreshed state (the
    /// state as stored with `-refresh=false`). Refuse a destroy that must not happen with a
    /// diagnostic that names the way out, or warn through `ctx.warnings`; the engine plans the
    /// null state either way. Terraform does not call it for the destroy half of a replacement
    /// (the create half's `modify_plan` learns what it replaces from the private state the
    /// update's plan left), nor for a `removed` block with `destroy = false`, which forgets the
    /// object without asking the provider: that is the way out a refusal names. Must not
    /// change anything remotely.
    async fn plan_destroy(
        &self,
        _ctx: &Ctx<'_, D>,
        _prior: &Self::Model,
    ) -> Result<(), Diagnostics> {
        Ok(())
    }

    /// `ApplyResourceChange` without prior state: make the object. `req.planned` is what the
    /// plan promised (unknowns read as `None`); `req.config` is the configuration, the only
    /// place write-only values arrive. Return the object as it now exists: every known
    /// planned value exactly as planned, every computed value known (the engine's apply
    /// checker refuses anything else, and nulls write-only values). If the object was made
    /// but a later step failed, return an [`ApplyFailure`] with the `partial` object, so state
    /// keeps track of it. Never repeat a create whose outcome is unknown without checking.
    async fn create(
        &self,
        ctx: &Ctx<'_, D>,
        req: CreateRequest<Self::Model>,
    ) -> Result<Self::Model, ApplyFailure<Self::Model>>;
    /// `ReadResource`: refresh an object before a plan (unless `-refresh=false`) and after an
    /// import. Return the object as it is now, so that drift shows, or `None` when it is gone
    /// (Terraform then plans to create it again). Keep from `state` what the API cannot
    /// return (arguments it never echoes, `timeouts`). Must not change anything remotely, and
    /// must return every value in the form create and update return it, or a refresh right
    /// after an apply reports changes that did not happen.
    async fn read(
        &self,
        ctx: &Ctx<'_, D>,
        state: Self::Model,
    ) -> Result<Option<Self::Model>, Diagnostics>;
    /// `ApplyResourceChange` with prior state and a plan: change the object in place. Send
    /// every planned value the resource manages, not only those that differ from
    /// `req.prior`: prior state can be stale (a saved plan applied after drift, or
    /// `-refresh=false`), and the result must match the plan. Same result rules as `create`;
    /// on a failure, `partial` is the object as it now is (often `req.prior`).
    async fn update(
        &self,
        ctx: &Ctx<'_, D>,
        req: UpdateRequest<Self::Model>,
    ) -> Result<Self::Model, ApplyFailure<Self::Model>>;
    /// `ApplyResourceChange` with no planned state: remove the object (or, where the API
    /// cannot, do the documented nearest thing). An object already gone is a success.
    async fn delete(&self, ctx: &Ctx<'_, D>, state: Self::Model) -> Result<(), Diagnostics>;
    /// One upgrader per earlier schema version, keyed by that version, for
    /// `UpgradeResourceState` (which Terraform calls whenever it loads state). Each turns
    /// state stored with its version into a model of the current schema in one step; see
    /// [`upgrade`](super::upgrade) and DESIGN.md. Upgraders get no configuration and no API.
    fn state_upgraders(&self) -> BTreeMap<i64, StateUpgrader<Self::Model>> {
        BTreeMap::new()
    }

    /// `ImportResourceState` with an import ID (`terraform import`, import blocks with `id`):
    /// a partial model that names the object; the engine then calls `read`, which fills the
    /// rest. Refuse a malformed ID with a diagnostic that shows the expected form.
    async fn import(&self, ctx: &Ctx<'_, D>, id: &str) -> Result<Self::Model, Diagnostics>;
    /// `ImportResourceState` with an identity (import blocks with `identity = {...}`,
    /// Terraform 1.12+): a partial model, as `import` returns. By default the identity's
    /// attributes, in schema order and joined by `/`, are the import ID (`api_key`, or
    /// `api_key/id`); a resource whose import ID has another form overrides this.
    async fn import_identity(
        &self,
        ctx: &Ctx<'_, D>,
        identity: &Value,
    ) -> Result<Self::Model, Diagnostics> {
        let Some(schema) = self.identity_schema().filter(|s| !s.attributes.is_empty()) else {
            return Err(Diagnostic::error(
                "Import by identity is not supported",
                format!("Import `{}` by its import ID instead.", self.type_name()),
            )
            .into());
        };
        let names: Vec<&str> = schema.attributes.iter().map(|a| a.name.as_str()).collect();
        let parts: Option<Vec<&str>> = names.iter().map(|n| identity.attr(n).as_str()).collect();
        match (parts, names.as_slice()) {
            (Some(parts), _) => self.import(ctx, &parts.join("/")).await,
            (None, [only]) => Err(Diagnostic::error(
                format!("Missing {only} in identity"),
                format!("Give `{only}` in the import block's identity."),
            )
            .into()),
            (None, _) => Err(Diagnostic::error(
                "Incomplete identity",
                format!(
                    "Give both {} in the import block's identity.",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            )
            .into()),
        }
    }
}
