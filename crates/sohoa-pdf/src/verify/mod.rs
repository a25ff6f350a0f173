//! Verification of every signature in a PDF: integrity (ByteRange digest and the CMS signature), signer,
//! claimed time (/M) and timestamp, PAdES level, chain to the configured trust anchors, and what changed
//! after each signed revision.

mod chain;
pub mod crypto;
mod revisions;

use chain::chain_status;

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::OctetString;
use der::{Decode, Encode};
use lopdf::{Document, Object};
use serde::Serialize;
use x509_cert::Certificate;

use crate::PdfError;
use crate::sign::cms::{OID_MESSAGE_DIGEST, OID_TIMESTAMP_TOKEN};
use crate::sign::{Level, certcheck};
use crypto::{Hash, hash, hash_of};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ChainStatus {
    /// Path to a trust anchor found and every certificate valid at the signing time.
    Trusted,
    /// No path to any configured anchor (or none configured).
    Untrusted,
    /// A certificate on the path was outside its validity at the signing time.
    Expired,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    pub field: Option<String>,
    pub sub_filter: String,
    pub signer: String,
    pub signer_subject: String,
    /// /M as ISO 8601.
    pub claimed_time: Option<String>,
    /// genTime of the signature timestamp, when present and valid.
    pub timestamp_time: Option<String>,
    pub level: Level,
    pub integrity_ok: bool,
    pub integrity_detail: String,
    pub chain: ChainStatus,
    pub chain_detail: String,
    pub byte_range: [usize; 4],
    /// Bytes after the end of this signature's revision.
    pub bytes_after: usize,
    /// "none", "validation-data" (DSS/timestamps only: allowed) or "modified".
    pub changes_after: String,
    pub changed_objects: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub signatures: Vec<SignatureReport>,
    pub has_dss: bool,
}

impl VerifyReport {
    /// Every signature intact, trusted and not followed by disallowed changes.
    pub fn all_valid(&self) -> bool {
        !self.signatures.is_empty()
            && self
                .signatures
                .iter()
                .all(|s| s.integrity_ok && s.chain == ChainStatus::Trusted && s.changes_after != "modified")
    }
}

pub(crate) fn der_prefix(bytes: &[u8]) -> &[u8] {
    // /Contents is zero-padded; the CMS is the DER TLV at its start.
    let len = match (bytes.first(), bytes.get(1)) {
        (Some(0x30), Some(&l)) if l < 0x80 => 2 + usize::from(l),
        (Some(0x30), Some(&l)) => {
            let n = usize::from(l & 0x7F);
            let v = bytes
                .get(2..2 + n)
                .map(|b| b.iter().fold(0usize, |a, &x| (a << 8) | usize::from(x)))
                .unwrap_or(0);
            2 + n + v
        }
        _ => bytes.len(),
    };
    &bytes[..len.min(bytes.len())]
}

fn pdf_date_to_iso(s: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(s).ok()?.trim_start_matches("D:");
    let (dt, tz) = s.split_at(s.len().min(14));
    let naive = chrono::NaiveDateTime::parse_from_str(dt, "%Y%m%d%H%M%S").ok()?;
    let secs = if tz.starts_with('Z') || tz.is_empty() {
        0
    } else {
        let sign = if tz.starts_with('-') { -1 } else { 1 };
        let digits: String = tz.chars().filter(char::is_ascii_digit).collect();
        let h: i32 = digits.get(0..2)?.parse().ok()?;
        let m: i32 = digits.get(2..4).and_then(|m| m.parse().ok()).unwrap_or(0);
        sign * (h * 3600 + m * 60)
    };
    let off = chrono::FixedOffset::east_opt(secs)?;
    Some(
        naive
            .and_local_timezone(off)
            .single()?
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    )
}

fn signer_cert<'a>(si: &SignerInfo, certs: &'a [Certificate]) -> Option<&'a Certificate> {
    match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => certs.iter().find(|c| {
            c.tbs_certificate.issuer == ias.issuer && c.tbs_certificate.serial_number == ias.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(_) => certs.first(),
    }
}

