//! PIV card commands (NIST SP 800-73-4 part 2) and the BER-TLV they use.

use std::ffi::{CStr, CString};
use std::io::Read;

use super::apdu::{Response, map_transmit_error, send};
use crate::{Pin, SignError};

const SELECT_PIV: [u8; 9] = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00];

/// A key reference and the data object holding its certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PivSlot {
    /// 9A, PIV authentication.
    Authentication,
    /// 9C, digital signature: the slot for signing documents.
    Signature,
    /// 9D, key management.
    KeyManagement,
    /// 9E, card authentication.
    CardAuthentication,
}

impl PivSlot {
    pub fn key_ref(self) -> u8 {
        match self {
            PivSlot::Authentication => 0x9A,
            PivSlot::Signature => 0x9C,
            PivSlot::KeyManagement => 0x9D,
            PivSlot::CardAuthentication => 0x9E,
        }
    }

    fn object_tag(self) -> [u8; 3] {
        match self {
            PivSlot::Authentication => [0x5F, 0xC1, 0x05],
            PivSlot::Signature => [0x5F, 0xC1, 0x0A],
            PivSlot::KeyManagement => [0x5F, 0xC1, 0x0B],
            PivSlot::CardAuthentication => [0x5F, 0xC1, 0x01],
        }
    }
}

/// A connected card. Every multi-APDU step runs inside a PC/SC transaction: the desk's other programs
/// (the CA's own tools, a browser's PKCS#11 module) share the card, and an APDU of theirs between our
/// chained command and its GET RESPONSE, or between VERIFY and GENERAL AUTHENTICATE, would break it.
pub(crate) struct PivCard {
    pub ctx: pcsc::Context,
    pub card: pcsc::Card,
    pub reader: CString,
}

/// The card inside a transaction.
pub(crate) struct Apdu<'a> {
    card: &'a pcsc::Card,
    reader: &'a CStr,
    ctx: &'a pcsc::Context,
}

impl PivCard {
    pub fn connect(ctx: pcsc::Context, reader: &CStr) -> Result<Self, SignError> {
        let card = ctx
            .connect(reader, pcsc::ShareMode::Shared, pcsc::Protocols::ANY)
            .map_err(|e| match e {
                pcsc::Error::NoSmartcard | pcsc::Error::RemovedCard => SignError::NoToken(None),
                pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable => {
                    SignError::NoReader(Some(reader.to_string_lossy().into_owned()))
                }
                other => SignError::Device(format!("PC/SC connect: {other}")),
            })?;
        Ok(PivCard {
            ctx,
            card,
            reader: reader.to_owned(),
        })
    }

    /// Runs `f` with exclusive access; a card reset by another program is reconnected once.
    pub fn transact<R>(&mut self, f: impl FnOnce(&Apdu<'_>) -> Result<R, SignError>) -> Result<R, SignError> {
        if let Err(pcsc::Error::ResetCard) = self.card.transaction().map(drop) {
            self.card
                .reconnect(
                    pcsc::ShareMode::Shared,
                    pcsc::Protocols::ANY,
                    pcsc::Disposition::LeaveCard,
                )
                .map_err(|e| map_transmit_error(e, &self.reader, &self.ctx))?;
        }
        let tx = self
            .card
            .transaction()
            .map_err(|e| map_transmit_error(e, &self.reader, &self.ctx))?;
        let apdu = Apdu {
            card: &tx,
            reader: &self.reader,
            ctx: &self.ctx,
        };
        f(&apdu)
    }
}

impl Apdu<'_> {
    fn cmd(&self, header: [u8; 4], data: &[u8]) -> Result<Response, SignError> {
        send(self.card, self.reader, self.ctx, header, data)
    }

    /// SELECT the PIV application; `Ok(false)` if the card has none.
    pub fn select(&self) -> Result<bool, SignError> {
        let r = self.cmd([0x00, 0xA4, 0x04, 0x00], &SELECT_PIV)?;
        Ok(r.ok())
    }

    /// GET DATA of a certificate object; `None` when the slot is empty (6A82).
    pub fn certificate(&self, slot: PivSlot) -> Result<Option<Vec<u8>>, SignError> {
        let tag = slot.object_tag();
        let r = self.cmd([0x00, 0xCB, 0x3F, 0xFF], &[0x5C, 0x03, tag[0], tag[1], tag[2]])?;
        if r.sw == 0x6A82 {
            return Ok(None);
        }
        if !r.ok() {
            return Err(SignError::Device(format!("GET DATA: SW {:04X}", r.sw)));
        }
        let bad = || SignError::BadCertificate("malformed PIV certificate object".to_owned());
        let (_, body, _) = take(&r.data, 1)
            .filter(|(t, _, _)| *t == [0x53])
            .ok_or_else(bad)?;
        let cert = find(body, 0x70).ok_or_else(bad)?;
        let info = find(body, 0x71).and_then(|v| v.first().copied()).unwrap_or(0);
        if info & 0x01 == 0 {
            return Ok(Some(cert.to_vec()));
        }
        // CertInfo bit 0: the certificate is gzip-compressed (SP 800-73-4 part 1, table 9 note).
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(cert)
            .read_to_end(&mut out)
            .map_err(|e| SignError::BadCertificate(format!("gzip: {e}")))?;
        Ok(Some(out))
    }

