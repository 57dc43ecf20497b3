//! The thin tonic service for Terraform's plugin protocol 6 (tfplugin6 6.10).
//!
//! Owns the generated protobuf code ([`proto`] and go-plugin's [`goplugin`]), the pure
//! conversions between protobuf and framework types ([`convert`]), and [`ProviderService`],
//! which implements every RPC by converting in, calling the framework, and converting out.
//! `service` holds one short method per RPC; their bodies live by kind of type:
//! `provider_rpcs`, `resource_rpcs`, `data_source_rpcs`, `ephemeral_rpcs`, `action_rpcs`,
//! `query_rpcs` (list resources and configuration generation, for `terraform query`); RPCs for
//! features the provider does not offer answer from `not_offered`. Each RPC runs through one
//! helper (`session`): the configured provider, the stop signal and the object's private state
//! in; early-return diagnostics, warnings and a debug log line out.
//!
//! Must not: hold planning logic or resource knowledge. If an RPC handler does more than look
//! a type up, convert, call and convert back, the logic belongs in `framework`.

mod action_rpcs;
mod catalogue;
pub mod convert;
mod data_source_rpcs;
mod ephemeral_rpcs;
mod not_offered;
mod panic_guard;
mod provider_rpcs;
mod query_rpcs;
mod resource_rpcs;
mod service;
mod session;

pub use service::ProviderService;

/// Generated from `proto/tfplugin6.proto`.
#[allow(clippy::all, missing_docs)]
pub mod proto {
    tonic::include_proto!("tfplugin6");
}

/// Generated from go-plugin's controller, stdio and broker protos in `proto/plugin/`.
#[allow(clippy::all, missing_docs)]
pub mod goplugin {
    tonic::include_proto!("plugin");
}
