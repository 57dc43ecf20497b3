//! The one retry loop, and the classifiers that tell it, for each failed attempt, what to do.
//!
//! [`Client::run`] makes attempts at a call until one is answered with a 2xx or its
//! [`Classifier`] stops it. Every attempt takes a rate-limiter slot and is logged (see `call.rs`
//! and `request_log.rs`); every wait is logged, observes cancellation, and is spent from the
//! call's [`RetryBudget`](super::retry::RetryBudget): `retry_max_seconds` from the first
//! attempt, the deadline of the operation the call serves, and `max_retries` when set. For each failure the classifier returns a
//! [`Verdict`]: try again after a [`Wait`], stop with this attempt's error, or end the call with
//! the classifier's own outcome, which only some kinds of call have:
//!
//! * [`Repeatable`] ([`Client::idempotent`]) — reads, the settings POST, the subaccount PATCH:
//!   retried on 429 (after `Retry-After`), 5xx, timeouts and connections lost or never made,
//!   with backoff and full jitter, until the call's budget of time runs out. A refused
//!   connection, a name that does not resolve and an untrusted certificate are not transient:
//!   they stop at once, naming the URL. It has no outcome of its own, so it returns a 2xx answer
//!   or an error.
//! * [`SettledBy`] ([`Client::idempotent_settled_by`]) — DELETE and number transfer: retried
//!   the same way, and a failure the caller names (404 invalid-id, 409 already owned), seen
//!   after an ambiguous attempt, ends it as [`AlreadyDone`].
//! * [`Create`] (`reconcile.rs`) — a create: retried only when the request provably did not
//!   reach the server (connect failure, 429). A 5xx, a timeout or a connection lost after
//!   sending ends it as [`Ambiguous`], and reconciliation takes over. Its exchange is not
//!   aborted by cancellation: once sent, a create is answered, so its outcome is known rather
//!   than abandoned.
//!
//! Why a read cannot come back "already done": a classifier's outcome is its associated type
//! `End`, and [`Repeatable`]'s is `Infallible`, which has no value. So [`Client::idempotent`]
//! returns `Result<RawResponse, Error>`, and a list read has no way to turn "already done" into
//! an empty list, the answer the provider's last-secret guard would trust. Only a call that
//! names its settling failure gets a [`Settled`] to match on; the compiler, not a comment, keeps
//! the outcome out of reads.
//!
//! Must not: repeat a create whose outcome is unknown, wait without observing cancellation, or
//! know what a call is for (the operation modules choose its kind).

use std::convert::Infallible;
use std::time::Duration;

use super::call::{AttemptFailure, Call, RawResponse, is_dot_segment};
use super::client::Client;
use super::errors::{ApiFailure, Error, ErrorContext, TransportClass};
use super::rate_limit::pause_after_429;
use super::request_log::log_retry;
use super::retry::RetryPolicy;

/// How one attempt failed, as a classifier sees it.
#[derive(Clone, Copy)]
pub(super) enum Failure<'a> {
    /// An answer outside 2xx.
    Answer(&'a ApiFailure),
    /// Never connected: the request did not reach the server.
    NotSent(TransportClass),
    /// Sent, but no complete answer within the timeout.
    Timeout,
    /// Sent, then the connection failed.
    Lost,
}

impl Failure<'_> {
    /// Whether the server may have acted on the request: a 5xx, a timeout, or a connection lost
    /// after the request went out.
    pub fn is_ambiguous(self) -> bool {
        match self {
            Failure::Answer(f) => f.status >= 500,
            Failure::NotSent(_) => false,
            Failure::Timeout | Failure::Lost => true,
        }
    }
}

