//! Trust anchors the administrator manages from the app.
//!
//! The installed trust directory (`SOHOA_TRUST_DIR` or the package's `assets/trust`) is root-owned and
//! read-only for the app, so a desk whose issuer publishes a new root or intermediate would wait for a
//! support visit. The desk's own directory `<data>/trust/` is loaded in addition, wherever the engine builds
//! the trust store; a certificate enters it only after the administrator has compared its SHA-256
//! fingerprint with the issuer's publication and confirmed that exact value, and every change is audited.

mod error;
mod view;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::json;
use sohoa_sign::{SignError, TrustStore};

pub use error::TrustError;
pub use view::{EXPIRING_DAYS, TrustCertificate, TrustSource, fingerprint, normalize_fingerprint};

use crate::{Acting, Action, Engine, EngineError};

/// The desk trust directory: `<data>/trust`.
pub fn desk_trust_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("trust")
}

/// The store signing checks certificates against: the installed directory plus the desk's. Refused when
/// neither holds a self-signed anchor — signing without anchors would check nothing.
pub fn desk_trust_store(data_dir: &Path) -> Result<TrustStore, SignError> {
    trust_store_from(&sohoa_sign::trust::default_trust_dir(), &desk_trust_dir(data_dir))
}

/// [`desk_trust_store`] with the installed directory given (the doctor's `--trust`).
pub(crate) fn trust_store_from(installed: &Path, desk: &Path) -> Result<TrustStore, SignError> {
    let mut store = TrustStore::default();
    for dir in [installed, desk] {
        for p in cert_files(dir) {
            let data =
                std::fs::read(&p).map_err(|e| SignError::TrustStore(format!("{}: {e}", p.display())))?;
            for der in sohoa_sign::cert::certs_from_pem_or_der(&data)
                .map_err(|e| SignError::TrustStore(format!("{}: {e}", p.display())))?
            {
                store.add(der)?;
            }
        }
    }
    if store.anchor_count() == 0 {
        return Err(SignError::TrustStore(format!(
            "no self-signed root certificate in {} or {}",
            installed.display(),
            desk.display()
        )));
    }
    Ok(store)
}

/// The certificate files of `dir` in name order, as `TrustStore::load_dir` reads them; none when the
/// directory does not exist (a desk that never installed one).
/// A missing or unreadable directory holds no certificate (the desk directory exists only once used).
fn cert_files(dir: &Path) -> Vec<PathBuf> {
    sohoa_sign::trust::cert_files(dir).unwrap_or_default()
}

/// Every certificate of both directories; a file that does not parse is logged and skipped so the screen
/// still shows the rest (signing reports it).
fn listed(data_dir: &Path, now: SystemTime) -> Vec<(PathBuf, Vec<u8>, TrustCertificate)> {
    let dirs = [
        (sohoa_sign::trust::default_trust_dir(), TrustSource::Installed),
        (desk_trust_dir(data_dir), TrustSource::Desk),
    ];
    let mut out = Vec::new();
    for (dir, source) in dirs {
        for p in cert_files(&dir) {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let described = view::read_certs(&p).and_then(|ders| {
                ders.into_iter()
                    .map(|d| view::describe(&d, name.clone(), source, now).map(|v| (d, v)))
                    .collect::<Result<Vec<_>, _>>()
            });
            match described {
                Ok(certs) => out.extend(certs.into_iter().map(|(d, v)| (p.clone(), d, v))),
                Err(e) => tracing::warn!(file = %p.display(), error = %e, "trust file skipped"),
            }
        }
    }
    out
}

/// Refuses what must never become a trust anchor: an end-entity certificate or an expired one.
fn check_installable(der: &[u8], view: &TrustCertificate) -> Result<(), TrustError> {
    if !view.ca {
        return Err(TrustError::EndEntity {
            subject: view::subject_label(der),
        });
    }
    if view.expired {
        return Err(TrustError::Expired {
            subject: view::subject_label(der),
            not_after: view.not_after.format("%d/%m/%Y").to_string(),
        });
    }
    Ok(())
}

fn pem(ders: &[Vec<u8>]) -> Result<String, TrustError> {
    ders.iter()
        .map(|d| {
            der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, d)
                .map_err(|e| TrustError::Write(e.to_string()))
        })
        .collect()
}

impl Engine {
    /// Every certificate of the installed and the desk trust directories.
    pub fn trust_anchors(&self) -> Vec<TrustCertificate> {
        listed(self.data_dir(), SystemTime::now())
            .into_iter()
            .map(|(_, _, v)| v)
            .collect()
    }

    /// The certificates in `path` as they would be listed, refused when one is not a CA or has expired.
    pub fn inspect_certificate(&self, path: &Path) -> Result<Vec<TrustCertificate>, TrustError> {
        let now = SystemTime::now();
        let file = path.display().to_string();
        let mut out = Vec::new();
        for der in view::read_certs(path)? {
            let v = view::describe(&der, file.clone(), TrustSource::File, now)?;
            check_installable(&der, &v)?;
            out.push(v);
        }
        Ok(out)
    }

    /// The store signing uses (installed + desk directories).
    pub fn trust_store(&self) -> Result<TrustStore, SignError> {
        desk_trust_store(self.data_dir())
    }

