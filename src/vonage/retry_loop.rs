//! The one retry loop, and the classifiers that tell it, for each failed attempt, what to do.
//!
//! [`Client::run`] makes attempts at a call until one is answered with a 2xx or its
//! [`Classifier`] stops it. Every attempt takes a rate-limiter slot and is logged (see `call.rs`
//! and `request_log.rs`); every wait is logged, observes cancellation, and is spent from the
//! call's [`RetryBudget`](super::retry::RetryBudget) (today a number of retries; a time budget
//! would be one more input there, not another loop). For each failure the classifier returns a
//! [`Verdict`]: try again after a [`Wait`], stop with this attempt's error, or end the call with
//! the classifier's own outcome, which only some kinds of call have:
//!
//! * [`Idempotent`] — reads, the settings POST, the subaccount PATCH, DELETE and number
//!   transfer: retried on 429 (after `Retry-After`), 5xx, timeouts and transport errors, with
//!   backoff and full jitter. A caller may say which failure, seen after an ambiguous attempt,
//!   means "already done" (DELETE: 404 invalid-id).
//! * [`Create`] — a create: retried only when the request provably did not reach the server
//!   (connect failure, 429). A 5xx, a timeout or a connection lost after sending ends the call as
//!   [`Ambiguous`], and `reconcile.rs` takes over. Its exchange is not aborted by cancellation:
//!   once sent, a create is answered, so its outcome is known rather than abandoned.
//!
//! Must not: repeat a create whose outcome is unknown, wait without observing cancellation, or
//! know what a call is for (the operation modules choose its kind).

use std::time::Duration;

use super::call::{AttemptFailure, Call, RawResponse};
use super::client::Client;
use super::errors::{ApiFailure, Error, ErrorContext};
use super::request_log::log_retry;
use super::retry::RetryPolicy;

/// How one attempt failed, as a classifier sees it.
#[derive(Clone, Copy)]
pub(super) enum Failure<'a> {
    /// An answer outside 2xx.
    Answer(&'a ApiFailure),
    /// Never connected: the request did not reach the server.
    NotSent,
    /// Sent, but no complete answer within the timeout.
    Timeout,
    /// Sent, then the connection failed.
    Lost,
}

/// Which wait comes before the next attempt; the loop turns it into a duration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Wait {
    /// Exponential backoff with full jitter.
    Backoff,
    /// A 429: the server's `Retry-After` (capped at `max_retry_after`), else backoff.
    Throttled(Option<Duration>),
}

/// What the loop does after a failed attempt.
#[derive(Debug, PartialEq)]
pub(super) enum Verdict<E> {
    /// Try again after the wait, if the budget allows; otherwise stop with this error.
    Retry(Wait),
    /// Stop with this attempt's error.
    Stop,
    /// End the call with the classifier's own outcome (and this attempt's error beside it).
    End(E),
}

/// For each failed attempt of one call, what the loop does next.
pub(super) trait Classifier {
    /// How this kind of call may end other than answered or failed.
    type End;
    /// Whether cancellation may abort an exchange in flight.
    const ABORTABLE: bool;
    fn classify(&mut self, failure: Failure<'_>) -> Verdict<Self::End>;
}

/// How a run ended, when it did not fail.
pub(super) enum Finished<E> {
    /// A 2xx answer.
    Answered(RawResponse),
    /// The classifier ended the call; the error is the last attempt's.
    Ended(E, Error),
}

/// A call that is safe to repeat. `settled_by` names a failure that, following an ambiguous
/// attempt, means the earlier attempt already did the work.
pub(super) struct Idempotent {
    pub settled_by: Option<fn(&ApiFailure) -> bool>,
    pub ambiguous_before: bool,
}

/// An earlier ambiguous attempt evidently did the work (e.g. a DELETE retry answered 404
/// invalid-id).
#[derive(Debug, PartialEq)]
pub(super) struct AlreadyDone;

impl Classifier for Idempotent {
    type End = AlreadyDone;
    const ABORTABLE: bool = true;

