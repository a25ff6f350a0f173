//! The vault with sohoa-pdf's PAdES verifier: a copy signed by a certificate of the trusted CA is
//! accepted; one signed under another CA, a tampered one and a fake signature dictionary are refused, and
//! the desk shows each refusal with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use sohoa_engine::{Engine, EngineConfig};
use sohoa_pdf::testpki::{Leaf, TestPki};
use sohoa_pdf::{DocumentMeta, PageInput, SignOptions, WriteOptions, sign_pdf, write_pdfa};
use sohoa_store::{Actor, OutboxState, Store};
use sohoa_vault::{OutboxDriver, TusWire};
use sohoa_vault_server::{PadesVerifier, RunningServer};

fn signed_copy(pki: &mut TestPki, n: u8) -> Vec<u8> {
    let page = PageInput {
        image: image::RgbImage::from_pixel(300, 420, image::Rgb([240, 236, 225 - n])),
        dpi: 200.0,
        words: Vec::new(),
    };
    let meta = DocumentMeta {
        title: format!("Bản sao {n}"),
        ..Default::default()
    };
    let pdf = write_pdfa(&[page], &meta, &WriteOptions::default()).unwrap();
    let mut signer = pki.signer(Leaf::Signer, "Van thu Cong an xa");
    let opts = SignOptions {
        agency: "Công an xã Hòa Bình".into(),
        copy_form: Default::default(),
        tsa_url: None,
        time: None,
    };
    sign_pdf(&pdf, &mut signer, &opts).unwrap().bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pades_signatures_are_verified_against_the_trust_anchors() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    let mut trusted = TestPki::new();
    let mut stranger = TestPki::new();
    let good = signed_copy(&mut trusted, 1);
    let foreign = signed_copy(&mut stranger, 2);
    let mut tampered = signed_copy(&mut trusted, 3);
    let at = tampered.len() / 3;
    tampered[at] ^= 0x01;
    let fake = sohoa_vault::pdfsig::sample_signed_pdf("no real signature");
    let mut ids = Vec::new();
    {
        let engine = Engine::open(EngineConfig::with_data_dir(&data)).unwrap();
        for (i, bytes) in [&good, &foreign, &tampered, &fake].into_iter().enumerate() {
            let rec = engine.create_record(&common::id_card_request(i)).unwrap();
            let path = dir.path().join(format!("ban-sao-{i}.pdf"));
            std::fs::write(&path, bytes).unwrap();
            engine.import_files(&rec.summary.id, &[path]).unwrap();
            ids.push(
                engine
                    .vault_enqueue(&rec.summary.id, &common::client_config("http://unused/"))
                    .unwrap()
                    .message_id,
            );
        }
    }
    let mut config = common::server_config(&dir.path().join("vault"));
    let ca = x509_cert::der::Decode::from_der(&trusted.ca_der).unwrap();
    config.verifier = Arc::new(PadesVerifier::new(vec![ca]));
    let server = RunningServer::start(config, "127.0.0.1:0".parse().unwrap()).unwrap();
    let store = Store::open(&data).unwrap();
    let client = common::client_config(&server.url());
    let actor = Actor {
        user: "can-bo-test".to_owned(),
        workstation: "desk-1".to_owned(),
    };
    let driver = OutboxDriver::new(&store, TusWire::new(&client).unwrap(), actor, client);
    driver.run_once().await.unwrap();
    let row = |i: usize| store.outbox_get(&ids[i]).unwrap();
    assert_eq!(row(0).state, OutboxState::Acknowledged, "{:?}", row(0).last_error);
    for i in 1..4 {
        let r = row(i);
        assert_eq!(r.state, OutboxState::FailedPermanent, "case {i}");
        assert_eq!(
            r.last_error_code.as_deref(),
            Some("vault.rejected.signature.invalid"),
            "case {i}"
        );
        eprintln!("case {i}: {}", r.last_error.unwrap());
    }
    assert!(row(1).last_error.unwrap().contains("Untrusted"));
}
