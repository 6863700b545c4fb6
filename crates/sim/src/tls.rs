//! The simulator's own certificate authority and loopback server certificate.
//!
//! Microsoft's clients refuse `http://` authorities, so the simulator serves HTTPS like the real
//! service. At start it makes a fresh CA, signs a certificate for `localhost`, `127.0.0.1` and `::1`,
//! and writes the CA certificate (PEM) to a file that clients are told to trust. Nothing here turns
//! certificate verification off anywhere.

use anyhow::{Context, Result};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

/// A CA and a server certificate signed by it.
pub struct SimCertificates {
    pub ca_pem: String,
    server_config: Arc<rustls::ServerConfig>,
}

impl SimCertificates {
    pub fn generate() -> Result<Self> {
        let ca_key = KeyPair::generate().context("generating the simulator CA key")?;
        let mut ca = CertificateParams::default();
        ca.distinguished_name = name("TenantAtlas Simulator Root CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca
            .self_signed(&ca_key)
            .context("signing the simulator CA")?;

        let leaf_key = KeyPair::generate().context("generating the server key")?;
        let mut leaf = CertificateParams::new(vec!["localhost".to_string()])
            .context("building the server certificate")?;
        leaf.distinguished_name = name("localhost");
        leaf.subject_alt_names.extend([
            SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        ]);
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        leaf.use_authority_key_identifier_extension = true;
        let leaf_cert = leaf
            .signed_by(&leaf_key, &ca_cert, &ca_key)
            .context("signing the server certificate")?;

        let chain = vec![
            CertificateDer::from(leaf_cert.der().to_vec()),
            CertificateDer::from(ca_cert.der().to_vec()),
        ];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("choosing TLS versions")?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .context("loading the server certificate")?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(SimCertificates {
            ca_pem: ca_cert.pem(),
            server_config: Arc::new(config),
        })
    }

    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        self.server_config.clone()
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn.push(DnType::OrganizationName, "TenantAtlas Simulator");
    dn
}
