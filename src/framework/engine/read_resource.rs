//! `ReadResource`: the refresh of one object through the resource's `read`, under the `read`
//! timeout, with write-only attributes nulled in what it returns.
//!
//! Must not: change anything remotely, or keep an object the resource says is gone.

use crate::framework::cty::{self, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::operation::{Ctx, model_error, with_limits};
use crate::framework::plan;
use crate::framework::resource::Resource;
use crate::framework::timeouts;

pub(super) async fn read<D: Send + Sync, R: Resource<D>>(
    resource: &R,
    ctx: &Ctx<'_, D>,
    state: &Value,
) -> (Value, Diagnostics) {
    let tn = Resource::type_name(resource);
    let schema = Resource::schema(resource);
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
        Resource::read(resource, ctx, model),
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
