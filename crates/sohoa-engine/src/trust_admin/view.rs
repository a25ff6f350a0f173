//! One certificate as the administrator checks it: who it names, who issued it, until when, and the SHA-256
//! fingerprint to compare with the issuer's official publication (ca.gov.vn, rootca.gov.vn).

use std::path::Path;
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use der::Decode;
use der::oid::ObjectIdentifier;
use serde::Serialize;
use sha2::Digest;
use x509_cert::Certificate;
use x509_cert::ext::pkix::BasicConstraints;

use super::TrustError;

const OID_ORG: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");

/// A CA certificate nearing its end is shown in time for the issuer's successor to be installed.
pub const EXPIRING_DAYS: i64 = 90;

/// Where a listed certificate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustSource {
    /// The installation's read-only directory (`SOHOA_TRUST_DIR` or `assets/trust`).
    Installed,
    /// `<data>/trust`, managed from the administrator's screen.
    Desk,
    /// A file being inspected before it is installed.
    File,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustCertificate {
    /// File name inside its directory (the full path for an inspected file).
    pub file: String,
    pub source: TrustSource,
    /// Only desk-installed certificates can be removed from the app.
    pub removable: bool,
    pub subject_cn: Option<String>,
    pub subject_o: Option<String>,
    pub issuer_cn: Option<String>,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// SHA-256 of the DER, upper-case hex pairs joined by colons (as `openssl x509 -fingerprint` prints it).
    pub fingerprint: String,
    /// Self-signed and verifying with its own key: a trust anchor; otherwise an intermediate for path building.
    pub anchor: bool,
    /// basicConstraints cA = true.
    pub ca: bool,
    pub expired: bool,
    /// Still valid but ending within [`EXPIRING_DAYS`].
    pub expiring: bool,
}

/// `AB:CD:…` from DER bytes.
pub fn fingerprint(der: &[u8]) -> String {
    let digest = sha2::Sha256::digest(der);
    digest
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Upper-case hex without separators, so a fingerprint pasted with or without colons or spaces compares.
pub fn normalize_fingerprint(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Every certificate in `path` (PEM with one or more blocks, or DER), as DER.
pub(crate) fn read_certs(path: &Path) -> Result<Vec<Vec<u8>>, TrustError> {
    let data = std::fs::read(path).map_err(|e| TrustError::Unreadable {
        path: path.to_owned(),
        why: e.to_string(),
    })?;
    let not_cert = |why: String| TrustError::NotACertificate {
        path: path.to_owned(),
        why,
    };
    let ders = sohoa_sign::cert::certs_from_pem_or_der(&data).map_err(|e| not_cert(e.to_string()))?;
    if ders.is_empty() {
        return Err(not_cert("no certificate".to_owned()));
    }
    for d in &ders {
        Certificate::from_der(d).map_err(|e| not_cert(e.to_string()))?;
    }
    Ok(ders)
}

/// The view of one DER certificate found in `file`.
pub(crate) fn describe(
    der: &[u8],
    file: String,
    source: TrustSource,
    now: SystemTime,
) -> Result<TrustCertificate, TrustError> {
    let not_cert = |why: String| TrustError::NotACertificate {
        path: file.clone().into(),
        why,
    };
    let c = Certificate::from_der(der).map_err(|e| not_cert(e.to_string()))?;
    let tbs = &c.tbs_certificate;
    let not_before: DateTime<Utc> = tbs.validity.not_before.to_system_time().into();
    let not_after: DateTime<Utc> = tbs.validity.not_after.to_system_time().into();
    let now: DateTime<Utc> = now.into();
    // The signing check's own rule decides anchor vs intermediate, so the list says what signing will do.
    let mut probe = sohoa_sign::TrustStore::default();
    let anchor = probe.add(der.to_vec()).is_ok() && probe.anchor_count() == 1;
    let nfc = |s: String| sohoa_core::text::nfc(&s);
    Ok(TrustCertificate {
        file,
        source,
        removable: source == TrustSource::Desk,
        subject_cn: sohoa_sign::cert::common_name(&tbs.subject).map(nfc),
        subject_o: sohoa_sign::cert::name_attr(&tbs.subject, OID_ORG).map(nfc),
        issuer_cn: sohoa_sign::cert::common_name(&tbs.issuer).map(nfc),
        not_before,
        not_after,
        fingerprint: fingerprint(der),
        anchor,
        ca: is_ca(&c),
        expired: now > not_after,
        expiring: now <= not_after && not_after - now <= chrono::Duration::days(EXPIRING_DAYS),
    })
}

/// The name a refusal shows: the subject's CN, else the whole subject.
pub(crate) fn subject_label(der: &[u8]) -> String {
    match Certificate::from_der(der) {
        Ok(c) => sohoa_sign::cert::common_name(&c.tbs_certificate.subject)
            .unwrap_or_else(|| c.tbs_certificate.subject.to_string()),
        Err(_) => String::new(),
    }
}

fn is_ca(c: &Certificate) -> bool {
    c.tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == OID_BASIC_CONSTRAINTS)
        .any(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).is_ok_and(|b| b.ca))
}
