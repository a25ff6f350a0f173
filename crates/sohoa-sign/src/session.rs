//! A batch signing session: the officer types the PIN once, the batch signs record after record.
//!
//! If the token is pulled mid-batch the current signature fails with [`SignError::TokenRemoved`] (nothing
//! is written for that record); once the same token is back, the next `sign` reopens it with the PIN the
//! session already holds, so the batch resumes without asking again. A different token is refused: the
//! records of one batch are signed by one certificate.

use crate::trust::TrustStore;
use crate::{Backend, DigestAlgorithm, KeyKind, KeySpec, Pin, SignError, Signer, open_signer};

pub struct SigningSession {
    spec: KeySpec,
    pin: Pin,
    trust: TrustStore,
    signer: Option<Box<dyn Signer>>,
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    kind: KeyKind,
    backend: Backend,
    signatures: u64,
}

impl std::fmt::Debug for SigningSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningSession")
            .field("spec", &self.spec)
            .field("open", &self.signer.is_some())
            .field("signatures", &self.signatures)
            .finish_non_exhaustive()
    }
}

impl SigningSession {
    /// Opens the token and checks its certificate; a wrong PIN or a bad certificate fails here, before
    /// the batch starts.
    pub fn open(spec: KeySpec, pin: Pin, trust: TrustStore) -> Result<Self, SignError> {
        let signer = open_signer(&spec, pin.clone(), &trust)?;
        Ok(SigningSession {
            certificate: signer.certificate().to_vec(),
            chain: signer.chain().to_vec(),
            kind: signer.key_kind(),
            backend: signer.backend(),
            spec,
            pin,
            trust,
            signer: Some(signer),
            signatures: 0,
        })
    }

    /// Signatures made so far in this session.
    pub fn signatures(&self) -> u64 {
        self.signatures
    }

    /// False after a removal, until the next successful `sign_digest` reopened the token.
    pub fn is_open(&self) -> bool {
        self.signer.is_some()
    }

    fn reopen(&mut self) -> Result<&mut Box<dyn Signer>, SignError> {
        if self.signer.is_none() {
            let s = open_signer(&self.spec, self.pin.clone(), &self.trust)?;
            if s.certificate() != self.certificate.as_slice() {
                return Err(SignError::TokenChanged);
            }
            tracing::info!("signing token reopened after removal");
            self.signer = Some(s);
        }
        self.signer
            .as_mut()
            .ok_or_else(|| SignError::Device("token not open".to_owned()))
    }
}

impl Signer for SigningSession {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn key_kind(&self) -> KeyKind {
        self.kind
    }

    fn backend(&self) -> Backend {
        self.backend
    }

    fn sign_digest(&mut self, alg: DigestAlgorithm, digest: &[u8]) -> Result<Vec<u8>, SignError> {
        let signer = self.reopen()?;
        match signer.sign_digest(alg, digest) {
            Ok(sig) => {
                self.signatures += 1;
                Ok(sig)
            }
            Err(e @ SignError::TokenRemoved) => {
                self.signer = None;
                Err(e)
            }
            Err(e) => Err(e),
        }
    }
}
