//! Containing panics: a panic inside an RPC becomes an error diagnostic, not a dropped
//! stream (which Terraform reports as "Request cancelled"), and the process keeps serving.
//!
//! [`CatchPanic`] polls an RPC's future inside `catch_unwind`. [`install_hook`] replaces the
//! process's panic hook once: a panic inside an RPC (on the RPC's own task, or on a task it
//! spawned with its logging context) is logged with its location only, and every other panic
//! goes to the previous hook unchanged. The build keeps `panic = "unwind"`
//! for this.
//!
//! Must not: keep, log or answer with a panic's payload. Its message can quote a value, and
//! values can be secrets; the location (file, line, column) is all that leaves.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Once;
use std::task::{Context, Poll};

use crate::logging;

thread_local! {
    /// How many RPC futures this thread is polling right now.
    static IN_RPC: Cell<u32> = const { Cell::new(0) };
    /// Where the last panic inside an RPC on this thread happened.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A panic caught inside an RPC.
#[derive(Debug)]
pub struct Panicked {
    /// `file:line:column`, when known.
    pub location: Option<String>,
}

/// A future whose panics come out as `Err(Panicked)`.
pub struct CatchPanic<F> {
    inner: Pin<Box<F>>,
}

impl<F: Future> CatchPanic<F> {
    pub fn new(inner: F) -> Self {
        CatchPanic {
            inner: Box::pin(inner),
        }
    }
}

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, Panicked>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.inner.as_mut();
        IN_RPC.with(|n| n.set(n.get() + 1));
        let polled = catch_unwind(AssertUnwindSafe(|| inner.poll(cx)));
        IN_RPC.with(|n| n.set(n.get() - 1));
        match polled {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            // The payload is dropped here, unread.
            Err(_) => Poll::Ready(Err(Panicked {
                location: LOCATION.with(|l| l.borrow_mut().take()),
            })),
        }
    }
}

/// Install the RPC-aware panic hook, once per process.
pub fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Inside an RPC: polled by `CatchPanic` on this thread, or on a task an RPC spawned
            // with its logging context (an action's work, a listing's producer), whose panic
            // its supervisor answers with a diagnostic.
            let in_rpc = IN_RPC.with(Cell::get) > 0 || logging::RpcContext::current().is_some();
            if !in_rpc {
                return previous(info);
            }
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            logging::error(
                "panic inside an RPC; it is answered with an error diagnostic",
                &[("location", location.as_deref().unwrap_or("unknown"))],
            );
            LOCATION.with(|l| *l.borrow_mut() = location);
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_inside_is_caught_with_its_location_and_without_its_payload() {
        install_hook();
        let ok = CatchPanic::new(async { 7 }).await;
        assert_eq!(ok.unwrap(), 7);
        let caught = CatchPanic::new(async {
            tokio::task::yield_now().await;
            if std::hint::black_box(true) {
                panic!("the secret is Hunter2secret");
            }
        })
        .await
        .unwrap_err();
        let location = caught.location.clone().expect("a location");
        assert!(
            location.starts_with("src/tfplugin/panic_guard.rs:"),
            "{location}"
        );
        assert!(!format!("{caught:?}").contains("Hunter2secret"));
    }

    #[tokio::test]
    async fn a_panic_on_a_task_an_rpc_spawned_is_logged_without_its_payload() {
        install_hook();
        logging::captured::start();
        let context = logging::RpcContext::new("InvokeAction", Some(("tf_action_type", "x")));
        let joined = context
            .scope(async {
                tokio::spawn(logging::in_current_context(async {
                    if std::hint::black_box(true) {
                        panic!("the secret is Hunter3secret");
                    }
                }))
                .await
            })
            .await;
        assert!(joined.unwrap_err().is_panic());
        let lines = logging::captured::take();
        let line = lines
            .iter()
            .find(|l| {
                l["@message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("panic inside"))
            })
            .expect("the hook logged the panic as one inside an RPC (so not the default hook)");
        assert_eq!(line["tf_rpc"], "InvokeAction");
        assert!(!line.to_string().contains("Hunter3secret"));
    }
}
