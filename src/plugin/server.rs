//! The accept loop: a unix socket, TLS per connection, and the tonic server on top.
//!
//! Each accepted connection is TLS-handshaken in its own task (a slow or hostile client must
//! not hold up others) and handed to tonic through a channel. A refused handshake is logged
//! and dropped. The socket file is removed when the server stops.
//!
//! Stopping ([`Exit`], in `exit`): Terraform calls `GRPCController.Shutdown` once every RPC it made has
//! been answered, then waits for the process to exit. The server stops as soon as that answer
//! is flushed to the socket, without waiting for Terraform to close the connection (a graceful
//! HTTP/2 close costs each of the several processes per command a round trip). If a provider
//! RPC is still in flight when Shutdown comes, the server stops gracefully instead: the RPC is
//! answered first.
//!
//! When Terraform is gone (`orphaned` fires: see `parent_watch`), nobody will call Shutdown: the
//! server closes what Terraform left open within [`ORPHANED_CLOSE_LIMIT`] and stops at once.
//!
//! Must not: decide policy (which certificate to pin, when to stop); `plugin::run` does.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{UnixListener, UnixStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::server::NamedService;
use tonic::transport::server::Connected;

use super::exit::{Exit, InFlight};
use super::side_services::{Broker, CloseLeftOpen, Controller, Stdio, log_closed};
use crate::framework::provider::Provider;
use crate::logging;
use crate::tfplugin::{ProviderService, goplugin, proto};

/// Largest message either side may send: Terraform's client allows up to 2 GiB;
/// Go providers accept 256 MiB, and so do we.
const MAX_MESSAGE: usize = 256 << 20;

/// How long a provider whose Terraform died spends closing what was left open (revoking run
/// secrets) before it exits: it must be gone within 2 s of Terraform.
pub const ORPHANED_CLOSE_LIMIT: Duration = Duration::from_secs(1);

/// A connection, with or without TLS, that reports its flushes to [`Exit`].
pub struct PluginStream {
    io: Io,
    exit: Arc<Exit>,
}

enum Io {
    Plain(UnixStream),
    Tls(Box<TlsStream<UnixStream>>),
}

impl Connected for PluginStream {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for PluginStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for PluginStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().io {
            Io::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let flushed = match &mut this.io {
            Io::Plain(s) => Pin::new(s).poll_flush(cx),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        };
        if let Poll::Ready(Ok(())) = flushed {
            this.exit.flushed();
        }
        flushed
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().io {
            Io::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }
    fn is_write_vectored(&self) -> bool {
        match &self.io {
            Io::Plain(s) => s.is_write_vectored(),
            Io::Tls(s) => s.is_write_vectored(),
        }
    }
}

/// The provider service, counting its RPCs in flight for [`Exit`].
#[derive(Clone)]
struct Counted<S> {
    inner: S,
    exit: Arc<Exit>,
}

impl<S: NamedService> NamedService for Counted<S> {
    const NAME: &'static str = S::NAME;
}

impl<S, R> tower::Service<R> for Counted<S>
where
    S: tower::Service<R, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let in_flight = InFlight::enter(&self.exit);
        let answer = self.inner.call(request);
        Box::pin(async move {
            let answer = answer.await;
            drop(in_flight);
            answer
        })
    }
}

/// A bound socket whose file is removed when dropped.
pub struct PluginSocket {
    pub path: PathBuf,
    listener: UnixListener,
}

impl PluginSocket {
    /// Bind `plugin<random>` in `dir` (go-plugin's naming), like `os.CreateTemp(dir, "plugin*")`.
    /// The socket is readable and writable by its owner only, whatever the umask: no other
    /// user of the machine may even try the TLS handshake.
    pub fn bind_in(dir: &Path) -> io::Result<PluginSocket> {
        use std::os::unix::fs::PermissionsExt;
        for _ in 0..16 {
            let path = dir.join(format!("plugin{}", rand::random::<u32>()));
            match UnixListener::bind(&path) {
                Ok(listener) => {
                    let socket = PluginSocket { path, listener };
                    std::fs::set_permissions(&socket.path, std::fs::Permissions::from_mode(0o600))?;
                    return Ok(socket);
                }
                Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AddrInUse,
            "no free socket name",
        ))
    }
}

