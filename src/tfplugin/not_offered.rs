//! The answers to RPCs for features this provider does not offer: functions, state stores,
//! moving state across resource types, and (for now) list resources and configuration
//! generation.
//!
//! Each answers with a clear error diagnostic, never gRPC `Unimplemented`: Terraform tolerates
//! `Unimplemented` only for `GetResourceIdentitySchemas` and reports any other as "Unsupported
//! plugin method". Streaming RPCs answer with one event carrying the diagnostic.
//!
//! Must not: grow logic. When a feature arrives, its RPCs move to `service` and call the
//! framework like the others.

use tonic::Response;
use tonic::codegen::BoxStream;

use super::convert;
use super::proto;
use super::session::Reply;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};

fn diagnostics(feature: &str) -> Vec<proto::Diagnostic> {
    convert::diagnostics(
        &Diagnostic::error(
            format!("{feature} not supported"),
            format!(
                "\
                The Vonage provider offers no {feature}. Remove the reference from your \
                configuration."
            ),
        )
        .into(),
    )
}

fn unknown_list_resource(type_name: &str) -> Vec<proto::Diagnostic> {
    let d: Diagnostics = Diagnostic::error(
        "Unknown list resource type",
        format!(
            "\
            This provider has no list resource named `{type_name}`. Check the spelling, or \
            upgrade the provider if the type is newer than this version."
        ),
    )
    .into();
    convert::diagnostics(&d)
}

fn once<T: Send + 'static>(item: T) -> BoxStream<T> {
    Box::pin(tokio_stream::once(Ok(item)))
}

pub fn move_resource_state() -> Reply<proto::move_resource_state::Response> {
    Ok(Response::new({
        proto::move_resource_state::Response {
            diagnostics: diagnostics("moving state from other resource types"),
            ..Default::default()
        }
    }))
}

pub fn generate_resource_config() -> Reply<proto::generate_resource_config::Response> {
    Ok(Response::new({
        proto::generate_resource_config::Response {
            diagnostics: diagnostics("provider-side configuration generation"),
            ..Default::default()
        }
    }))
}

pub fn list_resource(type_name: &str) -> Reply<BoxStream<proto::list_resource::Event>> {
    Ok(Response::new({
        once(proto::list_resource::Event {
            diagnostic: unknown_list_resource(type_name),
            ..Default::default()
        })
    }))
}

pub fn validate_list_resource_config(
    type_name: &str,
) -> Reply<proto::validate_list_resource_config::Response> {
    Ok(Response::new({
        proto::validate_list_resource_config::Response {
            diagnostics: unknown_list_resource(type_name),
        }
    }))
}

/// Functions come from `GetProviderSchema`; this provider declares none.
pub fn get_functions() -> Reply<proto::get_functions::Response> {
    Ok(Response::new(proto::get_functions::Response::default()))
}

pub fn call_function(name: &str) -> Reply<proto::call_function::Response> {
    Ok(Response::new({
        proto::call_function::Response {
            result: None,
            error: Some(proto::FunctionError {
                text: format!("The Vonage provider has no function named `{name}`."),
                function_argument: None,
            }),
        }
    }))
}

pub fn validate_state_store() -> Reply<proto::validate_state_store::Response> {
    Ok(Response::new({
        proto::validate_state_store::Response {
            diagnostics: diagnostics("state stores"),
        }
    }))
}

pub fn configure_state_store() -> Reply<proto::configure_state_store::Response> {
    Ok(Response::new({
        proto::configure_state_store::Response {
            diagnostics: diagnostics("state stores"),
            capabilities: None,
        }
    }))
}

pub fn read_state_bytes() -> Reply<BoxStream<proto::read_state_bytes::Response>> {
    Ok(Response::new({
        once(proto::read_state_bytes::Response {
            diagnostics: diagnostics("state stores"),
            ..Default::default()
        })
    }))
}

pub fn write_state_bytes() -> Reply<proto::write_state_bytes::Response> {
    Ok(Response::new({
        proto::write_state_bytes::Response {
            diagnostics: diagnostics("state stores"),
        }
    }))
}

pub fn lock_state() -> Reply<proto::lock_state::Response> {
    Ok(Response::new({
        proto::lock_state::Response {
            diagnostics: diagnostics("state stores"),
            lock_id: String::new(),
        }
    }))
}

pub fn unlock_state() -> Reply<proto::unlock_state::Response> {
    Ok(Response::new({
        proto::unlock_state::Response {
            diagnostics: diagnostics("state stores"),
        }
    }))
}

pub fn get_states() -> Reply<proto::get_states::Response> {
    Ok(Response::new({
        proto::get_states::Response {
            diagnostics: diagnostics("state stores"),
            state_id: Vec::new(),
        }
    }))
}

pub fn delete_state() -> Reply<proto::delete_state::Response> {
    Ok(Response::new({
        proto::delete_state::Response {
            diagnostics: diagnostics("state stores"),
        }
    }))
}