    fn classify(&mut self, failure: Failure<'_>) -> Verdict<AlreadyDone> {
        match failure {
            Failure::Answer(f) if f.status == 429 => Verdict::Retry(Wait::Throttled(f.retry_after)),
            Failure::Answer(f) if f.status >= 500 => {
                self.ambiguous_before = true;
                Verdict::Retry(Wait::Backoff)
            }
            Failure::Answer(f)
                if self.ambiguous_before && self.settled_by.is_some_and(|s| s(f)) =>
            {
                Verdict::End(AlreadyDone)
            }
            Failure::Answer(_) => Verdict::Stop,
            Failure::NotSent => Verdict::Retry(Wait::Backoff),
            Failure::Timeout | Failure::Lost => {
                self.ambiguous_before = true;
                Verdict::Retry(Wait::Backoff)
            }
        }
    }
}

/// One create attempt: repeats only what provably did not reach the server (connect failures,
/// 429); ends at the first ambiguous outcome.
pub(super) struct Create;

/// A create was sent and its outcome is unknown: reconcile before anything else.
#[derive(Debug, PartialEq)]
pub(super) struct Ambiguous;

impl Classifier for Create {
    type End = Ambiguous;
    const ABORTABLE: bool = false;

    fn classify(&mut self, failure: Failure<'_>) -> Verdict<Ambiguous> {
        match failure {
            Failure::Answer(f) if f.status == 429 => Verdict::Retry(Wait::Throttled(f.retry_after)),
            Failure::Answer(f) if f.status >= 500 => Verdict::End(Ambiguous),
            Failure::Answer(_) => Verdict::Stop,
            Failure::NotSent => Verdict::Retry(Wait::Backoff),
            Failure::Timeout | Failure::Lost => Verdict::End(Ambiguous),
        }
    }
}

fn duration(wait: Wait, timing: &RetryPolicy, retry: u32) -> Duration {
    match wait {
        Wait::Backoff => timing.backoff(retry),
        Wait::Throttled(retry_after) => timing.throttle_wait(retry_after, retry),
    }
}

impl Client {
    /// The retry loop: attempts `call` until it is answered with a 2xx, the classifier stops or
    /// ends it, or the budget runs out (then the last attempt's error is returned).
    pub(super) async fn run<C: Classifier>(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
        mut classifier: C,
    ) -> Result<Finished<C::End>, Error> {
        let timing = self.policy();
        let mut budget = timing.budget();
        let mut retry = 0;
        loop {
            let outcome = self.attempt(call, retry + 1, ctx, C::ABORTABLE).await?;
            let (verdict, error) = match outcome {
                Ok(raw) if (200..300).contains(&raw.status) => {
                    return Ok(Finished::Answered(raw));
                }
                Ok(raw) => {
                    let failure = Self::failure(&raw);
                    let verdict = classifier.classify(Failure::Answer(&failure));
                    (verdict, failure.into_error(ctx))
                }
                Err(AttemptFailure::NotSent(class, detail)) => (
                    classifier.classify(Failure::NotSent),
                    self.transport_error(call, class, detail),
                ),
                Err(AttemptFailure::Timeout) => (
                    classifier.classify(Failure::Timeout),
                    self.timeout_error(call),
                ),
                Err(AttemptFailure::Lost(class, detail)) => (
                    classifier.classify(Failure::Lost),
                    self.transport_error(call, class, detail),
                ),
            };
            let wait = match verdict {
                Verdict::Retry(wait) => duration(wait, &timing, retry),
                Verdict::Stop => return Err(error),
                Verdict::End(end) => return Ok(Finished::Ended(end, error)),
            };
            if !budget.spend(wait) {
                return Err(error);
            }
            log_retry(call, retry + 1, wait, &error);
            self.sleep(wait).await?;
            retry += 1;
        }
    }
}

/// The result of an idempotent call.
pub(crate) enum Settled {
    Response(RawResponse),
    /// An earlier ambiguous attempt evidently did the work (e.g. a DELETE
    /// retry answered 404 invalid-id).
    AlreadyDone,
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
        let classifier = Idempotent {
            settled_by: done_after_ambiguous,
            ambiguous_before: false,
        };
        Ok(match self.run(call, ctx, classifier).await? {
            Finished::Answered(raw) => Settled::Response(raw),
            Finished::Ended(AlreadyDone, _) => Settled::AlreadyDone,
        })
    }

