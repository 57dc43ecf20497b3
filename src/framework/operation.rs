//! What every operation of every kind (resource, data source, ephemeral resource, action, list
//! resource) shares: the context it runs in ([`Ctx`]: the configured provider, the stop signal,
//! the private state, warnings), the validation of a configuration ([`validate_config`], with
//! the author's checks on a [`ValidateRequest`]), the limits it runs under ([`with_limits`]:
//! a time limit and Terraform's stop), and the diagnostic for a model that does not fit its
//! schema ([`model_error`]).
//!
//! Must not: know any one kind's rules (plans, state, streams live with their kind), see
//! protobuf or msgpack, or know any Vonage detail.

use std::time::Duration;

use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use super::config_checks;
use super::cty::{self, Value};
use super::diagnostics::{Diagnostic, Diagnostics, Warnings};
use super::private::PrivateState;
use super::schema::Block;

/// What every operation gets: the configured provider, the stop signal, and the private state
/// of the object it works on.
pub struct Ctx<'a, D> {
    /// `None` when the provider configuration is not yet known (during some plans).
    pub data: Option<&'a D>,
    /// Fired when Terraform asks the provider to stop (Ctrl-C).
    pub cancel: CancellationToken,
    /// The object's private state (see [`PrivateState`] for what flows where); empty for
    /// operations that have none.
    pub private: &'a PrivateState,
    /// Warnings to give beside the operation's result.
    pub warnings: &'a Warnings,
}

impl<'a, D> Ctx<'a, D> {
    /// The configured provider, or a diagnostic saying why there is none.
    pub fn configured(&self) -> Result<&'a D, Diagnostics> {
        self.data.ok_or_else(|| {
            Diagnostic::error(
                "Provider not configured",
                "\
                The provider's configuration is not known yet (it may depend on values known only \
                after apply). Make the provider's arguments known at plan time.",
            )
            .into()
        })
    }
}

/// What `validate` checks.
pub struct ValidateRequest<'a, M> {
    /// The configuration; values not yet known read as `None`.
    pub config: &'a M,
    /// Paths whose configured value is not known yet (so checks on them must wait).
    pub unknown: &'a (dyn Fn(&str) -> bool + Sync),
}

/// A model that does not fit its own schema: always a provider bug.
pub(crate) fn model_error(type_name: &str, e: cty::CtyError) -> Diagnostics {
    Diagnostic::error(
        format!("Provider bug in {type_name}: value does not fit the schema"),
        format!("{e}. Please report this to the provider's maintainers."),
    )
    .into()
}

/// The engine's validation of a configuration, shared by resources, data sources and
/// ephemeral resources: the schema's own checks ([`config_checks`]), then the author's
/// `validate` on the typed model, told which attributes are not yet known.
pub(crate) fn validate_config<M: DeserializeOwned>(
    type_name: &str,
    block: &Block,
    config: &Value,
    validate: impl FnOnce(ValidateRequest<'_, M>) -> Diagnostics,
) -> Diagnostics {
    let mut diags = config_checks::check(block, config);
    match cty::serde::from_value::<M>(config) {
        Ok(model) => {
            let unknown = |name: &str| config.attr(name).is_unknown();
            diags.extend(validate(ValidateRequest {
                config: &model,
                unknown: &unknown,
            }));
        }
        // A value the schema's checks refused need not fit the model; they said why.
        Err(_) if diags.has_errors() => {}
        Err(e) => diags.extend(model_error(type_name, e)),
    }
    diags
}

/// Run `fut` until it finishes, `limit` passes, or Terraform asks the provider to stop. Within
/// it, `deadline::current()` is when `limit` passes, so the API client starts no retry wait
/// that would end after it.
pub(crate) async fn with_limits<T>(
    ctx_cancel: &CancellationToken,
    limit: Option<Duration>,
    what: String,
    fut: impl std::future::Future<Output = T>,
) -> Result<T, Diagnostics> {
    let fut = crate::deadline::within(limit, fut);
    let timed = async {
        match limit {
            Some(d) => tokio::time::timeout(d, fut).await.map_err(|_| {
                Diagnostics::from(Diagnostic::error(
                    format!("Timed out {what}"),
                    format!(
                        "\
                        The operation did not finish within {d:?}. Raise the matching value in \
                        the resource's `timeouts` block, or check the Vonage API's status and \
                        retry."
                    ),
                ))
            }),
            None => Ok(fut.await),
        }
    };
    tokio::select! {
        r = timed => r,
        _ = ctx_cancel.cancelled() => Err(Diagnostic::error(
            format!("Cancelled {what}"),
            "\
            Terraform asked the provider to stop, so the operation was abandoned. If it was \
            changing an object, the object may be partly changed: run `terraform plan` to see \
            where it stands.",
        ).into()),
    }
}
