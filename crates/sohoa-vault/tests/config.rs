//! Settings from `vault.toml`, and the TLS material they name: a client identity for mutual TLS and extra
//! trust anchors must load (real PEMs made by openssl), and a broken file must be refused naming it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use sohoa_vault::{TusWire, VaultConfig};

fn openssl_identity(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let key = dir.join("client.key");
    let cert = dir.join("client.crt");
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "2",
        ])
        .args(["-subj", "/CN=desk-01/O=Cong an xa"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let identity = dir.join("identity.pem");
    let mut pem = std::fs::read(&cert).unwrap();
    pem.extend(std::fs::read(&key).unwrap());
    std::fs::write(&identity, pem).unwrap();
    (identity, cert)
}

#[test]
fn vault_toml_is_read_and_tls_material_loads() {
    if std::env::vars().any(|(k, _)| k.starts_with("SOHOA_VAULT_") || k == "SOHOA_AGENCY_CODE") {
        eprintln!("SOHOA_VAULT_* set in the environment: it would override vault.toml");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (identity, ca) = openssl_identity(dir.path());
    std::fs::write(
        dir.path().join("vault.toml"),
        format!(
            "url = \"https://kho.example.invalid/api\"\nagency_code = \"000.00.00.H29\"\ntoken = \"t\"\n\
             client_pem = {identity:?}\nca_pem = {ca:?}\nproxy = \"http://127.0.0.1:3128\"\nchunk_kib = 256\n\
             timeout_ms = 5000\nbandwidth_kib = 64\nwindows = \"17:30-07:00,12:00-13:00\"\nbackoff_ms = \"500,60000\"\n"
        ),
    )
    .unwrap();
    let c = VaultConfig::load(dir.path()).unwrap();
    assert_eq!(c.url.as_deref(), Some("https://kho.example.invalid/api"));
    assert_eq!(c.chunk_size, 256 * 1024);
    assert_eq!(c.bandwidth, Some(64 * 1024));
    assert_eq!(c.windows.len(), 2);
    assert_eq!(c.request_timeout, Duration::from_millis(5000));
    assert_eq!(
        (c.backoff_base, c.backoff_cap),
        (Duration::from_millis(500), Duration::from_secs(60))
    );
    TusWire::new(&c).unwrap();

    let mut broken = c.clone();
    let bad = dir.path().join("bad.pem");
    std::fs::write(
        &bad,
        "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    broken.client_identity_pem = Some(bad.clone());
    let err = TusWire::new(&broken).err().unwrap();
    assert_eq!(err.code(), "vault.config");
    assert!(err.to_string().contains("bad.pem"), "{err}");

    std::fs::write(dir.path().join("vault.toml"), "url = 3\n").unwrap();
    assert_eq!(VaultConfig::load(dir.path()).unwrap_err().code(), "vault.config");
    std::fs::write(dir.path().join("vault.toml"), "windows = \"9-17\"\n").unwrap();
    assert!(VaultConfig::load(dir.path()).is_err());
}
