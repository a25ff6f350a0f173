//! Signature checks on committed documents, behind a trait so sohoa-pdf's PAdES verifier (certificate
//! chain to the VGCA / National Root CA, CMS signature, timestamp) replaces the structural check without
//! touching the protocol code. `--trust DIR` selects [`PadesVerifier`]; without it the structural check runs.

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

/// The full PAdES check from sohoa-pdf: every signature's integrity (ByteRange digest and CMS signature),
/// a chain to the configured trust anchors (VGCA / National Root CA), and no change after signing other
/// than validation data (DSS, timestamps).
pub struct PadesVerifier {
    anchors: Vec<x509_cert::Certificate>,
}

impl PadesVerifier {
    pub fn new(anchors: Vec<x509_cert::Certificate>) -> PadesVerifier {
        PadesVerifier { anchors }
    }

    /// Loads every `.pem`, `.crt`, `.cer` and `.der` file of `dir` (PEM chains or single DER certificates).
    pub fn from_dir(dir: &std::path::Path) -> anyhow::Result<PadesVerifier> {
        use x509_cert::der::Decode as _;
        let mut anchors = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            if !["pem", "crt", "cer", "der"].contains(&ext.as_str()) {
                continue;
            }
            let bytes = std::fs::read(&path)?;
            if bytes.starts_with(b"-----BEGIN") {
                anchors.extend(
                    x509_cert::Certificate::load_pem_chain(&bytes)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
                );
            } else {
                anchors.push(
                    x509_cert::Certificate::from_der(&bytes)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
                );
            }
        }
        if anchors.is_empty() {
            anyhow::bail!("no trust anchors in {}", dir.display());
        }
        Ok(PadesVerifier { anchors })
    }
}

impl SignatureVerifier for PadesVerifier {
    fn verify(&self, pdf: &[u8], declared: Option<&SignatureSummary>) -> Result<(), String> {
        let report =
            sohoa_pdf::verify_pdf(pdf, &self.anchors).map_err(|e| format!("unreadable signed PDF: {e}"))?;
        if let Some(d) = declared.and_then(|d| d.sub_filter.as_deref())
            && !report.signatures.iter().any(|s| s.sub_filter == d)
        {
            return Err(format!("no signature with the declared sub-filter {d}"));
        }
        if report.all_valid() {
            return Ok(());
        }
        if report.signatures.is_empty() {
            return Err("the PDF carries no signature".to_owned());
        }
        Err(report
            .signatures
            .iter()
            .map(|s| {
                format!(
                    "{}: integrity {} ({}), chain {:?} ({}), after signing: {}",
                    s.signer, s.integrity_ok, s.integrity_detail, s.chain, s.chain_detail, s.changes_after
                )
            })
            .collect::<Vec<_>>()
            .join("; "))
    }
}
