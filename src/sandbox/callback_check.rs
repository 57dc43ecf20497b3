//! `--check-callbacks` (and `--strict`): like Vonage, GET a callback URL
//! before saving it and refuse unless it answers 200 OK.
//!
//! Owns: the check request (its HTTP client: 2 s timeout, no redirects) and
//! the reason text put into `invalid_parameters` when it fails. `SandboxState`
//! keeps the one client, built here.
//! Must not: run unless callback checks are on (the route decides), or
//! echo transport error text (it may contain the URL's userinfo).

use std::time::Duration;

/// How long a callback URL has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// The HTTP client for callback checks, or `None` when one cannot be built.
pub fn client() -> Option<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("vonage-sandbox callback check")
        .build()
        .ok()
}

/// `Ok` when `url` answers 200 to a GET through `client` (from [`client`]); `Err` is the
/// reason to report.
pub async fn answers_ok(client: Option<&reqwest::Client>, url: &str) -> Result<(), String> {
    let Some(client) = client else {
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
