//! The call log: what reached the API routes, for tests to inspect
//! (`GET /_sandbox/calls`, cleared with `DELETE`).
//!
//! Owns: the record shape, the bounded buffer and the middleware that fills
//! it. Records hold method, path, the query string with credential
//! parameters removed, status (`null` when the connection was dropped by a
//! fault), the injected fault if any, time and duration.
//! Must not: record bodies, headers or any credential; admin calls
//! (`/_sandbox/…`) are not logged.

use std::collections::VecDeque;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use super::faults::{ConnectionDrop, InjectedFault};
use super::state::SandboxState;
use super::timestamps::{millis_z, now_ms};

const CAPACITY: usize = 10_000;

/// Query parameters never written to the log.
const CREDENTIAL_PARAMS: [&str; 2] = ["api_key", "api_secret"];

#[derive(Clone, Debug, Serialize)]
pub struct CallRecord {
    pub method: String,
    pub path: String,
    /// The query string without credential parameters; absent when empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// `None` when a fault dropped the connection.
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    pub time: String,
    pub duration_ms: u64,
}

#[derive(Default)]
pub struct CallLog {
    records: VecDeque<CallRecord>,
}

impl CallLog {
    pub fn push(&mut self, record: CallRecord) {
        if self.records.len() == CAPACITY {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }

    pub fn records(&self) -> Vec<CallRecord> {
        self.records.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.records.clear();
    }
}

/// Removes credential parameters from a query string.
pub fn sanitize_query(query: &str) -> Option<String> {
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| !CREDENTIAL_PARAMS.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return None;
    }
    Some(
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(kept)
            .finish(),
    )
}

/// Middleware: logs every non-admin request once its response is known.
pub async fn record(State(state): State<SandboxState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with(super::admin::PREFIX) {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let query = request.uri().query().and_then(sanitize_query);
    let time = millis_z(now_ms());
    let started = Instant::now();
    let response = next.run(request).await;
    let dropped = response.extensions().get::<ConnectionDrop>().is_some();
    state.calls().push(CallRecord {
        method,
        path,
        query,
        status: (!dropped).then(|| response.status().as_u16()),
        fault: response
            .extensions()
            .get::<InjectedFault>()
            .map(|f| f.0.clone()),
        time,
        duration_ms: started.elapsed().as_millis() as u64,
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_reach_the_log() {
        assert_eq!(sanitize_query("api_key=k&api_secret=s"), None);
        assert_eq!(
            sanitize_query("api_secret=s&start_date=2024-01-01T00:00:00Z&subaccount=a"),
            Some("start_date=2024-01-01T00%3A00%3A00Z&subaccount=a".to_string())
        );
        assert_eq!(sanitize_query(""), None);
    }
}
