//! Keys generated in the test: the virtual card and SoftHSM hold them, the test PKI certifies them.

use p256::ecdsa::signature::hazmat::PrehashSigner;
use rand_core::OsRng;
use rsa::traits::PublicKeyParts;

/// A private key the fixtures can put on a token or card.
#[derive(Clone)]
pub enum TestKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::SecretKey),
}

impl std::fmt::Debug for TestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TestKey::Rsa(k) => write!(f, "TestKey::Rsa({} bits)", k.size() * 8),
            TestKey::P256(_) => f.write_str("TestKey::P256"),
        }
    }
}

impl TestKey {
    /// RSA-2048, the size every Vietnamese CA issues on tokens.
    pub fn rsa2048() -> Self {
        match rsa::RsaPrivateKey::new(&mut OsRng, 2048) {
            Ok(k) => TestKey::Rsa(Box::new(k)),
            Err(e) => panic_fixture(&format!("RSA key generation failed: {e}")),
        }
    }

    pub fn p256() -> Self {
        TestKey::P256(p256::SecretKey::random(&mut OsRng))
    }

    /// The key as rcgen needs it to certify it.
    pub fn public_key_data(&self) -> SubjectKey {
        match self {
            TestKey::Rsa(k) => {
                use rsa::pkcs1::EncodeRsaPublicKey;
                let der = k
                    .to_public_key()
                    .to_pkcs1_der()
                    .map(|d| d.as_bytes().to_vec())
                    .unwrap_or_default();
                SubjectKey {
                    alg: &rcgen::PKCS_RSA_SHA256,
                    bits: der,
                }
            }
            TestKey::P256(k) => SubjectKey {
                alg: &rcgen::PKCS_ECDSA_P256_SHA256,
                bits: p256::EncodedPoint::from(k.public_key()).as_bytes().to_vec(),
            },
        }
    }

    /// Raw RSA private operation on a k-byte block (what a PIV card does for RSA GENERAL AUTHENTICATE).
    pub fn rsa_raw(&self, block: &[u8]) -> Option<Vec<u8>> {
        let TestKey::Rsa(k) = self else { return None };
        let c = rsa::BigUint::from_bytes_be(block);
        let m = rsa::hazmat::rsa_decrypt_and_check(k.as_ref(), Some(&mut OsRng), &c).ok()?;
        let mut out = m.to_bytes_be();
        while out.len() < k.size() {
            out.insert(0, 0);
        }
        Some(out)
    }

    /// ECDSA over a precomputed hash; DER `ECDSA-Sig-Value`, as a PIV card answers.
    pub fn ecdsa_der(&self, hash: &[u8]) -> Option<Vec<u8>> {
        let TestKey::P256(k) = self else { return None };
        let sk = p256::ecdsa::SigningKey::from(k);
        let sig: p256::ecdsa::Signature = sk.sign_prehash(hash).ok()?;
        Some(sig.to_der().as_bytes().to_vec())
    }

    pub fn modulus_len(&self) -> usize {
        match self {
            TestKey::Rsa(k) => k.size(),
            TestKey::P256(_) => 32,
        }
    }

    pub fn rsa(&self) -> Option<&rsa::RsaPrivateKey> {
        match self {
            TestKey::Rsa(k) => Some(k),
            TestKey::P256(_) => None,
        }
    }

    pub fn ec(&self) -> Option<&p256::SecretKey> {
        match self {
            TestKey::P256(k) => Some(k),
            TestKey::Rsa(_) => None,
        }
    }
}

/// A subject public key for rcgen, without rcgen holding the private half.
pub struct SubjectKey {
    alg: &'static rcgen::SignatureAlgorithm,
    bits: Vec<u8>,
}

impl rcgen::PublicKeyData for SubjectKey {
    fn der_bytes(&self) -> &[u8] {
        &self.bits
    }
    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        self.alg
    }
}

/// Fixtures are test code: a broken environment ends the test with the reason.
#[allow(clippy::panic)]
pub(crate) fn panic_fixture(msg: &str) -> ! {
    panic!("test fixture: {msg}")
}
