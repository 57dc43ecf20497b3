//! Every error the sandbox answers with, as one type and a catalog.
//!
//! Owns: `ApiError` (status, body, extra headers) and its conversion into a
//! response: RFC 7807 bodies as `application/problem+json` with a fresh UUID
//! `instance`, and the rest host's legacy `error-code` bodies as
//! `application/json`. The catalog functions carry the documented `type`,
//! `title` and `detail` texts (see `docs/vonage-api-notes.md`; the
//! sandbox's own choices are listed in `vonage-sandbox --help`).
//! Must not: decide *when* an error applies (routes, `auth` and `rules` do),
//! and never put a secret in a body.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::wire::problem::{InvalidParameter, LegacyStatus, Problem};

const ERRORS: &str = "https://developer.nexmo.com/api-errors";

/// An error response.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Boxed to keep `Result<_, ApiError>` small.
    pub body: Box<ErrorBody>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Debug, Clone)]
pub enum ErrorBody {
    Problem(Problem),
    Legacy(LegacyStatus),
}

impl ApiError {
    pub fn problem(status: StatusCode, problem_type: &str, title: &str, detail: &str) -> ApiError {
        ApiError {
            status,
            body: Box::new(ErrorBody::Problem(Problem {
                problem_type: problem_type.to_string(),
                title: title.to_string(),
                detail: detail.to_string(),
                instance: uuid::Uuid::new_v4().to_string(),
                invalid_parameters: Vec::new(),
            })),
            headers: Vec::new(),
        }
    }

    pub fn legacy(status: StatusCode, label: &str) -> ApiError {
        ApiError {
            status,
            body: Box::new(ErrorBody::Legacy(LegacyStatus {
                error_code: status.as_u16().to_string(),
                error_code_label: label.to_string(),
            })),
            headers: Vec::new(),
        }
    }

