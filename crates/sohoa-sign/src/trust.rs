//! Trust anchors and the checks made before a token is asked to sign.
//!
//! A copy signed with an expired, wrong-usage or foreign certificate is worthless in court and would be
//! rejected at the vault, so the workstation refuses to make one: validity period, key usage
//! (digitalSignature or nonRepudiation) and a signature-verified path to a configured anchor (the Government
//! Cipher Committee's and the National Root CA's roots, `assets/trust`). Revocation (CRL/OCSP) needs the
//! network and is done when the signature is upgraded to B-LT, not here.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use der::Encode;
use der::oid::ObjectIdentifier;
use x509_cert::Certificate;

use crate::SignError;
use crate::cert::{self, CertInfo};

/// Where the trust anchors live when nothing is configured: `SOHOA_TRUST_DIR`; else the installed
/// directory beside the program (`<prefix>/share/sohoa/trust` from the Debian package, `trust\` next to the
/// Windows executables), found from the executable so an installed `sohoa` works from any working
/// directory; else `assets/trust` of a development checkout.
pub fn default_trust_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SOHOA_TRUST_DIR") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| installed_trust_dir(&exe))
        .unwrap_or_else(|| PathBuf::from("assets/trust"))
}

/// The installed trust directory for a program at `exe`, if the package created one.
pub fn installed_trust_dir(exe: &Path) -> Option<PathBuf> {
    let bin_dir = exe.parent()?;
    [bin_dir.join("../share/sohoa/trust"), bin_dir.join("trust")]
        .into_iter()
        .find(|p| p.is_dir())
}

struct Entry {
    der: Vec<u8>,
    cert: Certificate,
}

/// Self-signed certificates are anchors; the others are intermediates offered for path building.
#[derive(Default)]
pub struct TrustStore {
    anchors: Vec<Entry>,
    intermediates: Vec<Entry>,
}

impl std::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustStore")
            .field("anchors", &self.anchors.len())
            .field("intermediates", &self.intermediates.len())
            .finish()
    }
}

/// The certificate files of `dir` (`.pem`, `.crt`, `.cer`, `.der`, any case), in name order.
pub fn cert_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "pem" | "crt" | "cer" | "der"))
        })
        .collect();
    paths.sort();
    Ok(paths)
}

impl TrustStore {
    /// Reads every `.pem`, `.crt`, `.cer` and `.der` file of `dir` (PEM files may hold several
    /// certificates). An empty directory is an error: signing without anchors would check nothing.
    pub fn load_dir(dir: &Path) -> Result<Self, SignError> {
        let paths = cert_files(dir).map_err(|e| SignError::TrustStore(format!("{}: {e}", dir.display())))?;
        let mut store = TrustStore::default();
        for p in paths {
            let data =
                std::fs::read(&p).map_err(|e| SignError::TrustStore(format!("{}: {e}", p.display())))?;
            for der_bytes in cert::certs_from_pem_or_der(&data)
                .map_err(|e| SignError::TrustStore(format!("{}: {e}", p.display())))?
            {
                store.add(der_bytes)?;
            }
        }
        if store.anchors.is_empty() {
            return Err(SignError::TrustStore(format!(
                "no self-signed root certificate in {}",
                dir.display()
            )));
        }
        Ok(store)
    }

    pub fn add(&mut self, der_bytes: Vec<u8>) -> Result<(), SignError> {
        let c = cert::parse(&der_bytes)?;
        let self_signed =
            c.tbs_certificate.subject == c.tbs_certificate.issuer && verify_signed_by(&c, &c).is_ok();
        let e = Entry {
            der: der_bytes,
            cert: c,
        };
        if self_signed {
            self.anchors.push(e);
        } else {
            self.intermediates.push(e);
        }
        Ok(())
    }

    pub fn anchor_count(&self) -> usize {
        self.anchors.len()
    }

