//! Mutual TLS end to end: a TLS front (rustls, client certificates required, as a ministry gateway would
//! terminate TLS) before the reference vault. A desk with its agency certificate delivers over HTTPS; a
//! desk without one is refused in the handshake and keeps its message queued. Certificates are made by
//! openssl for the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sohoa_store::{Actor, OutboxState, Store};
use sohoa_vault::{OutboxDriver, TusWire};
use sohoa_vault_server::RunningServer;
use tokio::net::{TcpListener, TcpStream};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA.
fn make_pki(dir: &Path) {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    let mut ca = vec![
        "req",
        "-x509",
        "-days",
        "2",
        "-subj",
        "/CN=Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
    ];
    ca.extend(ec);
    ca.extend([
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(dir, &ca);
    for (name, cn, ext) in [
        (
            "server",
            "/CN=vault.test",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        ),
        (
            "client",
            "/CN=desk-01/O=Cong an xa",
            "extendedKeyUsage=clientAuth\n",
        ),
    ] {
        let (key, csr, crt, extfile) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.crt"),
            format!("{name}.ext"),
        );
        std::fs::write(dir.join(&extfile), ext).unwrap();
        let mut req = vec!["req", "-subj", cn, "-keyout", &key, "-out", &csr];
        req.extend(ec);
        openssl(dir, &req);
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                &extfile,
                "-out",
                &crt,
            ],
        );
    }
    let mut identity = std::fs::read(dir.join("client.crt")).unwrap();
    identity.extend(std::fs::read(dir.join("client.key")).unwrap());
    std::fs::write(dir.join("client-identity.pem"), identity).unwrap();
}

/// Terminates TLS (client certificate required) and forwards the plain bytes to `upstream`.
async fn tls_front(pki: &Path, upstream: SocketAddr, refused: Arc<AtomicU64>) -> SocketAddr {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(pki.join("ca.crt")).unwrap())
        .unwrap();
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .unwrap();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(pki.join("server.crt"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(pki.join("server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let refused = refused.clone();
            tokio::spawn(async move {
                match acceptor.accept(tcp).await {
                    Ok(mut tls) => {
                        let Ok(mut plain) = TcpStream::connect(upstream).await else {
                            return;
                        };
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                    }
                    Err(_) => {
                        refused.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    addr
}

fn actor() -> Actor {
    Actor {
        user: "can-bo-test".to_owned(),
        workstation: "desk-1".to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_with_its_certificate_delivers_over_mutual_tls_and_one_without_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pki: PathBuf = dir.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    make_pki(&pki);
    let data = dir.path().join("desk");
    common::desk_with_records(&data, 2, 3000);
    let vault = RunningServer::start(
        common::server_config(&dir.path().join("vault")),
        "127.0.0.1:0".parse().unwrap(),
    )
    .unwrap();
    let refused = Arc::new(AtomicU64::new(0));
    let front = tls_front(&pki, vault.addr, refused.clone()).await;
    let store = Store::open(&data).unwrap();
    let url = format!("https://{front}/");

    // Without a client certificate: the handshake is refused, the messages stay queued for a retry.
    let mut config = common::client_config(&url);
    config.ca_pem = Some(pki.join("ca.crt"));
    let anonymous = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config.clone());
    let pass = anonymous.run_once().await.unwrap();
    assert!(
        pass.deliveries.iter().all(|d| d.state == OutboxState::RetryWait),
        "{pass:?}"
    );
    assert!(refused.load(Ordering::SeqCst) >= 1);
    assert!(common::vault_receipts(&dir.path().join("vault")).is_empty());

    // With the agency certificate: delivered.
    config.client_identity_pem = Some(pki.join("client-identity.pem"));
    let desk = OutboxDriver::new(&store, TusWire::new(&config).unwrap(), actor(), config);
    for _ in 0..40 {
        desk.run_once().await.unwrap();
        if store.outbox_counts().unwrap().acknowledged == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    common::assert_delivered_exactly_once(&store, &dir.path().join("vault"), 2);
}
