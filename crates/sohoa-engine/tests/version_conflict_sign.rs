#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)]
//! A signed copy shows the pages of the version it was made from, so it is stored into that version only:
//! another writer (a second `Store` on the data directory) commits a page while the token signs (the real
//! SoftHSM2 key, wrapped so the commit happens at its signing call, not after a sleep), and the copy is
//! refused with `store.version_conflict` instead of joining a version whose pages it does not show.

mod page_ops_support;
mod support;

use page_ops_support::{other_adds_a_page, record_with_pages};
use sohoa_engine::{RecordSignOptions, Role};
use sohoa_pdf::{CopyForm, SignOptions};
use sohoa_sign::{Backend, DigestAlgorithm, KeyKind, SignError, Signer};
use sohoa_vpcd_fixture::TestPki;
use sohoa_vpcd_fixture::softhsm::{MODULE, signing_token};
use support::{engine_with, residence};

struct CommitsWhileSigning {
    inner: Box<dyn Signer>,
    dir: std::path::PathBuf,
    id: String,
    theirs: Option<String>,
}

impl Signer for CommitsWhileSigning {
    fn certificate(&self) -> &[u8] {
        self.inner.certificate()
    }
    fn chain(&self) -> &[Vec<u8>] {
        self.inner.chain()
    }
    fn key_kind(&self) -> KeyKind {
        self.inner.key_kind()
    }
    fn backend(&self) -> Backend {
        self.inner.backend()
    }
    fn sign_digest(&mut self, alg: DigestAlgorithm, digest: &[u8]) -> Result<Vec<u8>, SignError> {
        if self.theirs.is_none() {
            self.theirs = Some(other_adds_a_page(&self.dir, &self.id));
        }
        self.inner.sign_digest(alg, digest)
    }
}

#[test]
fn a_signed_copy_is_not_stored_into_a_version_committed_while_signing() {
    let pki = TestPki::new();
    // SAFETY: nextest runs each test in its own process; this runs first, before any other thread exists.
    unsafe { std::env::set_var("SOHOA_TRUST_DIR", pki.trust_dir()) };
    let _hsm = signing_token(&pki, "CA-XA", "123456", "Công an xã Thử", false);
    let (d, engine, officer) = engine_with(Role::Officer);
    let e = engine.acting(&officer);
    let id = record_with_pages(&engine, &officer, d.path(), &residence(), 1, 1);
    let key = format!("pkcs11:{MODULE}#CA-XA");
    let inner = sohoa_engine::open_trusted_signer(engine.data_dir(), &key, "123456".to_owned()).unwrap();
    let mut signer = CommitsWhileSigning {
        inner,
        dir: d.path().to_path_buf(),
        id: id.clone(),
        theirs: None,
    };
    let mut opts = RecordSignOptions::new(SignOptions {
        agency: "Công an xã Thử".to_owned(),
        copy_form: CopyForm::default(),
        tsa_url: None,
        time: None,
    });
    opts.fallback_dpi = Some(100.0);

    let err = e.sign_record(&id, &mut signer, &opts).unwrap_err();
    assert_eq!(err.code(), "store.version_conflict", "{err}");
    let theirs = signer.theirs.clone().expect("the token was asked to sign");
    let detail = e.record_detail(&id).unwrap();
    assert_eq!(detail.versions.len(), 2, "only the other writer's version");
    let files: Vec<&str> = detail.versions[1]
        .files
        .iter()
        .map(|f| f.sha256.as_str())
        .collect();
    assert_eq!(files.len(), 2);
    assert!(files.contains(&theirs.as_str()));
    assert!(
        detail.versions[1]
            .files
            .iter()
            .all(|f| f.name != sohoa_engine::SIGNED_COPY_NAME)
    );

    // Signed again on the current version, the copy is stored.
    let report = e.sign_record(&id, &mut signer, &opts).unwrap();
    assert_eq!(report.version, 3);
}
