//! `sohoa tokens` as support staff run it: a SoftHSM token, a virtual PIV card in a vpcd reader, and
//! `--watch` seeing the card pulled and put back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use serde_json::Value;
use sohoa_vpcd_fixture::{
    PivCard, PivSlot, SoftHsm, TestKey, TestPki, TokenKey, Usage, Validity, VirtualCard,
};

const SOFTHSM: &str = "/usr/lib/softhsm/libsofthsm2.so";

fn sohoa(args: &[&str], envs: &[(&str, &std::path::Path)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sohoa"));
    c.args(args).env_remove("SOHOA_LOG");
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn lists_softhsm_token_with_its_certificate() {
    let pki = TestPki::new();
    let hsm = SoftHsm::new();
    hsm.init_token("CONG AN XA TEST", "123456");
    hsm.export_env();
    let ctx = Pkcs11::new(SOFTHSM).unwrap();
    ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .unwrap();
    let key = TestKey::p256();
    let cert = pki.issue("Công an xã Thử nghiệm", &key, Validity::Current, Usage::Signing);
    sohoa_vpcd_fixture::softhsm::import(
        &ctx,
        "CONG AN XA TEST",
        "123456",
        &TokenKey {
            id: &[7],
            label: "sign",
            key: &key,
            cert_der: &cert,
            always_authenticate: false,
        },
    );
    let conf = hsm.conf();
    let out = sohoa(
        &["tokens", "--json", "--module", SOFTHSM],
        &[("SOFTHSM2_CONF", &conf)],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tokens = v["tokens"].as_array().unwrap();
    let t = tokens.iter().find(|t| t["label"] == "CONG AN XA TEST").unwrap();
    let c = &t["certificates"][0];
    assert!(
        c["subject"].as_str().unwrap().contains("Công an xã Thử nghiệm"),
        "{c}"
    );
    assert!(c["issuer"].as_str().unwrap().contains("SOHOA TEST CA"), "{c}");
    assert_eq!(c["key"]["type"], "ec");
    assert_eq!(
        c["key_usage"],
        serde_json::json!(["digitalSignature", "nonRepudiation"])
    );
    assert!(c["not_after"].as_str().unwrap().starts_with("2049-12-31"));
    // Human output names the token and the validity.
    let out = sohoa(&["tokens", "--module", SOFTHSM], &[("SOFTHSM2_CONF", &conf)]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("«CONG AN XA TEST»"), "{text}");
    assert!(text.contains("2020-01-01 → 2049-12-31"), "{text}");
}

#[test]
fn missing_module_is_reported_not_fatal() {
    let out = sohoa(
        &[
            "tokens",
            "--json",
            "--module",
            "/usr/lib/vnpt-ca/libvnptca_p11.so",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["module_errors"][0]["code"], "sign.module_missing");
}

fn piv(pki: &TestPki, cn: &str) -> PivCard {
    let key = TestKey::p256();
    let cert_der = pki.issue(cn, &key, Validity::Current, Usage::Signing);
    let mut slots = HashMap::new();
    slots.insert(
        0x9C,
        PivSlot {
            key,
            cert_der,
            gzip: false,
        },
    );
    PivCard::new("123456", slots)
}

#[test]
fn lists_piv_card_and_watches_removal() {
    let pki = TestPki::new();
    let mut vc = VirtualCard::insert(piv(&pki, "Đội Cảnh sát QLHC"));
    let reader = vc.reader().to_owned();
    let none = std::path::Path::new("/nonexistent-module.so");
    let out = sohoa(&["tokens", "--json", "--module", none.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("sohoa tokens: {v}");
    let r = v["readers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reader"] == reader.as_str())
        .unwrap();
    assert_eq!(r["card_present"], true);
    assert_eq!(r["piv"], true);
    assert_eq!(r["pin_retries"], 3);
    assert!(
        r["certificates"][0]["subject"]
            .as_str()
            .unwrap()
            .contains("Đội Cảnh sát QLHC")
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .args(["tokens", "--watch", "--json", "--watch-for", "25"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = child.stderr.take().unwrap();
    let mut next = |want: &str, initial: bool| loop {
        let Some(line) = lines.next() else {
            let mut err = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
            panic!("watch ended early while waiting for {want}: {err}");
        };
        let line = line.unwrap();
        let ev: Value = serde_json::from_str(&line).unwrap();
        if ev["reader"] == reader.as_str() && ev["kind"] == want && ev["initial"] == initial {
            return ev;
        }
    };
    let first = next("inserted", true);
    assert!(first["atr"].as_str().unwrap().starts_with("3BF8"));
    vc.remove();
    next("removed", false);
    vc.reinsert();
    next("inserted", false);
    let _ = child.kill();
    let _ = child.wait();
    std::thread::sleep(Duration::from_millis(10));
}
