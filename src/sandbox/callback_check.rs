//! `--check-callbacks` (and `--strict`): like Vonage, GET a callback URL
//! before saving it and refuse unless it answers 200 OK.
//!
//! Owns: the check request (2 s timeout, no redirects) and the reason text
//! put into `invalid_parameters` when it fails.
//! Must not: run unless callback checks are on (the route decides), or
//! echo transport error text (it may contain the URL's userinfo).

use std::time::Duration;

use super::state::SandboxState;

/// How long a callback URL has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// `Ok` when `url` answers 200 to a GET; `Err` is the reason to report.
pub async fn answers_ok(state: &SandboxState, url: &str) -> Result<(), String> {
    let Some(client) = state.callback_client() else {
        return Err("Could not be checked (the sandbox has no HTTP client)".to_string());
    };
    match client.get(url).send().await {
        Ok(response) if response.status() == reqwest::StatusCode::OK => Ok(()),
        Ok(response) => Err(format!(
            "Did not answer 200 OK to a GET check (answered {})",
            response.status().as_u16()
        )),
        Err(e) if e.is_timeout() => Err("Did not answer a GET check within 2 seconds".to_string()),
        Err(e) if e.is_connect() => Err("Could not be reached for a GET check".to_string()),
        Err(_) => Err("Failed a GET check".to_string()),
    }
}
