//! Who is calling, and what they may touch.
//!
//! Owns: reading credentials (rest host: Basic header, `api_key`/`api_secret`
//! query parameters or form fields; api host: Basic only), checking
//! them against the world, refusing suspended accounts' own credentials,
//! applying `--rate-limit`, and the access decisions of Vonage's API (see
//! `docs/vonage-api-notes.md`):
//! * secrets of account K: the caller is K, or K's primary;
//! * the Numbers API (`GET /account/numbers`): the credentials' account, or a subaccount named
//!   by its key with its primary's secret ([`authenticate_holder`]; inferred);
//! * Subaccounts API under `/accounts/K/…`: the caller is primary K and the
//!   API is provisioned for K, else 403 unprovisioned (a subaccount using
//!   its own key gets the same: sandbox choice); any other key is 404
//!   invalid-api-key (it "does not exist, or you do not have access").
//!
//! Must not: log or echo credentials, or implement route behaviour.

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;

use super::problem::{self, ApiError};
use super::state::SandboxState;
use super::world::World;

/// Which of Vonage's two hosts a path belongs to (one port serves both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// `rest.nexmo.com`: `/account/…`.
    Rest,
    /// `api.nexmo.com`: `/accounts/…`.
    Api,
}

/// A key and secret as presented. No `Debug`: it holds a secret.
pub struct Credentials {
    pub api_key: String,
    pub api_secret: String,
}

/// What a request carried.
pub enum Presented {
    Nothing,
    /// An `Authorization` header that is not valid Basic.
    Malformed,
    Given(Credentials),
}

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Caller {
    pub api_key: String,
    /// The caller's primary, when the caller is a subaccount.
    pub primary: Option<String>,
}

impl Caller {
    pub fn is_primary(&self) -> bool {
        self.primary.is_none()
    }
}

/// Reads the `Authorization: Basic …` header.
pub fn basic(headers: &HeaderMap) -> Presented {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Presented::Nothing;
    };
    parse_basic(value).map_or(Presented::Malformed, Presented::Given)
}

fn parse_basic(value: &HeaderValue) -> Option<Credentials> {
    let text = value.to_str().ok()?;
    let (scheme, encoded) = text.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (key, secret) = decoded.split_once(':')?;
    Some(Credentials {
        api_key: key.to_string(),
        api_secret: secret.to_string(),
    })
}

/// Rest host: Basic first, else `api_key`/`api_secret` among `params`
/// (query string and form body, already merged).
pub fn rest_credentials(headers: &HeaderMap, params: &[(String, String)]) -> Presented {
    match basic(headers) {
        Presented::Nothing => {}
        presented => return presented,
    }
    let find = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    match (find("api_key"), find("api_secret")) {
        (Some(api_key), Some(api_secret)) => Presented::Given(Credentials {
            api_key,
            api_secret,
        }),
        _ => Presented::Nothing,
    }
}

/// Checks credentials, suspension and the rate limit.
pub fn authenticate(
    state: &SandboxState,
    host: Host,
    presented: Presented,
) -> Result<Caller, ApiError> {
    let refused = || match host {
        Host::Rest => problem::legacy_authentication_failed(),
        Host::Api => problem::invalid_credentials(),
    };
    let credentials = match presented {
        Presented::Given(c) => c,
        Presented::Nothing | Presented::Malformed => {
            return Err(match host {
                Host::Rest => problem::legacy_authentication_failed(),
                Host::Api => problem::bad_credentials_format(),
            });
        }
    };
    let caller = state.read(|world| {
        let account = world.account(&credentials.api_key).ok_or_else(refused)?;
        if !account
            .secrets
            .iter()
            .any(|s| s.value == credentials.api_secret)
        {
            return Err(refused());
        }
        if account.suspended {
            return Err(match host {
                Host::Rest => problem::legacy_account_suspended(),
                Host::Api => problem::account_suspended(&account.api_key),
            });
        }
        Ok(Caller {
            api_key: account.api_key.clone(),
            primary: account.primary.clone(),
        })
    })?;
    throttle(state, &caller.api_key)?;
    Ok(caller)
}

