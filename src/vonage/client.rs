//! [`Client`]: one Vonage API client, what it was built with (the HTTP client, the
//! `Authorization` header, base URLs, the retry timing and the rate limiter) and the helpers
//! every call uses: cancellation, waits, the error context and the errors of a failed attempt.
//!
//! The rest of the client lives beside it, by concern:
//! * `config.rs`: `ClientConfig`, its defaults and the checks of base URLs;
//! * `call.rs`: one call (`Call`, `Payload`), one attempt at it, and its answer decoded;
//! * `retry_loop.rs`: the one retry loop, and the classifiers that tell it what to do;
//! * `reconcile.rs`: a create whose outcome is unknown, looked for before it is sent again;
//! * `request_log.rs`: the debug line of every attempt and the redacted error bodies.
//!
//! Every attempt first takes a slot from the pacer (this process's, or the one every process on
//! the machine shares for the key, `shared_pacing.rs`); every wait and every request observes the
//! client's cancellation token. Credentials go only into the (sensitive)
//! `Authorization` header.
//!
//! Must not: know endpoint paths or bodies (the operation modules do), print the secret
//! (`Debug` shows the key and the URLs only), or put a secret into an error.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderValue;
use tokio_util::sync::CancellationToken;

use super::auth::basic_header;
use super::call::Call;
use super::config::{ClientConfig, ClientSettings, base_url, checks, invalid};
use super::errors::{Error, ErrorContext, TransportClass, describe_transport};
use super::rate_limit::RateLimiter;
use super::retry::RetryPolicy;
use super::secret::Secret;
use super::shared_pacing::{Pacer, SharedPacer};

/// A Vonage API client. Cheap to clone; clones share connections, the rate
/// limiter and (unless replaced with [`Client::with_cancel`]) the
/// cancellation token.
#[derive(Clone)]
pub struct Client {
    pub(super) shared: Arc<Shared>,
    pub(super) cancel: CancellationToken,
}

pub(super) struct Shared {
    pub(super) api_key: String,
    /// Kept only to scrub it from server-provided error text.
    pub(super) api_secret: Secret,
    pub(super) authorization: HeaderValue,
    pub(super) http: reqwest::Client,
    pub(super) rest_url: Url,
    pub(super) api_url: Url,
    pub(super) timeout: Duration,
    pub(super) rate_limit_per_second: f64,
    pub(super) policy: RetryPolicy,
    pub(super) pacer: Pacer,
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

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        checks::api_key(&config.api_key).map_err(|why| invalid(format!("api_key {why}")))?;
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
            checks::root_certificates(pem)
                .map_err(|why| invalid(format!("extra_root_certificate_pem {why}")))?;
            let certificates = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|_| invalid("extra_root_certificate_pem is not a PEM certificate"))?;
            builder = builder.tls_certs_merge(certificates);
        } else if rest_url.scheme() == "http" && api_url.scheme() == "http" {
            // Nothing will be verified, so skip loading the system trust store: it costs a
            // few milliseconds per provider process (it reads every file in /etc/ssl/certs),
            // and Terraform starts several processes per command (local sandbox runs).
            builder = builder.tls_certs_only(std::iter::empty());
        }
        let pacer = match config.pacing_dir {
            Some(dir) => {
                let host = api_url.origin().ascii_serialization();
                Pacer::Machine(SharedPacer::new(dir, &host, &config.api_key, rate))
            }
            None => Pacer::Process(RateLimiter::new(rate)),
        };
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
                    max_elapsed: config.retry_max_elapsed,
                    base_delay: config.retry_base_delay,
                    max_delay: config.retry_max_delay,
                    max_retry_after: config.max_retry_after,
                },
                pacer,
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
            retry_max_elapsed: self.shared.policy.max_elapsed,
            rate_limit_per_second: self.shared.rate_limit_per_second,
            pacing_shared: matches!(self.shared.pacer, Pacer::Machine(_)),
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

    pub(super) fn timeout_error(&self, call: &Call) -> Error {
        Error::Timeout {
            operation: call.operation.clone(),
            url: self.shown_url(call),
            after: self.shared.timeout,
        }
    }

    pub(super) fn transport_error(
        &self,
        call: &Call,
        class: TransportClass,
        detail: String,
    ) -> Error {
        Error::Transport {
            operation: call.operation.clone(),
            url: self.shown_url(call),
            class,
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            ClientConfig {
                extra_root_certificate_pem: Some(
                    "-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n".into(),
                ),
                ..ok()
            },
            ClientConfig {
                api_key: "%2e".into(),
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
}
