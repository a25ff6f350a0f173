//! What the officer and the checks need to know about a certificate, read with RustCrypto's x509-cert (the
//! same DER stack the PDF code uses for CMS).

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use der::{Decode, Encode, oid::ObjectIdentifier};
use x509_cert::Certificate;
use x509_cert::ext::pkix::KeyUsage;

use crate::{EcCurve, KeyKind, SignError};

pub(crate) const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub(crate) const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");

/// A parsed certificate with the fields `sohoa tokens` prints and the signing checks use.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CertInfo {
    pub subject: String,
    /// The subject's common name (NFC): the name an officer knows a certificate by, shown in the status bar.
    pub holder: Option<String>,
    pub issuer: String,
    pub serial: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub key: Option<KeyKind>,
    /// Names of the key-usage bits set; `None` when the extension is absent (any use allowed).
    pub key_usage: Option<Vec<&'static str>>,
    pub self_signed: bool,
    /// SHA-256 of the DER, hex, to tell certificates apart without printing personal data.
    pub sha256: String,
}

/// The first common name (2.5.4.3) of `name`, as UTF8String or PrintableString (what CAs use for CN).
pub fn common_name(name: &x509_cert::name::Name) -> Option<String> {
    const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
    name_attr(name, CN)
}

/// The first attribute `oid` of `name` as UTF8String or PrintableString (what CAs use for names).
pub fn name_attr(name: &x509_cert::name::Name, oid: ObjectIdentifier) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|atv| atv.oid == oid)
        .find_map(|atv| {
            der::asn1::Utf8StringRef::try_from(&atv.value)
                .map(|s| s.as_str().to_owned())
                .or_else(|_| {
                    der::asn1::PrintableStringRef::try_from(&atv.value).map(|s| s.as_str().to_owned())
                })
                .ok()
        })
}

impl CertInfo {
    pub fn parse(der_bytes: &[u8]) -> Result<Self, SignError> {
        let c = parse(der_bytes)?;
        let tbs = &c.tbs_certificate;
        let ku = key_usage(&c)?;
        let key_usage = ku.map(|k| {
            let mut v = Vec::new();
            let names = [
                (k.digital_signature(), "digitalSignature"),
                (k.non_repudiation(), "nonRepudiation"),
                (k.key_encipherment(), "keyEncipherment"),
                (k.data_encipherment(), "dataEncipherment"),
                (k.key_agreement(), "keyAgreement"),
                (k.key_cert_sign(), "keyCertSign"),
                (k.crl_sign(), "cRLSign"),
            ];
            for (set, name) in names {
                if set {
                    v.push(name);
                }
            }
            v
        });
        Ok(CertInfo {
            subject: tbs.subject.to_string(),
            holder: common_name(&tbs.subject).map(|n| sohoa_core::text::nfc(&n)),
            issuer: tbs.issuer.to_string(),
            serial: hex_upper(tbs.serial_number.as_bytes()),
            not_before: to_utc(tbs.validity.not_before.to_system_time()),
            not_after: to_utc(tbs.validity.not_after.to_system_time()),
            key: key_kind(&c).ok(),
            key_usage,
            self_signed: tbs.subject == tbs.issuer,
            sha256: {
                use sha2::Digest;
                hex_upper(&sha2::Sha256::digest(der_bytes))
            },
        })
    }

    /// True when the key may sign documents: digitalSignature or nonRepudiation, or no key-usage extension.
    pub fn can_sign_documents(&self) -> bool {
        match &self.key_usage {
            None => true,
            Some(v) => v.contains(&"digitalSignature") || v.contains(&"nonRepudiation"),
        }
    }

    pub fn has_non_repudiation(&self) -> bool {
        self.key_usage
            .as_ref()
            .is_some_and(|v| v.contains(&"nonRepudiation"))
    }
}

pub(crate) fn parse(der_bytes: &[u8]) -> Result<Certificate, SignError> {
    Certificate::from_der(der_bytes).map_err(|e| SignError::BadCertificate(e.to_string()))
}

fn key_usage(c: &Certificate) -> Result<Option<KeyUsage>, SignError> {
    let Some(exts) = &c.tbs_certificate.extensions else {
        return Ok(None);
    };
    for e in exts {
        if e.extn_id == OID_KEY_USAGE {
            return KeyUsage::from_der(e.extn_value.as_bytes())
                .map(Some)
                .map_err(|e| SignError::BadCertificate(format!("key usage: {e}")));
        }
    }
    Ok(None)
}

/// The key type from the SubjectPublicKeyInfo; decides RSA vs ECDSA and the CMS algorithm.
pub fn key_kind(c: &Certificate) -> Result<KeyKind, SignError> {
    let spki = &c.tbs_certificate.subject_public_key_info;
    if spki.algorithm.oid == OID_RSA {
        use rsa::pkcs1::DecodeRsaPublicKey;
        use rsa::traits::PublicKeyParts;
        let k = rsa::RsaPublicKey::from_pkcs1_der(spki.subject_public_key.raw_bytes())
            .map_err(|e| SignError::BadCertificate(format!("RSA key: {e}")))?;
        return Ok(KeyKind::Rsa {
            bits: u32::try_from(k.n().bits()).unwrap_or(0),
        });
    }
    if spki.algorithm.oid == OID_EC {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        return match curve {
            Some(o) if o == OID_P256 => Ok(KeyKind::Ec { curve: EcCurve::P256 }),
            Some(o) if o == OID_P384 => Ok(KeyKind::Ec { curve: EcCurve::P384 }),
            Some(o) if o == OID_P521 => Ok(KeyKind::Ec { curve: EcCurve::P521 }),
            _ => Err(SignError::Unsupported("elliptic curve".to_owned())),
        };
    }
    Err(SignError::Unsupported(format!(
        "key algorithm {}",
        spki.algorithm.oid
    )))
}

pub(crate) fn to_utc(t: SystemTime) -> DateTime<Utc> {
    DateTime::<Utc>::from(t)
}

pub(crate) fn hex_upper(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// The DER of each certificate in PEM text (x509-cert's PEM reader), or the input itself when it is DER.
pub fn certs_from_pem_or_der(data: &[u8]) -> Result<Vec<Vec<u8>>, SignError> {
    if !data.starts_with(b"-----") && !data.windows(11).any(|w| w == b"-----BEGIN ") {
        return Ok(vec![data.to_vec()]);
    }
    Certificate::load_pem_chain(data)
        .map_err(|e| SignError::BadCertificate(format!("PEM: {e}")))?
        .iter()
        .map(|c| c.to_der().map_err(|e| SignError::BadCertificate(e.to_string())))
        .collect()
}
