//! Client errors as diagnostics: what failed, while doing what, and what the user can do.
//!
//! Owns the advice for every failure a user can cause or meet: refused credentials (and the
//! lockout that follows revoking the provider's own secret), a suspended account, each class of
//! transport failure (refused, DNS, TLS trust, dropped, timeout) with the URL tried, Vonage's
//! refusals with the API's field names mapped to the resource's attributes.
//!
//! Must not: include credentials or secret values; client errors never carry them, and the
//! context strings passed in name accounts and ids only.

use crate::framework::diagnostics::{AttrPath, Diagnostic};
use crate::vonage::{Error, TransportClass};

use super::ProviderData;

/// A diagnostic for `err`, which happened while `doing` (e.g. "creating an API secret for
/// account abcd1234").
pub fn diagnostic(data: &ProviderData, doing: &str, err: &Error) -> Diagnostic {
    diagnostic_for_fields(data, doing, err, &[])
}

/// Like [`diagnostic`], for calls whose request fields map onto the resource's attributes:
/// `fields` pairs the API's field name with the attribute's (`("moCallBackUrl",
/// "mo_callback_url")`). A refusal naming one of them points at the attribute.
pub fn diagnostic_for_fields(
    data: &ProviderData,
    doing: &str,
    err: &Error,
    fields: &[(&str, &str)],
) -> Diagnostic {
    let attribute_of = |api: &str| {
        fields
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(api))
            .map(|(_, attr)| *attr)
    };
    let mut path = None;
    let (summary, detail) = match err {
        Error::Validation {
            fields: refused,
            detail,
        } => {
            let named: Vec<String> = refused
                .iter()
                .map(|f| match attribute_of(&f.name) {
                    Some(attr) => {
                        path.get_or_insert(AttrPath::attr(attr));
                        format!("`{attr}`: {}", f.reason)
                    }
                    None => format!("`{}`: {}", f.name, f.reason),
                })
                .collect();
            let what = if named.is_empty() {
                format!("{detail}.")
            } else {
                format!("{}.", named.join("; "))
            };
            (
                format!("Vonage refused the request while {doing}"),
                format!(
                    "\
                        Vonage rejected the request as invalid: {what} Correct the value and \
                        apply again."
                ),
            )
        }
        Error::Transport {
            url, class, detail, ..
        } => (
            format!("Cannot reach Vonage while {doing}"),
            transport_advice(url, *class, detail),
        ),
        Error::Timeout { url, after, .. } => (
            format!("Vonage did not answer while {doing}"),
            format!(
                "\
                {url} gave no response within {}s, after the provider's retries. Vonage may be \
                slow or unreachable from here: check its status page, raise \
                `request_timeout_seconds` or `retry_max_seconds` in the provider block, and run \
                Terraform again.",
                after.as_secs_f64()
            ),
        ),
        Error::Unauthorized { detail } => {
            let d = credentials_refused(data, detail, Some(doing));
            (d.summary, d.detail)
        }
        Error::NoSuchPath { url, setting } => (
            format!("Vonage's API is not at `{setting}`"),
            no_such_path_advice(url, setting),
        ),
        Error::Cancelled => (
            format!("Cancelled while {doing}"),
            "\
            Terraform asked the provider to stop, so it started no new request and abandoned \
            the ones that were safe to abandon."
                .to_string(),
        ),
        other => (
            format!("Vonage API error while {doing}"),
            api_advice(data, other),
        ),
    };
    let d = Diagnostic::error(summary, detail);
    match path {
        Some(p) => d.at(p),
        None => d,
    }
}

/// The one diagnostic for credentials Vonage refused (401), whichever call met them: at
/// configuration (`doing` is `None`), or while `doing` something later in the run.
pub fn credentials_refused(data: &ProviderData, detail: &str, doing: Option<&str>) -> Diagnostic {
    let said = detail.trim().trim_end_matches('.');
    let summary = match doing {
        None => "Vonage refused the provider's credentials".to_owned(),
        Some(doing) => format!("Vonage refused the provider's credentials while {doing}"),
    };
    let key = &data.api_key;
    let revoked = data.revoked.lock().map(|r| r.clone()).unwrap_or_default();
    let detail = if revoked.is_empty() {
        format!(
            "\
            Vonage answered 401 ({said}) to API key {key} with the configured secret. Check \
            `api_key` and `api_secret` in the provider block, or the VONAGE_API_KEY and \
            VONAGE_API_SECRET environment variables. If this provider is an alias whose secret \
            this configuration creates or rotates, take its `api_key` from that resource (such \
            as `api_key = vonage_api_secret.NAME.api_key`), so that Terraform configures the \
            alias only once the secret exists; if that secret has been revoked since, give the \
            alias one that still exists."
        )
    } else {
        format!(
            "\
            Vonage answered 401 ({said}) to API key {key} after this run revoked API secret(s) \
            {}. If one of them was the secret the provider itself authenticates with, this run \
            has locked itself out: Vonage cannot tell which secret a credential is, so Terraform \
            could not prevent it. Set the provider's `api_secret` (or VONAGE_API_SECRET) to a \
            secret that still exists and run `terraform apply` again. Manage the provider's own \
            secret outside the configuration that rotates it.",
            revoked.join(", ")
        )
    };
    Diagnostic::error(summary, detail)
}

