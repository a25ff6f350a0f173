//! A two-level test PKI (RSA root, ECDSA intermediate) standing in for the Government Cipher Committee's
//! hierarchy, so chain checks exercise both signature algorithms.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    date_time_ymd,
};

use crate::keys::{TestKey, panic_fixture};

/// The validity a leaf certificate gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    /// 2020-01-01 .. 2049-12-31.
    Current,
    /// 2020-01-01 .. 2021-01-01.
    Expired,
    /// 2045-01-01 .. 2049-12-31.
    NotYetValid,
}

/// The key usage a leaf certificate gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    /// digitalSignature + nonRepudiation, as on an agency signing certificate.
    Signing,
    /// keyEncipherment only: a certificate that must not sign documents.
    EnciphermentOnly,
}

pub struct TestPki {
    root_der: Vec<u8>,
    inter_der: Vec<u8>,
    inter: Issuer<'static, KeyPair>,
    dir: tempfile::TempDir,
}

impl TestPki {
    /// Generates the CA keys and writes `root.pem` and `intermediate.pem` into a fresh trust directory.
    pub fn new() -> Self {
        let root_key = TestKey::rsa2048();
        let root_kp = keypair(&root_key);
        let root_params = ca_params("SOHOA TEST Root CA");
        let root_cert = root_params
            .self_signed(&root_kp)
            .unwrap_or_else(|e| panic_fixture(&format!("root CA: {e}")));
        let root = Issuer::new(root_params, root_kp);

        let inter_kp = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .unwrap_or_else(|e| panic_fixture(&format!("intermediate key: {e}")));
        let inter_params = ca_params("SOHOA TEST CA phục vụ các cơ quan Nhà nước");
        let inter_cert = inter_params
            .signed_by(&inter_kp, &root)
            .unwrap_or_else(|e| panic_fixture(&format!("intermediate CA: {e}")));
        let inter = Issuer::new(inter_params, inter_kp);

        let dir = tempfile::tempdir().unwrap_or_else(|e| panic_fixture(&format!("tempdir: {e}")));
        write(&dir.path().join("root.pem"), root_cert.pem().as_bytes());
        write(&dir.path().join("intermediate.pem"), inter_cert.pem().as_bytes());
        TestPki {
            root_der: root_cert.der().to_vec(),
            inter_der: inter_cert.der().to_vec(),
            inter,
            dir,
        }
    }

    /// A directory with the root (anchor) and the intermediate, as `assets/trust` would hold them.
    pub fn trust_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn root_pem_path(&self) -> PathBuf {
        self.dir.path().join("root.pem")
    }

    pub fn intermediate_pem_path(&self) -> PathBuf {
        self.dir.path().join("intermediate.pem")
    }

    pub fn root_der(&self) -> &[u8] {
        &self.root_der
    }

    pub fn intermediate_der(&self) -> &[u8] {
        &self.inter_der
    }

    /// Issues a signing certificate for `key` under the intermediate; DER.
    pub fn issue(&self, common_name: &str, key: &TestKey, validity: Validity, usage: Usage) -> Vec<u8> {
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, "VN");
        dn.push(DnType::OrganizationName, "Công an tỉnh Thử nghiệm");
        dn.push(DnType::CommonName, common_name);
        p.distinguished_name = dn;
        p.is_ca = IsCa::ExplicitNoCa;
        let (nb, na) = match validity {
            Validity::Current => ((2020, 1, 1), (2049, 12, 31)),
            Validity::Expired => ((2020, 1, 1), (2021, 1, 1)),
            Validity::NotYetValid => ((2045, 1, 1), (2049, 12, 31)),
        };
        p.not_before = date_time_ymd(nb.0, nb.1, nb.2);
        p.not_after = date_time_ymd(na.0, na.1, na.2);
        p.key_usages = match usage {
            Usage::Signing => vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::ContentCommitment,
            ],
            Usage::EnciphermentOnly => vec![KeyUsagePurpose::KeyEncipherment],
        };
        p.use_authority_key_identifier_extension = true;
        p.signed_by(&key.public_key_data(), &self.inter)
            .unwrap_or_else(|e| panic_fixture(&format!("leaf certificate: {e}")))
            .der()
            .to_vec()
    }
}

impl Default for TestPki {
    fn default() -> Self {
        Self::new()
    }
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "VN");
    dn.push(DnType::OrganizationName, "SoHoa Desk test PKI");
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = date_time_ymd(2019, 1, 1);
    p.not_after = date_time_ymd(2050, 1, 1);
    p
}

fn keypair(key: &TestKey) -> KeyPair {
    use rsa::pkcs8::EncodePrivateKey;
    let der = match key {
        TestKey::Rsa(k) => k.to_pkcs8_der().map(|d| d.as_bytes().to_vec()),
        TestKey::P256(k) => k.to_pkcs8_der().map(|d| d.as_bytes().to_vec()),
    }
    .unwrap_or_else(|e| panic_fixture(&format!("PKCS#8: {e}")));
    KeyPair::try_from(der.as_slice()).unwrap_or_else(|e| panic_fixture(&format!("rcgen key: {e}")))
}

fn write(path: &Path, data: &[u8]) {
    if let Err(e) = std::fs::write(path, data) {
        panic_fixture(&format!("{}: {e}", path.display()));
    }
}
