//! A create whose outcome is unknown: [`Client::create_reconciled`] looks for the object with
//! the operation's probe after an ambiguous attempt and adopts what it finds; only a provably
//! absent object is created again, otherwise the caller gets `Error::UnknownOutcome` saying what
//! was tried and what was seen. [`Client::create_unreconcilable`] is for a create the API gives
//! no way to find (a top-up): an ambiguous outcome is reported as unknown at once.
//!
//! Must not: send a create again unless the probe proved it absent.

use std::future::Future;
use std::time::Duration;

use super::call::{Call, RawResponse};
use super::client::Client;
use super::errors::{Error, ErrorContext};
use super::request_log::failure_class;
use super::retry_loop::{Ambiguous, Finished};
use crate::logging;

/// A reconciliation probe's future (boxed so that the futures of the public
/// create methods stay `Send`).
pub(crate) type ProbeFuture<'a, T> =
    std::pin::Pin<Box<dyn Future<Output = Result<Probe<T>, Error>> + Send + 'a>>;

/// What a reconciliation probe found after an ambiguous create.
pub(crate) enum Probe<T> {
    /// Exactly one object that must be the one we created.
    Found(T),
    /// Provably not created: safe to create again.
    Absent,
    /// Cannot tell (e.g. several candidates); the text says what was seen.
    Unclear(String),
}

impl Client {
    /// Runs a create that has no way to be reconciled: an ambiguous outcome
    /// becomes `UnknownOutcome`, with `reason` telling the caller why.
    pub(crate) async fn create_unreconcilable<T>(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
        parse: impl Fn(RawResponse) -> Result<T, Error>,
        reason: &str,
    ) -> Result<T, Error> {
        match self.create_once(call, ctx).await? {
            Finished::Answered(raw) => parse(raw),
            Finished::Ended(Ambiguous, failure) => Err(Error::UnknownOutcome {
                operation: call.operation.clone(),
                detail: format!("{failure}; {reason}"),
            }),
        }
    }

    /// Runs a create. After an ambiguous attempt, `probe` decides: adopt
    /// what it found, create again when provably absent (within the retry
    /// budget of the whole create, which its rounds share), or report
    /// `UnknownOutcome` saying what was seen.
    pub(crate) async fn create_reconciled<'p, T>(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
        parse: impl Fn(RawResponse) -> Result<T, Error>,
        probe: impl Fn() -> ProbeFuture<'p, T>,
    ) -> Result<T, Error> {
        let policy = self.policy();
        let mut rounds = policy.budget();
        let mut round = 0;
        loop {
            let failure = match self.create_once(call, ctx).await? {
                Finished::Answered(raw) => return parse(raw),
                Finished::Ended(Ambiguous, failure) => failure,
            };
            let unknown = |detail: String| Error::UnknownOutcome {
                operation: call.operation.clone(),
                detail,
            };
            let wait = policy.backoff(round);
            logging::debug(
                "Vonage API create outcome unknown; checking whether it happened",
                &[
                    ("method", call.method.as_str()),
                    ("path", &self.shown_url(call)),
                    ("after", &failure_class(&failure)),
                    ("wait_ms", &wait.as_millis().to_string()),
                ],
            );
            self.sleep(wait).await?;
            match probe().await {
                Ok(Probe::Found(found)) => return Ok(found),
                Ok(Probe::Absent) if rounds.spend(Duration::ZERO) => round += 1,
                Ok(Probe::Absent) => return Err(failure),
                Ok(Probe::Unclear(seen)) => {
                    return Err(unknown(format!("{failure}; afterwards {seen}")));
                }
                Err(Error::Cancelled) => return Err(Error::Cancelled),
                Err(e) => {
                    return Err(unknown(format!(
                        "{failure}; checking whether it happened failed too: {e}"
                    )));
                }
            }
        }
    }
}
