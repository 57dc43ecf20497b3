//! `Client` and `ClientConfig`: configuration, the HTTP machinery shared by
//! every operation, and the two execution disciplines.
//!
//! * [`Client::idempotent`] — reads, the settings POST, the subaccount PATCH,
//!   DELETE and number transfer: retried on 429 (after `Retry-After`), 5xx,
//!   timeouts and transport errors, with backoff and full jitter. A caller
//!   may say which failure, seen after an ambiguous attempt, means "already
//!   done" (DELETE: 404 invalid-id).
//! * [`Client::create_reconciled`] — creates: retried blindly only when the
//!   request provably did not reach the server (connect failure, 429). After
//!   an ambiguous attempt the operation's probe looks for the object; only a
//!   provably absent object is created again, otherwise the caller gets
//!   `Error::UnknownOutcome` saying what was tried and what was seen.
//!
//! Every attempt first takes a slot from the rate limiter; every wait and
//! every request observes the client's cancellation token.
//! Credentials go only into the (sensitive) `Authorization` header.
//!
//! Every attempt is logged at debug level (method, path, status, attempt
//! number, duration) and every wait before a retry with its length; at trace
//! level an error answer's body follows, with every secret the call knows and
//! every JSON field named like a secret redacted (see [`log_exchange`]).
//!
//! Must not: know endpoint paths or bodies (the operation modules do), log a
//! header, a success body (a subaccount's create answer holds its secret) or
//! an unredacted error body, or put a secret into an error.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use super::auth::basic_header;
use super::errors::{ApiFailure, Error, ErrorContext, TransportClass, describe_transport, scrub};
use super::rate_limit::RateLimiter;
use super::retry::{RetryPolicy, parse_retry_after};
use super::secret::Secret;
use crate::logging::{self, Level};

// The client's defaults. Each is defined here once; the provider's schema descriptions (and so
// the generated docs) are written from these constants.

/// Vonage's rest host (`/account/…`).
pub const DEFAULT_REST_URL: &str = "https://rest.nexmo.com";
/// Vonage's api host (`/accounts/…`).
pub const DEFAULT_API_URL: &str = "https://api.nexmo.com";
/// Retries after the first attempt, when retrying is safe.
pub const DEFAULT_MAX_RETRIES: u32 = 4;
/// How long one attempt may take, reading the body included, in seconds.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 30;
/// The longest `Retry-After` the client waits; a longer one is cut to this.
pub const MAX_RETRY_AFTER_SECONDS: u64 = 30;
/// Requests per second per API key: Vonage's documented limit (docs/vonage-api-notes.md §10).
pub const DEFAULT_RATE_LIMIT_PER_SECOND: f64 = 30.0;

/// How to reach and pace Vonage. `Debug` redacts the secret.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub api_key: String,
    pub api_secret: Secret,
    /// Base URL of the rest host (`/account/…`).
    pub rest_url: String,
    /// Base URL of the api host (`/accounts/…`).
    pub api_url: String,
    /// Per attempt, including reading the body.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Client-side pacing per API key (Vonage's default limit is 30/s).
    pub rate_limit_per_second: f64,
    pub user_agent: String,
    /// Backoff before retry n is uniform in `[0, min(max, base·2^n)]`.
    pub retry_base_delay: Duration,
    pub retry_max_delay: Duration,
    /// Longest `Retry-After` honoured.
    pub max_retry_after: Duration,
    /// An extra trusted root certificate (PEM), e.g. the sandbox's `--tls`
    /// certificate.
    pub extra_root_certificate_pem: Option<String>,
}

impl ClientConfig {
    /// Defaults: Vonage's hosts and the `DEFAULT_*` constants above.
    pub fn new(api_key: impl Into<String>, api_secret: Secret) -> ClientConfig {
        ClientConfig {
            api_key: api_key.into(),
            api_secret,
            rest_url: DEFAULT_REST_URL.to_string(),
            api_url: DEFAULT_API_URL.to_string(),
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECONDS),
            max_retries: DEFAULT_MAX_RETRIES,
            rate_limit_per_second: DEFAULT_RATE_LIMIT_PER_SECOND,
            user_agent: user_agent(None),
            retry_base_delay: Duration::from_millis(250),
            retry_max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(MAX_RETRY_AFTER_SECONDS),
            extra_root_certificate_pem: None,
        }
    }
}

