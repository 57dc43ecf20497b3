//! `UpgradeResourceIdentity`: a stored identity read with the resource's identity schema. There
//! is one identity version so far, so an identity of another version is refused with the way
//! out.
//!
//! Must not: call the API.

use crate::framework::cty::{self, Value};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::resource::Resource;
use crate::framework::schema::IdentitySchema;

pub(super) fn upgrade_identity<D: Send + Sync, R: Resource<D>>(
    resource: &R,
    version: i64,
    json: &[u8],
) -> Result<(Value, IdentitySchema), Diagnostics> {
    let tn = Resource::type_name(resource);
    let Some(schema) = Resource::identity_schema(resource) else {
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
