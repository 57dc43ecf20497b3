//! The `provider "vonage"` block: its schema, its checks, and building the API client.
//!
//! Every argument falls back to an environment variable (`VONAGE_API_KEY`,
//! `VONAGE_API_SECRET`, `VONAGE_API_URL`, `VONAGE_REST_URL`), so CI can configure the
//! provider without putting a secret in configuration. The client paces through the per-user
//! folder of `user_state`, shared by every provider process on the machine that uses the key. Configuration is cheap: nothing here
//! calls the API, because Terraform starts the provider several times per command.
//!
//! Must not: log or echo `api_secret`.

use std::time::Duration;

use serde::Deserialize;

use crate::framework::cty::{self, Number, Value};
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::provider::ConfigureRequest;
use crate::framework::schema::{Attribute, Block, Schema};
use crate::logging;
use crate::provider::ProviderData;
use crate::provider::api_errors::{credentials_refused, diagnostic};
use crate::provider::config_values::{self, Values};
use crate::vonage::{
    self, Client, ClientConfig, DEFAULT_API_URL, DEFAULT_RATE_LIMIT_PER_SECOND, DEFAULT_REST_URL,
    DEFAULT_RETRY_MAX_SECONDS, DEFAULT_TIMEOUT_SECONDS, Error, MAX_RETRY_AFTER_SECONDS, Secret,
};

/// The accepted range of a number argument, checked at plan time and stated in its docs.
struct Range {
    name: &'static str,
    min: f64,
    max: f64,
}

impl Range {
    fn range_text(&self) -> String {
        format!("{} to {}", self.min, self.max)
    }
}

const MAX_RETRIES: Range = Range {
    name: "max_retries",
    min: 0.0,
    max: 100.0,
};
const RETRY_MAX_SECONDS: Range = Range {
    name: "retry_max_seconds",
    min: 0.0,
    max: 3600.0,
};
const REQUEST_TIMEOUT_SECONDS: Range = Range {
    name: "request_timeout_seconds",
    min: 1.0,
    max: 600.0,
};
const RATE_LIMIT_PER_SECOND: Range = Range {
    name: "rate_limit_per_second",
    min: 0.1,
    max: 1000.0,
};

/// The credential check, here beside [`check_credentials`] (which reports through
/// `api_errors`, a reader of `ProviderData`).
impl ProviderData {
    /// Checks the credentials once per provider configuration: [`configure`] asks first, so that
    /// refused credentials are one error for the provider block rather than one per resource;
    /// a create's plan asks again, at no cost once answered. Only a definite answer is kept (the
    /// credentials accepted or refused, or a base URL that is not Vonage's API): a failure that
    /// may pass (an outage, a lost connection) is returned but not kept, so the next plan that
    /// needs the check asks again.
    ///
    /// Skipped once this process has revoked a secret: its credentials were accepted then, and
    /// Terraform plans a replacement's create half again after its destroy half ran, when a 401
    /// may follow from that revoke; the create's own request meets it and explains it.
    pub async fn credentials_checked(&self) -> Result<(), Diagnostics> {
        if self.revoked.lock().is_ok_and(|r| !r.is_empty()) {
            return Ok(());
        }
        let settled = self
            .credentials
            .get_or_try_init(|| async {
                match check_credentials(self).await {
                    Checked::Accepted => Ok(Ok(())),
                    Checked::Refused(d) => Ok(Err(d)),
                    Checked::Unsure(d) => Err(d),
                }
            })
            .await;
        match settled {
            Ok(outcome) => outcome.clone(),
            Err(unsure) => Err(unsure),
        }
    }

    /// Whether the credential check has a definite answer.
    fn credentials_settled(&self) -> bool {
        self.credentials.initialized()
    }
}

