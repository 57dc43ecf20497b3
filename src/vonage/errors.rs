//! The client's `Error`, and how a Vonage error response becomes one.
//!
//! Owns: the error variants the provider matches on, their messages, and
//! parsing both error shapes — RFC 7807 problems (with `invalid_parameters`
//! as a list, or as a `{name: reason}` map as one SDK fixture shows) and
//! the rest host's legacy `{"error-code", "error-code-label"}` bodies.
//! Must not: let a credential or secret into any message: server-provided
//! text is scrubbed of every secret the call knows about, transport errors
//! are stripped of their URL, and bodies are never quoted wholesale.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// One invalid request field, as the API names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub name: String,
    pub reason: String,
}

/// What kind of connection failure a transport error was. Each has its own way out, so the
/// provider's diagnostics advise differently for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportClass {
    /// Nothing listens at the address (connection refused).
    Refused,
    /// The host name does not resolve.
    Dns,
    /// The TLS handshake failed, almost always an untrusted certificate.
    Tls,
    /// The connection broke after it was made (reset, closed early).
    Dropped,
    /// Anything else.
    Other,
}

impl TransportClass {
    /// Classifies a transport error by its chain of causes.
    pub(crate) fn of(error: &reqwest::Error) -> TransportClass {
        let mut texts = Vec::new();
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(cause) = source {
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                use std::io::ErrorKind::*;
                match io.kind() {
                    ConnectionRefused => return TransportClass::Refused,
                    ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => {
                        return TransportClass::Dropped;
                    }
                    _ => {}
                }
            }
            if cause.downcast_ref::<rustls::Error>().is_some() {
                return TransportClass::Tls;
            }
            texts.push(cause.to_string().to_ascii_lowercase());
            source = cause.source();
        }
        let said = |words: &[&str]| texts.iter().any(|t| words.iter().any(|w| t.contains(w)));
        if said(&[
            "dns error",
            "failed to lookup address",
            "name or service not known",
        ]) {
            TransportClass::Dns
        } else if said(&["certificate", "tls handshake", "invalid peer"]) {
            TransportClass::Tls
        } else if said(&["connection refused"]) {
            TransportClass::Refused
        } else if said(&["connection reset", "connection closed", "broken pipe"]) {
            TransportClass::Dropped
        } else {
            TransportClass::Other
        }
    }
}

