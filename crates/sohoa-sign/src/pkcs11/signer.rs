//! A logged-in PKCS#11 session on one token: one PIN entry, then as many signatures as the batch needs.

use std::path::{Path, PathBuf};

use cryptoki::context::Pkcs11;
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use super::ffi::RawModule;
use super::module;
use crate::cert::{self, CertInfo};
use crate::encoding;
use crate::{Backend, DigestAlgorithm, KeyKind, Pin, SignError, Signer};

/// Which module: a path, a short name (`opensc`, `softhsm`) or probing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleChoice {
    Path(PathBuf),
    Probe,
}

pub struct Pkcs11Signer {
    ctx: Pkcs11,
    raw: RawModule,
    slot: Slot,
    session: Session,
    key: ObjectHandle,
    always_authenticate: bool,
    cert: Vec<u8>,
    chain: Vec<Vec<u8>>,
    kind: KeyKind,
    pin: Pin,
    module: PathBuf,
    token_label: String,
}

impl std::fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("module", &self.module)
            .field("token", &self.token_label)
            .field("kind", &self.kind)
            .field("always_authenticate", &self.always_authenticate)
            .finish_non_exhaustive()
    }
}

impl Pkcs11Signer {
    /// Loads (or probes) the module, finds the token by label, logs in once and picks the signing key:
    /// the certificate with a matching private key (same CKA_ID), preferring nonRepudiation.
    pub fn open(choice: &ModuleChoice, label: Option<&str>, pin: Pin) -> Result<Self, SignError> {
        let (module, ctx) = match choice {
            ModuleChoice::Path(p) => (p.clone(), module::shared_module(p)?),
            ModuleChoice::Probe => module::probe(label)?,
        };
        let raw = RawModule::load(&module).map_err(|reason| SignError::ModuleLoad {
            path: module.display().to_string(),
            reason,
        })?;
        let slot = find_slot(&ctx, label)?;
        let info = ctx.get_token_info(slot).map_err(map_err)?;
        let token_label = info.label().trim().to_owned();
        if info.user_pin_locked() {
            return Err(SignError::PinLocked);
        }
        let session = ctx.open_ro_session(slot).map_err(map_err)?;
        login(&ctx, slot, &session, UserType::User, &pin)?;
        let (key, cert_der) = find_key(&session)?;
        let always_authenticate = session
            .get_attributes(key, &[AttributeType::AlwaysAuthenticate])
            .ok()
            .into_iter()
            .flatten()
            .any(|a| matches!(a, Attribute::AlwaysAuthenticate(true)));
        let kind = cert::key_kind(&cert::parse(&cert_der)?)?;
        let chain = other_certs(&session, &cert_der);
        tracing::info!(token = %token_label, ?kind, always_authenticate, "PKCS#11 token opened");
        Ok(Pkcs11Signer {
            ctx,
            raw,
            slot,
            session,
            key,
            always_authenticate,
            cert: cert_der,
            chain,
            kind,
            pin,
            module,
            token_label,
        })
    }

    pub fn module(&self) -> &Path {
        &self.module
    }

    pub fn token_label(&self) -> &str {
        &self.token_label
    }

    pub fn always_authenticate(&self) -> bool {
        self.always_authenticate
    }
}

impl Signer for Pkcs11Signer {
    fn certificate(&self) -> &[u8] {
        &self.cert
    }

    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn key_kind(&self) -> KeyKind {
        self.kind
    }

    fn backend(&self) -> Backend {
        Backend::Pkcs11
    }

    fn sign_digest(&mut self, alg: DigestAlgorithm, digest: &[u8]) -> Result<Vec<u8>, SignError> {
        encoding::check_digest(alg, digest)?;
        let (mech, data, max_len) = match self.kind {
            KeyKind::Rsa { bits } => (
                Mechanism::RsaPkcs,
                encoding::digest_info(alg, digest),
                (bits as usize).div_ceil(8).max(64),
            ),
            KeyKind::Ec { .. } => (Mechanism::Ecdsa, digest.to_vec(), 160),
        };
        let sig = self
            .sign_raw(&mech, &data, max_len)
            .map_err(|e| self.explain(e))?;
        match self.kind {
            KeyKind::Rsa { .. } => Ok(sig),
            KeyKind::Ec { .. } => encoding::ecdsa_raw_to_der(&sig),
        }
    }
}

impl Pkcs11Signer {
    fn sign_raw(&self, mech: &Mechanism<'_>, data: &[u8], max_len: usize) -> Result<Vec<u8>, SignError> {
        self.session.sign_init(mech, self.key).map_err(map_err)?;
        if self.always_authenticate {
            login(
                &self.ctx,
                self.slot,
                &self.session,
                UserType::ContextSpecific,
                &self.pin,
            )?;
        }
        self.raw.sign(self.session.handle(), data, max_len).map_err(|rv| {
            match cryptoki::error::Rv::from(rv).into_result(cryptoki::context::Function::Sign) {
                Err(e) => map_err(e),
                Ok(()) => SignError::Device("C_Sign failed".to_owned()),
            }
        })
    }

