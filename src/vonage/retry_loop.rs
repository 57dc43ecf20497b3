//! The retry disciplines.
//!
//! * [`Client::idempotent`] — reads, the settings POST, the subaccount PATCH, DELETE and number
//!   transfer: retried on 429 (after `Retry-After`), 5xx, timeouts and transport errors, with
//!   backoff and full jitter. A caller may say which failure, seen after an ambiguous attempt,
//!   means "already done" (DELETE: 404 invalid-id).
//! * `create_once` — one create attempt, retried blindly only when the request provably did not
//!   reach the server (connect failure, 429); `reconcile.rs` takes over after an ambiguous one.
//!
//! Must not: repeat a create whose outcome is unknown, or wait without observing cancellation.

use super::call::{AttemptFailure, Call, RawResponse};
use super::client::Client;
use super::errors::{ApiFailure, Error, ErrorContext};
use super::request_log::log_retry;

/// Result of an idempotent call.
pub(crate) enum Settled {
    Response(RawResponse),
    /// An earlier ambiguous attempt evidently did the work (e.g. a DELETE
    /// retry answered 404 invalid-id).
    AlreadyDone,
}

/// Result of one create attempt.
pub(super) enum CreateAttempt {
    Response(RawResponse),
    /// Sent, but the outcome is unknown; carries what went wrong.
    Ambiguous(Error),
}

impl Client {
    /// Runs a call that is safe to repeat. `done_after_ambiguous` names a
    /// failure that, following an ambiguous attempt, means the earlier
    /// attempt already did the work.
    pub(crate) async fn idempotent(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
        done_after_ambiguous: Option<fn(&ApiFailure) -> bool>,
    ) -> Result<Settled, Error> {
        let policy = self.policy();
        let mut retry = 0;
        let mut ambiguous_before = false;
        loop {
            let (last_error, wait) = match self.attempt(call, retry + 1, ctx, true).await? {
                Ok(raw) if (200..300).contains(&raw.status) => return Ok(Settled::Response(raw)),
                Ok(raw) => {
                    let failure = Self::failure(&raw);
                    if raw.status == 429 {
                        let wait = policy.throttle_wait(failure.retry_after, retry);
                        (failure.into_error(ctx), wait)
                    } else if raw.status >= 500 {
                        ambiguous_before = true;
                        (failure.into_error(ctx), policy.backoff(retry))
                    } else if ambiguous_before && done_after_ambiguous.is_some_and(|f| f(&failure))
                    {
                        return Ok(Settled::AlreadyDone);
                    } else {
                        return Err(failure.into_error(ctx));
                    }
                }
                Err(AttemptFailure::NotSent(class, detail)) => (
                    self.transport_error(call, class, detail),
                    policy.backoff(retry),
                ),
                Err(AttemptFailure::Timeout) => {
                    ambiguous_before = true;
                    (self.timeout_error(call), policy.backoff(retry))
                }
                Err(AttemptFailure::Lost(class, detail)) => {
                    ambiguous_before = true;
                    (
                        self.transport_error(call, class, detail),
                        policy.backoff(retry),
                    )
                }
            };
            if retry >= policy.max_retries {
                return Err(last_error);
            }
            log_retry(call, retry + 1, wait, &last_error);
            self.sleep(wait).await?;
            retry += 1;
        }
    }

    /// One create attempt: repeats only what provably did not reach the
    /// server (connect failures, 429); stops at the first ambiguous outcome.
    pub(super) async fn create_once(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
    ) -> Result<CreateAttempt, Error> {
        let policy = self.policy();
        let mut retry = 0;
        loop {
            let (last_error, wait) = match self.attempt(call, retry + 1, ctx, false).await? {
                Ok(raw) if (200..300).contains(&raw.status) => {
                    return Ok(CreateAttempt::Response(raw));
                }
                Ok(raw) if raw.status == 429 => {
                    let failure = Self::failure(&raw);
                    let wait = policy.throttle_wait(failure.retry_after, retry);
                    (failure.into_error(ctx), wait)
                }
                Ok(raw) if raw.status >= 500 => {
                    return Ok(CreateAttempt::Ambiguous(
                        Self::failure(&raw).into_error(ctx),
                    ));
                }
                Ok(raw) => return Err(Self::failure(&raw).into_error(ctx)),
                Err(AttemptFailure::NotSent(class, detail)) => (
                    self.transport_error(call, class, detail),
                    policy.backoff(retry),
                ),
                Err(AttemptFailure::Timeout) => {
                    return Ok(CreateAttempt::Ambiguous(self.timeout_error(call)));
                }
                Err(AttemptFailure::Lost(class, detail)) => {
                    return Ok(CreateAttempt::Ambiguous(
                        self.transport_error(call, class, detail),
                    ));
                }
            };
            if retry >= policy.max_retries {
                return Err(last_error);
            }
            log_retry(call, retry + 1, wait, &last_error);
            self.sleep(wait).await?;
            retry += 1;
        }
    }
}
