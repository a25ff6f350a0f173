//! Refuses a certificate before the token is asked to sign: an expired card or a key meant for
//! encryption would produce a signature every verifier rejects, after the citizen has left the desk.

use std::time::{Duration, UNIX_EPOCH};

use der::Decode as _;
use x509_cert::Certificate;
use x509_cert::ext::pkix::BasicConstraints;

use crate::PdfError;

const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";

/// Checks validity at `at` (Unix seconds) and key usage (digitalSignature or nonRepudiation) with the
/// signer crate's own check (the one `TrustedSigner` applies), and that the certificate is not a CA.
/// Returns the parsed certificate for the CMS and the report.
pub fn check_signing_certificate(cert_der: &[u8], at: i64) -> Result<Certificate, PdfError> {
    let at = UNIX_EPOCH + Duration::from_secs(u64::try_from(at).unwrap_or(0));
    sohoa_sign::trust::check_validity_and_usage(cert_der, at)
        .map_err(|e| PdfError::Certificate(e.to_string()))?;
    let cert = Certificate::from_der(cert_der)
        .map_err(|e| PdfError::Certificate(format!("unreadable certificate: {e}")))?;
    for ext in cert.tbs_certificate.extensions.iter().flatten() {
        if ext.extn_id.to_string() == OID_BASIC_CONSTRAINTS {
            let bc = BasicConstraints::from_der(ext.extn_value.as_bytes())
                .map_err(|e| PdfError::Certificate(format!("unreadable basic constraints: {e}")))?;
            if bc.ca {
                return Err(PdfError::Certificate(
                    "this is a CA certificate, not a signer's".into(),
                ));
            }
        }
    }
    Ok(cert)
}

/// Subject common name for display (or the whole subject when it has no CN).
pub fn subject_cn(cert: &Certificate) -> String {
    let subject = &cert.tbs_certificate.subject;
    sohoa_sign::cert::common_name(subject).unwrap_or_else(|| subject.to_string())
}