/// Checks a SignerInfo against `content_digest`; returns the signer certificate on success.
fn check_signer_info<'a>(
    sd: &SignedData,
    certs: &'a [Certificate],
    content_digest: &[u8],
) -> Result<(&'a Certificate, SignerInfo), String> {
    let si = sd.signer_infos.0.iter().next().ok_or("no SignerInfo")?.clone();
    let cert = signer_cert(&si, certs).ok_or("signer certificate not in the CMS")?;
    let attrs = si.signed_attrs.as_ref().ok_or("no signed attributes")?;
    let md = attrs
        .iter()
        .find(|a| a.oid == OID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or("no message-digest attribute")?;
    if md.as_bytes() != content_digest {
        return Err("document digest does not match the signed message-digest (document altered)".into());
    }
    let der = attrs.to_der().map_err(|e| e.to_string())?;
    let h = hash_of(
        &si.signature_algorithm.oid.to_string(),
        hash_of(&si.digest_alg.oid.to_string(), Hash::Sha256),
    );
    if !crypto::verify(
        &cert.tbs_certificate.subject_public_key_info,
        h,
        &der,
        si.signature.as_bytes(),
    ) {
        return Err("CMS signature does not verify with the signer's key".into());
    }
    Ok((cert, si))
}

fn cms_certs(sd: &SignedData) -> Vec<Certificate> {
    sd.certificates
        .iter()
        .flat_map(|s| s.0.iter())
        .filter_map(|c| match c {
            cms::cert::CertificateChoices::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

/// Digest algorithm of the first SignerInfo (SHA-256 when absent or unknown).
fn content_hash(sd: &SignedData) -> Hash {
    hash_of(
        &sd.signer_infos
            .0
            .iter()
            .next()
            .map(|s| s.digest_alg.oid.to_string())
            .unwrap_or_default(),
        Hash::Sha256,
    )
}

/// The SignedData inside a CMS ContentInfo.
fn signed_data(ci: &ContentInfo) -> Result<SignedData, String> {
    ci.content.decode_as::<SignedData>().map_err(|e| e.to_string())
}

/// RFC 3161 token (already parsed) over `covered`: returns genTime (ISO) and the TSA's certificates when
/// it verifies.
fn check_timestamp(sd: &SignedData, covered: &[u8]) -> Result<(String, Vec<Certificate>), String> {
    let tst_der = sd
        .encap_content_info
        .econtent
        .as_ref()
        .and_then(|e| e.decode_as::<OctetString>().ok())
        .ok_or("token without TSTInfo")?;
    let tst = x509_tsp::TstInfo::from_der(tst_der.as_bytes()).map_err(|e| e.to_string())?;
    let h = hash_of(&tst.message_imprint.hash_algorithm.oid.to_string(), Hash::Sha256);
    if tst.message_imprint.hashed_message.as_bytes() != hash(h, covered) {
        return Err("timestamp covers other data".into());
    }
    let certs = cms_certs(sd);
    check_signer_info(sd, &certs, &hash(content_hash(sd), tst_der.as_bytes()))?;
    let t =
        chrono::DateTime::<chrono::Utc>::from_timestamp(tst.gen_time.to_unix_duration().as_secs() as i64, 0)
            .ok_or("bad genTime")?;
    Ok((
        t.with_timezone(&crate::vn_offset())
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        certs,
    ))
}

/// Verifies every signature of `bytes`; `anchors` are the trusted roots (and pinned intermediates).
pub fn verify_pdf(bytes: &[u8], anchors: &[Certificate]) -> Result<VerifyReport, PdfError> {
    let doc = Document::load_mem(bytes)?;
    let dss_certs = revisions::dss_certs(&doc);
    let has_dss = doc.catalog().map(|c| c.has(b"DSS")).unwrap_or(false);
    let mut fields = std::collections::HashMap::new();
    for obj in doc.objects.values() {
        if let Ok(d) = obj.as_dict()
            && let (Ok(Object::Reference(v)), Ok(t)) = (d.get(b"V"), d.get(b"T").and_then(Object::as_str))
        {
            fields.insert(*v, String::from_utf8_lossy(t).into_owned());
        }
    }
    let mut reports = Vec::new();
    for (&id, obj) in &doc.objects {
        let Ok(d) = obj.as_dict() else { continue };
        let (Ok(Object::Array(br)), Ok(Object::String(contents, _))) =
            (d.get(b"ByteRange"), d.get(b"Contents"))
        else {
            continue;
        };
        let br: Vec<usize> = br
            .iter()
            .filter_map(|o| o.as_i64().ok())
            .map(|v| v.max(0) as usize)
            .collect();
        let [a, b, c, e] = br[..] else { continue };
        if a != 0 || b > bytes.len() || c + e > bytes.len() || b > c {
            continue;
        }
        let sub_filter =
            String::from_utf8_lossy(d.get(b"SubFilter").and_then(Object::as_name).unwrap_or(b"?"))
                .into_owned();
        let mut signed = bytes[..b].to_vec();
        signed.extend_from_slice(&bytes[c..c + e]);
        let claimed_time = d
            .get(b"M")
            .and_then(Object::as_str)
            .ok()
            .and_then(pdf_date_to_iso);
        let end = c + e;
        let (changes_after, changed_objects) = revisions::changes_after(bytes, end);
        let mut report = SignatureReport {
            field: fields.get(&id).cloned(),
            sub_filter: sub_filter.clone(),
            signer: String::new(),
            signer_subject: String::new(),
            claimed_time,
            timestamp_time: None,
            level: Level::BB,
            integrity_ok: false,
            integrity_detail: String::new(),
            chain: ChainStatus::Untrusted,
            chain_detail: String::new(),
            byte_range: [a, b, c, e],
            bytes_after: bytes.len() - end,
            changes_after,
            changed_objects,
        };
        let cms_bytes = der_prefix(contents);
        let parsed = ContentInfo::from_der(cms_bytes)
            .map_err(|e| e.to_string())
            .and_then(|ci| signed_data(&ci));
        let sd = match parsed {
            Ok(sd) => sd,
            Err(e) => {
                report.integrity_detail = format!("unreadable CMS: {e}");
                reports.push(report);
                continue;
            }
        };
        if sub_filter == "ETSI.RFC3161" {
            // Document timestamp: the token itself covers the byte ranges.
            match check_timestamp(&sd, &signed) {
                Ok((t, tsa_certs)) => {
                    report.integrity_ok = true;
                    report.integrity_detail = "document timestamp intact".into();
                    report.timestamp_time = Some(t);
                    report.level = Level::BT;
                    if let Some(leaf) = tsa_certs.first() {
                        report.signer = certcheck::subject_cn(leaf);
                    }
                }
                Err(e) => report.integrity_detail = e,
            }
            reports.push(report);
            continue;
        }
        let certs = cms_certs(&sd);
        match check_signer_info(&sd, &certs, &hash(content_hash(&sd), &signed)) {
            Ok((cert, si)) => {
                report.integrity_ok = true;
                report.integrity_detail = "signed bytes unchanged; signature valid".into();
                report.signer = certcheck::subject_cn(cert);
                report.signer_subject = cert.tbs_certificate.subject.to_string();
                let mut pool = certs.clone();
                pool.extend(dss_certs.iter().cloned());
                if let Some(tok) = si
                    .unsigned_attrs
                    .iter()
                    .flat_map(|s| s.iter())
                    .find(|a| a.oid == OID_TIMESTAMP_TOKEN)
                    .and_then(|a| a.values.iter().next())
                {
                    match tok
                        .decode_as::<ContentInfo>()
                        .map_err(|e| e.to_string())
                        .and_then(|ci| signed_data(&ci))
                        .and_then(|tsd| check_timestamp(&tsd, si.signature.as_bytes()))
                    {
                        Ok((t, tsa_certs)) => {
                            report.timestamp_time = Some(t);
                            report.level = Level::BT;
                            pool.extend(tsa_certs);
                        }
                        Err(e) => report
                            .integrity_detail
                            .push_str(&format!("; timestamp invalid: {e}")),
                    }
                }
                if report.level == Level::BT && has_dss && !dss_certs.is_empty() {
                    report.level = Level::BLT;
                }
                let at = report
                    .timestamp_time
                    .as_deref()
                    .or(report.claimed_time.as_deref())
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.timestamp())
                    .unwrap_or_else(|| chrono::Utc::now().timestamp());
                let (status, detail) = chain_status(cert, &pool, anchors, at);
                report.chain = status;
                report.chain_detail = detail;
            }
            Err(e) => report.integrity_detail = e,
        }
        reports.push(report);
    }
    reports.sort_by_key(|r| r.byte_range[2]);
    Ok(VerifyReport {
        signatures: reports,
        has_dss,
    })
}

/// All certificates in the files of a trust directory (PEM or DER; .pem .crt .cer .der).
pub fn load_trust_dir(dir: &std::path::Path) -> Result<Vec<Certificate>, PdfError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if matches!(ext.as_str(), "pem" | "crt" | "cer" | "der") {
            out.extend(crypto::load_certs(&std::fs::read(&path)?));
        }
    }
    Ok(out)
}
