//! `sohoa pdf`, `sohoa sign`, `sohoa verify` end to end: real binary, a PKCS#12 file made by openssl from
//! the test CA's certificate, pyHanko and pdfsig on the output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

use der::EncodePem;
use sohoa_pdf::testpki::{Leaf, TestPki};

fn sohoa(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .env("SIGN_PIN", "1234")
        .env_remove("SOHOA_LOG")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write_page(path: &Path) {
    let img = image::RgbImage::from_fn(827, 1170, |x, y| {
        if (100..700).contains(&x) && (y / 40) % 2 == 1 && y < 600 && (x / 9) % 3 != 0 {
            image::Rgb([20, 20, 20])
        } else {
            image::Rgb([250, 248, 240])
        }
    });
    img.save(path).unwrap();
    // 100 dpi page; the words file sits beside it.
    let json = r#"{"dpi": 100, "words": [{"text": "Giấy", "bbox": [100, 40, 200, 80]}, {"text": "xác", "bbox": [220, 40, 300, 80]}, {"text": "nhận", "bbox": [320, 40, 420, 80]}]}"#;
    std::fs::write(path.with_extension("json"), json).unwrap();
}

/// A .p12 made by openssl (the format real training certificates come in).
fn make_p12(dir: &Path, pki: &mut TestPki, leaf: Leaf) -> String {
    let (key, cert) = pki.issue_ec(leaf, "Van thu CLI");
    let key_pem = der::pem::encode_string("PRIVATE KEY", der::pem::LineEnding::LF, &key).unwrap();
    let cert_pem = <x509_cert::Certificate as der::Decode>::from_der(&cert)
        .unwrap()
        .to_pem(der::pem::LineEnding::LF)
        .unwrap();
    let name = format!("{leaf:?}");
    std::fs::write(dir.join(format!("{name}.key")), key_pem).unwrap();
    std::fs::write(dir.join(format!("{name}.crt")), cert_pem).unwrap();
    std::fs::write(dir.join("ca.pem"), pki.ca_pem()).unwrap();
    let p12 = dir.join(format!("{name}.p12"));
    let out = Command::new("openssl")
        .args(["pkcs12", "-export", "-passout", "pass:1234", "-inkey"])
        .arg(dir.join(format!("{name}.key")))
        .arg("-in")
        .arg(dir.join(format!("{name}.crt")))
        .arg("-certfile")
        .arg(dir.join("ca.pem"))
        .arg("-out")
        .arg(&p12)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl: {}", stderr(&out));
    format!("p12:{}", p12.display())
}

#[test]
fn pdf_sign_verify_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let page = d.join("page-001.png");
    write_page(&page);
    let pdf = d.join("copy.pdf");
    let out = sohoa(
        d,
        &[
            "pdf",
            page.to_str().unwrap(),
            "--out",
            pdf.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["words"], 3);

    let lint = sohoa(d, &["verify", "--pdfa", pdf.to_str().unwrap()]);
    assert!(lint.status.success(), "{}", String::from_utf8_lossy(&lint.stdout));
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("Giấy xác nhận"));

    let mut pki = TestPki::new();
    let key = make_p12(d, &mut pki, Leaf::Signer);
    let signed = d.join("signed.pdf");
    let out = sohoa(
        d,
        &[
            "sign",
            pdf.to_str().unwrap(),
            "--out",
            signed.to_str().unwrap(),
            "--key",
            &key,
            "--pin-env",
            "SIGN_PIN",
            "--agency",
            "Công an xã Tân Lập",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["level"], "B-B");

    let trust = d.join("trust");
    std::fs::create_dir(&trust).unwrap();
    std::fs::write(trust.join("root.pem"), pki.ca_pem()).unwrap();
    let out = sohoa(
        d,
        &[
            "verify",
            signed.to_str().unwrap(),
            "--trust",
            trust.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["report"]["signatures"][0]["chain"], "trusted");
    // Without trust anchors the chain is not trusted: integrity exit code.
    let out = sohoa(d, &["verify", signed.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(7));

    let py = Command::new("/opt/sohoa-pytools/bin/pyhanko")
        .args(["sign", "validate", "--no-revocation-check", "--trust"])
        .arg(trust.join("root.pem"))
        .arg("--trust-replace")
        .arg(&signed)
        .output()
        .unwrap();
    let py_out = String::from_utf8_lossy(&py.stdout);
    assert!(
        py.status.success() && !py_out.contains("INVALID"),
        "pyhanko: {py_out}{}",
        stderr(&py)
    );
    let sig = Command::new("pdfsig")
        .arg("-nocert")
        .arg(&signed)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&sig.stdout).contains("Signature is Valid"));

    // B-LT upgrade step on the signed file.
    let lt = d.join("lt.pdf");
    let out = sohoa(
        d,
        &[
            "sign",
            signed.to_str().unwrap(),
            "--out",
            lt.to_str().unwrap(),
            "--upgrade-lt",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sohoa(
        d,
        &["verify", lt.to_str().unwrap(), "--trust", trust.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn sign_errors_are_one_line_with_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let page = d.join("p.png");
    write_page(&page);
    let pdf = d.join("c.pdf");
    assert!(
        sohoa(
            d,
            &["pdf", page.to_str().unwrap(), "--out", pdf.to_str().unwrap()]
        )
        .status
        .success()
    );
    let mut pki = TestPki::new();
    let out_pdf = d.join("o.pdf");
    let base = [
        "sign",
        pdf.to_str().unwrap(),
        "--out",
        out_pdf.to_str().unwrap(),
        "--agency",
        "CA xã",
        "--pin-env",
        "SIGN_PIN",
        "--key",
    ];

    let expired = make_p12(d, &mut pki, Leaf::Expired);
    let out = sohoa(d, &[&base[..], &[expired.as_str()]].concat());
    assert_eq!(out.status.code(), Some(3));
    let e = stderr(&out);
    assert!(
        e.contains("[sign.certificate]") && e.contains("expired") && e.lines().count() == 1,
        "{e}"
    );

    let wrong_usage = make_p12(d, &mut pki, Leaf::EncryptionOnly);
    let e = stderr(&sohoa(d, &[&base[..], &[wrong_usage.as_str()]].concat()));
    assert!(e.contains("key usage"), "{e}");

    // Token backends: a module that is not there is one clear line, not a crash or a fake signature.
    let out = sohoa(
        d,
        &[&base[..], &["pkcs11:/nonexistent/libvendor-p11.so#T"]].concat(),
    );
    assert_ne!(out.status.code(), Some(0));
    let e = stderr(&out);
    assert!(e.contains("[sign.") && e.lines().count() == 1, "{e}");

    let good = make_p12(d, &mut pki, Leaf::Signer);
    let out = Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .args(base)
        .arg(&good)
        .env("SIGN_PIN", "0000")
        .output()
        .unwrap();
    assert!(stderr(&out).contains("[sign.wrong_pin]"), "{}", stderr(&out));

    let out = sohoa(
        d,
        &[&base[..], &[good.as_str(), "--tsa", "http://127.0.0.1:9/tsa"]].concat(),
    );
    assert!(
        stderr(&out).contains("[sign.tsa_unavailable]"),
        "{}",
        stderr(&out)
    );
    assert!(!out_pdf.exists(), "nothing written on failure");
}

#[test]
fn sign_record_stores_the_signed_copy_as_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let page = d.join("p.png");
    write_page(&page);
    let mut args = support::new_residence_args("Ấp 3, xã An Thạnh 3, huyện Cù Lao Dung, tỉnh Sóc Trăng");
    args.push("--json".to_owned());
    let out = sohoa(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", stderr(&out));
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = rec["id"].as_str().unwrap().to_owned();
    assert!(
        sohoa(d, &["import", page.to_str().unwrap(), "--record", &id])
            .status
            .success()
    );

    let mut pki = TestPki::new();
    let key = make_p12(d, &mut pki, Leaf::Signer);
    let args = [
        "sign",
        "--record",
        &id,
        "--key",
        &key,
        "--pin-env",
        "SIGN_PIN",
        "--agency",
        "Công an xã Tân Lập",
        "--dpi",
        "100",
    ];
    // A wrong PIN attaches nothing.
    let bad = Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .arg("--data-dir")
        .arg(d.join("data"))
        .args(args)
        .env("SIGN_PIN", "0000")
        .output()
        .unwrap();
    assert!(stderr(&bad).contains("[sign.wrong_pin]"), "{}", stderr(&bad));
    let out = sohoa(d, &[&args[..], &["--json"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 2, "{v}");

    let show = sohoa(d, &["record", "show", &id, "--json"]);
    let detail: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    let versions = detail["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{detail}");
    let files = versions.iter().find(|v| v["number"] == 2).unwrap()["files"]
        .as_array()
        .unwrap()
        .clone();
    let pdf = files
        .iter()
        .find(|f| f["media_type"] == "application/pdf")
        .expect("signed copy stored");
    // The stored copy verifies against the test root.
    let sha = pdf["sha256"].as_str().unwrap();
    let blob = d
        .join("data")
        .join("blobs")
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(sha);
    let trust = d.join("trust");
    std::fs::create_dir_all(&trust).unwrap();
    std::fs::write(trust.join("ca.pem"), pki.ca_pem()).unwrap();
    let verify = sohoa(
        d,
        &[
            "verify",
            blob.to_str().unwrap(),
            "--trust",
            trust.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(verify.status.success(), "{}", stderr(&verify));
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(
        text.contains("Công an xã Tân Lập") || text.contains("Van thu CLI"),
        "{text}"
    );
}