/// Whether a connection that was never made is worth another try: a refused connection (nothing
/// listens there), a name that does not resolve and an untrusted certificate point at the
/// configuration, and another attempt would meet the same.
fn transient(class: TransportClass) -> bool {
    !matches!(
        class,
        TransportClass::Refused | TransportClass::Dns | TransportClass::Tls
    )
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

/// A call that is safe to repeat (a read, the settings POST, a PATCH): retried on 429, on what
/// did not reach the server and on what may have (5xx, timeouts, lost connections). It cannot
/// end "already done": its `End` has no value.
pub(super) struct Repeatable;

impl Classifier for Repeatable {
    type End = Infallible;
    const ABORTABLE: bool = true;

    fn classify(&mut self, failure: Failure<'_>) -> Verdict<Infallible> {
        match failure {
            Failure::Answer(f) if f.status == 429 => Verdict::Retry(Wait::Throttled(f.retry_after)),
            Failure::NotSent(class) if transient(class) => Verdict::Retry(Wait::Backoff),
            _ if failure.is_ambiguous() => Verdict::Retry(Wait::Backoff),
            _ => Verdict::Stop,
        }
    }
}

/// A repeatable call whose repetition can fail *because* an earlier attempt worked (a DELETE
/// answered 404 invalid-id, a number transfer 409 already owned): retried as [`Repeatable`], and
/// a failure `settled_by` accepts, seen after an ambiguous attempt, ends it as [`AlreadyDone`].
/// When the budget runs out after an ambiguous attempt, the call may have happened: it ends as
/// [`Settled::Unknown`], for the caller to check.
pub(super) struct SettledBy {
    settled_by: fn(&ApiFailure) -> bool,
    ambiguous_before: bool,
}

impl SettledBy {
    pub fn new(settled_by: fn(&ApiFailure) -> bool) -> SettledBy {
        SettledBy {
            settled_by,
            ambiguous_before: false,
        }
    }
}

/// An earlier ambiguous attempt evidently did the work.
#[derive(Debug, PartialEq)]
pub(super) struct AlreadyDone;

impl Classifier for SettledBy {
    type End = AlreadyDone;
    const ABORTABLE: bool = Repeatable::ABORTABLE;

    fn classify(&mut self, failure: Failure<'_>) -> Verdict<AlreadyDone> {
        match (Repeatable.classify(failure), failure) {
            (Verdict::Retry(wait), _) => {
                self.ambiguous_before |= failure.is_ambiguous();
                Verdict::Retry(wait)
            }
            (Verdict::Stop, Failure::Answer(f))
                if self.ambiguous_before && (self.settled_by)(f) =>
            {
                Verdict::End(AlreadyDone)
            }
            (Verdict::Stop, _) => Verdict::Stop,
            (Verdict::End(never), _) => match never {},
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
            Failure::NotSent(class) if transient(class) => Verdict::Retry(Wait::Backoff),
            _ if failure.is_ambiguous() => Verdict::End(Ambiguous),
            _ => Verdict::Stop,
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
        classifier: &mut C,
    ) -> Result<Finished<C::End>, Error> {
        if let Some(step) = call.segments.iter().find(|s| is_dot_segment(s)) {
            return Err(Error::InvalidConfig {
                detail: format!(
                    "refusing to {}: `{step}` would be read as a step of the URL path, not as a \
                     name",
                    call.operation
                ),
            });
        }
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
                    if failure.status == 429 {
                        let pause = pause_after_429(failure.retry_after, timing.max_retry_after);
                        self.shared.pacer.throttled(pause);
                    }
                    let verdict = classifier.classify(Failure::Answer(&failure));
                    let error = if failure.status == 404 && !failure.names_a_missing_object() {
                        Error::NoSuchPath {
                            url: self.shown_url(call),
                            setting: call.host.setting(),
                        }
                    } else {
                        failure.into_error(ctx)
                    };
                    (verdict, error)
                }
                Err(AttemptFailure::NotSent(class, detail)) => (
                    classifier.classify(Failure::NotSent(class)),
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

/// The result of a call that an earlier attempt may already have done.
pub(crate) enum Settled {
    // No caller reads the body today (a revoke answers 204; number transfers are reconciled).
    #[allow(dead_code)]
    Response(RawResponse),
    /// An earlier ambiguous attempt evidently did the work (e.g. a DELETE retry answered 404
    /// invalid-id).
    AlreadyDone,
    /// The retries ran out after an attempt that may have done the work (a lost answer, a
    /// timeout, a 5xx): whether it did is for the caller to check. The error is the last
    /// attempt's.
    Unknown(Error),
}

impl Client {
    /// Runs a call that is safe to repeat (see [`Repeatable`]): a 2xx answer or an error, never
    /// "already done".
    pub(crate) async fn idempotent(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
    ) -> Result<RawResponse, Error> {
        match self.run(call, ctx, &mut Repeatable).await? {
            Finished::Answered(raw) => Ok(raw),
            Finished::Ended(never, _) => match never {},
        }
    }

    /// Runs a call that is safe to repeat and whose repetition may fail because an earlier
    /// attempt did the work: `settled_by` names that failure (see [`SettledBy`]).
    pub(crate) async fn idempotent_settled_by(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
        settled_by: fn(&ApiFailure) -> bool,
    ) -> Result<Settled, Error> {
        let mut classifier = SettledBy::new(settled_by);
        match self.run(call, ctx, &mut classifier).await {
            Ok(Finished::Answered(raw)) => Ok(Settled::Response(raw)),
            Ok(Finished::Ended(AlreadyDone, _)) => Ok(Settled::AlreadyDone),
            Err(Error::Cancelled) => Err(Error::Cancelled),
            Err(e) if classifier.ambiguous_before => Ok(Settled::Unknown(e)),
            Err(e) => Err(e),
        }
    }

    /// One create attempt (see [`Create`]).
    pub(super) async fn create_once(
        &self,
        call: &Call,
        ctx: &ErrorContext<'_>,
    ) -> Result<Finished<Ambiguous>, Error> {
        self.run(call, ctx, &mut Create).await
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

    #[test]
    fn repeatable_calls_retry_everything_but_a_refusal() {
        let throttled = ApiFailure::parse(429, b"", Some(Duration::from_secs(2)));
        let mut c = Repeatable;
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
        let not_sent = Failure::NotSent(TransportClass::Dropped);
        for failure in [not_sent, Failure::Timeout, Failure::Lost] {
            assert_eq!(c.classify(failure), Verdict::Retry(Wait::Backoff));
        }
        // What points at the configuration is not retried: it would fail the same way.
        for class in [
            TransportClass::Refused,
            TransportClass::Dns,
            TransportClass::Tls,
        ] {
            assert_eq!(c.classify(Failure::NotSent(class)), Verdict::Stop);
            assert_eq!(Create.classify(Failure::NotSent(class)), Verdict::Stop);
        }
        // An unknown id after an ambiguous attempt is a plain refusal for a repeatable call.
        c.classify(Failure::Timeout);
        for f in [
            answer(400),
            answer(401),
            answer(403),
            unknown_id(),
            answer(409),
        ] {
            assert_eq!(c.classify(Failure::Answer(&f)), Verdict::Stop);
        }
    }

    #[test]
    fn settled_by_retries_as_repeatable_and_settles_only_after_an_ambiguous_attempt() {
        let gone = unknown_id();
        let settled_by: fn(&ApiFailure) -> bool = ApiFailure::is_unknown_id;
        let throttled = ApiFailure::parse(429, b"", None);
        let failures = [
            Failure::Answer(&throttled),
            Failure::NotSent(TransportClass::Other),
            Failure::Timeout,
            Failure::Lost,
            Failure::Answer(&gone),
            Failure::Answer(&throttled),
        ];
        for failure in failures {
            let verdict = SettledBy::new(settled_by).classify(failure);
            let plain = match Repeatable.classify(failure) {
                Verdict::Retry(wait) => Verdict::Retry(wait),
                Verdict::Stop => Verdict::Stop,
                Verdict::End(never) => match never {},
            };
            assert_eq!(verdict, plain);
        }
        // First answer: the id never existed.
        let mut c = SettledBy::new(settled_by);
        assert_eq!(c.classify(Failure::Answer(&gone)), Verdict::Stop);
        // Neither a connection never made nor a 429 is ambiguous.
        let mut c = SettledBy::new(settled_by);
        c.classify(Failure::NotSent(TransportClass::Other));
        c.classify(Failure::Answer(&throttled));
        assert_eq!(c.classify(Failure::Answer(&gone)), Verdict::Stop);
        let unavailable = answer(503);
        for ambiguous in [
            Failure::Timeout,
            Failure::Lost,
            Failure::Answer(&unavailable),
        ] {
            let mut c = SettledBy::new(settled_by);
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
        assert_eq!(
            c.classify(Failure::NotSent(TransportClass::Other)),
            Verdict::Retry(Wait::Backoff)
        );
        for failure in [
            Failure::Timeout,
            Failure::Lost,
            Failure::Answer(&answer(500)),
        ] {
            assert_eq!(c.classify(failure), Verdict::End(Ambiguous));
        }
        assert_eq!(c.classify(Failure::Answer(&answer(422))), Verdict::Stop);
        const { assert!(!Create::ABORTABLE && Repeatable::ABORTABLE && SettledBy::ABORTABLE) };
    }

    #[test]
    fn waits_follow_the_timing() {
        let timing = RetryPolicy {
            max_retries: Some(3),
            max_elapsed: Duration::from_secs(90),
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
