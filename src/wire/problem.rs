//! Error bodies: RFC 7807 problem objects (api host, and newer rest-host
//! answers) and the legacy `error-code` object of the rest host.
//!
//! Must not: hold logic; these are bodies as the API sends and receives them.

use serde::{Deserialize, Serialize};

/// An RFC 7807 problem, as Vonage sends it (`type`, `title`, `detail`,
/// `instance`, and `invalid_parameters` on validation errors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type", default)]
    pub problem_type: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub instance: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invalid_parameters: Vec<InvalidParameter>,
}

/// One entry of `invalid_parameters`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidParameter {
    pub name: String,
    pub reason: String,
}

/// The rest host's legacy status object, used both for errors
/// (`{"error-code":"401","error-code-label":"authentication failed"}`) and for
/// the top-up success body (`"200"`, `"success"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyStatus {
    #[serde(rename = "error-code")]
    pub error_code: String,
    #[serde(rename = "error-code-label")]
    pub error_code_label: String,
}
