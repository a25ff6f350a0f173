//! Signature checks on raw keys: RSA PKCS#1 v1.5 and ECDSA P-256/P-384 with SHA-256/384/512 — the
//! algorithms Vietnamese CAs issue.

use der::{Decode, Encode};
use sha2::Digest as _;
use signature::hazmat::PrehashVerifier as _;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;

#[derive(Clone, Copy)]
pub enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

pub fn hash(h: Hash, data: &[u8]) -> Vec<u8> {
    match h {
        Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
        Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
        Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
    }
}

/// Hash implied by a signature algorithm OID (or a digest algorithm OID).
pub fn hash_of(alg: &str, fallback: Hash) -> Hash {
    match alg {
        "1.2.840.113549.1.1.11" | "1.2.840.10045.4.3.2" | "2.16.840.1.101.3.4.2.1" => Hash::Sha256,
        "1.2.840.113549.1.1.12" | "1.2.840.10045.4.3.3" | "2.16.840.1.101.3.4.2.2" => Hash::Sha384,
        "1.2.840.113549.1.1.13" | "1.2.840.10045.4.3.4" | "2.16.840.1.101.3.4.2.3" => Hash::Sha512,
        _ => fallback,
    }
}

/// Verifies `sig` over `msg` with the key in `spki`.
pub fn verify(spki: &SubjectPublicKeyInfoOwned, h: Hash, msg: &[u8], sig: &[u8]) -> bool {
    let digest = hash(h, msg);
    let key = spki.subject_public_key.raw_bytes();
    match spki.algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => {
            let Ok(pk) = <rsa::RsaPublicKey as rsa::pkcs1::DecodeRsaPublicKey>::from_pkcs1_der(key) else {
                return false;
            };
            let scheme = match h {
                Hash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                Hash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                Hash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
            };
            pk.verify(scheme, &digest, sig).is_ok()
        }
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok())
                .map(|o| o.to_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => {
                    let (Ok(vk), Ok(s)) = (
                        p256::ecdsa::VerifyingKey::from_sec1_bytes(key),
                        p256::ecdsa::Signature::from_der(sig),
                    ) else {
                        return false;
                    };
                    vk.verify_prehash(&digest, &s).is_ok()
                }
                Some("1.3.132.0.34") => {
                    let (Ok(vk), Ok(s)) = (
                        p384::ecdsa::VerifyingKey::from_sec1_bytes(key),
                        p384::ecdsa::Signature::from_der(sig),
                    ) else {
                        return false;
                    };
                    vk.verify_prehash(&digest, &s).is_ok()
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// True when `issuer` signed `cert`.
pub fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return false;
    }
    let Ok(tbs) = cert.tbs_certificate.to_der() else {
        return false;
    };
    let h = hash_of(&cert.signature_algorithm.oid.to_string(), Hash::Sha256);
    let Some(sig) = cert.signature.as_bytes() else {
        return false;
    };
    verify(&issuer.tbs_certificate.subject_public_key_info, h, &tbs, sig)
}

/// Certificates from a PEM (one or many) or DER file.
pub fn load_certs(data: &[u8]) -> Vec<Certificate> {
    if data.starts_with(b"-----") || data.windows(11).any(|w| w == b"-----BEGIN ") {
        Certificate::load_pem_chain(data).unwrap_or_default()
    } else {
        Certificate::from_der(data).map(|c| vec![c]).unwrap_or_default()
    }
}
