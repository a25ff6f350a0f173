//! The outside validators every signed copy must satisfy, shared by the signer's and the CLI's end-to-end
//! tests: pyHanko with the test root as the only trust anchor, poppler's pdfsig and qpdf.

use std::path::Path;
use std::process::Command;

use crate::keys::panic_fixture;

/// Asserts that pyHanko judges `signed` valid against `root_pem` alone, that pdfsig sees a valid
/// `ETSI.CAdES.detached` signature and that `qpdf --check` passes. Returns pdfsig's report for further
/// checks.
pub fn validate_signed_pdf(root_pem: &Path, signed: &Path) -> String {
    let py = Command::new("/opt/sohoa-pytools/bin/pyhanko")
        .args([
            "sign",
            "validate",
            "--no-revocation-check",
            "--pretty-print",
            "--trust",
        ])
        .arg(root_pem)
        .arg("--trust-replace")
        .arg(signed)
        .output()
        .unwrap_or_else(|e| panic_fixture(&format!("pyhanko: {e}")));
    let text = String::from_utf8_lossy(&py.stdout);
    assert!(
        py.status.success() && text.contains("judged VALID") && !text.contains("INVALID"),
        "pyhanko on {}: {text}{}",
        signed.display(),
        String::from_utf8_lossy(&py.stderr)
    );
    let sig = Command::new("pdfsig")
        .arg("-nocert")
        .arg(signed)
        .output()
        .unwrap_or_else(|e| panic_fixture(&format!("pdfsig: {e}")));
    let pdfsig = String::from_utf8_lossy(&sig.stdout).into_owned();
    assert!(
        pdfsig.contains("Signature is Valid") && pdfsig.contains("ETSI.CAdES.detached"),
        "pdfsig: {pdfsig}"
    );
    let qpdf = Command::new("qpdf")
        .arg("--check")
        .arg(signed)
        .output()
        .unwrap_or_else(|e| panic_fixture(&format!("qpdf: {e}")));
    assert!(
        qpdf.status.success(),
        "qpdf: {}",
        String::from_utf8_lossy(&qpdf.stdout)
    );
    pdfsig
}
