//! A PIV card application (NIST SP 800-73-4, part 2) as far as signing needs it: SELECT, GET DATA, VERIFY,
//! GENERAL AUTHENTICATE with command chaining, GET RESPONSE for long answers. The real OpenSC PIV driver
//! and our own PC/SC backend both talk to it, so it must behave like a card, not like our backend expects.

use std::collections::HashMap;
use std::io::Write;

use crate::keys::TestKey;
use crate::pki::{TestPki, Usage, Validity};
use crate::tlv;

/// PIV AID with version (PIX `00 00 10 00 01 00`); OpenSC rejects a PIX shorter than 6 bytes.
const PIV_AID: [u8; 11] = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00];

/// One key slot: 9A authentication, 9C digital signature, 9D key management, 9E card authentication.
#[derive(Clone, Debug)]
pub struct PivSlot {
    pub key: TestKey,
    pub cert_der: Vec<u8>,
    /// Store the certificate gzip-compressed (CertInfo = 01), as some issuers do to fit small cards.
    pub gzip: bool,
}

/// What the card does at the next GENERAL AUTHENTICATE, for the removal test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reaction {
    Answer,
    /// The card is pulled: the connection to the reader drops instead of an answer.
    Vanish,
}

#[derive(Debug)]
pub struct PivCard {
    pin: [u8; 8],
    pin_tries_max: u8,
    pin_tries_left: u8,
    verified: bool,
    selected: bool,
    slots: HashMap<u8, PivSlot>,
    chuid: Vec<u8>,
    chain: Vec<u8>,
    pending: Vec<u8>,
    pub on_sign: Reaction,
    /// Counts of instructions seen, by INS byte, for tests that assert on the card's view.
    pub seen: HashMap<u8, u32>,
}

impl PivCard {
    /// A card with `key` in slot 9C (digital signature) and a current signing certificate for it issued
    /// by `pki` under `cn`; `gzip` stores the certificate compressed, as some issuers do.
    pub fn signing(pki: &TestPki, cn: &str, key: &TestKey, pin: &str, gzip: bool) -> Self {
        let cert_der = pki.issue(cn, key, Validity::Current, Usage::Signing);
        let mut slots = HashMap::new();
        slots.insert(
            0x9C,
            PivSlot {
                key: key.clone(),
                cert_der,
                gzip,
            },
        );
        PivCard::new(pin, slots)
    }

