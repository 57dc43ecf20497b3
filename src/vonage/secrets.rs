//! API secret operations (docs/vonage-api-notes.md §4) for the client's own account or,
//! as a primary, for one of its subaccounts (`api_key` argument).
//!
//! Reconciliation of `create_secret`: the secret ids are listed before the
//! POST. After an ambiguous outcome the list is read again: exactly one new
//! id is the created secret (adopted); none means the POST provably did not
//! happen (created again); more than one means someone else created secrets
//! meanwhile, and the outcome is reported as unknown.
//! A caller that skipped the list, because it made the account itself and so
//! knows it holds exactly its first secret ([`FirstSecretOnly`]), creates
//! with [`Client::create_secret_in_new_account`]: it sends no sooner than
//! Vonage's clock has passed the second in which the account (and so its
//! first secret) was made, and after an ambiguous outcome the created secret
//! is the one made from that later second on: none means the POST provably
//! did not happen, several that the outcome cannot be told.
//! `revoke_secret` is retried like any DELETE; a 404 invalid-id on a retry
//! means the earlier attempt did it. When the retries run out after an attempt
//! whose answer was lost (or a timeout, or a 5xx), the secrets are listed
//! again: gone means the DELETE did it; still there, it did not.
//!
//! Must not: retry a create blindly; an unknown outcome is reconciled first.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use reqwest::Method;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::call::{Call, Host, Payload, RawResponse, decode};
use super::client::Client;
use super::errors::{ApiFailure, Error};
use super::reconcile::{Probe, ProbeFuture};
use super::retry_loop::Settled;
use super::secret::Secret;
use crate::wire::secrets::{CreateSecretRequest, SecretList, SecretResource};

/// An API secret's metadata (the value is never returned by the API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiSecret {
    pub id: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_at: String,
}

impl From<SecretResource> for ApiSecret {
    fn from(wire: SecretResource) -> ApiSecret {
        ApiSecret {
            id: wire.id,
            created_at: wire.created_at,
        }
    }
}

/// What is known of a new account's secrets without listing them: exactly one, made with the
/// account. Vonage times secrets to the second only, so the first secret and one created in the
/// same second could not be told apart; `newer_from` is the first whole second after the
/// account's creation (with a margin for the first secret being stamped a little later), and
/// `ready_at` the moment from which Vonage's clock has surely reached it.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstSecretOnly {
    /// Secrets created at or after this (Vonage's clock) are not the account's first.
    pub newer_from: OffsetDateTime,
    /// From this instant on, Vonage's clock has passed `newer_from`.
    pub ready_at: Instant,
}

/// How much later than the account its first secret may be stamped.
const FIRST_SECRET_MARGIN: Duration = Duration::from_millis(100);

impl FirstSecretOnly {
    /// For an account created at `created_at` (Vonage's clock, RFC 3339) as answered at
    /// `answered`. `None` unless the time has a fraction of a second (not all zeros): without
    /// one, when within its second the account was made cannot be told.
    pub fn made_at(created_at: &str, answered: Instant) -> Option<FirstSecretOnly> {
        let made = OffsetDateTime::parse(created_at, &Rfc3339).ok()?;
        // A fraction of all zeros may be a whole second written with milliseconds (as reads of a
        // subaccount show it).
        let (_, fraction) = created_at.split_once('.')?;
        if !fraction
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .bytes()
            .any(|b| b != b'0')
        {
            return None;
        }
        let margin = time::Duration::try_from(FIRST_SECRET_MARGIN).ok()?;
        let stamped = made + margin;
        let newer_from = stamped.replace_nanosecond(0).ok()? + time::Duration::SECOND;
        // Vonage's clock read at least `made` when it answered.
        let ahead = Duration::try_from(newer_from - made).ok()?;
        Some(FirstSecretOnly {
            newer_from,
            ready_at: answered + ahead,
        })
    }

    /// Whether a secret created at `created_at` (RFC 3339) is newer than the first; `None` when
    /// the time cannot be read.
    fn is_newer(&self, created_at: &str) -> Option<bool> {
        let made = OffsetDateTime::parse(created_at, &Rfc3339).ok()?;
        Some(made >= self.newer_from)
    }
}

