//! PIV cards spoken to directly over PC/SC: no vendor middleware needed on the desk.

mod apdu;
mod card;

use std::ffi::CString;

use card::PivCard;
pub use card::PivSlot;

use crate::cert::{self, CertInfo};
use crate::encoding;
use crate::{Backend, DigestAlgorithm, EcCurve, KeyKind, Pin, SignError, Signer};

/// A PIV card's signing key (slot 9C, else 9A), with the PIN kept for the "PIN always" policy of 9C.
pub struct PivSigner {
    card: PivCard,
    slot: PivSlot,
    cert: Vec<u8>,
    kind: KeyKind,
    pin: Pin,
}

impl std::fmt::Debug for PivSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PivSigner")
            .field("reader", &self.card.reader)
            .field("slot", &self.slot)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

pub(crate) fn establish() -> Result<pcsc::Context, SignError> {
    pcsc::Context::establish(pcsc::Scope::User).map_err(|e| SignError::PcscUnavailable(e.to_string()))
}

/// Readers known to PC/SC (an empty list is not an error).
pub fn readers(ctx: &pcsc::Context) -> Result<Vec<CString>, SignError> {
    match ctx.list_readers_owned() {
        Ok(r) => Ok(r),
        Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
        Err(e) => Err(SignError::PcscUnavailable(e.to_string())),
    }
}

impl PivSigner {
    /// Connects to `reader` (or the first reader holding a PIV card), reads the certificate and verifies
    /// the PIN once, so a wrong PIN is reported before any document is touched.
    pub fn open(reader: Option<&str>, pin: Pin) -> Result<Self, SignError> {
        let ctx = establish()?;
        let names = readers(&ctx)?;
        let card = match reader {
            Some(r) => {
                let name = names
                    .iter()
                    .find(|n| n.to_string_lossy() == r)
                    .ok_or_else(|| SignError::NoReader(Some(r.to_owned())))?;
                let mut c = PivCard::connect(ctx, name)?;
                if !c.transact(|a| a.select())? {
                    return Err(SignError::Unsupported(format!(
                        "the card in {r} has no PIV application"
                    )));
                }
                c
            }
            None => first_piv_card(&names)?,
        };
        let mut card = card;
        let (slot, cert) = card.transact(|a| {
            a.select()?;
            let found = match a.certificate(PivSlot::Signature)? {
                Some(c) => (PivSlot::Signature, c),
                None => match a.certificate(PivSlot::Authentication)? {
                    Some(c) => (PivSlot::Authentication, c),
                    None => return Err(SignError::NoCertificate),
                },
            };
            a.verify(&pin)?;
            Ok(found)
        })?;
        let kind = cert::key_kind(&cert::parse(&cert)?)?;
        tracing::info!(reader = %card.reader.to_string_lossy(), ?slot, ?kind, "PIV card opened");
        Ok(PivSigner {
            card,
            slot,
            cert,
            kind,
            pin,
        })
    }

    pub fn reader(&self) -> String {
        self.card.reader.to_string_lossy().into_owned()
    }

    /// PIN tries left as the card reports them (`None` = currently verified).
    pub fn pin_retries(&mut self) -> Result<Option<u32>, SignError> {
        self.card.transact(|a| {
            a.select()?;
            a.pin_retries()
        })
    }
}

fn first_piv_card(names: &[CString]) -> Result<PivCard, SignError> {
    if names.is_empty() {
        return Err(SignError::NoReader(None));
    }
    for n in names {
        let ctx = establish()?;
        let Ok(mut c) = PivCard::connect(ctx, n) else {
            continue;
        };
        if c.transact(|a| a.select()).unwrap_or(false) {
            return Ok(c);
        }
    }
    Err(SignError::NoToken(None))
}

impl Signer for PivSigner {
    fn certificate(&self) -> &[u8] {
        &self.cert
    }

    fn chain(&self) -> &[Vec<u8>] {
        &[]
    }

    fn key_kind(&self) -> KeyKind {
        self.kind
    }

    fn backend(&self) -> Backend {
        Backend::Piv
    }

