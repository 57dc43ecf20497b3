//! Client errors as diagnostics: what failed, while doing what, and what the user can do.
//!
//! Must not: include credentials or secret values; client errors never carry them, and the
//! context strings passed in name accounts and ids only.

use crate::framework::diagnostics::Diagnostic;
use crate::vonage::Error;

use super::ProviderData;

/// A diagnostic for `err`, which happened while `doing` (e.g. "creating an API secret for
/// account abcd1234").
pub fn diagnostic(data: &ProviderData, doing: &str, err: &Error) -> Diagnostic {
    let summary = format!("Vonage API error while {doing}");
    let detail = match err {
        Error::Unauthorized { detail } => {
            let revoked = data.revoked.lock().map(|r| r.clone()).unwrap_or_default();
            if revoked.is_empty() {
                format!(
                    "\
                    Vonage refused the provider's credentials (401: {detail}). Check `api_key` \
                    and `api_secret` in the provider block, or VONAGE_API_KEY and \
                    VONAGE_API_SECRET."
                )
            } else {
                format!(
                    "\
                    Vonage refused the provider's credentials (401: {detail}) after this run \
                    revoked API secret(s) {}. If one of them was the secret the provider itself \
                    authenticates with, this run has locked itself out: Vonage cannot tell which \
                    secret a credential is, so Terraform could not prevent it. Set the provider's \
                    `api_secret` (or VONAGE_API_SECRET) to a secret that still exists and run \
                    `terraform apply` again. Manage the provider's own secret outside the \
                    configuration that rotates it.",
                    revoked.join(", ")
                )
            }
        }
        Error::Forbidden { title, detail } => format!(
            "\
            Vonage refused the request (403 {title}: {detail}). Check that the account is not \
            suspended and is allowed to use this API."
        ),
        Error::MaxSecretsReached { api_key, detail } => format!(
            "\
            Account {api_key} already has two API secrets, the most Vonage allows ({detail}). \
            Revoke one it no longer needs, in the Vonage dashboard or by importing it into a \
            `vonage_api_secret` and destroying that."
        ),
        Error::LastSecret { api_key, detail } => format!(
            "\
            Vonage will not revoke the last API secret of account {api_key} ({detail}). Create \
            its replacement first, or remove the resource from state with `terraform state rm` to \
            stop managing it without revoking it."
        ),
        Error::NotFound { what, detail } => format!(
            "\
            {what} was not found ({detail}). It may have been removed outside Terraform, or the \
            api_key may belong to an account the provider's credentials cannot reach."
        ),
        Error::Validation { fields, detail } => {
            let named: Vec<String> = fields
                .iter()
                .map(|f| format!("`{}`: {}", f.name, f.reason))
                .collect();
            if named.is_empty() {
                format!("Vonage rejected the request as invalid: {detail}.")
            } else {
                format!(
                    "Vonage rejected the request as invalid: {}.",
                    named.join("; ")
                )
            }
        }
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
            `rate_limit_per_second`, raise `max_retries`, or run Terraform with a lower \
            -parallelism.",
            retry_after
                .map(|d| format!(" (it asked to wait {}s)", d.as_secs()))
                .unwrap_or_default()
        ),
        Error::UnknownOutcome { operation, detail } => format!(
            "\
            The outcome of {operation} is unknown: {detail}. The provider could not prove whether \
            Vonage made the change, so it did not retry. Check the account (for example with \
            `terraform plan` or the Vonage dashboard) before applying again."
        ),
        Error::Cancelled => {
            "Terraform asked the provider to stop before the request finished.".to_string()
        }
        other => format!(
            "\
            {other}. If the Vonage API is having trouble, wait and run Terraform again; \
            `max_retries` and `request_timeout_seconds` tune how hard the provider tries."
        ),
    };
    Diagnostic::error(summary, detail)
}