pub fn schema() -> Schema {
    Schema::new(
        0,
        Block::new(
            "\
            The Vonage provider manages a Vonage (formerly Nexmo) account: its SMS callback \
            settings, its API secrets (write-only values, zero-downtime rotation), its \
            subaccounts and their credit lines, and balance and credit transfers \
            (as actions); it reads the balance and the transfer history. Team members and the \
            primary user are managed only in the Vonage dashboard; Vonage has no public API for \
            them.",
        )
        .attribute(
            Attribute::string("api_key")
                .optional()
                .non_empty()
                .description(
                    "\
            The API key of the account to manage (8 characters, shown in the Vonage dashboard). \
            Falls back to the `VONAGE_API_KEY` environment variable.",
                ),
        )
        .attribute(
            Attribute::string("api_secret")
                .optional()
                .non_empty()
                .sensitive()
                .description(
                    "\
                    An API secret of that account. Falls back to the `VONAGE_API_SECRET` \
                    environment variable, which keeps it out of configuration files. Sent only in \
                    the HTTP Basic authorization header.",
                ),
        )
        .attribute(
            Attribute::string("api_secret_id")
                .optional()
                .non_empty()
                .description(
                    "\
                    The id (a UUID) of the API secret the provider authenticates with, as the \
                    `vonage_api_secrets` data source lists it. Optional: Vonage cannot say which \
                    secret a caller uses, so naming it lets Terraform refuse at plan time to \
                    destroy or replace that secret's `vonage_api_secret`, which would lock the \
                    provider out. Falls back to the `VONAGE_API_SECRET_ID` environment variable.",
                ),
        )
        .attribute(
            Attribute::string("api_url")
                .optional()
                .description(&format!(
                    "\
                    Base URL of Vonage's API host (secrets, subaccounts). Falls back to \
                    `VONAGE_API_URL`, then `{DEFAULT_API_URL}`. Point it at `vonage-sandbox` to \
                    try a configuration locally."
                )),
        )
        .attribute(
            Attribute::string("rest_url")
                .optional()
                .description(&format!(
                    "\
                    Base URL of Vonage's REST host (balance, settings). Falls back to \
                    `VONAGE_REST_URL`, then `{DEFAULT_REST_URL}`."
                )),
        )
        .attribute(Attribute::string("ca_cert_pem").optional().description(
            "\
                    PEM certificates of extra certificate authorities to trust for `api_url` and \
                    `rest_url`, in addition to the system's: for a TLS-inspecting corporate proxy, \
                    or `vonage-sandbox --tls` (its `--tls-cert-out` file). The SSL_CERT_FILE \
                    environment variable, pointing at a bundle, works too.",
        ))
        .attribute(
            Attribute::int64("retry_max_seconds")
                .optional()
                .between(RETRY_MAX_SECONDS.min as i64, RETRY_MAX_SECONDS.max as i64)
                .description(&format!(
                    "\
            How long, in seconds, one request is retried after a rate limit (429), a server error \
            (5xx), a timeout or a lost connection, when retrying is safe: {}. Defaults to \
            {DEFAULT_RETRY_MAX_SECONDS}, long enough to ride out a minute-long outage; 0 disables \
            retries. It counts from the request's first attempt, and no wait that would end \
            later is started. A retry waits an exponential backoff with full jitter (up to 8 s), \
            or after a 429 the `Retry-After` Vonage asks for (at most {MAX_RETRY_AFTER_SECONDS} \
            s) when that is longer. A resource's `timeouts` bound it further; data sources, \
            ephemeral resources, actions, list resources and plan-time checks have no \
            `timeouts` and use this alone. A refused connection, a host name that does not \
            resolve and an untrusted certificate are not retried. Creates are never retried \
            blindly: after an unknown outcome the provider first checks whether the object was \
            made.",
                    RETRY_MAX_SECONDS.range_text()
                )),
        )
        .attribute(
            Attribute::int64("max_retries")
                .optional()
                .between(MAX_RETRIES.min as i64, MAX_RETRIES.max as i64)
                .description(&format!(
                    "\
            An optional cap on the number of retries of one request, {}: retrying stops at \
            whichever comes first, `max_retries` retries or `retry_max_seconds`. 0 disables \
            retries. Unset (the default), the count is not capped and only time bounds \
            retrying.",
                    MAX_RETRIES.range_text()
                )),
        )
        .attribute(
            Attribute::number("request_timeout_seconds")
                .optional()
                .description(&format!(
                    "How long one HTTP request may take, in seconds: {}. Defaults to \
                    {DEFAULT_TIMEOUT_SECONDS}.",
                    REQUEST_TIMEOUT_SECONDS.range_text()
                )),
        )
        .attribute(
            Attribute::number("rate_limit_per_second")
                .optional()
                .description(&format!(
                    "\
                    The most requests per second the provider sends for one API key from this \
                    machine, spread evenly, with no burst: {}. Defaults to \
                    {DEFAULT_RATE_LIMIT_PER_SECOND}, Vonage's documented limit per key. Every \
                    provider process on the machine that uses the key (each provider block, and \
                    runs in other folders) shares one budget, through a file in the provider's \
                    per-user folder; where they set different rates, the lowest applies. After a \
                    429 all of them pause for its `Retry-After`, then go slower for a while. \
                    The guarantee covers one machine: lower the rate when other machines or \
                    tools share the key.",
                    RATE_LIMIT_PER_SECOND.range_text()
                )),
        ),
    )
}