impl Drop for PluginSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Serve the provider and the side services on `socket` until `shutdown` fires: at once when
/// `GRPCController.Shutdown` fired it and its answer is flushed, else gracefully (in-flight RPCs
/// are answered, connections closed). When `orphaned` fires (Terraform died), it closes what
/// was left open and returns at once, in-flight RPCs or not.
pub async fn serve<P: Provider>(
    socket: PluginSocket,
    tls: Option<Arc<rustls::ServerConfig>>,
    provider: P,
    shutdown: CancellationToken,
    orphaned: CancellationToken,
) -> Result<(), tonic::transport::Error> {
    let (tx, rx) = tokio::sync::mpsc::channel::<io::Result<PluginStream>>(16);
    let exit = Arc::new(Exit::default());
    let stream_exit = exit.clone();
    let acceptor = tls.map(TlsAcceptor::from);
    let accept_shutdown = shutdown.clone();
    let accept_loop = async move {
        loop {
            let stream = tokio::select! {
                r = socket.listener.accept() => match r {
                    Ok((s, _)) => s,
                    Err(e) => {
                        logging::warn("accept failed", &[("error", &e.to_string())]);
                        continue;
                    }
                },
                _ = accept_shutdown.cancelled() => break,
            };
            let tx = tx.clone();
            let exit = stream_exit.clone();
            match acceptor.clone() {
                None => {
                    let stream = PluginStream {
                        io: Io::Plain(stream),
                        exit,
                    };
                    let _ = tx.send(Ok(stream)).await;
                }
                Some(acceptor) => {
                    tokio::spawn(async move {
                        match acceptor.accept(stream).await {
                            Ok(s) => {
                                logging::trace(
                                    "TLS connection accepted with the pinned client certificate",
                                    &[],
                                );
                                let stream = PluginStream {
                                    io: Io::Tls(Box::new(s)),
                                    exit,
                                };
                                let _ = tx.send(Ok(stream)).await;
                            }
                            Err(e) => logging::warn(
                                "refused a TLS connection",
                                &[("error", &e.to_string())],
                            ),
                        }
                    });
                }
            }
        }
        drop(socket);
    };
    tokio::spawn(accept_loop);

    let (health_reporter, health) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;

    let service = Arc::new(ProviderService::new(provider));
    let closer = service.clone();
    let close_left_open: CloseLeftOpen = Arc::new(move |limit| {
        let service = closer.clone();
        Box::pin(async move { service.close_left_open(limit).await })
    });
    let provider_service = Counted {
        inner: proto::provider_server::ProviderServer::from_arc(service)
            .max_decoding_message_size(MAX_MESSAGE)
            .max_encoding_message_size(MAX_MESSAGE),
        exit: exit.clone(),
    };
    let server = tonic::transport::Server::builder()
        .add_service(health)
        .add_service(goplugin::grpc_controller_server::GrpcControllerServer::new(
            Controller {
                shutdown: shutdown.clone(),
                exit: exit.clone(),
                close_left_open: close_left_open.clone(),
            },
        ))
        .add_service(goplugin::grpc_stdio_server::GrpcStdioServer::new(Stdio))
        .add_service(goplugin::grpc_broker_server::GrpcBrokerServer::new(Broker))
        .add_service(provider_service)
        .serve_with_incoming_shutdown(ReceiverStream::new(rx), shutdown.cancelled_owned());
    tokio::select! {
        stopped = server => stopped,
        () = exit.answered_and_flushed() => {
            logging::debug("GRPCController.Shutdown answered: exiting", &[]);
            Ok(())
        }
        () = orphaned.cancelled() => {
            let closed = close_left_open(ORPHANED_CLOSE_LIMIT).await;
            log_closed(&closed, "Terraform exited");
            Ok(())
        }
    }
}
