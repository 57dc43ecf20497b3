//! The managed-resource interface for authors, and the engine that runs it.
//!
//! Owns [`Resource`], the trait one resource file implements on its own typed model, and
//! [`DynResource`], the value-level face the RPC layer calls. The blanket implementation in
//! between is where every resource gets the same behaviour: models in and out of cty values,
//! the plan rules of [`plan`](super::plan), write-only checks for old Terraform, operation
//! timeouts from the `timeouts` block, cancellation, and the apply checker.
//!
//! Must not: see protobuf or msgpack (that is `tfplugin`), or know any Vonage detail.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::cty::{self, Value};
use super::diagnostics::{AttrPath, Diagnostic, Diagnostics};
pub use super::operation::{Ctx, ValidateRequest};
use super::operation::{model_error, validate_config, with_limits};
use super::plan;
use super::schema::{IdentitySchema, Schema};
use super::timeouts;
pub use super::timeouts::Timeouts;
use super::upgrade::{self, RawState, StateUpgrader};

/// A failed create or update, with the object as it now exists when part of it happened.
pub struct ApplyFailure<M> {
    pub diags: Diagnostics,
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
    /// [`upgrade`] and DESIGN.md. Upgraders get no configuration and no API.
    fn state_upgraders(&self) -> BTreeMap<i64, StateUpgrader<Self::Model>> {
        BTreeMap::new()
    }