/// `terraform-provider-vonage/<version>[ terraform/<tf version>][ <TF_APPEND_USER_AGENT>]`.
pub fn user_agent(terraform_version: Option<&str>) -> String {
    let mut agent = format!("terraform-provider-vonage/{}", env!("CARGO_PKG_VERSION"));
    if let Some(version) = terraform_version.map(str::trim).filter(|v| !v.is_empty()) {
        agent.push_str(" terraform/");
        agent.push_str(version);
    }
    if let Ok(extra) = std::env::var("TF_APPEND_USER_AGENT") {
        let extra = extra.trim();
        if !extra.is_empty() {
            agent.push(' ');
            agent.push_str(extra);
        }
    }
    agent
}

/// What a [`Client`] was built with, as it uses it (URLs normalised by the URL parser).
#[derive(Debug, PartialEq)]
pub struct ClientSettings<'a> {
    pub rest_url: &'a str,
    pub api_url: &'a str,
    pub timeout: Duration,
    pub max_retries: u32,
    pub rate_limit_per_second: f64,
}

/// A Vonage API client. Cheap to clone; clones share connections, the rate
/// limiter and (unless replaced with [`Client::with_cancel`]) the
/// cancellation token.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    cancel: CancellationToken,
}

struct Shared {
    api_key: String,
    /// Kept only to scrub it from server-provided error text.
    api_secret: Secret,
    authorization: HeaderValue,
    http: reqwest::Client,
    rest_url: Url,
    api_url: Url,
    timeout: Duration,
    rate_limit_per_second: f64,
    policy: RetryPolicy,
    limiter: RateLimiter,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_key", &self.shared.api_key)
            .field("api_secret", &self.shared.api_secret)
            .field("rest_url", &self.shared.rest_url.as_str())
            .field("api_url", &self.shared.api_url.as_str())
            .finish_non_exhaustive()
    }
}

fn invalid(detail: impl Into<String>) -> Error {
    Error::InvalidConfig {
        detail: detail.into(),
    }
}

