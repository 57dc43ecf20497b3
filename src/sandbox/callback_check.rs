//! `--check-callbacks` (and `--strict`): like Vonage, GET a callback URL
//! before saving it and refuse unless it answers 200 OK.
//!
//! Owns: the check request (its HTTP client: 2 s timeout, no redirects, marked
//! internal, trusting the sandbox's own certificate) and
//! the reason text put into `invalid_parameters` when it fails. `SandboxState`
//! keeps the one client, built here.
//! Must not: run unless callback checks are on (the route decides), or
//! echo transport error text (it may contain the URL's userinfo).

use std::time::Duration;

use super::call_log::INTERNAL_HEADER;

/// How long a callback URL has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// The HTTP client for callback checks, or `None` when one cannot be built. Every request
/// carries `internal_token` in [`INTERNAL_HEADER`], so the sandbox's own receiver logs it as
/// internal; `own_certificate_pem` (the sandbox's own certificate under `--tls`) is trusted
/// beside the system's roots, so a callback at the sandbox's own receiver passes over https.
pub fn client(internal_token: &str, own_certificate_pem: Option<&str>) -> Option<reqwest::Client> {
    let mut internal = reqwest::header::HeaderMap::new();
    internal.insert(
        INTERNAL_HEADER,
        reqwest::header::HeaderValue::from_str(internal_token).ok()?,
    );
    let mut builder = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("vonage-sandbox callback check")
        .default_headers(internal);
    if let Some(pem) = own_certificate_pem {
        let own = reqwest::Certificate::from_pem(pem.as_bytes()).ok()?;
        builder = builder.tls_certs_merge([own]);
    }
    builder.build().ok()
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
