//! One API call and one attempt at it: [`Call`] (method, host, path, query, [`Payload`]) and
//! the URL it goes to, the exchange with Vonage (rate-limit slot, request, the whole answer
//! read within the timeout) as a [`RawResponse`] or how it failed, and the answer turned into
//! what callers use: a success body decoded into its type ([`decode`]), anything else into an
//! `ApiFailure` (with `Retry-After`).
//!
//! Must not: decide whether to try again (`retry_loop.rs`), know endpoint paths or bodies (the
//! operation modules build the calls), or send credentials anywhere but the `Authorization`
//! header.

use std::time::{Instant, SystemTime};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::errors::{ApiFailure, Error, ErrorContext, TransportClass, describe_transport};
use super::request_log::log_exchange;
use super::retry::parse_retry_after;

/// Which Vonage host a call goes to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Host {
    Rest,
    Api,
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
        }
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

impl Client {
    pub(super) fn url(&self, call: &Call) -> Url {
        let mut url = match call.host {
            Host::Rest => self.shared.rest_url.clone(),
            Host::Api => self.shared.api_url.clone(),
        };
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(&call.segments);
        }
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&call.query);
        }
        url
    }
    /// One attempt at `call`. Waiting for a rate-limit slot always stops on cancellation; the
    /// exchange itself does only when `abortable`. A create's POST is not: once sent, it is
    /// answered (within the request timeout), so its outcome is known rather than abandoned.
    pub(super) async fn attempt(
        &self,
        call: &Call,
        number: u32,
        ctx: &ErrorContext<'_>,
        abortable: bool,
    ) -> Result<Result<RawResponse, AttemptFailure>, Error> {
        self.cancellable(self.shared.limiter.acquire()).await?;
        let url = self.url(call);
        let started = Instant::now();
        let outcome = if abortable {
            self.cancellable(self.exchange(call, url.clone())).await?
        } else {
            self.exchange(call, url.clone()).await
        };
        log_exchange(call, &url, number, started.elapsed(), &outcome, ctx);
        Ok(outcome)
    }

    async fn exchange(&self, call: &Call, url: Url) -> Result<RawResponse, AttemptFailure> {
        let mut request = self
            .shared
            .http
            .request(call.method.clone(), url)
            .header(AUTHORIZATION, self.shared.authorization.clone())
            .header(ACCEPT, "application/json");
        request = match &call.payload {
            Payload::Empty => request,
            Payload::Json(bytes) => request
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Payload::Form(text) => request
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(text.clone()),
        };
        let exchange = async {
            let response = request.send().await.map_err(|e| {
                let class = TransportClass::of(&e);
                if e.is_timeout() {
                    AttemptFailure::Timeout
                } else if e.is_connect() {
                    AttemptFailure::NotSent(class, describe_transport(e))
                } else {
                    AttemptFailure::Lost(class, describe_transport(e))
                }
            })?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(|e| {
                if e.is_timeout() {
                    AttemptFailure::Timeout
                } else {
                    AttemptFailure::Lost(TransportClass::of(&e), describe_transport(e))
                }
            })?;
            Ok(RawResponse {
                status,
                headers,
                body: body.to_vec(),
            })
        };
        exchange.await
    }

    pub(crate) fn failure(raw: &RawResponse) -> ApiFailure {
        let retry_after = raw
            .headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        ApiFailure::parse(raw.status, &raw.body, retry_after)
    }

    /// Where a call goes, for messages: scheme, host, port and path, without the query.
    pub(super) fn shown_url(&self, call: &Call) -> String {
        let mut url = self.url(call);
        url.set_query(None);
        url.to_string()
    }
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
    use crate::vonage::config::ClientConfig;
    use crate::vonage::secret::Secret;

    #[test]
    fn urls_keep_base_paths_and_encode_segments() {
        let mut config = ClientConfig::new("abcd1234", Secret::from("Sup3rSecret1"));
        config.api_url = "http://127.0.0.1:9/prefix/".into();
        let client = Client::new(config).unwrap();
        let call = Call::new(
            Method::GET,
            Host::Api,
            &["accounts", "a b/c", "secrets"],
            String::new(),
        )
        .with_query(vec![("start_date".into(), "2024-01-01T00:00:00Z".into())]);
        assert_eq!(
            client.url(&call).as_str(),
            "http://127.0.0.1:9/prefix/accounts/a%20b%2Fc/secrets?start_date=2024-01-01T00%3A00%3A00Z"
        );
        let rest = Call::new(
            Method::GET,
            Host::Rest,
            &["account", "get-balance"],
            String::new(),
        );
        assert_eq!(
            client.url(&rest).as_str(),
            "https://rest.nexmo.com/account/get-balance"
        );
    }

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