fn base_url(name: &str, text: &str) -> Result<Url, Error> {
    let url = Url::parse(text).map_err(|e| invalid(format!("{name} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!("{name} must use http or https")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(format!(
            "{name} must not carry credentials; use api_key and api_secret"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(format!("{name} must not have a query or fragment")));
    }
    if url.cannot_be_a_base() {
        return Err(invalid(format!("{name} cannot be used as a base URL")));
    }
    Ok(url)
}

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
enum AttemptFailure {
    /// Never connected: the request did not reach the server.
    NotSent(TransportClass, String),
    /// Sent, but no complete answer within the timeout.
    Timeout,
    /// Sent, then the connection failed.
    Lost(TransportClass, String),
}

/// Result of an idempotent call.
pub(crate) enum Settled {
    Response(RawResponse),
    /// An earlier ambiguous attempt evidently did the work (e.g. a DELETE
    /// retry answered 404 invalid-id).
    AlreadyDone,
}

/// Result of one create attempt.
enum CreateAttempt {
    Response(RawResponse),
    /// Sent, but the outcome is unknown; carries what went wrong.
    Ambiguous(Error),
}

/// A reconciliation probe's future (boxed so that the futures of the public
/// create methods stay `Send`).
pub(crate) type ProbeFuture<'a, T> =
    std::pin::Pin<Box<dyn Future<Output = Result<Probe<T>, Error>> + Send + 'a>>;

/// What a reconciliation probe found after an ambiguous create.
pub(crate) enum Probe<T> {
    /// Exactly one object that must be the one we created.
    Found(T),
    /// Provably not created: safe to create again.
    Absent,
    /// Cannot tell (e.g. several candidates); the text says what was seen.
    Unclear(String),
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        if config.api_key.is_empty() {
            return Err(invalid("api_key is empty"));
        }
        if config.api_key.contains(':') || config.api_key.chars().any(char::is_control) {
            return Err(invalid(
                "api_key must not contain ':' or control characters",
            ));
        }
        if config.api_secret.expose().is_empty() {
            return Err(invalid("api_secret is empty"));
        }
        let authorization = basic_header(&config.api_key, &config.api_secret)
            .ok_or_else(|| invalid("api_secret contains characters that cannot be sent"))?;
        let rest_url = base_url("rest_url", &config.rest_url)?;
        let api_url = base_url("api_url", &config.api_url)?;
        if config.timeout.is_zero() {
            return Err(invalid("timeout must be positive"));
        }
        let rate = config.rate_limit_per_second;
        if !(rate.is_finite() && rate > 0.0) {
            return Err(invalid("rate_limit_per_second must be a positive number"));
        }
        let user_agent = HeaderValue::from_str(&config.user_agent)
            .map_err(|_| invalid("user_agent is not a valid header value"))?;
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(50));
        if let Some(pem) = &config.extra_root_certificate_pem {
            let not_pem = || invalid("extra_root_certificate_pem is not a PEM certificate");
            let certificates =
                reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|_| not_pem())?;
            if certificates.is_empty() {
                return Err(not_pem());
            }
            builder = builder.tls_certs_merge(certificates);
        } else if rest_url.scheme() == "http" && api_url.scheme() == "http" {
            // Nothing will be verified, so skip loading the system trust store: it costs a
            // few milliseconds per provider process (it reads every file in /etc/ssl/certs),
            // and Terraform starts several processes per command (local sandbox runs).
            builder = builder.tls_certs_only(std::iter::empty());
        }
        let http = builder.build().map_err(|e| {
            invalid(format!(
                "cannot build the HTTP client: {}",
                describe_transport(e)
            ))
        })?;
        Ok(Client {
            shared: Arc::new(Shared {
                api_key: config.api_key,
                api_secret: config.api_secret,
                authorization,
                http,
                rest_url,
                api_url,
                timeout: config.timeout,
                rate_limit_per_second: rate,
                policy: RetryPolicy {
                    max_retries: config.max_retries,
                    base_delay: config.retry_base_delay,
                    max_delay: config.retry_max_delay,
                    max_retry_after: config.max_retry_after,
                },
                limiter: RateLimiter::new(rate),
            }),
            cancel: CancellationToken::new(),
        })
    }

    /// A clone whose calls stop (with `Error::Cancelled`) when `token` fires.
    pub fn with_cancel(&self, token: CancellationToken) -> Client {
        Client {
            shared: self.shared.clone(),
            cancel: token,
        }
    }

    /// The token this client's calls observe; cancel it to abort in-flight
    /// requests, retries and backoff waits.
    pub fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// The configured (primary) API key.
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// The settings this client runs with (what the provider's defaults became).
    pub fn settings(&self) -> ClientSettings<'_> {
        ClientSettings {
            rest_url: self.shared.rest_url.as_str(),
            api_url: self.shared.api_url.as_str(),
            timeout: self.shared.timeout,
            max_retries: self.shared.policy.max_retries,
            rate_limit_per_second: self.shared.rate_limit_per_second,
        }
    }

    pub(crate) fn policy(&self) -> RetryPolicy {
        self.shared.policy
    }

    /// An error context for calls targeting `api_key`.
    pub(crate) fn context<'a>(
        &'a self,
        api_key: &'a str,
        what: String,
        extra_secrets: &[&'a str],
    ) -> ErrorContext<'a> {
        let mut secrets = vec![self.shared.api_secret.expose()];
        secrets.extend_from_slice(extra_secrets);
        ErrorContext {
            api_key,
            what,
            secrets,
        }
    }

    fn url(&self, call: &Call) -> Url {
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

    /// Runs `future` unless the token fires first.
    pub(crate) async fn cancellable<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        if self.cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(Error::Cancelled),
            output = future => Ok(output),
        }
    }

    pub(crate) async fn sleep(&self, duration: Duration) -> Result<(), Error> {
        self.cancellable(tokio::time::sleep(duration)).await
    }

    /// One attempt at `call`. Waiting for a rate-limit slot always stops on cancellation; the
    /// exchange itself does only when `abortable`. A create's POST is not: once sent, it is
    /// answered (within the request timeout), so its outcome is known rather than abandoned.
    async fn attempt(
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
    fn shown_url(&self, call: &Call) -> String {
        let mut url = self.url(call);
        url.set_query(None);
        url.to_string()
    }

    fn timeout_error(&self, call: &Call) -> Error {
        Error::Timeout {
            operation: call.operation.clone(),
            url: self.shown_url(call),
            after: self.shared.timeout,
        }
    }

    fn transport_error(&self, call: &Call, class: TransportClass, detail: String) -> Error {
        Error::Transport {
            operation: call.operation.clone(),
            url: self.shown_url(call),
            class,
            detail,
        }
    }

    /// Runs a call that is safe to repeat. `done_after_ambiguous` names a
    /// failure that, following an ambiguous attempt, means the earlier
    /// attempt already did the work.
    pub(crate) async fn idempotent(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
        done_after_ambiguous: Option<fn(&ApiFailure) -> bool>,
    ) -> Result<Settled, Error> {
        let policy = self.policy();
        let mut retry = 0;
        let mut ambiguous_before = false;
        loop {
            let (last_error, wait) = match self.attempt(call, retry + 1, ctx, true).await? {
                Ok(raw) if (200..300).contains(&raw.status) => return Ok(Settled::Response(raw)),
                Ok(raw) => {
                    let failure = Self::failure(&raw);
                    if raw.status == 429 {
                        let wait = policy.throttle_wait(failure.retry_after, retry);
                        (failure.into_error(ctx), wait)
                    } else if raw.status >= 500 {
                        ambiguous_before = true;
                        (failure.into_error(ctx), policy.backoff(retry))
                    } else if ambiguous_before && done_after_ambiguous.is_some_and(|f| f(&failure))
                    {
                        return Ok(Settled::AlreadyDone);
                    } else {
                        return Err(failure.into_error(ctx));
                    }
                }
                Err(AttemptFailure::NotSent(class, detail)) => (
                    self.transport_error(call, class, detail),
                    policy.backoff(retry),
                ),
                Err(AttemptFailure::Timeout) => {
                    ambiguous_before = true;
                    (self.timeout_error(call), policy.backoff(retry))
                }
                Err(AttemptFailure::Lost(class, detail)) => {
                    ambiguous_before = true;
                    (
                        self.transport_error(call, class, detail),
                        policy.backoff(retry),
                    )
                }
            };
            if retry >= policy.max_retries {
                return Err(last_error);
            }
            log_retry(call, retry + 1, wait, &last_error);
            self.sleep(wait).await?;
            retry += 1;
        }
    }

    /// One create attempt: repeats only what provably did not reach the
    /// server (connect failures, 429); stops at the first ambiguous outcome.
    async fn create_once(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
    ) -> Result<CreateAttempt, Error> {
        let policy = self.policy();
        let mut retry = 0;
        loop {
            let (last_error, wait) = match self.attempt(call, retry + 1, ctx, false).await? {
                Ok(raw) if (200..300).contains(&raw.status) => {
                    return Ok(CreateAttempt::Response(raw));
                }
                Ok(raw) if raw.status == 429 => {
                    let failure = Self::failure(&raw);
                    let wait = policy.throttle_wait(failure.retry_after, retry);
                    (failure.into_error(ctx), wait)
                }
                Ok(raw) if raw.status >= 500 => {
                    return Ok(CreateAttempt::Ambiguous(
                        Self::failure(&raw).into_error(ctx),
                    ));
                }
                Ok(raw) => return Err(Self::failure(&raw).into_error(ctx)),
                Err(AttemptFailure::NotSent(class, detail)) => (
                    self.transport_error(call, class, detail),
                    policy.backoff(retry),
                ),
                Err(AttemptFailure::Timeout) => {
                    return Ok(CreateAttempt::Ambiguous(self.timeout_error(call)));
                }
                Err(AttemptFailure::Lost(class, detail)) => {
                    return Ok(CreateAttempt::Ambiguous(
                        self.transport_error(call, class, detail),
                    ));
                }
            };
            if retry >= policy.max_retries {
                return Err(last_error);
            }
            log_retry(call, retry + 1, wait, &last_error);
            self.sleep(wait).await?;
            retry += 1;
        }
    }

    /// Runs a create that has no way to be reconciled: an ambiguous outcome
    /// becomes `UnknownOutcome`, with `reason` telling the caller why.
    pub(crate) async fn create_unreconcilable<T>(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
        parse: impl Fn(RawResponse) -> Result<T, Error>,
        reason: &str,
    ) -> Result<T, Error> {
        match self.create_once(call, ctx).await? {
            CreateAttempt::Response(raw) => parse(raw),
            CreateAttempt::Ambiguous(failure) => Err(Error::UnknownOutcome {
                operation: call.operation.clone(),
                detail: format!("{failure}; {reason}"),
            }),
        }
    }

    /// Runs a create. After an ambiguous attempt, `probe` decides: adopt
    /// what it found, create again when provably absent (within the retry
    /// budget), or report `UnknownOutcome` saying what was seen.
    pub(crate) async fn create_reconciled<'p, T>(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
        parse: impl Fn(RawResponse) -> Result<T, Error>,
        probe: impl Fn() -> ProbeFuture<'p, T>,
    ) -> Result<T, Error> {
        let policy = self.policy();
        let mut round = 0;
        loop {
            let failure = match self.create_once(call, ctx).await? {
                CreateAttempt::Response(raw) => return parse(raw),
                CreateAttempt::Ambiguous(failure) => failure,
            };
            let unknown = |detail: String| Error::UnknownOutcome {
                operation: call.operation.clone(),
                detail,
            };
            let wait = policy.backoff(round);
            logging::debug(
                "Vonage API create outcome unknown; checking whether it happened",
                &[
                    ("method", call.method.as_str()),
                    ("path", &self.shown_url(call)),
                    ("after", &failure_class(&failure)),
                    ("wait_ms", &wait.as_millis().to_string()),
                ],
            );
            self.sleep(wait).await?;
            match probe().await {
                Ok(Probe::Found(found)) => return Ok(found),
                Ok(Probe::Absent) if round < policy.max_retries => round += 1,
                Ok(Probe::Absent) => return Err(failure),
                Ok(Probe::Unclear(seen)) => {
                    return Err(unknown(format!("{failure}; afterwards {seen}")));
                }
                Err(Error::Cancelled) => return Err(Error::Cancelled),
                Err(e) => {
                    return Err(unknown(format!(
                        "{failure}; checking whether it happened failed too: {e}"
                    )));
                }
            }
        }
    }
}

