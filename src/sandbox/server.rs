//! The socket side: accept loop, optional TLS handshake, HTTP/1.1 and h2 via
//! hyper-util's auto builder, the peer's address on every request (as
//! axum's `ConnectInfo`, for the admin API's loopback check), and turning a
//! fault's [`ConnectionDrop`] into a connection closed without a response.
//!
//! Owns: connections. Must not: know about routes or state (it serves any
//! `Router`).

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::middleware::ConnectionDrop;

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// Serves `app` on `listener` until the process ends.
pub async fn serve(listener: TcpListener, app: Router, tls: Option<TlsAcceptor>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("vonage-sandbox: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(stream, peer, app.clone(), tls.clone()));
    }
}

async fn connection(stream: TcpStream, peer: SocketAddr, app: Router, tls: Option<TlsAcceptor>) {
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move {
            let response: Response<Body> = match app.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if response.extensions().get::<ConnectionDrop>().is_some() {
                return Err(Dropped);
            }
            Ok::<_, Dropped>(response)
        }
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let served = match tls {
        None => {
            builder
                .serve_connection(TokioIo::new(stream), service)
                .await
        }
        Some(acceptor) => match acceptor.accept(stream).await {
            Ok(tls_stream) => {
                builder
                    .serve_connection(TokioIo::new(tls_stream), service)
                    .await
            }
            Err(_) => return,
        },
    };
    // Errors here are peers hanging up or injected drops: nothing to report.
    let _ = served;
}