    /// VERIFY the card PIN (key reference 80).
    pub fn verify(&self, pin: &Pin) -> Result<(), SignError> {
        let block = pin.piv_block()?;
        let r = self.cmd([0x00, 0x20, 0x00, 0x80], block.as_slice())?;
        pin_status(r.sw)
    }

    /// Retries left without spending one (VERIFY with no data); `None` when already verified.
    pub fn pin_retries(&self) -> Result<Option<u32>, SignError> {
        let r = self.cmd([0x00, 0x20, 0x00, 0x80], &[])?;
        match r.sw {
            0x9000 => Ok(None),
            0x6983 => Ok(Some(0)),
            sw if sw & 0xFFF0 == 0x63C0 => Ok(Some(u32::from(sw & 0x0F))),
            sw => Err(SignError::Device(format!("VERIFY status: SW {sw:04X}"))),
        }
    }

    /// GENERAL AUTHENTICATE with the key in `slot`: `7C { 82 00, 81 <challenge> }` → `7C { 82 <signature> }`.
    pub fn sign(&self, alg: u8, slot: PivSlot, challenge: &[u8]) -> Result<Vec<u8>, SignError> {
        let mut inner = vec![0x82, 0x00];
        put_tlv(&mut inner, 0x81, challenge);
        let mut data = Vec::with_capacity(inner.len() + 4);
        put_tlv(&mut data, 0x7C, &inner);
        let r = self.cmd([0x00, 0x87, alg, slot.key_ref()], &data)?;
        match r.sw {
            0x9000 => {}
            0x6982 => return Err(SignError::WrongPin { retries_left: None }),
            0x6983 => return Err(SignError::PinLocked),
            sw => return Err(SignError::Device(format!("GENERAL AUTHENTICATE: SW {sw:04X}"))),
        }
        let bad = || SignError::Device("malformed GENERAL AUTHENTICATE answer".to_owned());
        let (_, tpl, _) = take(&r.data, 1)
            .filter(|(t, _, _)| *t == [0x7C])
            .ok_or_else(bad)?;
        find(tpl, 0x82).map(<[u8]>::to_vec).ok_or_else(bad)
    }
}

/// VERIFY status words: 63Cx = x tries left, 6983 = blocked.
fn pin_status(sw: u16) -> Result<(), SignError> {
    match sw {
        0x9000 => Ok(()),
        0x6983 => Err(SignError::PinLocked),
        sw if sw & 0xFFF0 == 0x63C0 => {
            let left = u32::from(sw & 0x0F);
            if left == 0 {
                Err(SignError::PinLocked)
            } else {
                Err(SignError::WrongPin {
                    retries_left: Some(left),
                })
            }
        }
        0x6A80 | 0x6700 => Err(SignError::WrongPin { retries_left: None }),
        sw => Err(SignError::Device(format!("VERIFY: SW {sw:04X}"))),
    }
}

fn put_tlv(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.push(tag);
    let n = value.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend_from_slice(&[0x81, n as u8]);
    } else {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(value);
}

/// Splits the first TLV (tag of `tag_len` bytes): (tag, value, rest).
fn take(data: &[u8], tag_len: usize) -> Option<(&[u8], &[u8], &[u8])> {
    let tag = data.get(..tag_len)?;
    let rest = data.get(tag_len..)?;
    let (len, hdr) = match *rest.first()? {
        n if n < 0x80 => (usize::from(n), 1),
        0x81 => (usize::from(*rest.get(1)?), 2),
        0x82 => ((usize::from(*rest.get(1)?) << 8) | usize::from(*rest.get(2)?), 3),
        _ => return None,
    };
    let value = rest.get(hdr..hdr + len)?;
    Some((tag, value, rest.get(hdr + len..)?))
}

fn find(mut data: &[u8], tag: u8) -> Option<&[u8]> {
    while !data.is_empty() {
        let (t, v, rest) = take(data, 1)?;
        if t == [tag] {
            return Some(v);
        }
        data = rest;
    }
    None
}