/// The debug line for one attempt, and at trace level an error answer's body, redacted.
fn log_exchange(
    call: &Call,
    url: &Url,
    number: u32,
    took: Duration,
    outcome: &Result<RawResponse, AttemptFailure>,
    ctx: &ErrorContext<'_>,
) {
    if !logging::enabled(Level::Debug) {
        return;
    }
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let (number, took) = (number.to_string(), took.as_millis().to_string());
    let (status, failure) = match outcome {
        Ok(raw) => (raw.status.to_string(), String::new()),
        Err(AttemptFailure::NotSent(_, why)) => ("none".into(), format!("not sent: {why}")),
        Err(AttemptFailure::Timeout) => ("none".into(), "timed out".into()),
        Err(AttemptFailure::Lost(_, why)) => ("none".into(), format!("connection lost: {why}")),
    };
    let mut fields = vec![
        ("method", call.method.as_str()),
        ("path", path.as_str()),
        ("status", status.as_str()),
        ("attempt", number.as_str()),
        ("duration_ms", took.as_str()),
    ];
    if !failure.is_empty() {
        fields.push(("failure", failure.as_str()));
    }
    // Vonage's id for the request (`X-Request-Id`), the one to quote to Vonage support.
    let request_id = match outcome {
        Ok(raw) => raw
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|id| id.len() <= 128)
            .unwrap_or_default(),
        Err(_) => "",
    };
    if !request_id.is_empty() {
        fields.push(("request_id", request_id));
    }
    logging::debug("Vonage API request", &fields);
    if let Ok(raw) = outcome
        && !(200..300).contains(&raw.status)
        && logging::enabled(Level::Trace)
    {
        let body = redacted_body(&raw.body, &ctx.secrets);
        logging::trace(
            "Vonage API error body",
            &[
                ("path", path.as_str()),
                ("status", status.as_str()),
                ("body", &body),
            ],
        );
    }
}

