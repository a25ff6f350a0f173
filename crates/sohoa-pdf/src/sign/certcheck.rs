//! Refuses a certificate before the token is asked to sign: an expired card or a key meant for
//! encryption would produce a signature every verifier rejects, after the citizen has left the desk.

use der::Decode as _;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage};

use crate::PdfError;

const OID_KEY_USAGE: &str = "2.5.29.15";
const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";

/// Checks validity at `at` (Unix seconds), key usage (digitalSignature or nonRepudiation) and that the
/// certificate is not a CA.
pub fn check_signing_certificate(cert_der: &[u8], at: i64) -> Result<(), PdfError> {
    let cert = Certificate::from_der(cert_der)
        .map_err(|e| PdfError::Certificate(format!("unreadable certificate: {e}")))?;
    let tbs = &cert.tbs_certificate;
    let not_before = tbs.validity.not_before.to_unix_duration().as_secs() as i64;
    let not_after = tbs.validity.not_after.to_unix_duration().as_secs() as i64;
    if at > not_after {
        return Err(PdfError::Certificate(format!(
            "certificate expired on {}",
            tbs.validity.not_after
        )));
    }
    if at < not_before {
        return Err(PdfError::Certificate(format!(
            "certificate not valid before {}",
            tbs.validity.not_before
        )));
    }
    for ext in tbs.extensions.iter().flatten() {
        match ext.extn_id.to_string().as_str() {
            OID_KEY_USAGE => {
                let ku = KeyUsage::from_der(ext.extn_value.as_bytes())
                    .map_err(|e| PdfError::Certificate(format!("unreadable key usage: {e}")))?;
                if !(ku.digital_signature() || ku.non_repudiation()) {
                    return Err(PdfError::Certificate(
                        "key usage allows neither digitalSignature nor nonRepudiation (not a signing key)"
                            .into(),
                    ));
                }
            }
            OID_BASIC_CONSTRAINTS => {
                let bc = BasicConstraints::from_der(ext.extn_value.as_bytes())
                    .map_err(|e| PdfError::Certificate(format!("unreadable basic constraints: {e}")))?;
                if bc.ca {
                    return Err(PdfError::Certificate(
                        "this is a CA certificate, not a signer's".into(),
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Subject common name for display (or the whole subject when it has no CN).
pub fn subject_cn(cert: &Certificate) -> String {
    for rdn in cert.tbs_certificate.subject.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid.to_string() == "2.5.4.3" {
                if let Ok(s) = der::asn1::Utf8StringRef::try_from(&atv.value) {
                    return s.as_str().to_owned();
                }
                if let Ok(s) = der::asn1::PrintableStringRef::try_from(&atv.value) {
                    return s.as_str().to_owned();
                }
            }
        }
    }
    cert.tbs_certificate.subject.to_string()
}
