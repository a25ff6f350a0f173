#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Trust anchors and the certificate checks made before signing, without a token.

use std::time::SystemTime;

use sohoa_sign::{CertInfo, SignError, TrustStore};
use sohoa_vpcd_fixture::{TestKey, TestPki, Usage, Validity};

#[test]
fn chain_validity_and_usage_are_checked() {
    let pki = TestPki::new();
    let store = TrustStore::load_dir(pki.trust_dir()).unwrap();
    assert_eq!(store.anchor_count(), 1);
    let key = TestKey::p256();
    let now = SystemTime::now();

    let good = pki.issue("Văn thư", &key, Validity::Current, Usage::Signing);
    let path = store.check_signing_cert(&good, &[], now).unwrap();
    assert_eq!(path, vec![pki.intermediate_der().to_vec()]);
    let info = CertInfo::parse(&good).unwrap();
    assert!(info.subject.contains("Văn thư"));
    assert!(info.can_sign_documents() && info.has_non_repudiation());

    let early = pki.issue("Văn thư", &key, Validity::NotYetValid, Usage::Signing);
    let e = store.check_signing_cert(&early, &[], now).unwrap_err();
    assert!(
        matches!(e, SignError::CertNotYetValid { ref not_before } if not_before == "2045-01-01"),
        "{e:?}"
    );

    let expired = pki.issue("Văn thư", &key, Validity::Expired, Usage::Signing);
    let e = store.check_signing_cert(&expired, &[], now).unwrap_err();
    assert_eq!(e.code(), "sign.cert_expired");

    let enc = pki.issue("Văn thư", &key, Validity::Current, Usage::EnciphermentOnly);
    let e = store.check_signing_cert(&enc, &[], now).unwrap_err();
    assert!(
        matches!(e, SignError::CertKeyUsage { ref usage } if usage == "keyEncipherment"),
        "{e:?}"
    );
}

#[test]
fn intermediate_may_come_from_the_token_and_files_may_be_der() {
    let pki = TestPki::new();
    // Only the root, as DER: the intermediate must then come from the token's certificates.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("root.der"), pki.root_der()).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a certificate").unwrap();
    let store = TrustStore::load_dir(dir.path()).unwrap();
    let key = TestKey::rsa2048();
    let leaf = pki.issue("Văn thư", &key, Validity::Current, Usage::Signing);
    let e = store
        .check_signing_cert(&leaf, &[], SystemTime::now())
        .unwrap_err();
    assert!(matches!(e, SignError::CertUntrusted(_)), "{e:?}");
    let path = store
        .check_signing_cert(&leaf, &[pki.intermediate_der().to_vec()], SystemTime::now())
        .unwrap();
    assert_eq!(path.len(), 1);
    // A forged "intermediate" with the right name but another key does not verify.
    let other = TestPki::new();
    let e = store
        .check_signing_cert(&leaf, &[other.intermediate_der().to_vec()], SystemTime::now())
        .unwrap_err();
    assert!(matches!(e, SignError::CertUntrusted(_)), "{e:?}");
}