#[derive(Deserialize, Default)]
struct Config {
    api_key: Option<String>,
    api_secret: Option<String>,
    api_secret_id: Option<String>,
    api_url: Option<String>,
    rest_url: Option<String>,
    ca_cert_pem: Option<String>,
    retry_max_seconds: Option<Number>,
    max_retries: Option<Number>,
    request_timeout_seconds: Option<Number>,
    rate_limit_per_second: Option<Number>,
}

/// An absolute http(s) URL, or why not (the message never includes userinfo).
pub fn check_http_url(s: &str) -> Result<(), String> {
    match url::Url::parse(s) {
        Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.host().is_some() => Ok(()),
        Ok(u) => Err(format!(
            "it has scheme `{}`; only absolute http:// or https:// URLs are accepted",
            u.scheme()
        )),
        Err(e) => Err(format!(
            "it is not an absolute URL ({e}); write it like https://example.com/path"
        )),
    }
}

pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let c: Config = cty::serde::from_value(config).unwrap_or_default();
    diags.extend(config_values::check_configured(&Values {
        api_key: c.api_key.as_deref(),
        api_url: c.api_url.as_deref(),
        rest_url: c.rest_url.as_deref(),
        ca_cert_pem: c.ca_cert_pem.as_deref(),
    }));
    // `max_retries` and `retry_max_seconds` are int64 attributes: the framework checks they are
    // whole and in range.
    let ranges = [
        (&REQUEST_TIMEOUT_SECONDS, &c.request_timeout_seconds),
        (&RATE_LIMIT_PER_SECOND, &c.rate_limit_per_second),
    ];
    for (range, v) in ranges {
        if let Some(n) = v {
            let x = n.as_f64();
            if !(range.min..=range.max).contains(&x) {
                diags.push(
                    Diagnostic::error(
                        "Value out of range",
                        format!(
                            "`{}` must be {}; it is {n}.",
                            range.name,
                            range.range_text()
                        ),
                    )
                    .at(AttrPath::attr(range.name)),
                );
            }
        }
    }
    diags
}

fn setting(config: Option<String>, env: &str) -> Option<String> {
    config
        .or_else(|| std::env::var(env).ok())
        .filter(|s| !s.is_empty())
}

