//! RFC 3161 client: asks a timestamp authority to sign the hash of our signature value (PAdES B-T).
//! Plain HTTP POST `application/timestamp-query` as the Vietnamese TSAs serve it. Desks are often offline:
//! any failure here is a [`PdfError::Tsa`] the officer can act on (sign at B-B now, add the time later).

use std::time::Duration;

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::{Int, OctetString};
use der::{Decode, Encode};
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use crate::PdfError;

fn tsa_err(e: impl std::fmt::Display) -> PdfError {
    PdfError::Tsa(e.to_string())
}

/// Minimal two's-complement big-endian encoding (DER rejects redundant leading zero bytes).
pub fn der_uint(v: u64) -> Result<Int, PdfError> {
    let bytes = v.to_be_bytes();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(7);
    let mut out = Vec::with_capacity(9);
    if bytes[first] >= 0x80 {
        out.push(0);
    }
    out.extend_from_slice(&bytes[first..]);
    Ok(Int::new(&out)?)
}

/// Request for `sha256_digest`, with a nonce (replay protection) and the TSA certificate requested.
pub fn build_request(sha256_digest: &[u8], nonce: u64) -> Result<Vec<u8>, PdfError> {
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: spki::AlgorithmIdentifier {
                oid: super::cms::OID_SHA256,
                parameters: None,
            },
            hashed_message: OctetString::new(sha256_digest.to_vec())?,
        },
        req_policy: None,
        nonce: Some(der_uint(nonce)?),
        cert_req: true,
        extensions: None,
    };
    Ok(req.to_der()?)
}

/// Checks a response against the request; returns the token (a CMS ContentInfo) DER.
pub fn parse_response(resp: &[u8], sha256_digest: &[u8], nonce: u64) -> Result<Vec<u8>, PdfError> {
    let resp = TimeStampResp::from_der(resp).map_err(|e| tsa_err(format!("malformed reply: {e}")))?;
    let status = resp.status.status as u8;
    if status > 1 {
        return Err(tsa_err(format!("request refused (PKIStatus {status})")));
    }
    let token: ContentInfo = resp
        .time_stamp_token
        .ok_or_else(|| tsa_err("reply carries no token"))?;
    let sd: SignedData = token.content.decode_as().map_err(tsa_err)?;
    let econtent = sd
        .encap_content_info
        .econtent
        .ok_or_else(|| tsa_err("token without TSTInfo"))?;
    let tst_der = econtent.decode_as::<OctetString>().map_err(tsa_err)?;
    let tst = TstInfo::from_der(tst_der.as_bytes()).map_err(tsa_err)?;
    if tst.message_imprint.hashed_message.as_bytes() != sha256_digest {
        return Err(tsa_err("token covers a different hash"));
    }
    let expected = der_uint(nonce)?;
    if tst.nonce.as_ref() != Some(&expected) {
        return Err(tsa_err("token nonce does not match the request"));
    }
    Ok(token.to_der()?)
}

/// Full round trip with a 20 s budget.
pub fn request_timestamp(url: &str, sha256_digest: &[u8]) -> Result<Vec<u8>, PdfError> {
    let nonce: u64 = u64::from_be_bytes(
        uuid::Uuid::now_v7().as_bytes()[8..16]
            .try_into()
            .map_err(|_| tsa_err("nonce"))?,
    ) >> 1;
    let body = build_request(sha256_digest, nonce)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .http_status_as_error(true)
        .build()
        .into();
    let mut resp = agent
        .post(url)
        .content_type("application/timestamp-query")
        .send(&body[..])
        .map_err(|e| tsa_err(format!("{url}: {e}")))?;
    let bytes = resp
        .body_mut()
        .read_to_vec()
        .map_err(|e| tsa_err(format!("{url}: {e}")))?;
    parse_response(&bytes, sha256_digest, nonce)
}
