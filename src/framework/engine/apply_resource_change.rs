//! `ApplyResourceChange`: a create, an update or a delete through the resource, under the
//! `timeouts` block's limit and Terraform's stop signal, and the apply checker on the result.
//!
//! Owns [`create_to_completion`], which never abandons a create half-way (see DESIGN.md, "A
//! create whose answer is lost").
//!
//! Must not: return a state that differs from the plan without saying so (the apply checker
//! turns that into a diagnostic before Terraform sees it), or drop the partial object of a
//! failed create or update.

use std::time::Duration;

use crate::framework::cty::{self, Value};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::operation::{Ctx, model_error, with_limits};
use crate::framework::plan;
use crate::framework::resource::{ApplyFailure, CreateRequest, Resource, UpdateRequest};
use crate::framework::timeouts;

use super::validate_resource_config::check_config;

pub(super) async fn apply<D: Send + Sync, R: Resource<D>>(
    resource: &R,
    ctx: &Ctx<'_, D>,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> (Value, Diagnostics) {
    let tn = Resource::type_name(resource);
    let schema = Resource::schema(resource);
    let ty = schema.value_type();
    let decode = |v: &Value| cty::serde::from_value::<R::Model>(v).map_err(|e| model_error(tn, e));
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
            Resource::delete(resource, ctx, state),
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
    let recheck = check_config(resource, &schema, config).errors();
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
            Resource::create(resource, &ctx, req).await
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
        with_limits(
            &ctx.cancel,
            limit,
            what,
            Resource::update(resource, ctx, req),
        )
        .await
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
    let timer = limit.map(|d| {
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
    let result = crate::deadline::within(limit, create(own)).await;
    if let Some(timer) = timer {
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
