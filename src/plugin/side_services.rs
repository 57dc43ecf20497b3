//! The gRPC services every go-plugin server offers besides the provider itself.
//!
//! - `grpc.health.v1.Health` with service `plugin` SERVING (go-plugin's `Ping`);
//! - `plugin.GRPCController/Shutdown`, which Terraform calls on every provider `Close()`:
//!   it first closes the ephemeral resources Terraform left open (a run that failed skips their
//!   close), all at once and within [`SHUTDOWN_CLOSE_LIMIT`], then fires the shutdown token, and
//!   the server stops once the answer is flushed (see `exit::Exit`);
//! - `plugin.GRPCStdio/StreamStdio`, a stream that stays open and carries nothing, because we
//!   never write to stdout or stderr through it (logs go to stderr directly);
//! - `plugin.GRPCBroker`, which providers do not use; Terraform ignores its error.
//!
//! Must not: stop in-flight work on `StopProvider`; that is the provider service's job.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status};

use super::exit::Exit;
use crate::framework::left_open::Closed;
use crate::logging;
use crate::tfplugin::goplugin;

/// How long Shutdown may spend closing what Terraform left open. go-plugin waits 2 s for the
/// process to exit once Shutdown is answered, and kills it then; the closes run before the
/// answer, all at once, and this leaves that whole margin whichever way Terraform counts.
pub const SHUTDOWN_CLOSE_LIMIT: Duration = Duration::from_millis(1500);

/// Closes, within the limit it is given, the ephemeral resources Terraform left open (the
/// provider service's `close_left_open`).
pub type CloseLeftOpen =
    Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = Closed> + Send>> + Send + Sync>;

/// Logs what closing the left-open resources did, `when` naming the occasion; quiet when
/// nothing was left open.
pub fn log_closed(closed: &Closed, when: &str) {
    if closed.closed > 0 {
        let count = closed.closed.to_string();
        let fields = [("when", when), ("count", count.as_str())];
        logging::info("closed ephemeral resources Terraform left open", &fields);
    }
    for failure in &closed.failed {
        let fields = [("when", when), ("failure", failure.as_str())];
        logging::warn(
            "an ephemeral resource Terraform left open was not closed",
            &fields,
        );
    }
}

pub struct Controller {
    pub shutdown: CancellationToken,
    pub exit: Arc<Exit>,
    pub close_left_open: CloseLeftOpen,
}

#[tonic::async_trait]
impl goplugin::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(
        &self,
        _: Request<goplugin::Empty>,
    ) -> Result<Response<goplugin::Empty>, Status> {
        logging::enter_phase(logging::Phase::Shutdown);
        logging::debug("GRPCController.Shutdown: shutting down", &[]);
        let closed = (self.close_left_open)(SHUTDOWN_CLOSE_LIMIT).await;
        log_closed(&closed, "GRPCController.Shutdown");
        self.exit.shutdown_answered();
        self.shutdown.cancel();
        Ok(Response::new(goplugin::Empty {}))
    }
}

pub struct Stdio;

#[tonic::async_trait]
impl goplugin::grpc_stdio_server::GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _: Request<()>,
    ) -> Result<Response<BoxStream<goplugin::StdioData>>, Status> {
        Ok(Response::new(Box::pin(tokio_stream::pending())))
    }
}

pub struct Broker;

#[tonic::async_trait]
impl goplugin::grpc_broker_server::GrpcBroker for Broker {}
