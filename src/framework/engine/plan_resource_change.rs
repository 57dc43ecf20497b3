//! `PlanResourceChange`: the plan rules of `framework::plan` around the resource's
//! `run_time_defaults`, `modify_plan` and `known_after_apply`, in that order, with the
//! configuration checked again now that more of it is known.
//!
//! A destroy (a null proposal) is planned as null; the resource's `plan_destroy` only refuses
//! it or warns.
//!
//! Must not: change anything remotely.

use crate::framework::cty::{self, Value};
use crate::framework::diagnostics::{AttrPath, Diagnostics};
use crate::framework::operation::{Ctx, model_error};
use crate::framework::plan;
use crate::framework::resource::{PlanRequest, Resource};

use super::validate_resource_config::check_config;

/// A planned change, as the RPC layer needs it.
pub struct Planned {
    /// The planned state (the proposal itself when planning failed).
    pub planned: Value,
    /// The attributes whose change forces a replacement.
    pub requires_replace: Vec<AttrPath>,
    pub diags: Diagnostics,
}

pub(super) async fn plan<D: Send + Sync, R: Resource<D>>(
    resource: &R,
    ctx: &Ctx<'_, D>,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> Planned {
    let tn = Resource::type_name(resource);
    let schema = Resource::schema(resource);
    if proposed.is_null() {
        let diags = if prior.is_null() {
            Diagnostics::new()
        } else {
            match cty::serde::from_value::<R::Model>(prior) {
                Ok(m) => match Resource::plan_destroy(resource, ctx, &m).await {
                    Ok(()) => Diagnostics::new(),
                    Err(d) => d,
                },
                Err(e) => model_error(tn, e),
            }
        };
        return Planned {
            planned: Value::Null,
            requires_replace: Vec::new(),
            diags,
        };
    }
    let defaults = Resource::run_time_defaults(resource, ctx);
    let first = plan::propose(&schema.block, prior, proposed, config, &defaults);
    let fail = |diags: Diagnostics| Planned {
        planned: first.clone(),
        requires_replace: Vec::new(),
        diags,
    };
    // Values unknown at validate time may be known now: check them (errors only; any
    // warning was given at validate time).
    let recheck = check_config(resource, &schema, config).errors();
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
    let hooked = match Resource::modify_plan(resource, ctx, req).await {
        Ok(m) => m,
        Err(d) => return fail(d),
    };
    let recomputed = Resource::known_after_apply(resource, &hooked);
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