/// `ConfigureProvider`: the client from the provider block ([`configure_client`]), then the one
/// API call configuration makes, the credential check: refused credentials (or a base URL that
/// is not Vonage's API) fail the provider block once, here, instead of every resource. The call
/// is the primary's subaccount list, which becomes the process's first snapshot (see
/// `snapshots`): a plan of subaccounts reads it anyway, so for them it costs nothing. A check
/// that fails for a reason that may pass (an outage) does not fail configuration: each
/// operation then meets it in its own requests.
pub async fn configure(req: ConfigureRequest<'_>) -> Result<Option<ProviderData>, Diagnostics> {
    let Some(data) = configure_client(req)? else {
        return Ok(None);
    };
    match data.credentials_checked().await {
        Err(refused) if data.credentials_settled() => Err(refused),
        _ => Ok(Some(data)),
    }
}

/// The provider's data from the provider block, with no API call.
pub fn configure_client(req: ConfigureRequest<'_>) -> Result<Option<ProviderData>, Diagnostics> {
    // A value that depends on a resource not yet created: wait; operations will say so.
    if !req.config.is_wholly_known() {
        return Ok(None);
    }
    let mut diags = validate(req.config);
    let c: Config = cty::serde::from_value(req.config).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            "Invalid provider configuration",
            e.to_string(),
        ))
    })?;
    // What the block leaves unset comes from the environment: checked here, naming the variable.
    diags.extend(config_values::check_environment(
        &Values {
            api_key: c.api_key.as_deref(),
            api_url: c.api_url.as_deref(),
            rest_url: c.rest_url.as_deref(),
            ca_cert_pem: c.ca_cert_pem.as_deref(),
        },
        |name| std::env::var(name).ok(),
    ));
    let api_key = setting(c.api_key, "VONAGE_API_KEY");
    let api_secret = setting(c.api_secret, "VONAGE_API_SECRET");
    if api_key.is_none() {
        diags.push(
            Diagnostic::error(
                "Missing Vonage API key",
                "\
                Set `api_key` in the provider block, or the VONAGE_API_KEY environment variable, \
                to the key of the account to manage.",
            )
            .at(AttrPath::attr("api_key")),
        );
    }
    if api_secret.is_none() {
        diags.push(
            Diagnostic::error(
                "Missing Vonage API secret",
                "\
                Set `api_secret` in the provider block, or (better, to keep it out of \
                configuration) the VONAGE_API_SECRET environment variable.",
            )
            .at(AttrPath::attr("api_secret")),
        );
    }
    let api_url = setting(c.api_url, "VONAGE_API_URL").unwrap_or_else(|| DEFAULT_API_URL.into());
    let rest_url =
        setting(c.rest_url, "VONAGE_REST_URL").unwrap_or_else(|| DEFAULT_REST_URL.into());
    if diags.has_errors() {
        return Err(diags);
    }
    let (Some(api_key), Some(api_secret)) = (api_key, api_secret) else {
        return Err(diags);
    };
    let mut cfg = ClientConfig::new(api_key.clone(), Secret::new(api_secret));
    cfg.api_url = api_url;
    cfg.rest_url = rest_url;
    cfg.extra_root_certificate_pem = c.ca_cert_pem;
    cfg.user_agent = vonage::user_agent(Some(req.terraform_version).filter(|v| !v.is_empty()));
    if let Some(n) = c.max_retries.and_then(|n| n.as_i64()) {
        cfg.max_retries = Some(n as u32);
    }
    if let Some(n) = c.retry_max_seconds.and_then(|n| n.as_i64()) {
        cfg.retry_max_elapsed = Duration::from_secs(n as u64);
    }
    if let Some(n) = c.request_timeout_seconds {
        cfg.timeout = Duration::from_secs_f64(n.as_f64());
    }
    if let Some(n) = c.rate_limit_per_second {
        cfg.rate_limit_per_second = n.as_f64();
    }
    cfg.pacing_dir = shared_pacing_dir();
    let client = Client::new(cfg).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            "Could not set up the Vonage client",
            e.to_string(),
        ))
    })?;
    log_settings_in_effect(&client);
    let mut data = ProviderData::new(client, api_key);
    data.api_secret_id = setting(c.api_secret_id, "VONAGE_API_SECRET_ID");
    Ok(Some(data))
}

