//! A client of the real plugin socket, as Terraform is one: the provider served in-process by
//! `plugin::server::serve` over a unix socket with mTLS, and a client that presents a
//! go-plugin-like certificate and pins the server's. Shared by `plugin_transport.rs` and
//! `plugin_bad_messages.rs`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::net::UnixStream;
use tokio_util::sync::CancellationToken;
use tonic::transport::{Channel, Endpoint};

use tfvonage::plugin::{server, tls};
use tfvonage::provider::VonageProvider;

/// A client identity shaped like go-plugin's: ECDSA P-521 / SHA-512, CA:TRUE, CN=localhost.
pub struct ClientIdentity {
    pub pem: String,
    pub der: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
}

pub fn go_plugin_like_client_cert() -> ClientIdentity {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = CertificateParams::new(vec!["localhost".into()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "HashiCorp");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).unwrap();
    ClientIdentity {
        pem: cert.pem(),
        der: cert.der().clone(),
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

/// Trusts exactly the server certificate from the handshake, as go-plugin does.
#[derive(Debug)]
struct PinnedServer(
    CertificateDer<'static>,
    rustls::crypto::WebPkiSupportedAlgorithms,
);

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        ee: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        name: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        assert_eq!(name.to_str(), "localhost");
        if ee.as_ref() == self.0.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "unexpected server certificate".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.1)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.1)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.1.supported_schemes()
    }
}

/// A new mTLS connection to `socket`, pinning `server_cert`; with `client`'s certificate, or
/// none (which the provider must refuse).
pub async fn tls_channel(
    socket: PathBuf,
    server_cert: CertificateDer<'static>,
    client: Option<&ClientIdentity>,
) -> Result<Channel, tonic::transport::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedServer(
            server_cert,
            provider.signature_verification_algorithms,
        )));
    let mut config = match client {
        Some(c) => builder
            .with_client_auth_cert(vec![c.der.clone()], c.key.clone_key())
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let (socket, connector) = (socket.clone(), connector.clone());
            async move {
                let stream = UnixStream::connect(socket).await?;
                let tls = connector
                    .connect(ServerName::try_from("localhost").unwrap(), stream)
                    .await?;
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
}

/// A plaintext HTTP/2 connection to `socket` (which the provider must refuse under mTLS).
pub async fn plain_channel(socket: PathBuf) -> Result<Channel, tonic::transport::Error> {
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let socket = socket.clone();
            async move { Ok::<_, std::io::Error>(TokioIo::new(UnixStream::connect(socket).await?)) }
        }))
        .await
}

/// A provider served in-process on a fresh socket with mTLS, trusting `client_pem`.
pub struct Running {
    pub socket: PathBuf,
    pub server_cert: CertificateDer<'static>,
    pub shutdown: CancellationToken,
    pub task: tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
}

pub fn start_in_process(client_pem: &str) -> Running {
    start_provider_in_process(client_pem, VonageProvider)
}

pub fn start_provider_in_process<P: tfvonage::framework::provider::Provider>(
    client_pem: &str,
    provider: P,
) -> Running {
    let socket = server::PluginSocket::bind_in(&std::env::temp_dir()).unwrap();
    let path = socket.path.clone();
    let identity = tls::generate_server_identity().unwrap();
    let config = tls::server_config(&identity, client_pem).unwrap();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(server::serve(
        socket,
        Some(config),
        provider,
        shutdown.clone(),
        CancellationToken::new(),
    ));
    Running {
        socket: path,
        server_cert: identity.cert_der,
        shutdown,
        task,
    }
}

/// The provider, served in-process on a fresh socket with mTLS until `shutdown` fires, with the
/// client identity it trusts.
pub struct ServedProvider {
    pub socket: PathBuf,
    server_cert: CertificateDer<'static>,
    client: ClientIdentity,
    pub shutdown: CancellationToken,
}

impl ServedProvider {
    pub fn start() -> ServedProvider {
        let client = go_plugin_like_client_cert();
        let running = start_in_process(&client.pem);
        ServedProvider {
            socket: running.socket,
            server_cert: running.server_cert,
            client,
            shutdown: running.shutdown,
        }
    }

    /// A new mTLS connection with the pinned client certificate.
    pub async fn channel(&self) -> Channel {
        tls_channel(
            self.socket.clone(),
            self.server_cert.clone(),
            Some(&self.client),
        )
        .await
        .unwrap()
    }
}

impl Drop for ServedProvider {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
