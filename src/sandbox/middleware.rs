//! The layers between the socket and the routes: a request id on every
//! response, and the test tooling: recording every API call in the call log
//! and applying installed faults.
//!
//! Request path: `paths::normalize` → [`assign_request_id`] →
//! [`admin_only_from_loopback`] → [`record_calls`] → [`inject_faults`] →
//! routes. Admin paths (`/_sandbox/…`) pass the last two untouched.
//!
//! Owns: `X-Request-Id` (a fresh UUID on every response, as Vonage
//! documents), keeping the admin API (no auth: it reads state and breaks the
//! API on request) to loopback clients unless `--admin-from-anywhere`, the
//! response extensions that carry what happened to a
//! response ([`ConnectionDrop`], [`InjectedFault`]), recording a request its
//! client abandoned (hyper drops its future when the client hangs up; see
//! [`record_calls`]) and the error bodies of injected status faults. In-process (`app().oneshot`) a drop shows as a 502
//! response carrying [`ConnectionDrop`]; the socket server turns it into a
//! closed connection.
//! Must not: change the world, or log bodies, headers or credentials.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use serde_json::json;

use super::call_log::{CallRecord, sanitize_query};
use super::faults::{Fault, FaultKind};
use super::paths::is_admin;
use super::problem::{self, ApiError};
use super::state::{SandboxState, lock};
use super::timestamps::{millis_z, wall_clock_ms};

/// Response extension: the server must close the connection instead of
/// sending this response.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionDrop;

/// Response extension naming the fault that shaped a response (call log).
#[derive(Clone, Debug)]
pub struct InjectedFault(pub String);

/// Request extension: what the layers below [`record_calls`] learnt about a
/// request while serving it, for the record of one the client abandons.
#[derive(Clone, Default)]
pub struct CallProgress(Arc<Mutex<Progress>>);

#[derive(Default)]
struct Progress {
    fault: Option<String>,
    handler_status: Option<u16>,
}

impl CallProgress {
    fn fault(&self, label: String) {
        lock(&self.0).fault = Some(label);
    }

    fn handled(&self, status: StatusCode) {
        lock(&self.0).handler_status = Some(status.as_u16());
    }
}

/// A call being served. Finished, it is recorded with its answer; if the
/// client hangs up first, hyper drops the request's future, and with it
/// this, which records the call as abandoned (its change, if the handler had
/// run, is made all the same).
struct PendingCall {
    state: SandboxState,
    record: Option<CallRecord>,
    started: Instant,
    progress: CallProgress,
}

impl PendingCall {
    fn finish(mut self, response: &Response) {
        let Some(mut record) = self.record.take() else {
            return;
        };
        let dropped = response.extensions().get::<ConnectionDrop>().is_some();
        record.status = (!dropped).then(|| response.status().as_u16());
        record.fault = response
            .extensions()
            .get::<InjectedFault>()
            .map(|f| f.0.clone());
        self.push(record);
    }

    fn push(&self, mut record: CallRecord) {
        let elapsed = self.started.elapsed();
        record.duration_ms = elapsed.as_millis() as u64;
        record.duration_us = elapsed.as_micros() as u64;
        self.state.calls().push(record);
    }
}

impl Drop for PendingCall {
    fn drop(&mut self) {
        if let Some(mut record) = self.record.take() {
            let progress = lock(&self.progress.0);
            record.abandoned = true;
            record.fault = progress.fault.clone();
            record.handler_status = progress.handler_status;
            drop(progress);
            self.push(record);
        }
    }
}

/// Request extension: the id the response will carry as `X-Request-Id`.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Middleware: gives every request an id and every response `X-Request-Id`.
pub async fn assign_request_id(mut request: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(X_REQUEST_ID.clone(), value);
    }
    response
}

