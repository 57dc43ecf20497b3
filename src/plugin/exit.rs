//! When the plugin server may stop: [`Exit`], shared by the accept loop (`server`), which
//! counts flushes and RPCs in flight, and `GRPCController.Shutdown` (`side_services`), which
//! arms it.
//!
//! Terraform calls `GRPCController.Shutdown` once every RPC it made has been answered, then
//! waits for the process to exit. The server stops as soon as that answer is flushed to the
//! socket; with a provider RPC still in flight it stops gracefully instead (see `server`).
//!
//! Must not: stop anything itself, or know about sockets and services; it only counts and
//! tells.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio::sync::Notify;

/// When the server may stop: `GRPCController.Shutdown` answered, the answer flushed, and no
/// provider RPC in flight.
#[derive(Default)]
pub struct Exit {
    /// Connection flushes completed so far.
    flushes: AtomicU64,
    /// The flush count that means "the Shutdown answer is on the socket"; 0 until Shutdown.
    flushed_at: AtomicU64,
    /// Provider RPCs being served.
    in_flight: AtomicUsize,
    changed: Notify,
}

impl Exit {
    /// Called by `GRPCController.Shutdown` before it answers: the next flush carries the answer.
    /// With a provider RPC in flight nothing is armed, and the server stops gracefully.
    pub fn shutdown_answered(&self) {
        if self.in_flight.load(Ordering::SeqCst) == 0 {
            let next = self.flushes.load(Ordering::SeqCst) + 1;
            self.flushed_at.store(next, Ordering::SeqCst);
        }
    }

    pub(super) fn flushed(&self) {
        self.flushes.fetch_add(1, Ordering::SeqCst);
        if self.flushed_at.load(Ordering::SeqCst) != 0 {
            self.changed.notify_waiters();
        }
    }

    fn ready(&self) -> bool {
        let at = self.flushed_at.load(Ordering::SeqCst);
        at != 0 && self.flushes.load(Ordering::SeqCst) >= at
    }

    /// Resolves once the Shutdown answer has been flushed (never, if Shutdown found work in flight).
    pub(super) async fn answered_and_flushed(&self) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.ready() {
                return;
            }
            changed.await;
        }
    }
}

/// One RPC in flight; counted down when the RPC's answer is ready (or it is dropped).
pub(super) struct InFlight(Arc<Exit>);

impl InFlight {
    pub(super) fn enter(exit: &Arc<Exit>) -> InFlight {
        exit.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(exit.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}