    fn sign_digest(&mut self, alg: DigestAlgorithm, digest: &[u8]) -> Result<Vec<u8>, SignError> {
        encoding::check_digest(alg, digest)?;
        let (alg_id, challenge) = match self.kind {
            KeyKind::Rsa { bits } => {
                let id = match bits {
                    1024 => 0x06,
                    2048 => 0x07,
                    3072 => 0x05,
                    4096 => 0x16,
                    b => return Err(SignError::Unsupported(format!("PIV RSA-{b}"))),
                };
                (
                    id,
                    encoding::emsa_pkcs1_v15(alg, digest, (bits as usize).div_ceil(8))?,
                )
            }
            KeyKind::Ec { curve } => {
                let (id, n) = match curve {
                    EcCurve::P256 => (0x11, 32),
                    EcCurve::P384 => (0x14, 48),
                    EcCurve::P521 => return Err(SignError::Unsupported("PIV P-521".to_owned())),
                };
                (id, ec_input(digest, n))
            }
        };
        // Another application may have selected another applet or the card may have been reset since the
        // last signature: select again, and verify for every signature (9C's "PIN always" policy).
        let (pin, slot) = (&self.pin, self.slot);
        let sig = self.card.transact(|a| {
            if !a.select()? {
                return Err(SignError::TokenRemoved);
            }
            a.verify(pin)?;
            a.sign(alg_id, slot, &challenge)
        })?;
        match self.kind {
            KeyKind::Ec { .. } => {
                encoding::ecdsa_check_der(&sig)?;
                Ok(sig)
            }
            KeyKind::Rsa { bits } if sig.len() == (bits as usize).div_ceil(8) => Ok(sig),
            KeyKind::Rsa { .. } => Err(SignError::Device(format!("RSA signature of {} bytes", sig.len()))),
        }
    }
}

/// ECDSA input of exactly the curve size: a longer hash is truncated (leftmost bits, as ECDSA does), a
/// shorter one left-padded with zeros (the same integer).
fn ec_input(digest: &[u8], n: usize) -> Vec<u8> {
    if digest.len() >= n {
        digest[..n].to_vec()
    } else {
        let mut v = vec![0u8; n - digest.len()];
        v.extend_from_slice(digest);
        v
    }
}

/// One reader and what is in it, for `sohoa tokens`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReaderInfo {
    pub reader: String,
    pub card_present: bool,
    pub atr: Option<String>,
    pub piv: bool,
    pub pin_retries: Option<u32>,
    pub certificates: Vec<CertInfo>,
}

/// Lists readers and, where a PIV card is present, its certificates (no PIN needed).
pub fn list_readers() -> Result<Vec<ReaderInfo>, SignError> {
    let ctx = establish()?;
    let mut out = Vec::new();
    for name in readers(&ctx)? {
        let reader = name.to_string_lossy().into_owned();
        let mut c = match PivCard::connect(establish()?, &name) {
            Ok(c) => c,
            Err(_) => {
                out.push(ReaderInfo {
                    reader,
                    card_present: false,
                    atr: None,
                    piv: false,
                    pin_retries: None,
                    certificates: Vec::new(),
                });
                continue;
            }
        };
        let atr = c.card.status2_owned().ok().map(|s| cert::hex_upper(s.atr()));
        let mut certificates = Vec::new();
        let mut pin_retries = None;
        let piv = c
            .transact(|a| {
                if !a.select()? {
                    return Ok(false);
                }
                let slots = [
                    PivSlot::Signature,
                    PivSlot::Authentication,
                    PivSlot::KeyManagement,
                ];
                for slot in slots {
                    if let Ok(Some(d)) = a.certificate(slot)
                        && let Ok(info) = CertInfo::parse(&d)
                    {
                        certificates.push(info);
                    }
                }
                pin_retries = a.pin_retries().ok().flatten();
                Ok(true)
            })
            .unwrap_or(false);
        out.push(ReaderInfo {
            reader,
            card_present: true,
            atr,
            piv,
            pin_retries,
            certificates,
        });
    }
    Ok(out)
}
