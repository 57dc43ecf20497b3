//! AutoMTLS as go-plugin does it, with the two traps for rustls handled.
//!
//! Owns the per-start server certificate (P-256, self-signed, CA:TRUE, SAN `localhost`, EKU
//! server and client, as Go's `x509.Verify` in the plugin client wants) and a client
//! verifier that accepts exactly one certificate: the bytes of `PLUGIN_CLIENT_CERT`.
//!
//! Why a custom verifier: Terraform's client certificate is ECDSA P-521 and marked CA:TRUE.
//! webpki rejects a CA used as an end entity, and *ring* cannot verify P-521 (the Go client
//! would then send no certificate at all). So we pin the exact DER, verify handshake
//! signatures with aws-lc-rs (which has P-521), send no CA hints, and require the certificate.
//!
//! Must not: fall back to accepting any client, or serve TLS without ALPN `h2` (grpc-go 1.67+,
//! in Terraform 1.15, refuses servers without it).

use std::sync::Arc;

use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};

/// A freshly generated server identity: a P-256 key that never leaves memory (it is never
/// serialized, so nothing parses it back) and the self-signed certificate it made.
pub struct ServerIdentity {
    pub cert_der: CertificateDer<'static>,
    key: Arc<EcdsaKeyPair>,
}

/// Why TLS could not be set up; the process reports it on stderr and exits.
#[derive(Debug)]
pub struct TlsSetupError(pub String);

impl std::fmt::Display for TlsSetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn generate_server_identity() -> Result<ServerIdentity, TlsSetupError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName as Dn, DnType,
        ExtendedKeyUsagePurpose, IsCa, KeyUsagePurpose,
    };
    let err = |e: rcgen::Error| {
        TlsSetupError(format!(
            "could not create the plugin's TLS certificate: {e}"
        ))
    };
    let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).map_err(|_| {
        TlsSetupError("could not create the plugin's TLS key: no randomness".to_string())
    })?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).map_err(err)?;
    let mut dn = Dn::new();
    dn.push(DnType::CommonName, "localhost");
    dn.push(DnType::OrganizationName, "terraform-provider-vonage");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::seconds(30);
    params.not_after = now + time::Duration::days(365);
    let key = Arc::new(key);
    let cert = params.self_signed(&P256Key(key.clone())).map_err(err)?;
    Ok(ServerIdentity {
        cert_der: cert.der().clone(),
        key,
    })
}

/// The server key, as rcgen (to sign the certificate) and rustls (to sign handshakes) use it.
#[derive(Debug)]
struct P256Key(Arc<EcdsaKeyPair>);

impl rcgen::PublicKeyData for P256Key {
    fn der_bytes(&self) -> &[u8] {
        self.0.public_key().as_ref()
    }
    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

impl rcgen::SigningKey for P256Key {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        P256Key::sign(self, message).map_err(|_| rcgen::Error::RingUnspecified)
    }
}

impl P256Key {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, aws_lc_rs::error::Unspecified> {
        let signature = self
            .0
            .sign(&aws_lc_rs::rand::SystemRandom::new(), message)?;
        Ok(signature.as_ref().to_vec())
    }
}

impl rustls::sign::SigningKey for P256Key {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn rustls::sign::Signer>> {
        offered
            .contains(&SignatureScheme::ECDSA_NISTP256_SHA256)
            .then(|| Box::new(P256Key(self.0.clone())) as Box<dyn rustls::sign::Signer>)
    }
    fn algorithm(&self) -> rustls::SignatureAlgorithm {
        rustls::SignatureAlgorithm::ECDSA
    }
}

impl rustls::sign::Signer for P256Key {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        P256Key::sign(self, message)
            .map_err(|_| rustls::Error::General("could not sign the TLS handshake".to_string()))
    }
    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::ECDSA_NISTP256_SHA256
    }
}

/// Accepts only the one client certificate Terraform gave us in `PLUGIN_CLIENT_CERT`.
#[derive(Debug)]
pub struct PinnedClientCert {
    pinned: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    pub fn from_pem(pem: &str, provider: &CryptoProvider) -> Result<Self, TlsSetupError> {
        let pinned = CertificateDer::from_pem_slice(pem.as_bytes()).map_err(|e| {
            TlsSetupError(format!("PLUGIN_CLIENT_CERT is not a PEM certificate: {e}"))
        })?;
        Ok(PinnedClientCert {
            pinned,
            algorithms: provider.signature_verification_algorithms,
        })
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // No hints: Go's client then skips its acceptable-CA check and sends its certificate.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.pinned.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The server TLS configuration for one start: our certificate, the pinned client, ALPN h2.
pub fn server_config(
    identity: &ServerIdentity,
    client_cert_pem: &str,
) -> Result<Arc<rustls::ServerConfig>, TlsSetupError> {
    // Plain X25519 key exchange: the connection never leaves this machine (a unix socket
    // between Terraform and its child), and the post-quantum hybrid's larger shares cost
    // every one of the several provider starts per Terraform command.
    let provider = Arc::new(rustls::crypto::CryptoProvider {
        kx_groups: vec![rustls::crypto::aws_lc_rs::kx_group::X25519],
        ..rustls::crypto::aws_lc_rs::default_provider()
    });
    let verifier = PinnedClientCert::from_pem(client_cert_pem, &provider)?;
    let certified = CertifiedKey::new(
        vec![identity.cert_der.clone()],
        Arc::new(P256Key(identity.key.clone())),
    );
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsSetupError(e.to_string()))?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_cert_resolver(Arc::new(SingleCertAndKey::from(certified)));
    config.alpn_protocols = vec![b"h2".to_vec()];
    // One connection per process, never resumed: session tickets would be work for nothing.
    config.send_tls13_tickets = 0;
    Ok(Arc::new(config))
}
