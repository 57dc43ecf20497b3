//! The provider block's values checked as the API client will use them (`vonage::checks`): the
//! base URLs (`api_url`, `rest_url`: http or https, a host, no credentials, no query, no
//! fragment), `api_key` (nothing Basic authentication cannot carry, not a dot segment of a URL
//! path) and `ca_cert_pem` (certificates that parse).
//!
//! A value set in the block is checked when Terraform validates the configuration, at its
//! attribute ([`check_configured`]); one Terraform does not know yet is checked at configure
//! time, where the engine runs `validate` again. A value taken from an environment variable is
//! checked at configure time, as a provider-level error that names the variable
//! ([`check_environment`]): no attribute holds it. Either way the client is never built from a
//! value it would refuse, and "Could not set up the Vonage client" is left for the unexpected.
//!
//! Must not: quote a value (a URL may carry credentials, a PEM is long), or read the secret.

use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::vonage::{DEFAULT_API_URL, DEFAULT_REST_URL, checks};

/// The provider block's values these checks look at; `None` when unset (or not yet known).
#[derive(Clone, Copy, Default)]
pub struct Values<'a> {
    pub api_key: Option<&'a str>,
    pub api_url: Option<&'a str>,
    pub rest_url: Option<&'a str>,
    pub ca_cert_pem: Option<&'a str>,
}

/// One argument: its name, the variable it falls back to, and its check with the advice that
/// follows a refusal.
struct Argument {
    name: &'static str,
    env: Option<&'static str>,
    summary: &'static str,
    check: fn(&str) -> Result<(), String>,
    advice: fn() -> String,
}

fn url_advice(default: &str) -> String {
    format!("Give the base URL of the host, such as {default}.")
}

const ARGUMENTS: [Argument; 4] = [
    Argument {
        name: "api_key",
        env: Some("VONAGE_API_KEY"),
        summary: "Invalid API key",
        check: checks::api_key,
        advice: || {
            "An API key is 8 characters such as `abcd1234`, shown in the Vonage dashboard."
                .to_owned()
        },
    },
    Argument {
        name: "api_url",
        env: Some("VONAGE_API_URL"),
        summary: "Invalid URL",
        check: checks::base_url,
        advice: || url_advice(DEFAULT_API_URL),
    },
    Argument {
        name: "rest_url",
        env: Some("VONAGE_REST_URL"),
        summary: "Invalid URL",
        check: checks::base_url,
        advice: || url_advice(DEFAULT_REST_URL),
    },
    Argument {
        name: "ca_cert_pem",
        env: None,
        summary: "Not a PEM certificate",
        check: checks::root_certificates,
        advice: || {
            "Give one or more certificates in PEM form (`-----BEGIN CERTIFICATE-----` …), such \
             as `file(\"ca.pem\")`."
                .to_owned()
        },
    },
];

fn value<'a>(values: &Values<'a>, name: &str) -> Option<&'a str> {
    match name {
        "api_key" => values.api_key,
        "api_url" => values.api_url,
        "rest_url" => values.rest_url,
        _ => values.ca_cert_pem,
    }
}

/// The values set in the block that the client would refuse, each at its attribute. An empty
/// `api_key` is left to the schema's own check.
pub fn check_configured(values: &Values<'_>) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for arg in &ARGUMENTS {
        let Some(v) = value(values, arg.name).filter(|v| !v.is_empty() || arg.name != "api_key")
        else {
            continue;
        };
        if let Err(why) = (arg.check)(v) {
            diags.push(
                Diagnostic::error(
                    arg.summary,
                    format!("`{}` {why}. {}", arg.name, (arg.advice)()),
                )
                .at(AttrPath::attr(arg.name)),
            );
        }
    }
    diags
}

/// The values the block leaves unset and takes from environment variables (read by `env`; an
/// empty one counts as unset) that the client would refuse: provider-level errors naming the
/// variable.
pub fn check_environment(
    configured: &Values<'_>,
    env: impl Fn(&str) -> Option<String>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for arg in &ARGUMENTS {
        let Some(var) = arg.env else { continue };
        if value(configured, arg.name).is_some() {
            continue;
        }
        let Some(v) = env(var).filter(|v| !v.is_empty()) else {
            continue;
        };
        if let Err(why) = (arg.check)(&v) {
            diags.push(Diagnostic::error(
                format!("Invalid {var}"),
                format!(
                    "\
                    The {var} environment variable, which `{}` falls back to, {why}. {} Correct \
                    the variable, or set `{}` in the provider block.",
                    arg.name,
                    (arg.advice)(),
                    arg.name
                ),
            ));
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(diags: &Diagnostics) -> Vec<(Option<String>, String)> {
        diags
            .iter()
            .map(|d| (d.path.as_ref().map(|p| p.to_string()), d.summary.clone()))
            .collect()
    }

    #[test]
    fn configured_values_are_refused_at_their_attribute_without_being_quoted() {
        let values = Values {
            api_key: Some("ab:cd"),
            api_url: Some("https://user:hunter2@api.nexmo.com"),
            rest_url: Some("https://rest.nexmo.com/?debug=1"),
            ca_cert_pem: Some("-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n"),
        };
        let diags = check_configured(&values);
        assert_eq!(
            shown(&diags),
            [
                (Some("api_key".into()), "Invalid API key".into()),
                (Some("api_url".into()), "Invalid URL".into()),
                (Some("rest_url".into()), "Invalid URL".into()),
                (Some("ca_cert_pem".into()), "Not a PEM certificate".into()),
            ]
        );
        for d in diags.iter() {
            assert!(!d.detail.contains("hunter2") && !d.detail.contains("debug=1"));
        }
        let dots = Values {
            api_key: Some("%2e%2E"),
            ..Values::default()
        };
        assert_eq!(check_configured(&dots).iter().count(), 1);
        let fine = Values {
            api_key: Some("abcd1234"),
            api_url: Some("http://127.0.0.1:8080"),
            ..Values::default()
        };
        assert!(check_configured(&fine).is_empty());
    }

    #[test]
    fn environment_values_are_refused_naming_the_variable_unless_the_block_sets_the_argument() {
        let env = |name: &str| match name {
            "VONAGE_API_URL" => Some("https://api.nexmo.com/#frag".to_owned()),
            "VONAGE_API_KEY" => Some("..".to_owned()),
            "VONAGE_REST_URL" => Some(String::new()),
            _ => None,
        };
        let diags = check_environment(&Values::default(), env);
        assert_eq!(
            shown(&diags),
            [
                (None, "Invalid VONAGE_API_KEY".into()),
                (None, "Invalid VONAGE_API_URL".into()),
            ]
        );
        assert!(diags.iter().all(|d| d.detail.contains("falls back to")));
        let set = Values {
            api_key: Some("abcd1234"),
            api_url: Some("https://api.nexmo.com"),
            ..Values::default()
        };
        assert!(check_environment(&set, env).is_empty());
    }
}