    /// `pin` is the ASCII PIN (6-8 digits); three tries, as the PIV default.
    pub fn new(pin: &str, slots: HashMap<u8, PivSlot>) -> Self {
        let mut p = [0xFF; 8];
        for (d, s) in p.iter_mut().zip(pin.bytes()) {
            *d = s;
        }
        // A random GUID: OpenSC derives the token serial (and any cache key) from the CHUID.
        let mut guid = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut guid);
        let mut chuid_inner = Vec::new();
        tlv::put(&mut chuid_inner, &[0x30], &[0xD4; 25]);
        tlv::put(&mut chuid_inner, &[0x34], &guid);
        tlv::put(&mut chuid_inner, &[0x35], b"20301231");
        tlv::put(&mut chuid_inner, &[0x3E], &[]);
        tlv::put(&mut chuid_inner, &[0xFE], &[]);
        PivCard {
            pin: p,
            pin_tries_max: 3,
            pin_tries_left: 3,
            verified: false,
            selected: false,
            slots,
            chuid: tlv::tlv(&[0x53], &chuid_inner),
            chain: Vec::new(),
            pending: Vec::new(),
            on_sign: Reaction::Answer,
            seen: HashMap::new(),
        }
    }

    pub fn pin_tries_left(&self) -> u8 {
        self.pin_tries_left
    }

    /// Power off or reset: the security status is lost, as on a real card.
    pub fn reset(&mut self) {
        self.verified = false;
        self.selected = false;
        self.chain.clear();
        self.pending.clear();
    }

    /// Handles one command APDU; `None` means the card vanished (see [`Reaction::Vanish`]).
    pub fn process(&mut self, apdu: &[u8]) -> Option<Vec<u8>> {
        let Some(cmd) = Command::parse(apdu) else {
            return Some(sw(0x6700));
        };
        *self.seen.entry(cmd.ins).or_default() += 1;
        if cmd.ins != 0xC0 {
            self.pending.clear();
        }
        let out = match (cmd.cla & 0xEF, cmd.ins) {
            (0x00, 0xA4) => self.select(&cmd),
            (0x00, 0xC0) => Ok(Vec::new()),
            (_, _) if !self.selected => Err(0x6D00),
            (0x00, 0xCB) => self.get_data(&cmd),
            (0x00, 0x20) => self.verify(&cmd),
            (0x00, 0x87) => {
                if cmd.cla & 0x10 != 0 {
                    self.chain.extend_from_slice(cmd.data);
                    Ok(Vec::new())
                } else {
                    let mut data = std::mem::take(&mut self.chain);
                    data.extend_from_slice(cmd.data);
                    if self.on_sign == Reaction::Vanish {
                        return None;
                    }
                    self.general_authenticate(cmd.p1, cmd.p2, &data)
                }
            }
            _ => Err(0x6D00),
        };
        Some(match out {
            Ok(data) => {
                if cmd.ins != 0xC0 {
                    self.pending = data;
                }
                self.next_chunk(cmd.le)
            }
            Err(code) => sw(code),
        })
    }

    /// Sends what fits and keeps the rest for GET RESPONSE (61xx), as short-APDU cards do.
    fn next_chunk(&mut self, le: usize) -> Vec<u8> {
        let n = self.pending.len().min(le.clamp(1, 256));
        let mut out: Vec<u8> = self.pending.drain(..n).collect();
        let left = self.pending.len();
        if left == 0 {
            out.extend_from_slice(&[0x90, 0x00]);
        } else {
            let more = if left < 256 { left as u8 } else { 0 };
            out.extend_from_slice(&[0x61, more]);
        }
        out
    }

    fn select(&mut self, cmd: &Command<'_>) -> Result<Vec<u8>, u16> {
        if cmd.p1 != 0x04 || cmd.data.len() < 5 || !PIV_AID.starts_with(cmd.data) {
            return Err(0x6A82);
        }
        self.selected = true;
        let mut inner = Vec::new();
        tlv::put(&mut inner, &[0x4F], &PIV_AID[5..]);
        tlv::put(&mut inner, &[0x79], &tlv::tlv(&[0x4F], &PIV_AID[..5]));
        Ok(tlv::tlv(&[0x61], &inner))
    }

    fn get_data(&self, cmd: &Command<'_>) -> Result<Vec<u8>, u16> {
        if cmd.p1 != 0x3F || cmd.p2 != 0xFF {
            return Err(0x6A86);
        }
        let (_, tag, _) = tlv::take(cmd.data, 1).ok_or(0x6A80u16)?;
        match tag {
            [0x7E] => {
                let mut inner = Vec::new();
                tlv::put(&mut inner, &[0x4F], &PIV_AID);
                tlv::put(&mut inner, &[0x5F, 0x2F], &[0x40, 0x00]);
                Ok(tlv::tlv(&[0x7E], &inner))
            }
            [0x5F, 0xC1, 0x02] => Ok(self.chuid.clone()),
            [0x5F, 0xC1, t] => {
                let slot = match t {
                    0x05 => 0x9A,
                    0x0A => 0x9C,
                    0x0B => 0x9D,
                    0x01 => 0x9E,
                    _ => return Err(0x6A82),
                };
                let s = self.slots.get(&slot).ok_or(0x6A82u16)?;
                let (cert, info) = if s.gzip {
                    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                    gz.write_all(&s.cert_der).map_err(|_| 0x6F00u16)?;
                    (gz.finish().map_err(|_| 0x6F00u16)?, 0x01)
                } else {
                    (s.cert_der.clone(), 0x00)
                };
                let mut inner = Vec::new();
                tlv::put(&mut inner, &[0x70], &cert);
                tlv::put(&mut inner, &[0x71], &[info]);
                tlv::put(&mut inner, &[0xFE], &[]);
                Ok(tlv::tlv(&[0x53], &inner))
            }
            _ => Err(0x6A82),
        }
    }

    fn verify(&mut self, cmd: &Command<'_>) -> Result<Vec<u8>, u16> {
        if cmd.p2 != 0x80 {
            return Err(0x6A88);
        }
        if cmd.p1 == 0xFF {
            self.verified = false;
            return Ok(Vec::new());
        }
        if self.pin_tries_left == 0 {
            return Err(0x6983);
        }
        if cmd.data.is_empty() {
            return if self.verified {
                Ok(Vec::new())
            } else {
                Err(0x63C0 | u16::from(self.pin_tries_left))
            };
        }
        if cmd.data == self.pin {
            self.pin_tries_left = self.pin_tries_max;
            self.verified = true;
            Ok(Vec::new())
        } else {
            self.verified = false;
            self.pin_tries_left -= 1;
            Err(0x63C0 | u16::from(self.pin_tries_left))
        }
    }

    fn general_authenticate(&mut self, alg: u8, slot: u8, data: &[u8]) -> Result<Vec<u8>, u16> {
        let s = self.slots.get(&slot).ok_or(0x6A86u16)?;
        let template = tlv::take(data, 1)
            .filter(|(t, _, _)| *t == [0x7C])
            .map(|(_, v, _)| v)
            .ok_or(0x6A80u16)?;
        let challenge = tlv::find(template, 0x81).ok_or(0x6A80u16)?;
        if tlv::find(template, 0x82).is_none() {
            return Err(0x6A80);
        }
        if !self.verified {
            return Err(0x6982);
        }
        let sig = match (&s.key, alg) {
            (TestKey::Rsa(_), 0x07) if challenge.len() == s.key.modulus_len() => {
                s.key.rsa_raw(challenge).ok_or(0x6A80u16)?
            }
            (TestKey::P256(_), 0x11) if challenge.len() == 32 => {
                s.key.ecdsa_der(challenge).ok_or(0x6A80u16)?
            }
            _ => return Err(0x6A80),
        };
        // Slot 9C has the "PIN always" policy: every signature needs a fresh VERIFY.
        if slot == 0x9C {
            self.verified = false;
        }
        Ok(tlv::tlv(&[0x7C], &tlv::tlv(&[0x82], &sig)))
    }
}