    /// Modules report a pulled token in many ways (OpenSC: CKR_GENERAL_ERROR mid-operation); when the
    /// error is a generic device failure, the slot decides whether the token is still there.
    fn explain(&self, e: SignError) -> SignError {
        if !matches!(e, SignError::Device(_)) {
            return e;
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(2500);
        while std::time::Instant::now() < deadline {
            match self.ctx.get_slot_info(self.slot) {
                Ok(i) if !i.token_present() => return SignError::TokenRemoved,
                Ok(_) => {}
                Err(_) => return SignError::TokenRemoved,
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        e
    }
}

fn find_slot(ctx: &Pkcs11, label: Option<&str>) -> Result<Slot, SignError> {
    let slots = ctx.get_slots_with_token().map_err(map_err)?;
    for s in slots {
        let Ok(t) = ctx.get_token_info(s) else { continue };
        if label.is_none_or(|l| t.label().trim() == l) {
            return Ok(s);
        }
    }
    Err(SignError::NoToken(label.map(str::to_owned)))
}

/// `C_Login`, mapping a wrong PIN to the retries the token admits to (CKF_USER_PIN_FINAL_TRY = 1 left).
fn login(ctx: &Pkcs11, slot: Slot, s: &Session, who: UserType, pin: &Pin) -> Result<(), SignError> {
    let auth = AuthPin::from(pin.expose().to_owned());
    match s.login(who, Some(&auth)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
        Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => {
            let info = ctx.get_token_info(slot).ok();
            if info.as_ref().is_some_and(|i| i.user_pin_locked()) {
                return Err(SignError::PinLocked);
            }
            let final_try = info.as_ref().is_some_and(|i| i.user_pin_final_try());
            if info.as_ref().is_some_and(|i| i.user_pin_count_low()) {
                tracing::warn!("token reports few PIN tries left");
            }
            Err(SignError::WrongPin {
                retries_left: final_try.then_some(1),
            })
        }
        Err(e) => Err(map_err(e)),
    }
}

/// The certificate whose CKA_ID has a private key; nonRepudiation first (the document-signing key on
/// tokens that also carry an authentication key).
fn find_key(s: &Session) -> Result<(ObjectHandle, Vec<u8>), SignError> {
    let certs = s
        .find_objects(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
        ])
        .map_err(map_err)?;
    let mut best: Option<(u8, ObjectHandle, Vec<u8>)> = None;
    for c in certs {
        let attrs = s
            .get_attributes(c, &[AttributeType::Id, AttributeType::Value])
            .map_err(map_err)?;
        let (mut id, mut value) = (None, None);
        for a in attrs {
            match a {
                Attribute::Id(v) => id = Some(v),
                Attribute::Value(v) => value = Some(v),
                _ => {}
            }
        }
        let (Some(id), Some(value)) = (id, value) else {
            continue;
        };
        let Ok(info) = CertInfo::parse(&value) else {
            continue;
        };
        let keys = s
            .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY), Attribute::Id(id)])
            .map_err(map_err)?;
        let Some(k) = keys.first() else { continue };
        // A wrong-usage certificate is kept as a last resort so the trust check names the real problem.
        let rank = match (info.can_sign_documents(), info.has_non_repudiation()) {
            (true, true) => 2,
            (true, false) => 1,
            _ => 0,
        };
        if best.as_ref().is_none_or(|(r, _, _)| rank > *r) {
            best = Some((rank, *k, value));
        }
    }
    best.map(|(_, k, v)| (k, v)).ok_or(SignError::NoCertificate)
}

/// Other certificates on the token (CA certificates some issuers load with the user's), for path building.
fn other_certs(s: &Session, leaf: &[u8]) -> Vec<Vec<u8>> {
    let Ok(certs) = s.find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)]) else {
        return Vec::new();
    };
    certs
        .into_iter()
        .filter_map(|c| s.get_attributes(c, &[AttributeType::Value]).ok())
        .flatten()
        .filter_map(|a| match a {
            Attribute::Value(v) if v != leaf => Some(v),
            _ => None,
        })
        .collect()
}

/// Maps PKCS#11 return values to what the officer can act on.
pub(crate) fn map_err(e: CkError) -> SignError {
    match e {
        CkError::Pkcs11(rv, _) => match rv {
            RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange => {
                SignError::WrongPin { retries_left: None }
            }
            RvError::PinLocked => SignError::PinLocked,
            RvError::DeviceRemoved
            | RvError::TokenNotPresent
            | RvError::SessionHandleInvalid
            | RvError::SessionClosed => SignError::TokenRemoved,
            other => SignError::Device(format!("PKCS#11 {other}")),
        },
        other => SignError::Device(other.to_string()),
    }
}
