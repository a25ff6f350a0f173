//! `--key pkcs11:MODULE[#label] | piv[:READER] | p12:FILE`, and opening it as a checked signer.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::SystemTime;

use crate::piv::PivSigner;
use crate::pkcs11::{ModuleChoice, Pkcs11Signer, resolve_alias};
use crate::trust::{self, TrustStore};
use crate::{Backend, DigestAlgorithm, KeyKind, Pin, SignError, Signer};

/// Where the signing key is, as the officer or the configuration names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySpec {
    /// `pkcs11:` (probe), `pkcs11:auto`, `pkcs11:opensc`, `pkcs11:/path/module.so`, each with `#label`.
    Pkcs11 {
        module: ModuleChoice,
        label: Option<String>,
    },
    /// `piv` (first reader with a PIV card) or `piv:Reader Name`.
    Piv { reader: Option<String> },
    /// `p12:FILE`, development and training only.
    P12 { path: PathBuf },
}

impl FromStr for KeySpec {
    type Err = SignError;

    fn from_str(s: &str) -> Result<Self, SignError> {
        let bad = || {
            SignError::KeySpec(format!(
                "«{s}»: expected pkcs11:MODULE[#label], piv[:READER] or p12:FILE"
            ))
        };
        let (scheme, rest) = match s.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        match (scheme, rest) {
            ("pkcs11", rest) => {
                let rest = rest.unwrap_or("");
                // At the first '#': token labels may hold one ("Token #2"), module paths in practice do not.
                let (module, label) = match rest.split_once('#') {
                    Some((m, l)) => (m, Some(l.trim())),
                    None => (rest, None),
                };
                let label = label.filter(|l| !l.is_empty()).map(str::to_owned);
                let module = match module.trim() {
                    "" | "auto" => ModuleChoice::Probe,
                    m => ModuleChoice::Path(resolve_alias(m).unwrap_or_else(|| PathBuf::from(m))),
                };
                Ok(KeySpec::Pkcs11 { module, label })
            }
            ("piv", None) => Ok(KeySpec::Piv { reader: None }),
            ("piv", Some(r)) => Ok(KeySpec::Piv {
                reader: Some(r.to_owned()).filter(|r| !r.is_empty()),
            }),
            ("p12", Some(f)) if !f.is_empty() => Ok(KeySpec::P12 {
                path: PathBuf::from(f),
            }),
            _ => Err(bad()),
        }
    }
}

/// Opens the key, logs in once with `pin` (one PIN entry for the whole batch), and checks the
/// certificate against `trust` before returning: an expired, wrong-usage or untrusted certificate is
/// refused here, before any document is prepared.
pub fn open_signer(spec: &KeySpec, pin: Pin, trust: &TrustStore) -> Result<Box<dyn Signer>, SignError> {
    let inner: Box<dyn Signer> = match spec {
        KeySpec::Pkcs11 { module, label } => Box::new(Pkcs11Signer::open(module, label.as_deref(), pin)?),
        KeySpec::Piv { reader } => Box::new(PivSigner::open(reader.as_deref(), pin)?),
        KeySpec::P12 { path } => {
            let data =
                std::fs::read(path).map_err(|e| SignError::KeySpec(format!("{}: {e}", path.display())))?;
            tracing::warn!("PKCS#12 file key: development and training only");
            Box::new(crate::pkcs12::Pkcs12Signer::open(&data, pin.expose())?)
        }
    };
    Ok(Box::new(TrustedSigner::new(inner, trust)?))
}

/// A signer whose certificate passed the trust checks; the validity period is checked again at every
/// signature, since a batch can outlive a certificate's last day.
pub struct TrustedSigner {
    inner: Box<dyn Signer>,
    chain: Vec<Vec<u8>>,
}

impl TrustedSigner {
    pub fn new(inner: Box<dyn Signer>, trust: &TrustStore) -> Result<Self, SignError> {
        let chain = trust.check_signing_cert(inner.certificate(), inner.chain(), SystemTime::now())?;
        Ok(TrustedSigner { inner, chain })
    }
}

impl Signer for TrustedSigner {
    fn certificate(&self) -> &[u8] {
        self.inner.certificate()
    }

    /// The verified path from the issuer up to (not including) the anchor.
    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn key_kind(&self) -> KeyKind {
        self.inner.key_kind()
    }

    fn backend(&self) -> Backend {
        self.inner.backend()
    }

    fn sign_digest(&mut self, alg: DigestAlgorithm, digest: &[u8]) -> Result<Vec<u8>, SignError> {
        trust::check_validity_and_usage(self.inner.certificate(), SystemTime::now())?;
        self.inner.sign_digest(alg, digest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        assert_eq!(
            "pkcs11:/usr/lib/x.so#CONG AN XA".parse::<KeySpec>().unwrap(),
            KeySpec::Pkcs11 {
                module: ModuleChoice::Path("/usr/lib/x.so".into()),
                label: Some("CONG AN XA".into())
            }
        );
        assert_eq!(
            "pkcs11:".parse::<KeySpec>().unwrap(),
            KeySpec::Pkcs11 {
                module: ModuleChoice::Probe,
                label: None
            }
        );
        assert_eq!(
            "pkcs11:/usr/lib/x.so#Token #2".parse::<KeySpec>().unwrap(),
            KeySpec::Pkcs11 {
                module: ModuleChoice::Path("/usr/lib/x.so".into()),
                label: Some("Token #2".into())
            }
        );
        assert_eq!(
            "pkcs11:auto#T".parse::<KeySpec>().unwrap(),
            KeySpec::Pkcs11 {
                module: ModuleChoice::Probe,
                label: Some("T".into())
            }
        );
        assert!(matches!(
            "pkcs11:softhsm".parse::<KeySpec>().unwrap(),
            KeySpec::Pkcs11 { module: ModuleChoice::Path(p), .. } if p.ends_with("libsofthsm2.so")
        ));
        assert_eq!("piv".parse::<KeySpec>().unwrap(), KeySpec::Piv { reader: None });
        assert_eq!(
            "piv:Virtual PCD 00 00".parse::<KeySpec>().unwrap(),
            KeySpec::Piv {
                reader: Some("Virtual PCD 00 00".into())
            }
        );
        assert_eq!(
            "p12:dev.p12".parse::<KeySpec>().unwrap(),
            KeySpec::P12 {
                path: "dev.p12".into()
            }
        );
        for bad in ["p12:", "token", "pkcs12:x", ""] {
            let e = bad.parse::<KeySpec>().unwrap_err();
            assert_eq!(e.code(), "sign.key_spec", "{bad}");
        }
    }
}