/// The advice for an address that is not one of Vonage's API paths (a wrong base URL).
pub fn no_such_path_advice(url: &str, setting: &str) -> String {
    let (env, example) = match setting {
        "rest_url" => ("VONAGE_REST_URL", crate::vonage::DEFAULT_REST_URL),
        _ => ("VONAGE_API_URL", crate::vonage::DEFAULT_API_URL),
    };
    format!(
        "\
        {url} answered 404 Not Found without naming a missing account, secret or number, so it \
        is not one of Vonage's API paths. `{setting}` (or the {env} environment variable) must be \
        the base URL of the host, such as {example}, without a path of its own such as `/v2`. \
        Nothing was changed."
    )
}

/// The advice for one class of transport failure, naming the URL tried.
fn transport_advice(url: &str, class: TransportClass, detail: &str) -> String {
    match class {
        TransportClass::Refused => format!(
            "\
            Nothing accepted the connection at {url} (connection refused). Check `api_url` and \
            `rest_url` in the provider block (or VONAGE_API_URL and VONAGE_REST_URL); when they \
            point at vonage-sandbox, check that it is running on that port."
        ),
        TransportClass::Dns => format!(
            "\
            The host name in {url} does not resolve ({detail}). Check the spelling of `api_url` \
            and `rest_url` (or VONAGE_API_URL and VONAGE_REST_URL), and this machine's DNS and \
            network access."
        ),
        TransportClass::Tls => format!(
            "\
            The TLS certificate presented by {url} is not trusted ({detail}). When a private \
            certificate authority signs it (a corporate proxy, or vonage-sandbox --tls), give that \
            CA's certificate in the provider's `ca_cert_pem` argument, or point the \
            SSL_CERT_FILE environment variable at a bundle that contains it. Never turn \
            verification off: the requests carry the account's credentials."
        ),
        TransportClass::Dropped => format!(
            "\
            The connection to {url} was dropped before Vonage answered ({detail}), after the \
            provider's retries. This is usually transient: run Terraform again. A proxy or \
            firewall that closes connections would cause it too."
        ),
        TransportClass::Other => format!(
            "\
            The request to {url} failed: {detail}. Check the network path to Vonage and run \
            Terraform again; `retry_max_seconds` and `request_timeout_seconds` tune how hard \
            the provider tries."
        ),
    }
}

/// The advice for an answer Vonage gave.
fn api_advice(data: &ProviderData, err: &Error) -> String {
    match err {
        Error::Unauthorized { detail } => credentials_refused(data, detail, None).detail,
        Error::Forbidden { title, detail } => {
            let said = if title.is_empty() || title.eq_ignore_ascii_case(detail) {
                detail.clone()
            } else {
                format!("{title}: {detail}")
            };
            if is_suspension(err) {
                format!(
                    "\
                    Vonage refused the request because the account is suspended (403: {said}). \
                    A suspended account's own credentials are refused. Reactivate it with \
                    `suspended = false` on the `vonage_subaccount` that manages it (apply that \
                    one alone with `terraform apply -target=ADDRESS` if other resources fail), \
                    or in the Vonage dashboard."
                )
            } else {
                format!(
                    "\
                    Vonage refused the request (403: {said}). Check that the account is not \
                    suspended and is allowed to use this API (the Subaccounts API must be \
                    enabled for the account by Vonage)."
                )
            }
        }
        Error::MaxSecretsReached { api_key, detail } => format!(
            "\
            Account {api_key} already has two API secrets, the most Vonage allows ({detail}). \
            Revoke one it no longer needs, in the Vonage dashboard or by importing it into a \
            `vonage_api_secret` and destroying that."
        ),
        Error::LastSecret { api_key, detail } => format!(
            "\
            Vonage will not revoke the last API secret of account {api_key} ({detail}). Create \
            its replacement first, or stop managing it without revoking it: replace the resource \
            block with `removed {{ from = ADDRESS  lifecycle {{ destroy = false }} }}`, or run \
            `terraform state rm ADDRESS`."
        ),
        Error::NotFound { what, detail } => format!(
            "\
            {what} was not found ({detail}). It may have been removed outside Terraform, or the \
            api_key may belong to an account the provider's credentials cannot reach."
        ),
        Error::InsufficientFunds { detail } => format!(
            "\
            The account does not have enough balance or credit for this ({detail}). Lower the \
            amount or fund the account first."
        ),
        Error::InvalidTransfer { detail } => format!(
            "\
            Vonage refused the transfer ({detail}). Transfers are allowed only between a primary \
            account and its own subaccounts."
        ),
        Error::RateLimited { retry_after } => format!(
            "\
            Vonage kept answering 429 Too Many Requests after the provider's retries{}. Lower \
            `rate_limit_per_second` (other tools may share the key), or raise \
            `retry_max_seconds`.",
            retry_after
                .map(|d| format!(" (it asked to wait {}s)", d.as_secs()))
                .unwrap_or_default()
        ),
        Error::UnknownOutcome { operation, detail } => format!(
            "\
            The outcome of {operation} is unknown: {detail}. The provider could not prove \
            whether Vonage made the change, so it did not retry. Check the account (for example \
            with `terraform plan` or the Vonage dashboard) before applying again."
        ),
        Error::Api {
            status,
            title,
            detail,
        } if *status >= 500 => format!(
            "\
            Vonage answered {status} ({title}: {detail}) after the provider's retries. The API \
            is having trouble: wait and run Terraform again, or raise `retry_max_seconds` in the \
            provider block to ride out a longer outage."
        ),
        Error::InvalidResponse { operation, detail } => format!(
            "\
            Vonage's answer to {operation} was not what its API documents ({detail}). If \
            `api_url` or `rest_url` points at a proxy or a test server, check that it forwards \
            to Vonage; otherwise please report this to the provider's maintainers."
        ),
        other => format!("{other}."),
    }
}

