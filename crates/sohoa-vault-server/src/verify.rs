//! Signature checks on committed documents, behind a trait so sohoa-pdf's PAdES verifier (certificate
//! chain to the VGCA / National Root CA, CMS signature, timestamp) replaces the structural check without
//! touching the protocol code.

use sohoa_vault::SignatureSummary;
use sohoa_vault::pdfsig::find_signature;

pub trait SignatureVerifier: Send + Sync {
    /// `Err` carries the reason shown to the officer.
    fn verify(&self, pdf: &[u8], declared: Option<&SignatureSummary>) -> Result<(), String>;
}

/// Checks that the PDF carries a signature dictionary whose `/ByteRange` covers the whole file except its
/// `/Contents`, and that the declared sub-filter matches. It does not verify the cryptography: that comes
/// from sohoa-pdf's verifier, which plugs in here.
#[derive(Debug, Clone, Copy, Default)]
pub struct StructuralVerifier;

impl SignatureVerifier for StructuralVerifier {
    fn verify(&self, pdf: &[u8], declared: Option<&SignatureSummary>) -> Result<(), String> {
        let found = find_signature(pdf)?;
        if let (Some(d), Some(f)) = (
            declared.and_then(|d| d.sub_filter.as_deref()),
            found.sub_filter.as_deref(),
        ) && d != f
        {
            return Err(format!("declared sub-filter {d} but the PDF carries {f}"));
        }
        Ok(())
    }
}
