//! `sohoa sign` with real token backends end to end: SoftHSM2 through PKCS#11, the virtual PIV card
//! directly over PC/SC and through OpenSC's PKCS#11 module; every output validated by pyHanko (test root as
//! the only trust anchor) and poppler's pdfsig. Also the removal of the card mid-signing: a clear error and
//! no output file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sohoa_vpcd_fixture::{PivCard, Reaction, TestKey, TestPki, VirtualCard};

const PIN: &str = "123456";
const AGENCY: &str = "Công an xã Tân Lập";

struct Desk {
    dir: tempfile::TempDir,
    pki: TestPki,
}

impl Desk {
    fn new() -> Desk {
        Desk {
            dir: tempfile::tempdir().unwrap(),
            pki: TestPki::new(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn sohoa(&self, args: &[&str], envs: &[(&str, &Path)]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sohoa"));
        c.arg("--data-dir")
            .arg(self.path("data"))
            .args(args)
            .env("SIGN_PIN", PIN)
            .env("SOHOA_TRUST_DIR", self.pki.trust_dir())
            .env_remove("SOHOA_LOG");
        for (k, v) in envs {
            c.env(k, v);
        }
        c.output().unwrap()
    }

    /// A one-page PDF/A made by `sohoa pdf` from a generated scan.
    fn copy_pdf(&self) -> PathBuf {
        let page = self.path("page-001.png");
        image::RgbImage::from_fn(827, 1170, |x, y| {
            if (100..700).contains(&x) && (y / 40) % 2 == 1 && y < 600 && (x / 9) % 3 != 0 {
                image::Rgb([20, 20, 20])
            } else {
                image::Rgb([250, 248, 240])
            }
        })
        .save(&page)
        .unwrap();
        let pdf = self.path("copy.pdf");
        let out = self.sohoa(
            &[
                "pdf",
                page.to_str().unwrap(),
                "--out",
                pdf.to_str().unwrap(),
                "--dpi",
                "100",
            ],
            &[],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        pdf
    }

    fn sign(&self, key: &str, out_name: &str, envs: &[(&str, &Path)]) -> (Output, PathBuf) {
        let input = self.copy_pdf();
        let out = self.path(out_name);
        let o = self.sohoa(
            &[
                "sign",
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--key",
                key,
                "--pin-env",
                "SIGN_PIN",
                "--agency",
                AGENCY,
                "--json",
            ],
            envs,
        );
        (o, out)
    }

    /// The records clerk's SoftHSM2 token ("VAN THU"), its certificate issued by this desk's test PKI.
    fn van_thu_token(&self) -> sohoa_vpcd_fixture::softhsm::SoftHsm {
        sohoa_vpcd_fixture::softhsm::signing_token(
            &self.pki,
            "VAN THU",
            PIN,
            "Văn thư Công an xã Tân Lập",
            true,
        )
    }

    /// pyHanko with the test root as the only anchor, pdfsig and qpdf.
    fn validate(&self, signed: &Path) {
        sohoa_vpcd_fixture::validate_signed_pdf(&self.pki.root_pem_path(), signed);
    }
}

fn piv_card(pki: &TestPki, cn: &str, key: &TestKey) -> PivCard {
    PivCard::signing(pki, cn, key, PIN, false)
}

fn unique(prefix: &str) -> String {
    format!("{prefix} {:08X}", rand::random::<u32>())
}

#[test]
fn signs_through_softhsm() {
    let desk = Desk::new();
    let hsm = desk.van_thu_token();
    let conf = hsm.conf();
    let (o, signed) = desk.sign(
        "pkcs11:softhsm#VAN THU",
        "softhsm.pdf",
        &[("SOFTHSM2_CONF", &conf)],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["level"], "B-B");
    desk.validate(&signed);
    // Wrong PIN: one line with the code, exit 3, nothing written.
    let wrong = desk.path("wrong.pdf");
    let o = desk.sohoa(
        &[
            "sign",
            desk.copy_pdf().to_str().unwrap(),
            "--out",
            wrong.to_str().unwrap(),
            "--key",
            "pkcs11:softhsm#VAN THU",
            "--pin-env",
            "BAD_PIN",
            "--agency",
            AGENCY,
        ],
        &[("SOFTHSM2_CONF", &conf), ("BAD_PIN", Path::new("000000"))],
    );
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("sign.wrong_pin"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!wrong.exists());
}

/// The administrator installs the agency's root in the desk's own trust directory from the app; `sohoa sign`
/// trusts it as the app does (here the installed directory is empty, so the desk's root is the only one).
#[test]
fn the_desks_own_trust_anchors_are_trusted() {
    let desk = Desk::new();
    let hsm = desk.van_thu_token();
    let conf = hsm.conf();
    let installed = desk.path("installed-trust");
    std::fs::create_dir_all(&installed).unwrap();
    let envs = [
        ("SOFTHSM2_CONF", conf.as_path()),
        ("SOHOA_TRUST_DIR", installed.as_path()),
    ];
    let (o, out) = desk.sign("pkcs11:softhsm#VAN THU", "before.pdf", &envs);
    assert!(!o.status.success(), "signed with no trust anchor at all");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("sign."),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.exists());
    let own = desk.path("data/trust");
    std::fs::create_dir_all(&own).unwrap();
    for f in std::fs::read_dir(desk.pki.trust_dir()).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, own.join(f.file_name().unwrap())).unwrap();
    }
    let (o, signed) = desk.sign("pkcs11:softhsm#VAN THU", "after.pdf", &envs);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    desk.validate(&signed);
}

#[test]
fn signs_through_piv_directly() {
    let desk = Desk::new();
    let key = TestKey::p256();
    let vc = VirtualCard::insert(piv_card(&desk.pki, &unique("PIV CLI"), &key));
    let (o, signed) = desk.sign(&format!("piv:{}", vc.reader()), "piv.pdf", &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    desk.validate(&signed);
}

#[test]
fn signs_through_opensc_and_survives_removal() {
    let desk = Desk::new();
    let label = unique("OPENSC CLI");
    let key = TestKey::rsa2048();
    let mut vc = VirtualCard::insert_exclusive(piv_card(&desk.pki, &label, &key));
    let spec = format!("pkcs11:opensc#{label}");
    let (o, signed) = desk.sign(&spec, "opensc.pdf", &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    desk.validate(&signed);
    // Pulled mid-signing: the error says so, and no half-written copy exists.
    vc.card().on_sign = Reaction::Vanish;
    let (o, out) = desk.sign(&spec, "removed.pdf", &[]);
    assert!(!o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "sign.token_removed", "{v}");
    assert!(!out.exists() && !out.with_extension("pdf.part").exists());
    // Retry path: put the card back and sign again.
    vc.card().on_sign = Reaction::Answer;
    vc.reinsert();
    let (o, signed) = desk.sign(&spec, "retried.pdf", &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    desk.validate(&signed);
}