    pub fn with_parameters(mut self, parameters: Vec<InvalidParameter>) -> ApiError {
        if let ErrorBody::Problem(problem) = self.body.as_mut() {
            problem.invalid_parameters = parameters;
        }
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> ApiError {
        self.headers.push((name, value));
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (content_type, bytes) = match self.body.as_ref() {
            ErrorBody::Problem(p) => ("application/problem+json", serde_json::to_vec(p)),
            ErrorBody::Legacy(l) => ("application/json", serde_json::to_vec(l)),
        };
        let mut response = (self.status, bytes.unwrap_or_default()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

/// Builds an `invalid_parameters` entry.
pub fn param(name: &str, reason: &str) -> InvalidParameter {
    InvalidParameter {
        name: name.to_string(),
        reason: reason.to_string(),
    }
}

// ---- authentication and access ----

/// api host: wrong key or secret.
pub fn invalid_credentials() -> ApiError {
    ApiError::problem(
        StatusCode::UNAUTHORIZED,
        &format!("{ERRORS}#unauthorized"),
        "Invalid credentials supplied",
        "You did not provide correct credentials.",
    )
}

/// api host: no or unparsable `Authorization` header.
pub fn bad_credentials_format() -> ApiError {
    ApiError::problem(
        StatusCode::UNAUTHORIZED,
        "https://developer.nexmo.com/",
        "Unauthorized",
        "\
        Invalid credentials format. Expected: \"Authorization: Basic \
        (Base64(UTF-8(apiKey:secret)))\"",
    )
}

/// rest host: missing or wrong credentials.
pub fn legacy_authentication_failed() -> ApiError {
    ApiError::legacy(StatusCode::UNAUTHORIZED, "authentication failed")
}

/// api host: the caller's own account is suspended (sandbox choice).
pub fn account_suspended(api_key: &str) -> ApiError {
    ApiError::problem(
        StatusCode::FORBIDDEN,
        &format!("{ERRORS}#account-suspended"),
        "Account Suspended",
        &format!("Account '{api_key}' is suspended"),
    )
}

/// rest host (Numbers API): a query parameter outside the spec's schema (sandbox choice: the
/// spec gives the schema, not the refusal).
pub fn legacy_bad_parameter(label: &str) -> ApiError {
    ApiError::legacy(StatusCode::BAD_REQUEST, label)
}

/// rest host: the caller's own account is suspended (sandbox choice).
pub fn legacy_account_suspended() -> ApiError {
    ApiError::legacy(StatusCode::FORBIDDEN, "account suspended")
}

pub fn invalid_api_key(api_key: &str) -> ApiError {
    ApiError::problem(
        StatusCode::NOT_FOUND,
        &format!("{ERRORS}#invalid-api-key"),
        "Invalid API Key",
        &format!("API key '{api_key}' does not exist, or you do not have access"),
    )
}

/// An account not provisioned for the Subaccounts API (Vonage's body); a
/// subaccount calling it gets the same (sandbox choice).
pub fn unprovisioned(api_key: &str) -> ApiError {
    ApiError::problem(
        StatusCode::FORBIDDEN,
        &format!("{ERRORS}#unprovisioned"),
        "Authorisation error",
        &format!("Account {api_key} is not provisioned to access Subaccount Provisioning API"),
    )
}

pub fn rate_limited() -> ApiError {
    ApiError::problem(
        StatusCode::TOO_MANY_REQUESTS,
        "https://developer.vonage.com/api-errors#rate-limit",
        "Rate Limit Hit",
        "Please wait, then retry your request",
    )
}

// ---- account ----

pub fn legacy_not_auto_reload_enabled() -> ApiError {
    ApiError::legacy(StatusCode::UNAUTHORIZED, "not auto-reload enabled")
}

/// Top-up without `trx`, or with one that names no auto-reload charge of
/// the account (sandbox choice: problem+json).
pub fn top_up_validation(parameters: Vec<InvalidParameter>) -> ApiError {
    ApiError::problem(
        StatusCode::BAD_REQUEST,
        &format!("{ERRORS}/account/top-up#validation"),
        "Bad Request",
        "The request failed due to validation errors",
    )
    .with_parameters(parameters)
}

/// Settings with an unusable callback URL or forward method (sandbox
/// choice; the real error is undocumented).
pub fn settings_validation(parameters: Vec<InvalidParameter>) -> ApiError {
    ApiError::problem(
        StatusCode::BAD_REQUEST,
        &format!("{ERRORS}/account/settings#validation"),
        "Bad Request",
        "The request failed due to validation errors",
    )
    .with_parameters(parameters)
}

// ---- secrets ----

pub fn secret_validation(parameters: Vec<InvalidParameter>) -> ApiError {
    ApiError::problem(
        StatusCode::BAD_REQUEST,
        &format!("{ERRORS}/account/secret-management#validation"),
        "Bad Request",
        "The request failed due to validation errors",
    )
    .with_parameters(parameters)
}

/// Third secret: the newest recorded variant.
pub fn max_secrets() -> ApiError {
    ApiError::problem(
        StatusCode::FORBIDDEN,
        &format!("{ERRORS}/account/secret-management#add-excess-secret"),
        "Secret Addition Forbidden",
        "Account reached maximum number [2] of allowed secrets",
    )
}

pub fn last_secret() -> ApiError {
    ApiError::problem(
        StatusCode::FORBIDDEN,
        &format!("{ERRORS}/account/secret-management#delete-last-secret"),
        "Secret Deletion Forbidden",
        "\
        Can not delete the last secret. The account must always have at least 1 secret active at \
        any time",
    )
}

pub fn invalid_id(id: &str) -> ApiError {
    ApiError::problem(
        StatusCode::NOT_FOUND,
        &format!("{ERRORS}#invalid-id"),
        "Invalid ID",
        &format!("ID '{id}' could not be found"),
    )
}

// ---- subaccounts and transfers ----

pub fn subaccount_validation(parameters: Vec<InvalidParameter>) -> ApiError {
    ApiError::problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("{ERRORS}/account/subaccounts#validation"),
        "Bad Request",
        "The request failed due to validation errors",
    )
    .with_parameters(parameters)
}

/// A create past the primary's limit on subaccounts (`--max-subaccounts`):
/// the code and text of the Subaccounts spec's `provisioning` error (1.0.8
/// x-errors: "Maximum number of sub-accounts reached"); the status (403, the
/// create's documented "Action is forbidden") and title are inferred.
pub fn max_subaccounts() -> ApiError {
    ApiError::problem(
        StatusCode::FORBIDDEN,
        &format!("{ERRORS}/account/subaccounts#provisioning"),
        "Provisioning Error",
        "Maximum number of sub-accounts reached",
    )
}

pub fn invalid_transfer(detail: &str) -> ApiError {
    ApiError::problem(
        StatusCode::FORBIDDEN,
        &format!("{ERRORS}/account/subaccounts#valid-transfers"),
        "Invalid Transfer",
        detail,
    )
}

pub fn insufficient_credit() -> ApiError {
    ApiError::problem(
        StatusCode::FORBIDDEN,
        &format!("{ERRORS}/account/subaccounts#valid-transfers"),
        "Transfer amount is invalid",
        "Insufficient Credit",
    )
}

pub fn invalid_number_transfer(detail: &str) -> ApiError {
    ApiError::problem(
        StatusCode::FORBIDDEN,
        &format!("{ERRORS}/account/subaccounts#invalid-number-transfer"),
        "Invalid Number Transfer",
        detail,
    )
}

pub fn missing_number_transfer(detail: &str) -> ApiError {
    ApiError::problem(
        StatusCode::NOT_FOUND,
        &format!("{ERRORS}/account/subaccounts#missing-number-transfer"),
        "Invalid Number Transfer",
        detail,
    )
}

pub fn number_transfer_conflict(detail: &str) -> ApiError {
    ApiError::problem(
        StatusCode::CONFLICT,
        &format!("{ERRORS}/account/subaccounts#transfer-conflict"),
        "Transfer Conflict",
        detail,
    )
}

// ---- generic ----

/// A body that is not JSON, or not a JSON object: one answer for every
/// route (Vonage's API guideline for malformed JSON).
pub fn invalid_json(detail: &str) -> ApiError {
    ApiError::problem(
        StatusCode::BAD_REQUEST,
        &format!("{ERRORS}#invalid-json"),
        "Malformed JSON",
        detail,
    )
}

/// A body whose Content-Type the route does not take (`--strict`; sandbox
/// choice: the real answer is undocumented).
pub fn unsupported_media_type(expected: &str) -> ApiError {
    ApiError::problem(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        &format!("{ERRORS}#unsupported-media-type"),
        "Unsupported Media Type",
        &format!("Send the request body as {expected}"),
    )
}

pub fn route_not_found(method: &str, path: &str) -> ApiError {
    ApiError::problem(
        StatusCode::NOT_FOUND,
        &format!("{ERRORS}#not-found"),
        "Not Found",
        &format!("No route for {method} {path}"),
    )
}

pub fn method_not_allowed(method: &str, path: &str) -> ApiError {
    ApiError::problem(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("{ERRORS}#method-not-allowed"),
        "Method Not Allowed",
        &format!("{method} is not allowed on {path}"),
    )
}

pub fn internal_error(detail: &str) -> ApiError {
    ApiError::problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        &format!("{ERRORS}#internal-error"),
        "Internal Error",
        detail,
    )
}

pub fn service_unavailable() -> ApiError {
    ApiError::problem(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("{ERRORS}#service-unavailable"),
        "Service Unavailable",
        "The service is temporarily unavailable (injected by vonage-sandbox)",
    )
}
