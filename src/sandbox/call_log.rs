//! The call log: what reached the API routes, for tests to inspect
//! (`GET /_sandbox/calls`, cleared with `DELETE`).
//!
//! Owns: the record shape, the bounded buffer (the newest 10,000 calls) and
//! removing credential parameters from a query string. Records hold method,
//! path, the query string with credential parameters removed, status
//! (`null` when the connection was dropped by a fault, or when the client
//! abandoned the request: then `abandoned`, and what the handler answered if
//! it had finished), the injected fault
//! if any, the `X-Request-Id` answered, time and duration. The `middleware` module fills it.
//! Must not: import anything from the sandbox, or record bodies, headers or
//! any credential.

use std::collections::VecDeque;

use serde::Serialize;

const CAPACITY: usize = 10_000;

/// The header on the sandbox's own requests (its callback checks), carrying
/// a token random to each sandbox process: a request with it is the
/// sandbox's own, recorded as `internal` and not counted as a client call.
pub const INTERNAL_HEADER: &str = "x-vonage-sandbox-internal";

/// Query parameters never written to the log.
const CREDENTIAL_PARAMS: [&str; 2] = ["api_key", "api_secret"];

#[derive(Clone, Debug, Serialize)]
pub struct CallRecord {
    pub method: String,
    pub path: String,
    /// The query string without credential parameters; absent when empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// `None` when nothing was answered: a fault dropped the connection, or
    /// the client abandoned the request.
    pub status: Option<u16>,
    /// The client went away before the answer was sent (its timeout, a
    /// latency fault it did not wait out). Absent when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub abandoned: bool,
    /// For an abandoned call whose handler had finished: the status it
    /// answered, so its change was made. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handler_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// The `X-Request-Id` the response carried.
    pub request_id: String,
    /// The sandbox's own request (a callback check pointed at an API path),
    /// not a client's: shown, but not counted as a client call. Absent when
    /// false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
    pub time: String,
    /// Whole milliseconds (kept for readers of the older log).
    pub duration_ms: u64,
    /// The same duration in microseconds: most calls take well under a
    /// millisecond, which `duration_ms` shows as 0.
    pub duration_us: u64,
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

    /// Oldest first.
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
