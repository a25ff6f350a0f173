//! Signer backends of SoHoa Desk.
//!
//! The PDF stage builds the CMS and the PAdES structure; it only needs a key that can sign a digest and
//! the certificates that go with it. Hardware differs wildly (PKCS#11 modules of Vietnamese token vendors,
//! PIV cards spoken to directly over PC/SC, a PKCS#12 file for training desks), so everything behind
//! [`Signer`] is digest-in, CMS-ready-signature-out, and the PDF code never knows which one it holds.

mod error;
pub mod pkcs12;

pub use error::SignError;

/// Hash used for the signed attributes; tokens of the Government Cipher Committee's CA sign SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DigestAlgorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlgorithm {
    /// Digest length in bytes, checked before a digest reaches a token.
    pub fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha384 => 48,
            DigestAlgorithm::Sha512 => 64,
        }
    }
}

/// Named curves a signing key may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EcCurve {
    P256,
    P384,
    P521,
}

/// The key behind a signer: decides the CMS signature algorithm identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum KeyKind {
    Rsa { bits: u32 },
    Ec { curve: EcCurve },
}

/// Where a key lives; a PKCS#12 file is for training desks only and verification reports it as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    Pkcs11,
    Piv,
    /// Development and training only: a software key has none of a token's protection.
    Pkcs12Training,
}

/// A signing key with its certificates, whatever holds it.
///
/// `sign_digest` receives the digest of the DER-encoded CMS signed attributes and returns exactly what goes
/// into `SignerInfo.signature`: for RSA the PKCS#1 v1.5 signature over the DigestInfo of `digest`; for
/// ECDSA the DER `ECDSA-Sig-Value` (tokens return raw `r || s`; the backend converts).
pub trait Signer: Send {
    /// DER of the signing certificate.
    fn certificate(&self) -> &[u8];
    /// DER of the intermediate certificates the token or configuration provides, nearest first.
    fn chain(&self) -> &[Vec<u8>];
    fn key_kind(&self) -> KeyKind;
    fn backend(&self) -> Backend;
    /// Signs a precomputed digest; the PIN was given when the signer was opened and is never stored.
    fn sign_digest(&mut self, alg: DigestAlgorithm, digest: &[u8]) -> Result<Vec<u8>, SignError>;
}
