//! `--tls`: a fresh self-signed certificate and the rustls acceptor using it.
//!
//! Owns: generating a certificate for `IP:127.0.0.1` and `DNS:localhost`
//! (rcgen, aws-lc-rs), writing its PEM (certificate only, never the key) for
//! clients to trust (`REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`, reqwest
//! roots), and the server config with ALPN `h2` and `http/1.1`.
//! Must not: accept connections (see `server`).

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// A generated certificate and the acceptor serving it.
pub struct SelfSignedTls {
    pub acceptor: TlsAcceptor,
    pub cert_pem: String,
}

#[derive(Debug)]
pub struct TlsSetupError(String);

impl fmt::Display for TlsSetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLS setup failed: {}", self.0)
    }
}

impl std::error::Error for TlsSetupError {}

/// Generates the certificate and builds the acceptor.
pub fn self_signed() -> Result<SelfSignedTls, TlsSetupError> {
    let err = |e: &dyn fmt::Display| TlsSetupError(e.to_string());
    let generated =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .map_err(|e| err(&e))?;
    let cert_der = generated.cert.der().clone();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        generated.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(&e))?
        .with_no_client_auth()
        .with_single_cert(vec![cert_der], key_der)
        .map_err(|e| err(&e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(SelfSignedTls {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        cert_pem: generated.cert.pem(),
    })
}

/// Writes the certificate PEM to `path`.
pub fn write_cert(path: &Path, pem: &str) -> Result<(), TlsSetupError> {
    std::fs::write(path, pem)
        .map_err(|e| TlsSetupError(format!("cannot write {}: {e}", path.display())))
}
