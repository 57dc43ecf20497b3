//! The gRPC services every go-plugin server offers besides the provider itself.
//!
//! - `grpc.health.v1.Health` with service `plugin` SERVING (go-plugin's `Ping`);
//! - `plugin.GRPCController/Shutdown`, which Terraform calls on every provider `Close()`:
//!   it fires the shutdown token, and the server stops once the answer is flushed
//!   (see `exit::Exit`);
//! - `plugin.GRPCStdio/StreamStdio`, a stream that stays open and carries nothing, because we
//!   never write to stdout or stderr through it (logs go to stderr directly);
//! - `plugin.GRPCBroker`, which providers do not use; Terraform ignores its error.
//!
//! Must not: stop in-flight work on `StopProvider`; that is the provider service's job.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status};

use super::exit::Exit;
use crate::logging;
use crate::tfplugin::goplugin;

pub struct Controller {
    pub shutdown: CancellationToken,
    pub exit: Arc<Exit>,
}

#[tonic::async_trait]
impl goplugin::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(
        &self,
        _: Request<goplugin::Empty>,
    ) -> Result<Response<goplugin::Empty>, Status> {
        logging::enter_phase(logging::Phase::Shutdown);
        logging::debug("GRPCController.Shutdown: shutting down", &[]);
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