/// Everything a client call can fail with.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// 401: wrong key/secret (or missing credentials).
    Unauthorized { detail: String },
    /// 403 not covered by a more specific variant (suspended, unprovisioned…).
    Forbidden { title: String, detail: String },
    /// The account already has its two secrets.
    MaxSecretsReached { api_key: String, detail: String },
    /// Revoking would leave the account without a secret.
    LastSecret { api_key: String, detail: String },
    /// 404: `what` names the missing thing (an API key, a secret id, …).
    NotFound { what: String, detail: String },
    /// 400/422 with the offending fields.
    Validation {
        fields: Vec<FieldError>,
        detail: String,
    },
    /// A transfer larger than the source can give.
    InsufficientFunds { detail: String },
    /// A transfer (credit, balance or number) between accounts that may not
    /// trade, or of a number `from` does not own.
    InvalidTransfer { detail: String },
    /// Top-up refused because auto-reload is off (Vonage answers 401).
    AutoReloadDisabled { detail: String },
    /// 429 after the retry budget was spent.
    RateLimited { retry_after: Option<Duration> },
    /// A create whose result is unknown and could not be reconciled.
    UnknownOutcome { operation: String, detail: String },
    /// No response within the configured timeout (after retries). `url` is the request's
    /// address without its query.
    Timeout {
        operation: String,
        url: String,
        after: Duration,
    },
    /// Connection-level failure (after retries). `url` is the request's address without its
    /// query.
    Transport {
        operation: String,
        url: String,
        class: TransportClass,
        detail: String,
    },
    /// The client's cancellation token fired.
    Cancelled,
    /// Any other error status.
    Api {
        status: u16,
        title: String,
        detail: String,
    },
    /// A success response whose body is not what the API documents.
    InvalidResponse { operation: String, detail: String },
    /// A 404 that names no missing account, secret or number: the address is not one of
    /// Vonage's API paths, so the base URL (`setting`: `api_url` or `rest_url`) is wrong.
    NoSuchPath { url: String, setting: &'static str },
    /// The client configuration is unusable.
    InvalidConfig { detail: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unauthorized { detail } => write!(
                f,
                "\
                Vonage rejected the API key and secret (401): {detail}. Check the provider's \
                api_key and api_secret"
            ),
            Error::Forbidden { title, detail } => write!(f, "forbidden (403) — {title}: {detail}"),
            Error::MaxSecretsReached { api_key, detail } => write!(
                f,
                "\
                account {api_key} already has the maximum of two API secrets: {detail}. Revoke \
                one before creating another"
            ),
            Error::LastSecret { api_key, detail } => write!(
                f,
                "cannot revoke the last API secret of account {api_key}: {detail}"
            ),
            Error::NotFound { what, detail } => write!(f, "{what} not found (404): {detail}"),
            Error::Validation { fields, detail } => {
                write!(f, "Vonage refused the request: {detail}")?;
                for (i, field) in fields.iter().enumerate() {
                    let sep = if i == 0 { " — " } else { "; " };
                    write!(f, "{sep}{}: {}", field.name, field.reason)?;
                }
                Ok(())
            }
            Error::InsufficientFunds { detail } => {
                write!(f, "the source account cannot cover this transfer: {detail}")
            }
            Error::InvalidTransfer { detail } => write!(f, "transfer refused: {detail}"),
            Error::AutoReloadDisabled { detail } => write!(
                f,
                "top-up refused: {detail} (top-up only works on accounts with auto-reload enabled)"
            ),
            Error::RateLimited { retry_after } => match retry_after {
                Some(after) => write!(
                    f,
                    "Vonage rate limit hit (429); retry after {}s",
                    after.as_secs_f64().ceil()
                ),
                None => write!(f, "Vonage rate limit hit (429)"),
            },
            Error::UnknownOutcome { operation, detail } => {
                write!(f, "outcome of {operation} is unknown: {detail}")
            }
            Error::Timeout {
                operation,
                url,
                after,
            } => write!(
                f,
                "{operation} timed out: {url} gave no response within {}s per attempt",
                after.as_secs_f64()
            ),
            Error::Transport {
                operation,
                url,
                detail,
                ..
            } => {
                write!(f, "{operation} could not reach {url}: {detail}")
            }
            Error::Cancelled => write!(f, "the request was cancelled"),
            Error::Api {
                status,
                title,
                detail,
            } => write!(f, "Vonage answered {status} — {title}: {detail}"),
            Error::InvalidResponse { operation, detail } => {
                write!(f, "unexpected response to {operation}: {detail}")
            }
            Error::InvalidConfig { detail } => write!(f, "invalid client configuration: {detail}"),
            Error::NoSuchPath { url, setting } => write!(
                f,
                "{url} answered 404 Not Found without naming a missing account, secret or \
                 number, so it is not one of Vonage's API paths: check `{setting}`"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// What the failing call was about, for messages and secret scrubbing.
pub(crate) struct ErrorContext<'a> {
    /// The account the call targets (for secrets errors).
    pub api_key: &'a str,
    /// What a 404 means for this call, e.g. "API secret 'x' of account 'k'".
    pub what: String,
    /// Secret values that must never appear in a message.
    pub secrets: Vec<&'a str>,
}

/// A parsed non-success response.
#[derive(Debug, Clone, Default)]
pub(crate) struct ApiFailure {
    pub status: u16,
    pub problem_type: String,
    pub title: String,
    pub detail: String,
    pub fields: Vec<FieldError>,
    /// Legacy `error-code-label`.
    pub label: String,
    pub retry_after: Option<Duration>,
}

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

impl ApiFailure {
    /// Parses any error body; unknown shapes still give a usable failure.
    pub fn parse(status: u16, body: &[u8], retry_after: Option<Duration>) -> ApiFailure {
        let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let mut title = text(&value, "title");
        if title.is_empty() {
            title = text(&value, "error_title");
        }
        let fields = match value.get("invalid_parameters") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|p| FieldError {
                    name: text(p, "name"),
                    reason: text(p, "reason"),
                })
                .collect(),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(name, reason)| FieldError {
                    name: name.clone(),
                    reason: reason
                        .as_str()
                        .map_or_else(|| reason.to_string(), str::to_string),
                })
                .collect(),
            _ => Vec::new(),
        };
        ApiFailure {
            status,
            problem_type: text(&value, "type"),
            title,
            detail: text(&value, "detail"),
            fields,
            label: text(&value, "error-code-label"),
            retry_after,
        }
    }

    fn type_has(&self, fragment: &str) -> bool {
        self.problem_type.contains(fragment)
    }

    fn mentions(&self, word: &str) -> bool {
        let word = word.to_ascii_lowercase();
        [&self.title, &self.detail, &self.label]
            .iter()
            .any(|t| t.to_ascii_lowercase().contains(&word))
            || self
                .fields
                .iter()
                .any(|f| f.reason.to_ascii_lowercase().contains(&word))
    }

    /// A 404 that says what is missing: an account (`invalid-api-key`), a secret
    /// (`invalid-id`) or a number (`missing-number-transfer`), as Vonage's 404s do. Any other
    /// 404 comes from an address that is not one of Vonage's API paths.
    pub fn names_a_missing_object(&self) -> bool {
        [
            "#invalid-api-key",
            "#invalid-id",
            "#missing-number-transfer",
        ]
        .iter()
        .any(|t| self.type_has(t))
    }

    /// A 404 for an unknown secret id (not an unknown account).
    pub fn is_unknown_id(&self) -> bool {
        self.status == 404 && self.type_has("#invalid-id")
    }

    fn is_max_secrets(&self) -> bool {
        self.type_has("add-excess-secret")
            || self.type_has("maximum-secrets-allowed")
            || (self.status == 400
                && self.type_has("secret-management")
                && self.mentions("maximum"))
    }

    /// The best human text the body offers.
    fn best_detail(&self) -> String {
        [&self.detail, &self.label, &self.title]
            .into_iter()
            .find(|t| !t.is_empty())
            .cloned()
            .unwrap_or_else(|| format!("HTTP {}", self.status))
    }

    /// The typed error for this failure.
    pub fn into_error(self, ctx: &ErrorContext<'_>) -> Error {
        let clean = |t: &str| scrub(t, &ctx.secrets);
        let detail = clean(&self.best_detail());
        let title = clean(&self.title);
        match self.status {
            401 if self.label == "not auto-reload enabled" => Error::AutoReloadDisabled { detail },
            401 => Error::Unauthorized { detail },
            403 | 400 if self.is_max_secrets() => Error::MaxSecretsReached {
                api_key: ctx.api_key.to_string(),
                detail,
            },
            403 if self.type_has("delete-last-secret") => Error::LastSecret {
                api_key: ctx.api_key.to_string(),
                detail,
            },
            403 if self.type_has("valid-transfers") || self.type_has("invalid-transfers") => {
                if self.mentions("insufficient") || self.title == "Transfer amount is invalid" {
                    Error::InsufficientFunds { detail }
                } else {
                    Error::InvalidTransfer { detail }
                }
            }
            403 if self.type_has("invalid-number-transfer") => Error::InvalidTransfer { detail },
            403 => Error::Forbidden { title, detail },
            404 => Error::NotFound {
                what: ctx.what.clone(),
                detail,
            },
            400 | 422 if !self.fields.is_empty() || self.type_has("validation") => {
                Error::Validation {
                    fields: self
                        .fields
                        .iter()
                        .map(|f| FieldError {
                            name: clean(&f.name),
                            reason: clean(&f.reason),
                        })
                        .collect(),
                    detail,
                }
            }
            429 => Error::RateLimited {
                retry_after: self.retry_after,
            },
            status => Error::Api {
                status,
                title: if title.is_empty() {
                    "error".to_string()
                } else {
                    title
                },
                detail,
            },
        }
    }
}

