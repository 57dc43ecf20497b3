//! One API call as data: [`Call`] (method, host, path, query, [`Payload`]), what an attempt
//! at it brings back ([`RawResponse`], or how it failed: [`AttemptFailure`]), and a success
//! body decoded into its type ([`decode`]). The attempt itself is `attempt.rs`.
//!
//! Must not: do I/O, decide whether to try again (`retry_loop.rs`), or know endpoint paths or
//! bodies (the operation modules build the calls).

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::errors::{Error, TransportClass};

/// Which Vonage host a call goes to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Host {
    Rest,
    Api,
}

impl Host {
    /// The provider argument that sets this host's base URL.
    pub fn setting(self) -> &'static str {
        match self {
            Host::Rest => "rest_url",
            Host::Api => "api_url",
        }
    }
}

/// A request body.
#[derive(Clone)]
pub(crate) enum Payload {
    /// No body and no Content-Type.
    Empty,
    Json(Vec<u8>),
    Form(String),
}

impl Payload {
    pub fn json<T: Serialize>(value: &T) -> Payload {
        Payload::Json(serde_json::to_vec(value).unwrap_or_default())
    }

    /// A form body from a serializable struct of optional strings (absent
    /// fields are not sent).
    pub fn form<T: Serialize>(value: &T) -> Payload {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(value) {
            for (name, value) in map {
                match value {
                    serde_json::Value::String(s) => {
                        form.append_pair(&name, &s);
                    }
                    serde_json::Value::Null => {}
                    other => {
                        form.append_pair(&name, &other.to_string());
                    }
                }
            }
        }
        Payload::Form(form.finish())
    }
}

/// Whether `segment` is a dot segment of a URL path (`.` or `..`, each dot possibly written
/// `%2e`): sent as a path segment, it would step up or across the path instead of naming
/// something, so a call with one is refused, not escaped (a server may decode `%2e` itself).
pub(crate) fn is_dot_segment(segment: &str) -> bool {
    let dots = segment.to_ascii_lowercase().replace("%2e", ".");
    dots == "." || dots == ".."
}

/// One API call, replayable across attempts.
pub(crate) struct Call {
    pub method: Method,
    pub host: Host,
    /// Path segments, percent-encoded when the URL is built.
    pub segments: Vec<String>,
    pub query: Vec<(String, String)>,
    pub payload: Payload,
    /// Human description for errors, e.g. "create API secret for account 'k'".
    pub operation: String,
    /// Basic credentials other than the client's own, for this call alone (a subaccount's key
    /// with the client's secret, for the Numbers API: `numbers.rs`); sensitive.
    pub authorization: Option<HeaderValue>,
}

impl Call {
    pub fn new(method: Method, host: Host, segments: &[&str], operation: String) -> Call {
        Call {
            method,
            host,
            segments: segments.iter().map(|s| s.to_string()).collect(),
            query: Vec::new(),
            payload: Payload::Empty,
            operation,
            authorization: None,
        }
    }

    pub fn with_authorization(mut self, authorization: HeaderValue) -> Call {
        self.authorization = Some(authorization);
        self
    }

    pub fn with_payload(mut self, payload: Payload) -> Call {
        self.payload = payload;
        self
    }

    pub fn with_query(mut self, query: Vec<(String, String)>) -> Call {
        self.query = query;
        self
    }
}

/// A complete HTTP response.
pub(crate) struct RawResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// How one attempt failed before producing a response.
pub(super) enum AttemptFailure {
    /// Never connected: the request did not reach the server.
    NotSent(TransportClass, String),
    /// Sent, but no complete answer within the timeout.
    Timeout,
    /// Sent, then the connection failed.
    Lost(TransportClass, String),
}

/// Decodes a success body.
pub(crate) fn decode<T: DeserializeOwned>(raw: &RawResponse, operation: &str) -> Result<T, Error> {
    serde_json::from_slice(&raw.body).map_err(|e| Error::InvalidResponse {
        operation: operation.to_string(),
        // Only the position and class: the body may hold a secret.
        detail: format!(
            "\
            the body does not match the documented shape ({:?} error at line {} column {}, HTTP \
            {})",
            e.classify(),
            e.line(),
            e.column(),
            raw.status
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_payload_skips_absent_fields_and_keeps_empty_ones() {
        let form = crate::wire::account::SettingsForm {
            mo_callback_url: Some(String::new()),
            dr_callback_url: None,
            http_forward_method: Some("POST_JSON".into()),
        };
        match Payload::form(&form) {
            Payload::Form(text) => assert_eq!(text, "moCallBackUrl=&httpForwardMethod=POST_JSON"),
            _ => panic!("expected a form"),
        }
    }
}