    /// One create attempt (see [`Create`]).
    pub(super) async fn create_once(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
    ) -> Result<Finished<Ambiguous>, Error> {
        self.run(call, ctx, Create).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16) -> ApiFailure {
        ApiFailure::parse(status, b"", None)
    }

    fn unknown_id() -> ApiFailure {
        let body = br#"{"type":"https://developer.nexmo.com/api-errors#invalid-id"}"#;
        ApiFailure::parse(404, body, None)
    }

    fn idempotent(settled_by: Option<fn(&ApiFailure) -> bool>) -> Idempotent {
        Idempotent {
            settled_by,
            ambiguous_before: false,
        }
    }

    #[test]
    fn idempotent_calls_retry_everything_but_a_refusal() {
        let throttled = ApiFailure::parse(429, b"", Some(Duration::from_secs(2)));
        let mut c = idempotent(None);
        assert_eq!(
            c.classify(Failure::Answer(&throttled)),
            Verdict::Retry(Wait::Throttled(Some(Duration::from_secs(2))))
        );
        for status in [500, 502, 503] {
            let f = answer(status);
            assert_eq!(
                c.classify(Failure::Answer(&f)),
                Verdict::Retry(Wait::Backoff)
            );
        }
        for failure in [Failure::NotSent, Failure::Timeout, Failure::Lost] {
            assert_eq!(c.classify(failure), Verdict::Retry(Wait::Backoff));
        }
        for status in [400, 401, 403, 404, 409, 422] {
            let f = answer(status);
            assert_eq!(c.classify(Failure::Answer(&f)), Verdict::Stop);
        }
    }

    #[test]
    fn already_done_only_after_an_ambiguous_attempt() {
        let gone = unknown_id();
        let settled_by: fn(&ApiFailure) -> bool = ApiFailure::is_unknown_id;
        // First answer: the id never existed.
        let mut c = idempotent(Some(settled_by));
        assert_eq!(c.classify(Failure::Answer(&gone)), Verdict::Stop);
        // A connection that was never made is not ambiguous.
        let mut c = idempotent(Some(settled_by));
        c.classify(Failure::NotSent);
        assert_eq!(c.classify(Failure::Answer(&gone)), Verdict::Stop);
        for ambiguous in [
            Failure::Timeout,
            Failure::Lost,
            Failure::Answer(&answer(503)),
        ] {
            let mut c = idempotent(Some(settled_by));
            c.classify(ambiguous);
            assert_eq!(
                c.classify(Failure::Answer(&gone)),
                Verdict::End(AlreadyDone)
            );
            // Any other refusal still stops.
            assert_eq!(c.classify(Failure::Answer(&answer(401))), Verdict::Stop);
        }
    }

    #[test]
    fn creates_retry_only_what_did_not_reach_the_server() {
        let mut c = Create;
        let throttled = ApiFailure::parse(429, b"", None);
        assert_eq!(
            c.classify(Failure::Answer(&throttled)),
            Verdict::Retry(Wait::Throttled(None))
        );
        assert_eq!(c.classify(Failure::NotSent), Verdict::Retry(Wait::Backoff));
        for failure in [
            Failure::Timeout,
            Failure::Lost,
            Failure::Answer(&answer(500)),
        ] {
            assert_eq!(c.classify(failure), Verdict::End(Ambiguous));
        }
        assert_eq!(c.classify(Failure::Answer(&answer(422))), Verdict::Stop);
        const { assert!(!Create::ABORTABLE && Idempotent::ABORTABLE) };
    }

    #[test]
    fn waits_follow_the_timing() {
        let timing = RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(30),
        };
        let long = Some(Duration::from_secs(3600));
        assert_eq!(
            duration(Wait::Throttled(long), &timing, 0),
            Duration::from_secs(30)
        );
        assert!(duration(Wait::Throttled(None), &timing, 2) <= Duration::from_millis(400));
        assert!(duration(Wait::Backoff, &timing, 9) <= Duration::from_secs(1));
    }
}