/// Replaces every known secret in `text` with `[redacted]`, as it is and as JSON writes it
/// inside a string (a secret with a quote or a backslash reaches text re-serialised from a body
/// in that form).
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .fold(text.to_string(), |t, s| {
            let quoted = serde_json::to_string(s).unwrap_or_default();
            let escaped = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or(s);
            t.replace(escaped, "[redacted]").replace(s, "[redacted]")
        })
}

/// A transport error's description without its URL, with its causes.
pub(crate) fn describe_transport(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ErrorContext<'static> {
        ErrorContext {
            api_key: "abcd1234",
            what: "API secret 'x' of account 'abcd1234'".to_string(),
            secrets: vec!["Sup3rSecret"],
        }
    }

    fn error(status: u16, body: &str) -> Error {
        ApiFailure::parse(status, body.as_bytes(), None).into_error(&ctx())
    }

    #[test]
    fn max_secrets_from_every_documented_variant() {
        let newest = r#"{"type":"https://developer.nexmo.com/api-errors/account/secret-management#add-excess-secret","title":"Secret Addition Forbidden","detail":"Account reached maximum number [2] of allowed secrets","instance":"x"}"#;
        let older = r#"{"type":"https://developer.nexmo.com/api-errors/account/secret-management#maximum-secrets-allowed","title":"Maxmimum number of secrets already met","detail":"This account has reached maximum number of '2' allowed secrets","instance":"x"}"#;
        let spec = r#"{"type":"https://developer.nexmo.com/api-errors/account/secret-management#validation","title":"Bad Request","detail":"The account has reached the maximum number of secrets","instance":"x"}"#;
        for (status, body) in [(403, newest), (403, older), (400, spec)] {
            match error(status, body) {
                Error::MaxSecretsReached { api_key, .. } => assert_eq!(api_key, "abcd1234"),
                other => panic!("{status}: {other:?}"),
            }
        }
    }

    #[test]
    fn secret_rules_and_lookups() {
        let last = r#"{"type":"https://developer.nexmo.com/api-errors/account/secret-management#delete-last-secret","title":"Secret Deletion Forbidden","detail":"Can not delete the last secret."}"#;
        assert!(matches!(error(403, last), Error::LastSecret { .. }));
        let weak = r#"{"type":"https://developer.nexmo.com/api-errors/account/secret-management#validation","title":"Bad Request","detail":"The request failed due to validation errors","invalid_parameters":[{"name":"secret","reason":"Does not meet complexity requirements"}]}"#;
        match error(400, weak) {
            Error::Validation { fields, .. } => {
                assert_eq!(
                    fields,
                    vec![FieldError {
                        name: "secret".into(),
                        reason: "Does not meet complexity requirements".into()
                    }]
                );
            }
            other => panic!("{other:?}"),
        }
        let missing = r#"{"type":"https://developer.nexmo.com/api-errors#invalid-id","title":"Invalid ID","detail":"ID 'x' could not be found"}"#;
        let failure = ApiFailure::parse(404, missing.as_bytes(), None);
        assert!(failure.is_unknown_id());
        match failure.into_error(&ctx()) {
            Error::NotFound { what, detail } => {
                assert!(what.contains("API secret"));
                assert_eq!(detail, "ID 'x' could not be found");
            }
            other => panic!("{other:?}"),
        }
        let key = r#"{"type":"https://developer.nexmo.com/api-errors#invalid-api-key","title":"Invalid API Key","detail":"API key 'x' does not exist"}"#;
        assert!(!ApiFailure::parse(404, key.as_bytes(), None).is_unknown_id());
    }

    #[test]
    fn legacy_bodies() {
        let auth = r#"{"error-code":"401","error-code-label":"authentication failed"}"#;
        match error(401, auth) {
            Error::Unauthorized { detail } => assert_eq!(detail, "authentication failed"),
            other => panic!("{other:?}"),
        }
        let reload = r#"{"error-code":"401","error-code-label":"not auto-reload enabled"}"#;
        assert!(matches!(
            error(401, reload),
            Error::AutoReloadDisabled { .. }
        ));
        let php = r#"{"type":"BAD_REQUEST","error_title":"Bad Request","invalid_parameters":{"trx":"Is required."}}"#;
        match error(400, php) {
            Error::Validation { fields, .. } => assert_eq!(fields[0].name, "trx"),
            other => panic!("{other:?}"),
        }
        match error(
            420,
            r#"{"error-code":"420","error-code-label":"topup failed"}"#,
        ) {
            Error::Api { status, detail, .. } => {
                assert_eq!(status, 420);
                assert_eq!(detail, "topup failed");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn transfers() {
        let funds = r#"{"type":"https://developer.nexmo.com/api-errors/account/subaccounts#valid-transfers","title":"Transfer amount is invalid","detail":"Insufficient Credit"}"#;
        assert!(matches!(error(403, funds), Error::InsufficientFunds { .. }));
        let invalid = r#"{"type":"https://developer.nexmo.com/api-errors/account/subaccounts#valid-transfers","title":"Invalid Transfer","detail":"Transfers are only allowed between a primary account and its subaccount"}"#;
        assert!(matches!(error(403, invalid), Error::InvalidTransfer { .. }));
        let same = r#"{"type":"https://developer.nexmo.com/api-errors/account/subaccounts#validation","title":"Bad Request","detail":"The request failed due to validation errors","invalid_parameters":[{"name":"from","reason":"Invalid accounts. From and To accounts should be different"}]}"#;
        assert!(matches!(error(422, same), Error::Validation { .. }));
        let unprovisioned = r#"{"type":"https://developer.nexmo.com/api-errors#unprovisioned","title":"Authorisation error","detail":"Account x is not provisioned"}"#;
        assert!(matches!(error(403, unprovisioned), Error::Forbidden { .. }));
    }

    #[test]
    fn rate_limits_and_unparsable_bodies() {
        let failure = ApiFailure::parse(429, b"", Some(Duration::from_secs(2)));
        assert_eq!(
            failure.into_error(&ctx()),
            Error::RateLimited {
                retry_after: Some(Duration::from_secs(2))
            }
        );
        match error(502, "<html>bad gateway</html>") {
            Error::Api { status, detail, .. } => {
                assert_eq!(status, 502);
                assert_eq!(detail, "HTTP 502");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn secrets_are_scrubbed_from_server_text() {
        let body = r#"{"type":"x#validation","title":"Bad Request","detail":"secret Sup3rSecret is weak","invalid_parameters":[{"name":"secret","reason":"Sup3rSecret reused"}]}"#;
        let err = error(400, body);
        let message = err.to_string();
        assert!(!message.contains("Sup3rSecret"), "{message}");
        assert!(!format!("{err:?}").contains("Sup3rSecret"));
        assert!(message.contains("[redacted]"));
    }
}