/// `POST /accounts/{api_key}/secrets` with `secret`, as data (both ways of creating one send it).
fn create_secret_call(api_key: &str, secret: &Secret) -> Call {
    Call::new(
        Method::POST,
        Host::Api,
        &["accounts", api_key, "secrets"],
        format!("create an API secret for account '{api_key}'"),
    )
    .with_payload(Payload::json(&CreateSecretRequest {
        secret: secret.expose().to_string(),
    }))
}

/// The secret a create answered with.
fn parse_created_secret(raw: RawResponse, call: &Call) -> Result<ApiSecret, Error> {
    let created: SecretResource = decode(&raw, &call.operation)?;
    Ok(ApiSecret::from(created))
}

impl Client {
    /// `GET /accounts/{api_key}/secrets`.
    pub async fn list_secrets(&self, api_key: &str) -> Result<Vec<ApiSecret>, Error> {
        let call = Call::new(
            Method::GET,
            Host::Api,
            &["accounts", api_key, "secrets"],
            format!("list the API secrets of account '{api_key}'"),
        );
        let ctx = self.context(api_key, format!("account '{api_key}'"), &[]);
        let raw = self.idempotent(&call, &ctx).await?;
        let list: SecretList = decode(&raw, &call.operation)?;
        Ok(list
            .embedded
            .secrets
            .into_iter()
            .map(ApiSecret::from)
            .collect())
    }

    /// `POST /accounts/{api_key}/secrets`, reconciled on an unknown outcome.
    pub async fn create_secret(&self, api_key: &str, secret: &Secret) -> Result<ApiSecret, Error> {
        let before: HashSet<String> = self
            .list_secrets(api_key)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        self.create_secret_after(api_key, secret, &before).await
    }