    /// `ImportResourceState` with an import ID (`terraform import`, import blocks with `id`):
    /// a partial model that names the object; the engine then calls `read`, which fills the
    /// rest. Refuse a malformed ID with a diagnostic that shows the expected form.
    async fn import(&self, ctx: &Ctx<'_, D>, id: &str) -> Result<Self::Model, Diagnostics>;
    /// `ImportResourceState` with an identity (import blocks with `identity = {...}`,
    /// Terraform 1.12+): a partial model, as `import` returns. By default an identity of a
    /// single attribute is the import ID; resources with more override this.
    async fn import_identity(
        &self,
        ctx: &Ctx<'_, D>,
        identity: &Value,
    ) -> Result<Self::Model, Diagnostics> {
        let schema = self.identity_schema();
        let Some([only]) = schema.as_ref().map(|s| s.attributes.as_slice()) else {
            return Err(Diagnostic::error(
                "Import by identity is not supported",
                format!("Import `{}` by its import ID instead.", self.type_name()),
            )
            .into());
        };
        match identity.attr(&only.name).as_str() {
            Some(id) => self.import(ctx, id).await,
            None => Err(Diagnostic::error(
                format!("Missing {} in identity", only.name),
                format!("Give `{}` in the import block's identity.", only.name),
            )
            .into()),
        }
    }
}

/// A planned change, as the RPC layer needs it.
pub struct Planned {
    pub planned: Value,
    pub requires_replace: Vec<AttrPath>,
    pub diags: Diagnostics,
}

/// The value-level face of a resource. Implemented for every [`Resource`].
#[async_trait]
pub trait DynResource<D: Send + Sync>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn identity_schema(&self) -> Option<IdentitySchema>;
    fn identity_of(&self, state: &Value) -> Option<Value>;
    fn validate(&self, config: &Value, write_only_allowed: bool) -> Diagnostics;
    /// Stored state of schema `version`, in the current schema (see [`upgrade`]).
    fn upgrade_state(&self, version: i64, raw: RawState<'_>) -> Result<Value, Diagnostics>;
    /// A stored identity of identity-schema `version`, in the current identity schema.
    fn upgrade_identity(
        &self,
        version: i64,
        json: &[u8],
    ) -> Result<(Value, IdentitySchema), Diagnostics>;
    async fn read(&self, ctx: &Ctx<'_, D>, state: &Value) -> (Value, Diagnostics);
    async fn plan(
        &self,
        ctx: &Ctx<'_, D>,
        prior: &Value,
        proposed: &Value,
        config: &Value,
    ) -> Planned;
    async fn apply(
        &self,
        ctx: &Ctx<'_, D>,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> (Value, Diagnostics);
    async fn import(
        &self,
        ctx: &Ctx<'_, D>,
        id: &str,
        identity: Option<&Value>,
    ) -> (Value, Diagnostics);
}

/// Runs a create to its end. A create is never abandoned half-way, because a request Vonage may
/// have acted on must be answered or recorded: when Terraform asks the provider to stop, or the
/// `timeouts` block's limit passes, the create's own cancellation signal fires, so it starts no
/// new request and waits no longer, and it returns what it knows (the created object, or what
/// it needs to find the object on the next run).
async fn create_to_completion<'c, D, M, Fut>(
    ctx: &'c Ctx<'c, D>,
    limit: Option<Duration>,
    what: String,
    create: impl FnOnce(Ctx<'c, D>) -> Fut,
) -> Result<M, ApplyFailure<M>>
where
    Fut: std::future::Future<Output = Result<M, ApplyFailure<M>>>,
{
    let signal = ctx.cancel.child_token();
    let deadline = limit.map(|d| {
        let signal = signal.clone();
        tokio::spawn(async move {
            tokio::time::sleep(d).await;
            signal.cancel();
        })
    });
    let own = Ctx {
        data: ctx.data,
        cancel: signal.clone(),
        private: ctx.private,
        warnings: ctx.warnings,
    };
    let result = create(own).await;
    if let Some(timer) = deadline {
        timer.abort();
    }
    match result {
        Err(mut failure) if signal.is_cancelled() => {
            let (summary, why) = if ctx.cancel.is_cancelled() {
                (
                    format!("Cancelled {what}"),
                    "Terraform asked the provider to stop".to_string(),
                )
            } else {
                (
                    format!("Timed out {what}"),
                    format!(
                        "the `timeouts` block allows {:?}; raise it if Vonage is slow",
                        limit.unwrap_or_default()
                    ),
                )
            };
            let mut diags = Diagnostics::from(Diagnostic::error(
                summary,
                format!(
                    "\
                    {why}. A create is never abandoned half-way: the details below say what \
                    Vonage holds now and what the next run does about it."
                ),
            ));
            diags.extend(failure.diags);
            failure.diags = diags;
            Err(failure)
        }
        other => other,
    }
}

/// The checks of a configuration that need no API: timeouts, the schema's rules, the
/// resource's own `validate`.
fn check_config<D: Send + Sync, R: Resource<D>>(
    r: &R,
    schema: &Schema,
    config: &Value,
) -> Diagnostics {
    let mut diags = timeouts::check(schema, config);
    diags.extend(validate_config(
        Resource::type_name(r),
        &schema.block,
        config,
        |req| Resource::validate(r, req),
    ));
    diags
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
        let schema = Resource::schema(self);
        let mut diags = Diagnostics::new();
        if !write_only_allowed {
            for path in plan::write_only_paths_set(&schema.block, config) {
                let name = path.to_string();
                let fallback = schema
                    .block
                    .attribute_named(&name)
                    .map(|a| a.write_only_fallback.clone())
                    .unwrap_or_default();
                let alternative = if fallback.is_empty() {
                    String::new()
                } else {
                    format!(
                        "\
                        With an older Terraform, set `{fallback}` instead (it is kept in state, \
                        marked sensitive)."
                    )
                };
                diags.push(
                    Diagnostic::error(
                        "Write-only attribute needs Terraform 1.11 or later",
                        format!(
                            "\
                            `{name}` is write-only, and this Terraform does not support \
                            write-only attributes, so it would store the value in plan and state. \
                            Upgrade Terraform to 1.11 or later.{alternative}"
                        ),
                    )
                    .at(path),
                );
            }
        }
        diags.extend(check_config(self, &schema, config));
        diags
    }

    fn upgrade_state(&self, version: i64, raw: RawState<'_>) -> Result<Value, Diagnostics> {
        let schema = Resource::schema(self);
        upgrade::upgrade_state(Resource::type_name(self), &schema, version, raw, || {
            Resource::state_upgraders(self)
        })
    }

    fn upgrade_identity(
        &self,
        version: i64,
        json: &[u8],
    ) -> Result<(Value, IdentitySchema), Diagnostics> {
        let tn = Resource::type_name(self);
        let Some(schema) = Resource::identity_schema(self) else {
            return Err(Diagnostic::error(
                format!("{tn} has no identity"),
                format!("`{tn}` does not support resource identity."),
            )
            .into());
        };
        if version != schema.version {
            return Err(Diagnostic::error(
                format!("Unsupported identity version for {tn}"),
                format!(
                    "\
                    This `{tn}` was stored with identity version {version}; this provider reads \
                    only version {}. Use the provider version that wrote the state.",
                    schema.version
                ),
            )
            .into());
        }
        let identity = cty::json::decode(json, &schema.value_type()).map_err(|e| {
            Diagnostic::error(
                format!("Unreadable identity of {tn}"),
                format!(
                    "\
                    The stored identity of this `{tn}` could not be read ({}). Remove it from \
                    state with `terraform state rm` and import the object again.",
                    if e.path.is_empty() {
                        "malformed"
                    } else {
                        &e.path
                    }
                ),
            )
        })?;
        Ok((identity, schema))
    }

    async fn read(&self, ctx: &Ctx<'_, D>, state: &Value) -> (Value, Diagnostics) {
        let tn = Resource::type_name(self);
        let schema = Resource::schema(self);
        if state.is_null() {
            return (Value::Null, Diagnostics::new());
        }
        let model: R::Model = match cty::serde::from_value(state) {
            Ok(m) => m,
            Err(e) => return (state.clone(), model_error(tn, e)),
        };
        let limit = match timeouts::limit(&schema, state, "read") {
            Ok(l) => l,
            Err(d) => return (state.clone(), d),
        };
        let result = with_limits(
            &ctx.cancel,
            limit,
            format!("reading {tn}"),
            Resource::read(self, ctx, model),
        )
        .await;
        match result.and_then(|r| r) {
            Ok(None) => (Value::Null, Diagnostics::new()),
            Ok(Some(m)) => match cty::serde::to_value(&m, &schema.value_type()) {
                Ok(mut v) => {
                    plan::null_write_only(&schema.block, &mut v);
                    (v, Diagnostics::new())
                }
                Err(e) => (state.clone(), model_error(tn, e)),
            },
            Err(d) => (state.clone(), d),
        }
    }

    async fn plan(
        &self,
        ctx: &Ctx<'_, D>,
        prior: &Value,
        proposed: &Value,
        config: &Value,
    ) -> Planned {
        let tn = Resource::type_name(self);
        let schema = Resource::schema(self);
        if proposed.is_null() {
            return Planned {
                planned: Value::Null,
                requires_replace: Vec::new(),
                diags: Diagnostics::new(),
            };
        }
        let defaults = Resource::run_time_defaults(self, ctx);
        let first = plan::propose(&schema.block, prior, proposed, config, &defaults);
        let fail = |diags: Diagnostics| Planned {
            planned: first.clone(),
            requires_replace: Vec::new(),
            diags,
        };
        // Values unknown at validate time may be known now: check them (errors only; any
        // warning was given at validate time).
        let recheck = check_config(self, &schema, config).errors();
        if recheck.has_errors() {
            return fail(recheck);
        }
        let (prior_m, planned_m, config_m) = match (
            (!prior.is_null())
                .then(|| cty::serde::from_value::<R::Model>(prior))
                .transpose(),
            cty::serde::from_value::<R::Model>(&first),
            cty::serde::from_value::<R::Model>(config),
        ) {
            (Ok(p), Ok(pl), Ok(c)) => (p, pl, c),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return fail(model_error(tn, e)),
        };
        let unknown = |name: &str| first.attr(name).is_unknown() || config.attr(name).is_unknown();
        let req = PlanRequest {
            prior: prior_m.as_ref(),
            planned: planned_m,
            config: &config_m,
            unknown: &unknown,
        };
        let hooked = match Resource::modify_plan(self, ctx, req).await {
            Ok(m) => m,
            Err(d) => return fail(d),
        };
        let recomputed = Resource::known_after_apply(self, &hooked);
        let mut hooked = match cty::serde::to_value(&hooked, &schema.value_type()) {
            Ok(v) => v,
            Err(e) => return fail(model_error(tn, e)),
        };
        if let Err(d) =
            plan::mark_known_after_apply(&schema.block, tn, config, &mut hooked, &recomputed)
        {
            return fail(d);
        }
        let (planned, requires_replace) =
            plan::finish(&schema.block, prior, config, &first, hooked, &defaults);
        Planned {
            planned,
            requires_replace,
            diags: Diagnostics::new(),
        }
    }

    async fn apply(
        &self,
        ctx: &Ctx<'_, D>,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> (Value, Diagnostics) {
        let tn = Resource::type_name(self);
        let schema = Resource::schema(self);
        let ty = schema.value_type();
        let decode =
            |v: &Value| cty::serde::from_value::<R::Model>(v).map_err(|e| model_error(tn, e));
        let encode = |m: &R::Model| -> Result<Value, Diagnostics> {
            let mut v = cty::serde::to_value(m, &ty).map_err(|e| model_error(tn, e))?;
            plan::null_write_only(&schema.block, &mut v);
            Ok(v)
        };
        // The state to keep when nothing could be done.
        let unchanged = if prior.is_null() {
            Value::Null
        } else {
            prior.clone()
        };

        if planned.is_null() {
            let op = "delete";
            let state = match decode(prior) {
                Ok(m) => m,
                Err(d) => return (unchanged, d),
            };
            let limit = match timeouts::limit(&schema, prior, op) {
                Ok(l) => l,
                Err(d) => return (unchanged, d),
            };
            let r = with_limits(
                &ctx.cancel,
                limit,
                format!("deleting {tn}"),
                Resource::delete(self, ctx, state),
            )
            .await;
            return match r.and_then(|r| r) {
                Ok(()) => (Value::Null, Diagnostics::new()),
                Err(d) => (unchanged, d),
            };
        }

        let (op, verb) = if prior.is_null() {
            ("create", "creating")
        } else {
            ("update", "updating")
        };
        // The configuration is wholly known now: every check that waited for a value runs.
        let recheck = check_config(self, &schema, config).errors();
        if recheck.has_errors() {
            return (unchanged, recheck);
        }
        let limit = match timeouts::limit(&schema, planned, op) {
            Ok(l) => l,
            Err(d) => return (unchanged, d),
        };
        let (planned_m, config_m) = match (decode(planned), decode(config)) {
            (Ok(p), Ok(c)) => (p, c),
            (Err(d), _) | (_, Err(d)) => return (unchanged, d),
        };
        let what = format!("{verb} {tn}");
        let result = if prior.is_null() {
            let req = CreateRequest {
                planned: planned_m,
                config: config_m,
            };
            Ok(create_to_completion(ctx, limit, what, |ctx| async move {
                Resource::create(self, &ctx, req).await
            })
            .await)
        } else {
            let prior_m = match decode(prior) {
                Ok(m) => m,
                Err(d) => return (unchanged, d),
            };
            let req = UpdateRequest {
                prior: prior_m,
                planned: planned_m,
                config: config_m,
            };
            with_limits(&ctx.cancel, limit, what, Resource::update(self, ctx, req)).await
        };
        match result {
            Ok(Ok(m)) => match encode(&m) {
                Ok(mut new) => {
                    plan::keep_planned_unmoved(&schema.block, planned, &mut new);
                    let diags = plan::check_apply_result(&schema.block, tn, planned, &new);
                    (new, diags)
                }
                Err(d) => (unchanged, d),
            },
            Ok(Err(failure)) => {
                let state = match failure.partial.as_ref().map(&encode) {
                    Some(Ok(v)) => v,
                    _ => unchanged,
                };
                (state, failure.diags)
            }
            Err(d) => (unchanged, d),
        }
    }

    async fn import(
        &self,
        ctx: &Ctx<'_, D>,
        id: &str,
        identity: Option<&Value>,
    ) -> (Value, Diagnostics) {
        let tn = Resource::type_name(self);
        let schema = Resource::schema(self);
        let model = match identity {
            Some(ident) if id.is_empty() => Resource::import_identity(self, ctx, ident).await,
            _ => Resource::import(self, ctx, id).await,
        };
        match model {
            Ok(m) => match cty::serde::to_value(&m, &schema.value_type()) {
                Ok(mut v) => {
                    plan::null_write_only(&schema.block, &mut v);
                    (v, Diagnostics::new())
                }
                Err(e) => (Value::Null, model_error(tn, e)),
            },
            Err(d) => (Value::Null, d),
        }
    }
}
