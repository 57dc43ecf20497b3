//! A client of the real plugin socket, as Terraform is one: the provider served in-process by
//! `plugin::server::serve` over a unix socket with mTLS, and a client that presents a
//! go-plugin-like certificate and pins the server's.
//!
//! (tests/plugin_transport.rs has its own copy of these helpers, from before this module.)

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
    der: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
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
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
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

/// The provider, served in-process on a fresh socket with mTLS until `shutdown` fires.
pub struct ServedProvider {
    pub socket: PathBuf,
    server_cert: CertificateDer<'static>,
    client: ClientIdentity,
    pub shutdown: CancellationToken,
}

impl ServedProvider {
    pub fn start() -> ServedProvider {
        let client = go_plugin_like_client_cert();
        let socket = server::PluginSocket::bind_in(&std::env::temp_dir()).unwrap();
        let path = socket.path.clone();
        let identity = tls::generate_server_identity().unwrap();
        let config = tls::server_config(&identity, &client.pem).unwrap();
        let shutdown = CancellationToken::new();
        tokio::spawn(server::serve(
            socket,
            Some(config),
            VonageProvider,
            shutdown.clone(),
        ));
        ServedProvider {
            socket: path,
            server_cert: identity.cert_der,
            client,
            shutdown,
        }
    }

    /// A new mTLS connection with the pinned client certificate.
    pub async fn channel(&self) -> Channel {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedServer(
                self.server_cert.clone(),
                provider.signature_verification_algorithms,
            )))
            .with_client_auth_cert(vec![self.client.der.clone()], self.client.key.clone_key())
            .unwrap();
        config.alpn_protocols = vec![b"h2".to_vec()];
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let socket = self.socket.clone();
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
            .unwrap()
    }
}

impl Drop for ServedProvider {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