/// The per-user folder in which the provider's processes on this machine share one pacing per
/// API key; `None` (pacing within this process, with a warning in the log) when there is none.
fn shared_pacing_dir() -> Option<std::path::PathBuf> {
    crate::user_state::state_dir()
        .map_err(|e| {
            logging::warn(
                "Vonage request pacing is not shared with other processes",
                &[("error", &e.to_string())],
            );
        })
        .ok()
}

/// One debug line with the settings the client runs with, defaults included: what an operator
/// reads to know which URLs, timeout, retries and pacing a run used (and what the tests read to
/// check the documented defaults without waiting them out). Never a credential.
fn log_settings_in_effect(client: &Client) {
    let used = client.settings();
    logging::debug(
        "Vonage client configured",
        &[
            ("api_url", used.api_url),
            ("rest_url", used.rest_url),
            (
                "request_timeout_seconds",
                &used.timeout.as_secs_f64().to_string(),
            ),
            (
                "retry_max_seconds",
                &used.retry_max_elapsed.as_secs().to_string(),
            ),
            (
                "max_retries",
                &used
                    .max_retries
                    .map_or_else(|| "none".to_owned(), |n| n.to_string()),
            ),
            (
                "rate_limit_per_second",
                &used.rate_limit_per_second.to_string(),
            ),
            (
                "rate_budget",
                if used.pacing_shared {
                    "machine"
                } else {
                    "process"
                },
            ),
        ],
    );
}

/// What the credential check found.
enum Checked {
    /// Vonage accepted them.
    Accepted,
    /// A definite answer against them (or against the base URL): kept.
    Refused(Diagnostics),
    /// No answer either way (an outage, a lost connection): not kept.
    Unsure(Diagnostics),
}