    pub(crate) fn install_trust_anchor_by(
        &self,
        actor: &sohoa_store::Actor,
        path: &Path,
        confirmed: &str,
    ) -> Result<TrustCertificate, EngineError> {
        let now = SystemTime::now();
        let expected = normalize_fingerprint(confirmed);
        let der = view::read_certs(path)?
            .into_iter()
            .find(|d| !expected.is_empty() && normalize_fingerprint(&fingerprint(d)) == expected)
            .ok_or_else(|| TrustError::FingerprintMismatch {
                expected: confirmed.trim().to_owned(),
            })?;
        let file_name = format!(
            "{}.pem",
            expected.get(..16).unwrap_or(&expected).to_ascii_lowercase()
        );
        let v = view::describe(&der, file_name.clone(), TrustSource::Desk, now)?;
        check_installable(&der, &v)?;
        if let Some((_, _, have)) = listed(self.data_dir(), now)
            .into_iter()
            .find(|(_, _, have)| have.fingerprint == v.fingerprint)
        {
            return Err(TrustError::AlreadyInstalled {
                fingerprint: v.fingerprint,
                file: have.file,
            }
            .into());
        }
        let target = desk_trust_dir(self.data_dir()).join(&file_name);
        // A file of that name that holds another certificate (placed by hand) is not overwritten, nor
        // deleted by the rollback below.
        if target.exists() {
            return Err(TrustError::Write(format!("{} đã có / already exists", target.display())).into());
        }
        crate::atomic::write_atomic(&target, pem(std::slice::from_ref(&der))?.as_bytes())
            .map_err(|e| TrustError::Write(e.to_string()))?;
        let details = json!({
            "fingerprint": v.fingerprint, "subject_cn": v.subject_cn, "anchor": v.anchor, "file": file_name,
        });
        if let Err(e) = self.store.audit_append(actor, "trust.install", None, &details) {
            // Not audited means not installed: a trust change nobody can trace is worse than none.
            let _ = std::fs::remove_file(&target);
            return Err(e.into());
        }
        tracing::info!(fingerprint = %v.fingerprint, "trust certificate installed");
        Ok(v)
    }

    pub(crate) fn remove_trust_anchor_by(
        &self,
        actor: &sohoa_store::Actor,
        confirmed: &str,
    ) -> Result<(), EngineError> {
        let expected = normalize_fingerprint(confirmed);
        let all = listed(self.data_dir(), SystemTime::now());
        let found = all
            .iter()
            .find(|(_, _, v)| !expected.is_empty() && normalize_fingerprint(&v.fingerprint) == expected);
        let Some((path, _, v)) = found else {
            return Err(TrustError::NotInstalled(confirmed.trim().to_owned()).into());
        };
        if v.source != TrustSource::Desk {
            return Err(TrustError::Shipped {
                fingerprint: v.fingerprint.clone(),
                dir: sohoa_sign::trust::default_trust_dir().display().to_string(),
            }
            .into());
        }
        // A hand-placed file may hold several certificates: only the confirmed one goes.
        let rest: Vec<Vec<u8>> = all
            .iter()
            .filter(|(p, _, o)| p == path && o.fingerprint != v.fingerprint)
            .map(|(_, d, _)| d.clone())
            .collect();
        let original = std::fs::read(path).map_err(|e| TrustError::Write(e.to_string()))?;
        let written = if rest.is_empty() {
            std::fs::remove_file(path)
        } else {
            crate::atomic::write_atomic(path, pem(&rest)?.as_bytes())
        };
        written.map_err(|e| TrustError::Write(e.to_string()))?;
        let details = json!({"fingerprint": v.fingerprint, "subject_cn": v.subject_cn, "file": v.file});
        if let Err(e) = self.store.audit_append(actor, "trust.remove", None, &details) {
            // Not audited means not removed, as for an install.
            if let Err(w) = crate::atomic::write_atomic(path, &original) {
                tracing::error!(error = %w, "trust file not restored after a failed audit");
            }
            return Err(e.into());
        }
        tracing::info!(fingerprint = %v.fingerprint, "trust certificate removed");
        Ok(())
    }
}

impl Acting<'_> {
    pub fn trust_anchors(&self) -> Result<Vec<TrustCertificate>, EngineError> {
        Ok(self.require(Action::Settings)?.trust_anchors())
    }

    pub fn inspect_certificate(&self, path: &Path) -> Result<Vec<TrustCertificate>, EngineError> {
        Ok(self.require(Action::Settings)?.inspect_certificate(path)?)
    }

    /// Installs the certificate of `path` whose fingerprint is `fingerprint` (the value the administrator
    /// compared with the issuer's publication) into the desk trust directory.
    pub fn install_trust_anchor(
        &self,
        path: &Path,
        fingerprint: &str,
    ) -> Result<TrustCertificate, EngineError> {
        let engine = self.require(Action::Settings)?;
        engine.install_trust_anchor_by(&engine.actor_for(self.caller), path, fingerprint)
    }

    /// Removes a desk-installed certificate; the installed directory's are refused.
    pub fn remove_trust_anchor(&self, fingerprint: &str) -> Result<(), EngineError> {
        let engine = self.require(Action::Settings)?;
        engine.remove_trust_anchor_by(&engine.actor_for(self.caller), fingerprint)
    }
}
