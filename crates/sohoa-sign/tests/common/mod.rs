//! Shared set-up for the signing tests: one test PKI and one SoftHSM token directory per process (the
//! SoftHSM module reads its configuration once, at C_Initialize), and signature verification.
#![allow(dead_code)]

use std::sync::OnceLock;

use der::Decode;
use sha2::Digest;
use sohoa_sign::{DigestAlgorithm, Signer, TrustStore};
use sohoa_vpcd_fixture::{PivCard, SoftHsm, TestKey, TestPki, TokenKey, Usage, Validity};

pub const PIN: &str = "123456";

pub fn pki() -> &'static TestPki {
    static P: OnceLock<TestPki> = OnceLock::new();
    P.get_or_init(TestPki::new)
}

pub fn trust() -> TrustStore {
    TrustStore::load_dir(pki().trust_dir()).unwrap()
}

/// Tokens on the process's SoftHSM: label → what is on it.
pub struct Hsm {
    pub hsm: SoftHsm,
}

pub const TOKEN_RSA: &str = "SOHOA RSA";
pub const TOKEN_EC: &str = "SOHOA EC";
pub const TOKEN_CTX: &str = "SOHOA CTX";
pub const TOKEN_EXPIRED: &str = "SOHOA EXPIRED";
pub const TOKEN_USAGE: &str = "SOHOA USAGE";

/// A SoftHSM with five tokens: RSA-2048, P-256, an always-authenticate RSA key, an expired certificate
/// and a keyEncipherment-only certificate.
pub fn softhsm() -> &'static Hsm {
    static H: OnceLock<Hsm> = OnceLock::new();
    H.get_or_init(|| {
        let hsm = SoftHsm::new();
        let tokens = [TOKEN_RSA, TOKEN_EC, TOKEN_CTX, TOKEN_EXPIRED, TOKEN_USAGE];
        for t in tokens {
            hsm.init_token(t, PIN);
        }
        hsm.export_env();
        let ctx = sohoa_sign::pkcs11::shared_module(std::path::Path::new(sohoa_sign::pkcs11::SOFTHSM_MODULE))
            .unwrap();
        let rsa = TestKey::rsa2048();
        let ec = TestKey::p256();
        let p = pki();
        let put = |token: &str, key: &TestKey, validity, usage, always| {
            let cert = p.issue(&format!("{token} signer"), key, validity, usage);
            sohoa_vpcd_fixture::softhsm::import(
                &ctx,
                token,
                PIN,
                &TokenKey {
                    id: &[1],
                    label: "sign",
                    key,
                    cert_der: &cert,
                    always_authenticate: always,
                },
            );
        };
        put(TOKEN_RSA, &rsa, Validity::Current, Usage::Signing, false);
        put(TOKEN_EC, &ec, Validity::Current, Usage::Signing, false);
        put(TOKEN_CTX, &rsa, Validity::Current, Usage::Signing, true);
        put(TOKEN_EXPIRED, &rsa, Validity::Expired, Usage::Signing, false);
        put(
            TOKEN_USAGE,
            &ec,
            Validity::Current,
            Usage::EnciphermentOnly,
            false,
        );
        Hsm { hsm }
    })
}

/// A PIV card with a 9C key and its certificate issued by the test PKI under `cn`.
pub fn piv_card(cn: &str, key: &TestKey, gzip: bool) -> PivCard {
    PivCard::signing(pki(), cn, key, PIN, gzip)
}

/// Signs a fresh digest and verifies the result with the certificate's public key.
pub fn sign_and_verify(s: &mut dyn Signer, msg: &[u8]) {
    let digest = sha2::Sha256::digest(msg);
    let sig = s.sign_digest(DigestAlgorithm::Sha256, &digest).unwrap();
    verify(s.certificate(), &digest, &sig);
}

pub fn verify(cert_der: &[u8], digest: &[u8], sig: &[u8]) {
    let c = x509_cert::Certificate::from_der(cert_der).unwrap();
    let spki = &c.tbs_certificate.subject_public_key_info;
    let bits = spki.subject_public_key.raw_bytes();
    if spki.algorithm.oid.to_string() == "1.2.840.113549.1.1.1" {
        use rsa::pkcs1::DecodeRsaPublicKey;
        let k = rsa::RsaPublicKey::from_pkcs1_der(bits).unwrap();
        k.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), digest, sig)
            .expect("RSA signature verifies");
    } else {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let k = p256::ecdsa::VerifyingKey::from_sec1_bytes(bits).unwrap();
        let s = p256::ecdsa::Signature::from_der(sig).expect("DER ECDSA-Sig-Value");
        k.verify_prehash(digest, &s).expect("ECDSA signature verifies");
    }
}

/// A unique token label per test: parallel tests may each have a card inserted.
pub fn unique(prefix: &str) -> String {
    let n: u32 = rand_core::RngCore::next_u32(&mut rand_core::OsRng);
    format!("{prefix} {n:08X}")
}
