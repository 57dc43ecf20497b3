//! The provider framework: everything between the wire and a resource's CRUD code.
//!
//! - [`cty`]: types, values and their msgpack/JSON codecs;
//! - [`schema`]: attributes, blocks and their flags;
//! - [`config_checks`]: the schema's own rules for configured values (read-only, int64,
//!   non-empty);
//! - [`plan`]: Terraform's planning rules, applied once for every resource;
//! - [`resource`], [`data_source`], [`ephemeral`], [`action`], [`list_resource`], [`provider`]:
//!   the traits authors implement, on typed models;
//! - [`left_open`]: ephemeral resources Terraform did not close, closed when it shuts the
//!   process down;
//! - [`engine`]: runs a managed resource, one file per RPC (read, plan, apply, import,
//!   upgrade, validate), behind the value-level face the RPC layer calls;
//! - [`operation`]: what every operation of every kind shares (its context, validation, time
//!   limit and stop signal);
//! - [`config_generation`]: configuration from state, for `-generate-config-out`;
//! - [`upgrade`]: reading state that earlier schema versions wrote;
//! - [`timeouts`]: the `timeouts` block and Go-style durations;
//! - [`diagnostics`]: errors and warnings with attribute paths;
//! - [`private`]: the private state a resource keeps beside an object.
//!
//! Must not: know about protobuf (that is `tfplugin`) or about Vonage (that is `provider` and
//! `vonage`).

pub mod action;
pub mod config_checks;
pub mod config_generation;
pub mod cty;
pub mod data_source;
pub mod diagnostics;
pub mod engine;
pub mod ephemeral;
pub mod left_open;
pub mod list_resource;
pub mod operation;
pub mod plan;
#[cfg(test)]
mod plan_properties;
pub mod private;
pub mod provider;
pub mod resource;
pub mod schema;
pub mod timeouts;
pub mod upgrade;
