//! The answers to RPCs for features this provider does not offer: functions, state stores,
//! and moving state across resource types.
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
use crate::framework::diagnostics::Diagnostic;

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
