//! `ImportResourceState`: the partial object that names what to import, by import ID or by
//! identity (Terraform 1.12+); Terraform then reads it (`ReadResource`) to fill the rest.
//!
//! Must not: call `read` itself, or keep a write-only value.

use crate::framework::cty::{self, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::operation::{Ctx, model_error};
use crate::framework::plan;
use crate::framework::resource::Resource;

pub(super) async fn import<D: Send + Sync, R: Resource<D>>(
    resource: &R,
    ctx: &Ctx<'_, D>,
    id: &str,
    identity: Option<&Value>,
) -> (Value, Diagnostics) {
    let tn = Resource::type_name(resource);
    let schema = Resource::schema(resource);
    let model = match identity {
        Some(ident) if id.is_empty() => Resource::import_identity(resource, ctx, ident).await,
        _ => Resource::import(resource, ctx, id).await,
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
