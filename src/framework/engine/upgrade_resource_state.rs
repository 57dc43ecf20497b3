//! `UpgradeResourceState`: stored state of any schema version in the current schema, through
//! the rules of `framework::upgrade` and the resource's own upgraders.
//!
//! Must not: call the API (an upgrade sees no configuration and no provider data).

use crate::framework::cty::Value;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::resource::Resource;
use crate::framework::upgrade::{self, RawState};

pub(super) fn upgrade_state<D: Send + Sync, R: Resource<D>>(
    resource: &R,
    version: i64,
    raw: RawState<'_>,
) -> Result<Value, Diagnostics> {
    let schema = Resource::schema(resource);
    upgrade::upgrade_state(Resource::type_name(resource), &schema, version, raw, || {
        Resource::state_upgraders(resource)
    })
}
