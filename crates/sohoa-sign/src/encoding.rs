//! The byte formats between a digest and a token: DigestInfo for RSA (tokens sign it raw with CKM_RSA_PKCS
//! or, on PIV, as a full EMSA-PKCS1-v1_5 block), and ECDSA signatures as DER `ECDSA-Sig-Value`.

use der::asn1::UintRef;
use der::{Decode, Encode, Sequence};

use crate::{DigestAlgorithm, SignError};

/// DER prefixes of `DigestInfo { AlgorithmIdentifier(hash, NULL), OCTET STRING }` (RFC 8017 §9.2 note 1).
fn digest_info_prefix(alg: DigestAlgorithm) -> &'static [u8] {
    match alg {
        DigestAlgorithm::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
            0x00, 0x04, 0x20,
        ],
        DigestAlgorithm::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
            0x00, 0x04, 0x30,
        ],
        DigestAlgorithm::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
            0x00, 0x04, 0x40,
        ],
    }
}

/// Rejects a digest whose length does not match its algorithm before it reaches a token.
pub fn check_digest(alg: DigestAlgorithm, digest: &[u8]) -> Result<(), SignError> {
    if digest.len() == alg.output_len() {
        Ok(())
    } else {
        Err(SignError::BadDigest {
            alg,
            got: digest.len(),
        })
    }
}

pub fn digest_info(alg: DigestAlgorithm, digest: &[u8]) -> Vec<u8> {
    let mut v = digest_info_prefix(alg).to_vec();
    v.extend_from_slice(digest);
    v
}

/// `00 01 FF..FF 00 DigestInfo`, `k` bytes: what a PIV card's raw RSA operation must be given.
pub fn emsa_pkcs1_v15(alg: DigestAlgorithm, digest: &[u8], k: usize) -> Result<Vec<u8>, SignError> {
    let t = digest_info(alg, digest);
    if k < t.len() + 11 {
        return Err(SignError::Unsupported(format!(
            "RSA key of {} bits too small",
            k * 8
        )));
    }
    let mut em = Vec::with_capacity(k);
    em.extend_from_slice(&[0x00, 0x01]);
    em.resize(k - t.len() - 1, 0xFF);
    em.push(0x00);
    em.extend_from_slice(&t);
    Ok(em)
}

#[derive(Sequence)]
struct EcdsaSig<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

/// PKCS#11 CKM_ECDSA returns `r || s`; CMS needs the DER `ECDSA-Sig-Value`.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, SignError> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return Err(SignError::Device(format!(
            "ECDSA signature of {} bytes",
            raw.len()
        )));
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let bad = |e: der::Error| SignError::Device(format!("ECDSA signature: {e}"));
    let sig = EcdsaSig {
        r: UintRef::new(r).map_err(bad)?,
        s: UintRef::new(s).map_err(bad)?,
    };
    sig.to_der().map_err(bad)
}

/// Checks that a card's answer is a well-formed `ECDSA-Sig-Value` before it goes into a CMS.
pub fn ecdsa_check_der(der_sig: &[u8]) -> Result<(), SignError> {
    EcdsaSig::from_der(der_sig)
        .map(|_| ())
        .map_err(|e| SignError::Device(format!("ECDSA signature from the card: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_to_der_strips_and_pads_integers() {
        let mut raw = vec![0u8; 64];
        raw[0] = 0x00;
        raw[1] = 0x80; // r needs a leading zero after stripping
        raw[32] = 0x01;
        let der = ecdsa_raw_to_der(&raw).unwrap();
        assert_eq!(&der[..4], &[0x30, der[1], 0x02, 0x20]);
        assert_eq!(der[4], 0x00);
        assert_eq!(der[5], 0x80);
        ecdsa_check_der(&der).unwrap();
    }

    #[test]
    fn emsa_block_layout() {
        let d = [7u8; 32];
        let em = emsa_pkcs1_v15(DigestAlgorithm::Sha256, &d, 256).unwrap();
        assert_eq!(em.len(), 256);
        assert_eq!(&em[..3], &[0, 1, 0xFF]);
        assert_eq!(em[256 - 51 - 1], 0);
        assert_eq!(&em[256 - 32..], &d);
    }
}