fn sw(code: u16) -> Vec<u8> {
    code.to_be_bytes().to_vec()
}

/// A parsed command APDU, short or extended length.
struct Command<'a> {
    cla: u8,
    ins: u8,
    p1: u8,
    p2: u8,
    data: &'a [u8],
    le: usize,
}

impl<'a> Command<'a> {
    fn parse(a: &'a [u8]) -> Option<Self> {
        let [cla, ins, p1, p2, body @ ..] = a else {
            return None;
        };
        let (data, le): (&[u8], usize) = match body {
            [] => (&[], 256),
            [le] => (&[], if *le == 0 { 256 } else { usize::from(*le) }),
            [0, h, l] => (&[], usize::from(u16::from_be_bytes([*h, *l])).max(1)),
            [0, h, l, rest @ ..] => {
                let lc = usize::from(u16::from_be_bytes([*h, *l]));
                let data = rest.get(..lc)?;
                let le = match &rest[lc..] {
                    [] => 256,
                    [a, b] => usize::from(u16::from_be_bytes([*a, *b])).max(1),
                    _ => return None,
                };
                (data, le)
            }
            [lc, rest @ ..] => {
                let lc = usize::from(*lc);
                let data = rest.get(..lc)?;
                let le = match &rest[lc..] {
                    [] => 256,
                    [0] => 256,
                    [n] => usize::from(*n),
                    _ => return None,
                };
                (data, le)
            }
        };
        Some(Command {
            cla: *cla,
            ins: *ins,
            p1: *p1,
            p2: *p2,
            data,
            le,
        })
    }
}