    /// [`create_secret`](Self::create_secret) for a caller that listed the account's secrets
    /// itself: `before` holds every id it saw before sending.
    pub async fn create_secret_after(
        &self,
        api_key: &str,
        secret: &Secret,
        before: &HashSet<String>,
    ) -> Result<ApiSecret, Error> {
        let call = create_secret_call(api_key, secret);
        let ctx = self.context(api_key, format!("account '{api_key}'"), &[secret.expose()]);
        let parse = |raw| parse_created_secret(raw, &call);
        let probe = || -> ProbeFuture<'_, ApiSecret> {
            Box::pin(async move {
                let after = self.list_secrets(api_key).await?;
                let mut new: Vec<ApiSecret> = after
                    .into_iter()
                    .filter(|s| !before.contains(&s.id))
                    .collect();
                Ok(match new.len() {
                    0 => Probe::Absent,
                    1 => Probe::Found(new.remove(0)),
                    n => Probe::Unclear(format!(
                        "\
                        {n} new secrets appeared on account '{api_key}' ({}), so which one is \
                        ours cannot be told",
                        new.iter()
                            .map(|s| s.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                })
            })
        };
        self.create_reconciled(&call, &ctx, parse, probe).await
    }

    /// [`create_secret`](Self::create_secret) in an account that holds only its first secret
    /// (`first`), with no list before: the POST waits until Vonage's clock has passed the
    /// second the account was made in, so that after an ambiguous outcome the created secret is
    /// the one made since (see the module docs).
    pub async fn create_secret_in_new_account(
        &self,
        api_key: &str,
        secret: &Secret,
        first: &FirstSecretOnly,
    ) -> Result<ApiSecret, Error> {
        let wait = first.ready_at.saturating_duration_since(Instant::now());
        if !wait.is_zero() {
            self.sleep(wait).await?;
        }
        let call = create_secret_call(api_key, secret);
        let ctx = self.context(api_key, format!("account '{api_key}'"), &[secret.expose()]);
        let parse = |raw| parse_created_secret(raw, &call);
        let probe = || -> ProbeFuture<'_, ApiSecret> {
            Box::pin(async move {
                let after = self.list_secrets(api_key).await?;
                let (mut older, mut newer) = (Vec::new(), Vec::new());
                for s in after {
                    match first.is_newer(&s.created_at) {
                        Some(true) => newer.push(s),
                        Some(false) => older.push(s),
                        None => {
                            return Ok(Probe::Unclear(format!(
                                "secret {} of account '{api_key}' carries a creation time that \
                                 cannot be read ({}), so which secret is ours cannot be told",
                                s.id, s.created_at
                            )));
                        }
                    }
                }
                let ids = |list: &[ApiSecret]| {
                    list.iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                // The account's first secret must be there, and older: otherwise a newer one may
                // be that first secret stamped late (or it was revoked meanwhile).
                Ok(match (older.len(), newer.len()) {
                    (1, 0) => Probe::Absent,
                    (1, 1) => Probe::Found(newer.remove(0)),
                    (1, n) => Probe::Unclear(format!(
                        "\
                        {n} secrets of account '{api_key}' were created after its first one ({}), \
                        so which one is ours cannot be told",
                        ids(&newer)
                    )),
                    _ => Probe::Unclear(format!(
                        "\
                        account '{api_key}' no longer shows its first secret as the one older than \
                        the rest (secrets {}), so which one is ours cannot be told",
                        ids(&[older, newer].concat())
                    )),
                })
            })
        };
        self.create_reconciled(&call, &ctx, parse, probe).await
    }

    /// `GET /accounts/{api_key}/secrets/{id}`.
    pub async fn get_secret(&self, api_key: &str, id: &str) -> Result<ApiSecret, Error> {
        let call = Call::new(
            Method::GET,
            Host::Api,
            &["accounts", api_key, "secrets", id],
            format!("read API secret '{id}' of account '{api_key}'"),
        );
        let ctx = self.context(
            api_key,
            format!("API secret '{id}' of account '{api_key}'"),
            &[],
        );
        let raw = self.idempotent(&call, &ctx).await?;
        Ok(decode::<SecretResource>(&raw, &call.operation)?.into())
    }

    /// `DELETE /accounts/{api_key}/secrets/{id}`: `Ok` once the secret is gone, checked by
    /// listing the account's secrets when the DELETE's outcome is unknown.
    pub async fn revoke_secret(&self, api_key: &str, id: &str) -> Result<(), Error> {
        let call = Call::new(
            Method::DELETE,
            Host::Api,
            &["accounts", api_key, "secrets", id],
            format!("revoke API secret '{id}' of account '{api_key}'"),
        );
        let ctx = self.context(
            api_key,
            format!("API secret '{id}' of account '{api_key}'"),
            &[],
        );
        let failure = match self
            .idempotent_settled_by(&call, &ctx, ApiFailure::is_unknown_id)
            .await?
        {
            Settled::Response(_) | Settled::AlreadyDone => return Ok(()),
            Settled::Unknown(failure) => failure,
        };
        match self.list_secrets(api_key).await {
            Ok(listed) if listed.iter().all(|s| s.id != id) => Ok(()),
            Ok(_) => Err(failure),
            Err(Error::Cancelled) => Err(Error::Cancelled),
            Err(e) => Err(Error::UnknownOutcome {
                operation: call.operation,
                detail: format!("{failure}; checking whether it happened failed too: {e}"),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> OffsetDateTime {
        OffsetDateTime::parse(text, &Rfc3339).unwrap()
    }

    #[test]
    fn the_first_secret_is_told_apart_by_the_next_whole_second() {
        let answered = Instant::now();
        let first = FirstSecretOnly::made_at("2026-11-30T10:00:00.327Z", answered).unwrap();
        assert_eq!(first.newer_from, at("2026-11-30T10:00:01Z"));
        assert_eq!(first.ready_at, answered + Duration::from_millis(673));
        assert_eq!(first.is_newer("2026-11-30T10:00:00Z"), Some(false));
        assert_eq!(first.is_newer("2026-11-30T10:00:01Z"), Some(true));
        assert_eq!(first.is_newer("garbage"), None);
        // Made in the last tenth of its second: the first secret may be stamped with the next
        // one, so ours are told from the one after.
        let late = FirstSecretOnly::made_at("2026-11-30T10:00:00.950Z", answered).unwrap();
        assert_eq!(late.newer_from, at("2026-11-30T10:00:02Z"));
        assert_eq!(late.ready_at, answered + Duration::from_millis(1050));
        // Whole seconds only (or written with zero milliseconds): when within the second it was
        // made cannot be told.
        for whole in ["2026-11-30T10:00:00Z", "2026-11-30T10:00:00.000Z"] {
            assert_eq!(FirstSecretOnly::made_at(whole, answered), None, "{whole}");
        }
        assert!(FirstSecretOnly::made_at("2026-11-30T10:00:00.001Z", answered).is_some());
    }
}