    /// Checks `leaf` for signing at `at` and returns the intermediates from the leaf's issuer up to (not
    /// including) the anchor, nearest first, for the CMS. `extra` are certificates the token holds.
    pub fn check_signing_cert(
        &self,
        leaf: &[u8],
        extra: &[Vec<u8>],
        at: SystemTime,
    ) -> Result<Vec<Vec<u8>>, SignError> {
        check_validity_and_usage(leaf, at)?;
        let mut pool: Vec<Entry> = Vec::new();
        for d in extra {
            if let Ok(c) = cert::parse(d) {
                pool.push(Entry {
                    der: d.clone(),
                    cert: c,
                });
            }
        }
        let mut current = cert::parse(leaf)?;
        let mut path = Vec::new();
        for _ in 0..8 {
            let issuer = &current.tbs_certificate.issuer;
            if let Some(a) = self.anchors.iter().find(|a| {
                &a.cert.tbs_certificate.subject == issuer && verify_signed_by(&current, &a.cert).is_ok()
            }) {
                check_ca_validity(&a.cert, at)?;
                return Ok(path);
            }
            let next = self.intermediates.iter().chain(pool.iter()).find(|i| {
                &i.cert.tbs_certificate.subject == issuer && verify_signed_by(&current, &i.cert).is_ok()
            });
            let Some(next) = next else {
                return Err(SignError::CertUntrusted(format!(
                    "no trusted issuer for «{}»",
                    current.tbs_certificate.subject
                )));
            };
            check_ca_validity(&next.cert, at)?;
            path.push(next.der.clone());
            current = next.cert.clone();
        }
        Err(SignError::CertUntrusted("certificate path too long".to_owned()))
    }
}

/// Validity period and key usage of the signing certificate itself.
pub fn check_validity_and_usage(leaf: &[u8], at: SystemTime) -> Result<CertInfo, SignError> {
    let info = CertInfo::parse(leaf)?;
    let now = cert::to_utc(at);
    if now > info.not_after {
        return Err(SignError::CertExpired {
            not_after: info.not_after.format("%Y-%m-%d").to_string(),
        });
    }
    if now < info.not_before {
        return Err(SignError::CertNotYetValid {
            not_before: info.not_before.format("%Y-%m-%d").to_string(),
        });
    }
    if !info.can_sign_documents() {
        return Err(SignError::CertKeyUsage {
            usage: info.key_usage.clone().unwrap_or_default().join(", "),
        });
    }
    Ok(info)
}

fn check_ca_validity(c: &Certificate, at: SystemTime) -> Result<(), SignError> {
    let v = &c.tbs_certificate.validity;
    if at > v.not_after.to_system_time() || at < v.not_before.to_system_time() {
        return Err(SignError::CertUntrusted(format!(
            "CA certificate «{}» is outside its validity period",
            c.tbs_certificate.subject
        )));
    }
    Ok(())
}

const RSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const RSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const RSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");

/// Verifies `child`'s signature with `issuer`'s public key (RSA PKCS#1 v1.5 or ECDSA P-256/P-384).
fn verify_signed_by(child: &Certificate, issuer: &Certificate) -> Result<(), String> {
    use sha2::Digest;
    let tbs = child.tbs_certificate.to_der().map_err(|e| e.to_string())?;
    let sig = child.signature.raw_bytes();
    let alg = child.signature_algorithm.oid;
    let spki = &issuer.tbs_certificate.subject_public_key_info;
    let key_bits = spki.subject_public_key.raw_bytes();
    let hash: Vec<u8> = match alg {
        a if a == RSA_SHA256 || a == ECDSA_SHA256 => sha2::Sha256::digest(&tbs).to_vec(),
        a if a == RSA_SHA384 || a == ECDSA_SHA384 => sha2::Sha384::digest(&tbs).to_vec(),
        a if a == RSA_SHA512 => sha2::Sha512::digest(&tbs).to_vec(),
        other => return Err(format!("signature algorithm {other} not supported")),
    };
    if spki.algorithm.oid == cert::OID_RSA {
        use rsa::pkcs1::DecodeRsaPublicKey;
        let key = rsa::RsaPublicKey::from_pkcs1_der(key_bits).map_err(|e| e.to_string())?;
        let scheme = match alg {
            a if a == RSA_SHA256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            a if a == RSA_SHA384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
            a if a == RSA_SHA512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
            _ => return Err("RSA key with an ECDSA signature".to_owned()),
        };
        return key.verify(scheme, &hash, sig).map_err(|e| e.to_string());
    }
    if spki.algorithm.oid == cert::OID_EC {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bits) {
            let s = p256::ecdsa::Signature::from_der(sig).map_err(|e| e.to_string())?;
            return k.verify_prehash(&hash, &s).map_err(|e| e.to_string());
        }
        if let Ok(k) = p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bits) {
            let s = p384::ecdsa::Signature::from_der(sig).map_err(|e| e.to_string())?;
            return k.verify_prehash(&hash, &s).map_err(|e| e.to_string());
        }
        return Err("unsupported EC issuer key".to_owned());
    }
    Err("unsupported issuer key".to_owned())
}
