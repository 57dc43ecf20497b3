//! `ValidateResourceConfig`, and the checks of a configuration that `PlanResourceChange` and
//! `ApplyResourceChange` make again once its values are known.
//!
//! Owns the refusal of write-only attributes by a Terraform too old to keep them out of plan
//! and state, and [`check_config`]: timeouts, the schema's own rules, the resource's
//! `validate`.
//!
//! Must not: call the API (validation gets no provider data).

use crate::framework::cty::Value;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::operation::validate_config;
use crate::framework::plan;
use crate::framework::resource::Resource;
use crate::framework::schema::Schema;
use crate::framework::timeouts;

pub(super) fn validate<D: Send + Sync, R: Resource<D>>(
    resource: &R,
    config: &Value,
    write_only_allowed: bool,
) -> Diagnostics {
    let schema = Resource::schema(resource);
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
    diags.extend(check_config(resource, &schema, config));
    diags
}

/// The checks of a configuration that need no API: timeouts, the schema's rules, the
/// resource's own `validate`.
pub(super) fn check_config<D: Send + Sync, R: Resource<D>>(
    resource: &R,
    schema: &Schema,
    config: &Value,
) -> Diagnostics {
    let mut diags = timeouts::check(schema, config);
    diags.extend(validate_config(
        Resource::type_name(resource),
        &schema.block,
        config,
        |req| Resource::validate(resource, req),
    ));
    diags
}