fn log_retry(call: &Call, attempt_done: u32, wait: Duration, after: &Error) {
    let path: Vec<&str> = call.segments.iter().map(String::as_str).collect();
    logging::debug(
        "Vonage API request will be retried",
        &[
            ("method", call.method.as_str()),
            ("path", &format!("/{}", path.join("/"))),
            ("next_attempt", &(attempt_done + 1).to_string()),
            ("wait_ms", &wait.as_millis().to_string()),
            ("after", &failure_class(after)),
        ],
    );
}

/// What kind of failure `e` was, for a log line: a status or a transport class, never text that
/// could carry a name or a value.
fn failure_class(e: &Error) -> String {
    match e {
        Error::RateLimited { .. } => "status 429".into(),
        Error::Api { status, .. } => format!("status {status}"),
        Error::Timeout { .. } => "timeout".into(),
        Error::Transport { class, .. } => format!("transport {class:?}").to_ascii_lowercase(),
        Error::Cancelled => "cancelled".into(),
        _ => "refusal".into(),
    }
}

/// An error body fit for a log: every JSON field whose name mentions a secret is replaced,
/// then every secret the call knows is scrubbed from what is left, which is cut to 2 KiB.
pub(crate) fn redacted_body(body: &[u8], secrets: &[&str]) -> String {
    fn redact_fields(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    if k.to_ascii_lowercase().contains("secret") && !child.is_object() {
                        *child = serde_json::Value::String("[redacted]".into());
                    } else {
                        redact_fields(child);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(redact_fields),
            _ => {}
        }
    }
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut v) => {
            redact_fields(&mut v);
            v.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    let mut clean = scrub(&text, secrets);
    if clean.len() > 2048 {
        let cut = (0..=2048)
            .rev()
            .find(|i| clean.is_char_boundary(*i))
            .unwrap_or(0);
        clean.truncate(cut);
        clean.push_str("…[truncated]");
    }
    clean
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
    fn user_agent_names_provider_terraform_and_extra() {
        // Only prefixes are checked: TF_APPEND_USER_AGENT may be set.
        let base = format!("terraform-provider-vonage/{}", env!("CARGO_PKG_VERSION"));
        let agent = user_agent(Some("1.9.8"));
        assert!(
            agent.starts_with(&format!("{base} terraform/1.9.8")),
            "{agent}"
        );
        let agent = user_agent(None);
        assert!(agent.starts_with(&base));
        assert!(!agent.contains("terraform/"));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let config = ClientConfig::new("abcd1234", Secret::from("Sup3rSecret1"));
        assert!(!format!("{config:?}").contains("Sup3rSecret1"));
        let client = Client::new(config).unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("Sup3rSecret1"), "{shown}");
        assert!(shown.contains("abcd1234"));
    }

    #[test]
    fn invalid_configs_are_refused() {
        let ok = || ClientConfig::new("abcd1234", Secret::from("Sup3rSecret1"));
        let cases: Vec<ClientConfig> = vec![
            ClientConfig {
                api_key: String::new(),
                ..ok()
            },
            ClientConfig {
                api_key: "a:b".into(),
                ..ok()
            },
            ClientConfig {
                api_secret: Secret::from(""),
                ..ok()
            },
            ClientConfig {
                rest_url: "ftp://x".into(),
                ..ok()
            },
            ClientConfig {
                api_url: "https://u:p@api.nexmo.com".into(),
                ..ok()
            },
            ClientConfig {
                api_url: "not a url".into(),
                ..ok()
            },
            ClientConfig {
                timeout: Duration::ZERO,
                ..ok()
            },
            ClientConfig {
                rate_limit_per_second: 0.0,
                ..ok()
            },
            ClientConfig {
                rate_limit_per_second: f64::NAN,
                ..ok()
            },
            ClientConfig {
                extra_root_certificate_pem: Some("nope".into()),
                ..ok()
            },
        ];
        for config in cases {
            match Client::new(config) {
                Err(Error::InvalidConfig { detail }) => assert!(!detail.contains("Sup3rSecret1")),
                other => panic!("expected InvalidConfig, got {other:?}"),
            }
        }
    }

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
    fn logged_error_bodies_hide_secrets_by_field_and_by_value() {
        let body = br#"{"title":"Bad","secret":"Gener4tedSecret","invalid_parameters":[
            {"name":"secret","reason":"Sup3rSecret1 is reused"}],"nested":{"api_secret":"x"}}"#;
        let shown = redacted_body(body, &["Sup3rSecret1"]);
        assert!(!shown.contains("Gener4tedSecret"), "{shown}");
        assert!(!shown.contains("Sup3rSecret1"), "{shown}");
        assert!(shown.contains(r#""api_secret":"[redacted]""#), "{shown}");
        assert!(shown.contains(r#""title":"Bad""#), "{shown}");
        let plain = redacted_body(b"oops Sup3rSecret1", &["Sup3rSecret1"]);
        assert_eq!(plain, "oops [redacted]");
        let long = redacted_body("é".repeat(3000).as_bytes(), &[]);
        assert!(long.ends_with("…[truncated]") && long.len() < 2100);
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
