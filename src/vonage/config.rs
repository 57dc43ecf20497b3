//! How a [`Client`](super::Client) is configured: [`ClientConfig`] and its defaults (the
//! `DEFAULT_*` constants, which the provider's schema descriptions and so the generated docs are
//! written from), the `User-Agent` ([`user_agent`]), [`ClientSettings`] (what a client runs
//! with, as it uses it) and the checks of a base URL.
//!
//! Must not: build a client or send anything (`client.rs` does); put a secret into an error
//! (`ClientConfig`'s `Debug` redacts it, through `Secret`).

use std::time::Duration;

use reqwest::Url;

use super::errors::Error;
use super::secret::Secret;

// The client's defaults. Each is defined here once; the provider's schema descriptions (and so
// the generated docs) are written from these constants.

/// Vonage's rest host (`/account/…`).
pub const DEFAULT_REST_URL: &str = "https://rest.nexmo.com";
/// Vonage's api host (`/accounts/…`).
pub const DEFAULT_API_URL: &str = "https://api.nexmo.com";
/// How long a request may go on retrying, from its first attempt, when retrying is safe: long
/// enough to ride out a minute-long outage.
pub const DEFAULT_RETRY_MAX_SECONDS: u64 = 90;
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
    /// Retries after the first attempt at most; `None` (the default): only time bounds them.
    pub max_retries: Option<u32>,
    /// How long one call may go on retrying, from its first attempt (the deadline of the
    /// operation it serves, `crate::deadline`, may cut it shorter).
    pub retry_max_elapsed: Duration,
    /// Client-side pacing per API key (Vonage's default limit is 30/s).
    pub rate_limit_per_second: f64,
    /// The folder in which every process on this machine shares the pacing of one API key
    /// (`crate::user_state::state_dir()`); `None`: this client paces alone.
    pub pacing_dir: Option<std::path::PathBuf>,
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
            max_retries: None,
            retry_max_elapsed: Duration::from_secs(DEFAULT_RETRY_MAX_SECONDS),
            rate_limit_per_second: DEFAULT_RATE_LIMIT_PER_SECOND,
            pacing_dir: None,
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
    pub max_retries: Option<u32>,
    pub retry_max_elapsed: Duration,
    pub rate_limit_per_second: f64,
    /// Whether the pacing is shared with the other processes on this machine that use the key.
    pub pacing_shared: bool,
}

pub(super) fn invalid(detail: impl Into<String>) -> Error {
    Error::InvalidConfig {
        detail: detail.into(),
    }
}

pub(super) fn base_url(name: &str, text: &str) -> Result<Url, Error> {
    parse_base_url(text).map_err(|why| invalid(format!("{name} {why}")))
}

/// A base URL as the client uses it, or why not (in words that follow the argument's name, and
/// never quote the URL, which may carry credentials).
fn parse_base_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must use http or https".into());
    }
    if url.host().is_none() {
        return Err("has no host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials; use api_key and api_secret".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment".into());
    }
    if url.cannot_be_a_base() {
        return Err("cannot be used as a base URL".into());
    }
    Ok(url)
}

/// The checks `Client::new` makes of a configuration's values, for callers that check them
/// sooner (the provider block, at validate time). Each `Err` says why in words that follow the
/// argument's name, and never quotes the value.
pub mod checks {
    use super::parse_base_url;

    /// `api_url` or `rest_url`: an absolute http(s) URL with a host, no credentials, no query
    /// and no fragment.
    pub fn base_url(text: &str) -> Result<(), String> {
        parse_base_url(text).map(|_| ())
    }

    /// `api_key`: not empty, nothing HTTP Basic authentication cannot carry (`:`, control
    /// characters), and not a dot segment of a URL path (it goes into the API's paths).
    pub fn api_key(key: &str) -> Result<(), String> {
        if key.is_empty() {
            return Err("is empty".into());
        }
        if key.contains(':') || key.chars().any(char::is_control) {
            return Err(
                "must not contain `:` or control characters, which HTTP Basic \
                        authentication cannot carry"
                    .into(),
            );
        }
        if crate::vonage::call::is_dot_segment(key) {
            return Err(
                "must not be `.` or `..` (also written `%2e`), which a URL path reads as \
                        steps, not names"
                    .into(),
            );
        }
        Ok(())
    }

    /// `ca_cert_pem`: one or more PEM certificates, each one a certificate authority TLS can
    /// trust (read as the client's TLS library reads them, not only as PEM).
    pub fn root_certificates(pem: &str) -> Result<(), String> {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let mut store = rustls::RootCertStore::empty();
        for (n, item) in CertificateDer::pem_slice_iter(pem.as_bytes()).enumerate() {
            let der = item
                .map_err(|_| format!("holds a PEM block (number {}) that cannot be read", n + 1))?;
            store.add(der).map_err(|_| {
                format!(
                    "holds a PEM block (number {}) that is not a readable certificate",
                    n + 1
                )
            })?;
        }
        if store.is_empty() {
            return Err("holds no PEM certificate (`-----BEGIN CERTIFICATE-----` …)".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checks_refuse_what_client_new_refuses_without_quoting_it() {
        for bad in [
            "https://u:p@api.nexmo.com",
            "https://api.nexmo.com/?k=v",
            "https://api.nexmo.com/#x",
            "ftp://api.nexmo.com",
            "mailto:x@example.com",
            "not a url",
        ] {
            let why = checks::base_url(bad).unwrap_err();
            assert!(!why.contains("u:p") && !why.contains("k=v"), "{why}");
        }
        assert!(checks::base_url("http://127.0.0.1:8080/prefix").is_ok());
        for bad in ["", "a:b", "a\u{7}b", ".", "..", "%2e", "%2E%2e"] {
            assert!(checks::api_key(bad).is_err(), "{bad:?}");
        }
        assert!(checks::api_key("abcd1234").is_ok());
        let garbage = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n";
        assert!(checks::root_certificates(garbage).is_err());
        assert!(checks::root_certificates("hello").is_err());
    }

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
}
