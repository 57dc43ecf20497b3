//! The deadline of the operation the current task serves: when a resource's `timeouts` block
//! gives the operation a limit, the framework sets it here ([`within`]), and the API client's
//! retry loop reads it ([`current`]) so that it starts no wait that would end after it. An
//! operation without a limit (data sources, ephemeral resources, actions, list resources,
//! plan-time checks, or a resource without `timeouts`) has no deadline, and retrying is bounded
//! by the provider's `retry_max_seconds` alone.
//!
//! It sits beside the chain, like `logging`, so that `framework` (which sets it) and `vonage`
//! (which reads it) need not know each other.
//!
//! Must not: know what an operation or a request is; hold anything but an instant.

use std::future::Future;
use std::time::{Duration, Instant};

tokio::task_local! {
    /// When the operation the current task serves must be done.
    static DEADLINE: Instant;
}

/// Runs `fut` with a deadline `limit` from now (none when `limit` is `None`). Inside an
/// operation that already has an earlier deadline, the earlier one stays.
pub async fn within<F: Future>(limit: Option<Duration>, fut: F) -> F::Output {
    let Some(limit) = limit else {
        return fut.await;
    };
    let mine = Instant::now().checked_add(limit);
    match (mine, current()) {
        (Some(mine), Some(outer)) => DEADLINE.scope(mine.min(outer), fut).await,
        (Some(mine), None) => DEADLINE.scope(mine, fut).await,
        (None, _) => fut.await,
    }
}

/// The deadline of the operation the current task serves, if it has one.
pub fn current() -> Option<Instant> {
    DEADLINE.try_with(|d| *d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_limit_sets_a_deadline_and_an_inner_one_never_extends_it() {
        assert_eq!(current(), None);
        let before = Instant::now();
        let outer = within(Some(Duration::from_secs(10)), async {
            let outer = current().expect("set");
            assert!(outer >= before + Duration::from_secs(10));
            let inner = within(Some(Duration::from_secs(3600)), async { current() }).await;
            assert_eq!(
                inner,
                Some(outer),
                "a longer inner limit keeps the outer deadline"
            );
            let shorter = within(Some(Duration::from_secs(1)), async { current() }).await;
            assert!(shorter.unwrap() < outer);
            assert_eq!(within(None, async { current() }).await, Some(outer));
            outer
        })
        .await;
        assert!(outer > before);
        assert_eq!(current(), None, "only inside");
    }
}