/// The warning a read gives instead of an error when the account it reads with is suspended:
/// `what` (e.g. "the settings of account bbe6222f") keeps its last known value, so the plan
/// can go on and reactivate the account.
pub fn suspended_read_warning(account: &str, what: &str) -> Diagnostic {
    Diagnostic::warning(
        format!("Account {account} is suspended: {what} not read"),
        format!(
            "\
            Vonage refuses a suspended account's own credentials, so {what} could not be read; \
            Terraform keeps what it last knew and plans from that. To reactivate the account, set \
            `suspended = false` on the `vonage_subaccount` that manages it and apply. If other \
            resources that use this account's credentials fail meanwhile, apply that one alone \
            with `terraform apply -target=ADDRESS`, or plan with `-refresh=false`."
        ),
    )
}

/// True for the refusal a suspended account's own credentials get.
pub fn is_suspension(err: &Error) -> bool {
    match err {
        Error::Forbidden { title, detail } => {
            let text = format!("{title} {detail}").to_ascii_lowercase();
            text.contains("suspended") || text.contains("banned")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vonage::{Client, ClientConfig, FieldError, Secret};

    fn data() -> ProviderData {
        let client = Client::new(ClientConfig::new("abcd1234", Secret::from("Sup3rSecret1")));
        ProviderData::new(client.unwrap(), "abcd1234".into())
    }

    #[test]
    fn refused_fields_point_at_the_attribute_not_the_api_field() {
        let err = Error::Validation {
            fields: vec![FieldError {
                name: "moCallBackUrl".into(),
                reason: "did not answer 200".into(),
            }],
            detail: "bad".into(),
        };
        let d = diagnostic_for_fields(
            &data(),
            "setting callbacks",
            &err,
            &[("moCallBackUrl", "mo_callback_url")],
        );
        assert_eq!(d.path, Some(AttrPath::attr("mo_callback_url")));
        assert!(
            d.detail.contains("`mo_callback_url`: did not answer 200"),
            "{}",
            d.detail
        );
        assert!(!d.detail.contains("moCallBackUrl"), "{}", d.detail);
    }

    #[test]
    fn each_transport_class_has_its_own_advice_and_names_the_url() {
        let url = "https://api.example.test/accounts/abcd1234/secrets";
        let advice: Vec<String> = [
            TransportClass::Refused,
            TransportClass::Dns,
            TransportClass::Tls,
            TransportClass::Dropped,
            TransportClass::Other,
        ]
        .into_iter()
        .map(|class| {
            let err = Error::Transport {
                operation: "list".into(),
                url: url.into(),
                class,
                detail: "why".into(),
            };
            let d = diagnostic(&data(), "listing", &err);
            assert!(d.detail.contains(url), "{}", d.detail);
            assert!(
                !d.detail.contains("wait and run Terraform again"),
                "{}",
                d.detail
            );
            d.detail
        })
        .collect();
        assert!(advice[0].contains("connection refused"));
        assert!(advice[1].contains("does not resolve"));
        assert!(advice[2].contains("`ca_cert_pem`") && advice[2].contains("SSL_CERT_FILE"));
        let unique: std::collections::HashSet<_> = advice.iter().collect();
        assert_eq!(unique.len(), advice.len());
    }

    #[test]
    fn a_forbidden_answer_without_a_title_reads_well() {
        let err = Error::Forbidden {
            title: String::new(),
            detail: "account suspended".into(),
        };
        let d = diagnostic(&data(), "reading the balance", &err);
        assert!(
            d.detail.contains("(403: account suspended)"),
            "{}",
            d.detail
        );
        assert!(!d.detail.contains("403 :"), "{}", d.detail);
        assert!(d.detail.contains("suspended = false"), "{}", d.detail);
    }
}