/// Applies `--rate-limit` to a request made with `api_key`.
fn throttle(state: &SandboxState, api_key: &str) -> Result<(), ApiError> {
    if let Some(mut windows) = state.rate_windows()
        && let Err(throttled) = windows.admit(api_key, state.now_ms())
    {
        let header = |v: String| HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static("0"));
        return Err(problem::rate_limited()
            .with_header(
                header::RETRY_AFTER,
                header(throttled.retry_after_secs.to_string()),
            )
            .with_header(
                header::HeaderName::from_static("x-ratelimit-limit"),
                header(throttled.limit.to_string()),
            )
            .with_header(
                header::HeaderName::from_static("x-ratelimit-remaining"),
                HeaderValue::from_static("0"),
            )
            .with_header(
                header::HeaderName::from_static("x-ratelimit-reset"),
                header(throttled.reset_ms.to_string()),
            ));
    }
    Ok(())
}

/// The Numbers API's caller (rest host): an account with its own credentials, as
/// [`authenticate`], or a subaccount's key with its primary's secret, which acts for that
/// subaccount. The second is inferred (docs/sandbox.md, "Numbers"): Vonage documents a primary
/// acting for its subaccounts with its own secret for secrets, and `GET /account/numbers` has
/// no parameter that names another account. A suspended subaccount's numbers can be read this
/// way (its primary still manages it); a suspended primary cannot.
pub fn authenticate_holder(state: &SandboxState, presented: Presented) -> Result<Caller, ApiError> {
    let Presented::Given(credentials) = presented else {
        return Err(problem::legacy_authentication_failed());
    };
    let caller = state.read(|world| {
        let account = world
            .account(&credentials.api_key)
            .ok_or_else(problem::legacy_authentication_failed)?;
        let knows =
            |a: &super::world::Account| a.secrets.iter().any(|s| s.value == credentials.api_secret);
        let acting_primary = account
            .primary
            .as_deref()
            .and_then(|p| world.account(p))
            .filter(|p| knows(p));
        let suspended = match acting_primary {
            _ if knows(account) => account.suspended,
            Some(primary) => primary.suspended,
            None => return Err(problem::legacy_authentication_failed()),
        };
        if suspended {
            return Err(problem::legacy_account_suspended());
        }
        Ok(Caller {
            api_key: account.api_key.clone(),
            primary: account.primary.clone(),
        })
    })?;
    throttle(state, &caller.api_key)?;
    Ok(caller)
}

/// May `caller` manage the secrets of `target`? (itself, or its subaccount)
pub fn may_manage_secrets_of(world: &World, caller: &Caller, target: &str) -> Result<(), ApiError> {
    let allowed = caller.api_key == target
        || world
            .account(target)
            .is_some_and(|a| a.primary.as_deref() == Some(caller.api_key.as_str()));
    if allowed {
        Ok(())
    } else {
        Err(problem::invalid_api_key(target))
    }
}

/// May `caller` use the Subaccounts API under `/accounts/{path_key}`? Only
/// as a primary under its own key, and only once the API is provisioned
/// for it (403 unprovisioned otherwise, as Vonage answers).
pub fn may_use_subaccounts_api(
    world: &World,
    caller: &Caller,
    path_key: &str,
) -> Result<(), ApiError> {
    if caller.api_key != path_key {
        return Err(problem::invalid_api_key(path_key));
    }
    let provisioned = world
        .account(path_key)
        .is_some_and(|a| a.is_primary() && a.subaccounts_provisioned);
    if !caller.is_primary() || !provisioned {
        return Err(problem::unprovisioned(path_key));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_parsing() {
        let mut headers = HeaderMap::new();
        assert!(matches!(basic(&headers), Presented::Nothing));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert!(matches!(basic(&headers), Presented::Malformed));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert!(matches!(basic(&headers), Presented::Malformed));
        // "abcd1234:Secret:123" — the secret may itself contain a colon.
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic YWJjZDEyMzQ6U2VjcmV0OjEyMw=="),
        );
        match basic(&headers) {
            Presented::Given(c) => {
                assert_eq!(c.api_key, "abcd1234");
                assert_eq!(c.api_secret, "Secret:123");
            }
            _ => panic!("expected credentials"),
        }
    }

    #[test]
    fn query_credentials_on_the_rest_host() {
        let params = vec![
            ("api_key".to_string(), "k".to_string()),
            ("api_secret".to_string(), "s".to_string()),
        ];
        assert!(matches!(
            rest_credentials(&HeaderMap::new(), &params),
            Presented::Given(_)
        ));
        assert!(matches!(
            rest_credentials(&HeaderMap::new(), &params[..1]),
            Presented::Nothing
        ));
    }
}