/// Middleware: the admin API answers loopback clients only (unless
/// `--admin-from-anywhere`). The peer comes from the socket server; a
/// request without one (no socket) is refused too.
pub async fn admin_only_from_loopback(
    State(state): State<SandboxState>,
    request: Request,
    next: Next,
) -> Response {
    if !is_admin(request.uri().path()) || state.options().admin_from_anywhere {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if peer.is_some_and(is_loopback) {
        return next.run(request).await;
    }
    (
        StatusCode::FORBIDDEN,
        Json(json!({
            "error": "the admin API (/_sandbox/...) answers loopback clients only; start \
                      vonage-sandbox with --admin-from-anywhere to allow others"
        })),
    )
        .into_response()
}

/// 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6.
fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// Middleware: logs every API request once its response is known, or once
/// its client abandoned it; the sandbox's own (its callback checks) marked
/// internal.
pub async fn record_calls(
    State(state): State<SandboxState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    if is_admin(&path) {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let query = request.uri().query().and_then(sanitize_query);
    let internal = state.is_internal(request.headers());
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let progress = CallProgress::default();
    request.extensions_mut().insert(progress.clone());
    let pending = PendingCall {
        state,
        record: Some(CallRecord {
            method,
            path,
            query,
            status: None,
            abandoned: false,
            handler_status: None,
            fault: None,
            request_id,
            internal,
            time: millis_z(wall_clock_ms()),
            duration_ms: 0,
            duration_us: 0,
        }),
        started: Instant::now(),
        progress,
    };
    let response = next.run(request).await;
    pending.finish(&response);
    response
}

/// Middleware: applies the first matching fault to an API request.
pub async fn inject_faults(
    State(state): State<SandboxState>,
    request: Request,
    next: Next,
) -> Response {
    if is_admin(request.uri().path()) {
        return next.run(request).await;
    }
    let fault = state.faults().take(request.method(), request.uri().path());
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    let progress = request
        .extensions()
        .get::<CallProgress>()
        .cloned()
        .unwrap_or_default();
    progress.fault(fault.label());
    let mut response = match (fault.kind, fault.after_handler) {
        (FaultKind::Truncate, _) => truncate(next.run(request).await, fault.keep_bytes).await,
        (FaultKind::Latency, false) => {
            tokio::time::sleep(latency(&fault)).await;
            next.run(request).await
        }
        (FaultKind::Latency, true) => {
            let response = next.run(request).await;
            progress.handled(response.status());
            tokio::time::sleep(latency(&fault)).await;
            response
        }
        (FaultKind::Status | FaultKind::Drop, true) => {
            let handled = next.run(request).await;
            progress.handled(handled.status());
            failure(&fault)
        }
        (FaultKind::Status | FaultKind::Drop, false) => {
            // Read the request completely, as a server that fails late would.
            let _ = axum::body::to_bytes(request.into_body(), usize::MAX).await;
            failure(&fault)
        }
    };
    response
        .extensions_mut()
        .insert(InjectedFault(fault.label()));
    response
}

/// The response with its whole `Content-Length` but only the first
/// `keep_bytes` (default half) of its body, then an error that makes the
/// server close the connection. In-process the body ends in that error.
async fn truncate(response: Response, keep_bytes: Option<usize>) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return internal_error_response();
    };
    if bytes.is_empty() {
        return Response::from_parts(parts, Body::empty());
    }
    let keep = keep_bytes.unwrap_or(bytes.len() / 2).min(bytes.len() - 1);
    parts.headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(bytes.len() as u64),
    );
    // The kept part, a pause so that the server writes it (with the headers)
    // to the socket, then the error that makes it close the connection.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let kept = bytes.slice(..keep);
    tokio::spawn(async move {
        let _ = sender.send(Ok(kept)).await;
        tokio::time::sleep(TRUNCATE_PAUSE).await;
        let _ = sender
            .send(Err(std::io::Error::other(
                "response body truncated by an injected fault",
            )))
            .await;
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(receiver);
    Response::from_parts(parts, Body::from_stream(stream))
}

/// How long a truncated body waits between its kept part and the error.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(50);

fn internal_error_response() -> Response {
    problem::internal_error("the handler's body could not be read").into_response()
}

fn latency(fault: &Fault) -> Duration {
    Duration::from_millis(fault.latency_ms.unwrap_or(0))
}

fn failure(fault: &Fault) -> Response {
    if fault.kind == FaultKind::Drop {
        let mut response = (StatusCode::BAD_GATEWAY, Body::empty()).into_response();
        response.extensions_mut().insert(ConnectionDrop);
        return response;
    }
    let status = fault
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let error = match status {
        StatusCode::TOO_MANY_REQUESTS => problem::rate_limited(),
        StatusCode::INTERNAL_SERVER_ERROR => {
            problem::internal_error("Internal error (injected by vonage-sandbox)")
        }
        StatusCode::SERVICE_UNAVAILABLE => problem::service_unavailable(),
        other => ApiError::problem(
            other,
            "https://developer.nexmo.com/api-errors#injected-fault",
            other.canonical_reason().unwrap_or("Injected fault"),
            "Injected by vonage-sandbox",
        ),
    };
    let retry_after = match (status, fault.retry_after) {
        (StatusCode::TOO_MANY_REQUESTS, None) => Some(1),
        (_, given) => given,
    };
    let error = match retry_after.map(|s| HeaderValue::from_str(&s.to_string())) {
        Some(Ok(value)) => error.with_header(header::RETRY_AFTER, value),
        _ => error,
    };
    error.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses() {
        for ip in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] {
            assert!(is_loopback(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "10.0.0.1",
            "192.0.2.2",
            "::ffff:10.0.0.1",
            "fe80::1",
            "0.0.0.0",
        ] {
            assert!(!is_loopback(ip.parse().unwrap()), "{ip}");
        }
    }
}
