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
}
