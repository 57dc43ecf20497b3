//! One attempt at a [`Call`]: the URL it goes to, a rate-limit slot, the request (Basic auth
//! in the `Authorization` header, the body with its Content-Type), the whole answer read within
//! the timeout as a [`RawResponse`] or how it failed, one request log line, and an error
//! answer read into an `ApiFailure` (with `Retry-After`).
//!
//! Must not: decide whether to try again (`retry_loop.rs`), or send credentials anywhere but
//! the `Authorization` header.

use std::time::{Instant, SystemTime};

use reqwest::Url;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};

use super::call::{AttemptFailure, Call, Host, Payload, RawResponse};
use super::client::Client;
use super::errors::{ApiFailure, Error, ErrorContext, TransportClass, describe_transport};
use super::request_log::log_exchange;
use super::retry::parse_retry_after;

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
        self.cancellable(self.shared.pacer.acquire()).await?;
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
            .header(
                AUTHORIZATION,
                (call.authorization.clone()).unwrap_or_else(|| self.shared.authorization.clone()),
            )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vonage::config::ClientConfig;
    use crate::vonage::secret::Secret;
    use reqwest::Method;

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
}