/// The one API call configuration makes: the primary's subaccount list, which proves the
/// credentials before a plan promises anything and becomes the process's first snapshot of the
/// subaccounts (see `snapshots`), so it is one of the budgeted calls. Only a refusal of the
/// credentials fails: a 403 (a suspended account, whose plan must go on; an account without the
/// Subaccounts API; a subaccount's own credentials) proves them accepted.
async fn check_credentials(data: &ProviderData) -> Checked {
    match data.snapshots.subaccounts(&data.client).await {
        Ok(_) | Err(Error::Forbidden { .. }) => Checked::Accepted,
        Err(Error::Unauthorized { detail }) => {
            Checked::Refused(credentials_refused(data, &detail, None).into())
        }
        // At the provider block's `api_url` or `rest_url`: this check runs in ConfigureProvider,
        // whose paths are the provider block's, and a refusal stops every operation there.
        Err(e @ Error::NoSuchPath { setting, .. }) => Checked::Refused(
            diagnostic(
                data,
                &format!("checking the credentials of account {}", data.api_key),
                &e,
            )
            .at(AttrPath::attr(setting))
            .into(),
        ),
        Err(e) => Checked::Unsure(
            diagnostic(
                data,
                &format!("checking the credentials of account {}", data.api_key),
                &e,
            )
            .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::plan::object;

    #[test]
    fn urls_must_be_absolute_http() {
        assert!(check_http_url("https://example.com/inbound").is_ok());
        assert!(check_http_url("http://127.0.0.1:8080").is_ok());
        assert!(check_http_url("ftp://example.com").is_err());
        assert!(check_http_url("example.com/x").is_err());
        assert!(check_http_url("").is_err());
    }

    /// The value a description documents after "Defaults to " (or, for URLs, after "then ").
    fn documented_default(attribute: &str) -> String {
        let schema = schema();
        let description = &schema.block.attribute_named(attribute).unwrap().description;
        let after = |marker: &str| {
            description.split_once(marker).map(|(_, rest)| {
                rest.trim_start_matches('`')
                    .split(|c: char| c == '`' || c == ';' || c == ',' || c.is_whitespace())
                    .next()
                    .unwrap()
                    .trim_end_matches('.')
                    .to_owned()
            })
        };
        after("Defaults to ")
            .or_else(|| after("then "))
            .unwrap_or_else(|| panic!("`{attribute}` documents no default: {description}"))
    }

    #[test]
    fn documented_defaults_are_the_ones_the_client_uses() {
        // Only the credentials are set: every other argument takes its default.
        let config = object([
            ("api_key", Value::string("abcd1234")),
            ("api_secret", Value::string("Sup3rSecret1")),
            ("api_url", Value::Null),
            ("rest_url", Value::Null),
        ])
        .conform(&schema().value_type())
        .unwrap();
        let ambient = ["VONAGE_API_URL", "VONAGE_REST_URL"];
        if ambient.iter().any(|v| std::env::var_os(v).is_some()) {
            // The URLs would come from the environment instead; check the numbers only.
            eprintln!("VONAGE_API_URL or VONAGE_REST_URL is set: URL defaults not checked");
        }
        let data = configure_client(ConfigureRequest {
            config: &config,
            terraform_version: "1.15.5",
            write_only_allowed: true,
        })
        .ok()
        .flatten()
        .expect("a configuration with credentials configures");
        let used = data.client.settings();
        assert_eq!(
            documented_default("retry_max_seconds"),
            used.retry_max_elapsed.as_secs().to_string()
        );
        // No default count: only time bounds retrying unless `max_retries` is set.
        assert_eq!(used.max_retries, None);
        let schema = schema();
        let max_retries = &schema
            .block
            .attribute_named("max_retries")
            .unwrap()
            .description;
        assert!(!max_retries.contains("Defaults to"), "{max_retries}");
        assert!(max_retries.contains("Unset (the default"), "{max_retries}");
        assert_eq!(
            documented_default("request_timeout_seconds"),
            used.timeout.as_secs().to_string()
        );
        assert_eq!(
            documented_default("rate_limit_per_second")
                .parse::<f64>()
                .unwrap(),
            used.rate_limit_per_second
        );
        if ambient.iter().all(|v| std::env::var_os(v).is_none()) {
            // The URL parser adds the root path's slash.
            assert_eq!(format!("{}/", documented_default("api_url")), used.api_url);
            assert_eq!(
                format!("{}/", documented_default("rest_url")),
                used.rest_url
            );
        }
    }

    #[test]
    fn the_provider_example_shows_the_documented_defaults() {
        // examples/provider/provider.tf (and so docs/index.md) lists the tuning arguments
        // "the values shown are the defaults": each must be the one the schema documents.
        let example = include_str!("../../examples/provider/provider.tf");
        let (_, tuning) = example
            .split_once("the values shown are the defaults")
            .expect("the example's tuning section");
        let mut seen = 0;
        for line in tuning.lines().skip(1) {
            let Some((name, value)) = line.split_once('=') else {
                break;
            };
            let (name, value) = (name.trim(), value.trim());
            assert_eq!(documented_default(name), value, "`{name}` in the example");
            seen += 1;
        }
        assert_eq!(
            seen, 3,
            "retry_max_seconds, request_timeout_seconds, rate_limit_per_second"
        );
    }

    #[test]
    fn validation_points_at_the_offending_attribute() {
        let cfg = object([
            ("api_url", Value::string("nope")),
            ("max_retries", Value::Number(101.into())),
        ])
        .conform(&schema().value_type())
        .unwrap();
        let diags =
            crate::framework::provider::validate_config(&crate::provider::VonageProvider, &cfg);
        let mut paths: Vec<String> = diags
            .iter()
            .filter_map(|d| d.path.as_ref())
            .map(|p| p.to_string())
            .collect();
        paths.sort();
        assert_eq!(paths, ["api_url", "max_retries"]);
    }
}
