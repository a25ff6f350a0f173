//! PKCS#12 file signer — **for development and training desks only**. A key in a file has none of a
//! token's protection (it can be copied, and the PIN guards only the file); verification reports such
//! signatures with [`Backend::Pkcs12Training`]. Production signing goes through PKCS#11 or PIV.

use rsa::pkcs8::DecodePrivateKey as _;
use signature::hazmat::PrehashSigner as _;

use crate::{Backend, DigestAlgorithm, EcCurve, KeyKind, SignError, Signer};

enum Key {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

/// A software key with its certificate and chain, read from a `.p12`/`.pfx` file or given as PKCS#8.
pub struct Pkcs12Signer {
    key: Key,
    cert: Vec<u8>,
    chain: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Pkcs12Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs12Signer")
            .field("key_kind", &self.key_kind())
            .finish_non_exhaustive()
    }
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";

impl Pkcs12Signer {
    /// Opens a PKCS#12 file; a wrong password is reported as a wrong PIN (that is what the officer typed).
    pub fn open(data: &[u8], password: &str) -> Result<Self, SignError> {
        let store =
            p12_keystore::KeyStore::from_pkcs12(data, password, p12_keystore::Pkcs12ImportPolicy::Relaxed)
                .map_err(|e| match e {
                    p12_keystore::error::Error::MacError(_) => SignError::WrongPin { retries_left: None },
                    other => SignError::Device(format!("PKCS#12: {other}")),
                })?;
        let (_, chain) = store.private_key_chain().ok_or_else(|| {
            SignError::Device("PKCS#12 file holds no private key with a certificate".into())
        })?;
        let certs: Vec<Vec<u8>> = chain.certs().iter().map(|c| c.as_der().to_vec()).collect();
        let (cert, rest) = certs
            .split_first()
            .ok_or_else(|| SignError::Device("PKCS#12 key has no certificate".into()))?;
        Self::from_pkcs8(chain.key().as_der(), cert.clone(), rest.to_vec())
    }

    /// A signer from a PKCS#8 private key (tests, test TSAs).
    pub fn from_pkcs8(pkcs8_der: &[u8], cert: Vec<u8>, chain: Vec<Vec<u8>>) -> Result<Self, SignError> {
        let info = rsa::pkcs8::PrivateKeyInfo::try_from(pkcs8_der)
            .map_err(|e| SignError::Device(format!("private key: {e}")))?;
        let alg = info.algorithm.oid.to_string();
        let curve = info.algorithm.parameters_oid().ok().map(|o| o.to_string());
        let bad = |e: &dyn std::fmt::Display| SignError::Device(format!("private key: {e}"));
        let key = match (alg.as_str(), curve.as_deref()) {
            (OID_RSA, _) => Key::Rsa(Box::new(
                rsa::RsaPrivateKey::from_pkcs8_der(pkcs8_der).map_err(|e| bad(&e))?,
            )),
            (OID_EC, Some(OID_P256)) => {
                Key::P256(p256::ecdsa::SigningKey::from_pkcs8_der(pkcs8_der).map_err(|e| bad(&e))?)
            }
            (OID_EC, Some(OID_P384)) => {
                Key::P384(p384::ecdsa::SigningKey::from_pkcs8_der(pkcs8_der).map_err(|e| bad(&e))?)
            }
            (a, c) => return Err(SignError::Device(format!("unsupported key algorithm {a} {c:?}"))),
        };
        Ok(Pkcs12Signer { key, cert, chain })
    }
}

impl Signer for Pkcs12Signer {
    fn certificate(&self) -> &[u8] {
        &self.cert
    }

    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn key_kind(&self) -> KeyKind {
        match &self.key {
            Key::Rsa(k) => KeyKind::Rsa {
                bits: (rsa::traits::PublicKeyParts::size(k.as_ref()) * 8) as u32,
            },
            Key::P256(_) => KeyKind::Ec { curve: EcCurve::P256 },
            Key::P384(_) => KeyKind::Ec { curve: EcCurve::P384 },
        }
    }

    fn backend(&self) -> Backend {
        Backend::Pkcs12Training
    }

    fn sign_digest(&mut self, alg: DigestAlgorithm, digest: &[u8]) -> Result<Vec<u8>, SignError> {
        if digest.len() != alg.output_len() {
            return Err(SignError::BadDigest {
                alg,
                got: digest.len(),
            });
        }
        let dev = |e: &dyn std::fmt::Display| SignError::Device(e.to_string());
        match &self.key {
            Key::Rsa(k) => {
                let scheme = match alg {
                    DigestAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    DigestAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                    DigestAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                };
                k.sign(scheme, digest).map_err(|e| dev(&e))
            }
            Key::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign_prehash(digest).map_err(|e| dev(&e))?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            Key::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign_prehash(digest).map_err(|e| dev(&e))?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
        }
    }
}
