//! A private SoftHSM2 token directory: tokens are initialised with the real `softhsm2-util`, keys and
//! certificates are written through PKCS#11 itself (C_CreateObject), which also lets a key carry
//! CKA_ALWAYS_AUTHENTICATE like the keys on PIV cards and several Vietnamese tokens.

use std::path::{Path, PathBuf};
use std::process::Command;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::object::{Attribute, CertificateType, KeyType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use der::{Decode, Encode};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};

use crate::keys::{TestKey, panic_fixture};

pub const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
pub const SO_PIN: &str = "12345678";

/// DER of the prime256v1 OID, the CKA_EC_PARAMS of a P-256 key.
const P256_PARAMS: [u8; 10] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

pub struct SoftHsm {
    dir: tempfile::TempDir,
}

impl SoftHsm {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic_fixture(&format!("tempdir: {e}")));
        let tokens = dir.path().join("tokens");
        if let Err(e) = std::fs::create_dir(&tokens) {
            panic_fixture(&format!("token dir: {e}"));
        }
        let conf = format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        );
        if let Err(e) = std::fs::write(dir.path().join("softhsm2.conf"), conf) {
            panic_fixture(&format!("softhsm2.conf: {e}"));
        }
        SoftHsm { dir }
    }

    /// The file SOFTHSM2_CONF must name for the module to see these tokens.
    pub fn conf(&self) -> PathBuf {
        self.dir.path().join("softhsm2.conf")
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `softhsm2-util --init-token --free`; run before the module is loaded in this process.
    pub fn init_token(&self, label: &str, pin: &str) {
        let out = Command::new("softhsm2-util")
            .env("SOFTHSM2_CONF", self.conf())
            .args(["--init-token", "--free", "--label", label, "--so-pin", SO_PIN])
            .args(["--pin", pin])
            .output();
        match out {
            Ok(o) if o.status.success() => {}
            Ok(o) => panic_fixture(&format!(
                "softhsm2-util --init-token: {}",
                String::from_utf8_lossy(&o.stderr)
            )),
            Err(e) => panic_fixture(&format!("softhsm2-util: {e}")),
        }
    }

    /// Points this process at the private token directory. Must run before any thread reads the
    /// environment or loads the SoftHSM module (the module reads SOFTHSM2_CONF once, in C_Initialize).
    #[allow(unsafe_code)]
    pub fn export_env(&self) {
        // SAFETY: called by test set-up inside a `Once` before the PKCS#11 module is loaded and before the
        // test starts threads that read the environment; nothing else in these test processes sets it.
        unsafe { std::env::set_var("SOFTHSM2_CONF", self.conf()) };
    }
}

impl Default for SoftHsm {
    fn default() -> Self {
        Self::new()
    }
}

/// A fresh token labelled `label` holding one RSA signing key, certificate issued by `pki` to `holder`;
/// this process is pointed at it (see [`SoftHsm::export_env`]) and the module is finalised again, so the
/// token files are complete for another process to open.
pub fn signing_token(
    pki: &crate::TestPki,
    label: &str,
    pin: &str,
    holder: &str,
    always_authenticate: bool,
) -> SoftHsm {
    let hsm = SoftHsm::new();
    hsm.init_token(label, pin);
    hsm.export_env();
    let ctx = Pkcs11::new(MODULE).unwrap_or_else(|e| panic_fixture(&format!("{MODULE}: {e}")));
    ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .unwrap_or_else(|e| panic_fixture(&format!("C_Initialize: {e}")));
    let key = TestKey::rsa2048();
    let cert = pki.issue(holder, &key, crate::Validity::Current, crate::Usage::Signing);
    import(
        &ctx,
        label,
        pin,
        &TokenKey {
            id: &[1],
            label: "sign",
            key: &key,
            cert_der: &cert,
            always_authenticate,
        },
    );
    ctx.finalize()
        .unwrap_or_else(|e| panic_fixture(&format!("C_Finalize: {e}")));
    hsm
}

/// A key and its certificate to put on a token under one CKA_ID.
pub struct TokenKey<'a> {
    pub id: &'a [u8],
    pub label: &'a str,
    pub key: &'a TestKey,
    pub cert_der: &'a [u8],
    pub always_authenticate: bool,
}

/// Writes the private key and the certificate through `pkcs11` (already initialised) into the token
/// labelled `token`.
pub fn import(pkcs11: &Pkcs11, token: &str, pin: &str, k: &TokenKey<'_>) {
    let fail = |what: &str, e: cryptoki::error::Error| -> ! { panic_fixture(&format!("{what}: {e}")) };
    let slots = pkcs11.get_slots_with_token().unwrap_or_else(|e| fail("slots", e));
    let slot = slots
        .into_iter()
        .find(|s| {
            pkcs11
                .get_token_info(*s)
                .map(|t| t.label() == token)
                .unwrap_or(false)
        })
        .unwrap_or_else(|| panic_fixture(&format!("no SoftHSM token {token}")));
    let session = pkcs11
        .open_rw_session(slot)
        .unwrap_or_else(|e| fail("session", e));
    let pin = AuthPin::from(pin.to_owned());
    session
        .login(UserType::User, Some(&pin))
        .unwrap_or_else(|e| fail("login", e));
    let mut tpl = vec![
        Attribute::Class(ObjectClass::PRIVATE_KEY),
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Sign(true),
        Attribute::Id(k.id.to_vec()),
        Attribute::Label(k.label.as_bytes().to_vec()),
        Attribute::AlwaysAuthenticate(k.always_authenticate),
    ];
    match k.key {
        TestKey::Rsa(r) => {
            let primes = r.primes();
            let crt = |v: Option<&rsa::BigUint>| v.map(|b| b.to_bytes_be()).unwrap_or_default();
            tpl.extend([
                Attribute::KeyType(KeyType::RSA),
                Attribute::Modulus(r.n().to_bytes_be()),
                Attribute::PublicExponent(r.e().to_bytes_be()),
                Attribute::PrivateExponent(r.d().to_bytes_be()),
                Attribute::Prime1(primes.first().map(|p| p.to_bytes_be()).unwrap_or_default()),
                Attribute::Prime2(primes.get(1).map(|p| p.to_bytes_be()).unwrap_or_default()),
                Attribute::Exponent1(crt(r.dp())),
                Attribute::Exponent2(crt(r.dq())),
                Attribute::Coefficient(r.crt_coefficient().map(|c| c.to_bytes_be()).unwrap_or_default()),
            ]);
        }
        TestKey::P256(s) => tpl.extend([
            Attribute::KeyType(KeyType::EC),
            Attribute::EcParams(P256_PARAMS.to_vec()),
            Attribute::Value(s.to_bytes().to_vec()),
        ]),
    }
    session
        .create_object(&tpl)
        .unwrap_or_else(|e| fail("private key", e));
    let subject = x509_cert::Certificate::from_der(k.cert_der)
        .and_then(|c| c.tbs_certificate.subject.to_der())
        .unwrap_or_else(|e| panic_fixture(&format!("certificate: {e}")));
    session
        .create_object(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Id(k.id.to_vec()),
            Attribute::Label(k.label.as_bytes().to_vec()),
            Attribute::Subject(subject),
            Attribute::Value(k.cert_der.to_vec()),
        ])
        .unwrap_or_else(|e| fail("certificate", e));
}
