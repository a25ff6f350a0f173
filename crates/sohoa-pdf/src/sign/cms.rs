//! CMS SignedData for PAdES (and for RFC 3161 tokens built by test TSAs): detached or enveloped content,
//! signed attributes content-type, message-digest and ESS signing-certificate-v2, and **no signing-time**
//! (PAdES puts the claimed time in the signature dictionary's /M).
//!
//! Built from the RustCrypto `cms` structures rather than its builder because the key sits behind
//! `sohoa_sign::Signer` (digest in, signature out) and never exposes a `signature::Signer`.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use sha2::Digest as _;
use sohoa_sign::{DigestAlgorithm, KeyKind, Signer};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;

use crate::PdfError;

pub const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
pub const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
pub const OID_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
pub const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
pub const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
pub const OID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
pub const OID_SIGNING_CERT_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
pub const OID_TIMESTAMP_TOKEN: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
pub const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const OID_SHA256_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
pub const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
pub const OID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");

/// ESS `IssuerSerial` (RFC 5035).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct IssuerSerial {
    pub issuer: Vec<GeneralName>,
    pub serial_number: x509_cert::serial_number::SerialNumber,
}

/// ESS `ESSCertIDv2` with the default hash algorithm (SHA-256, therefore omitted).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertIdV2 {
    pub cert_hash: OctetString,
    pub issuer_serial: Option<IssuerSerial>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
}

pub fn sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: OID_SHA256,
        parameters: None,
    }
}

pub fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, PdfError> {
    let mut values = SetOfVec::new();
    values.insert(value)?;
    Ok(Attribute { oid, values })
}

fn signature_algorithm(kind: KeyKind) -> AlgorithmIdentifierOwned {
    match kind {
        KeyKind::Rsa { .. } => AlgorithmIdentifierOwned {
            oid: OID_SHA256_RSA,
            parameters: Some(Any::null()),
        },
        KeyKind::Ec { .. } => AlgorithmIdentifierOwned {
            oid: OID_ECDSA_SHA256,
            parameters: None,
        },
    }
}

/// Builds a SignedData ContentInfo (DER). `content_digest` is SHA-256 of the (possibly detached) content.
pub fn build_signed_data(
    signer: &mut dyn Signer,
    econtent_type: ObjectIdentifier,
    econtent: Option<&[u8]>,
    content_digest: &[u8],
    unsigned: Option<Vec<Attribute>>,
) -> Result<Vec<u8>, PdfError> {
    let cert_der = signer.certificate().to_vec();
    let cert = Certificate::from_der(&cert_der)
        .map_err(|e| PdfError::Certificate(format!("unreadable signing certificate: {e}")))?;
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(sha2::Sha256::digest(&cert_der).to_vec())?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(cert.tbs_certificate.issuer.clone())],
                serial_number: cert.tbs_certificate.serial_number.clone(),
            }),
        }],
    };
    let mut signed_attrs = SetOfVec::new();
    signed_attrs.insert(attribute(OID_CONTENT_TYPE, Any::encode_from(&econtent_type)?)?)?;
    signed_attrs.insert(attribute(
        OID_MESSAGE_DIGEST,
        Any::encode_from(&OctetString::new(content_digest.to_vec())?)?,
    )?)?;
    signed_attrs.insert(attribute(OID_SIGNING_CERT_V2, Any::encode_from(&ess)?)?)?;
    // The signature covers the attributes' DER as a SET (tag 0x31), not the [0] IMPLICIT form stored below.
    let attrs_der = signed_attrs.to_der()?;
    let digest = sha2::Sha256::digest(&attrs_der);
    let signature = signer.sign_digest(DigestAlgorithm::Sha256, &digest)?;
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256_alg(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: signature_algorithm(signer.key_kind()),
        signature: OctetString::new(signature)?,
        unsigned_attrs: unsigned
            .map(|u| {
                u.into_iter()
                    .try_fold(SetOfVec::new(), |mut s, a| s.insert(a).map(|()| s))
            })
            .transpose()?,
    };
    let mut certs = SetOfVec::new();
    certs.insert(CertificateChoices::Certificate(cert))?;
    for c in signer.chain() {
        let c = Certificate::from_der(c)
            .map_err(|e| PdfError::Certificate(format!("unreadable chain certificate: {e}")))?;
        certs.insert(CertificateChoices::Certificate(c))?;
    }
    let mut digest_algs = SetOfVec::new();
    digest_algs.insert(sha256_alg())?;
    let mut infos = SetOfVec::new();
    infos.insert(signer_info)?;
    let econtent = econtent
        .map(|c| OctetString::new(c.to_vec()).and_then(|o| Any::encode_from(&o)))
        .transpose()?;
    let sd = SignedData {
        version: if econtent_type == OID_DATA {
            CmsVersion::V1
        } else {
            CmsVersion::V3
        },
        digest_algorithms: digest_algs,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type,
            econtent,
        },
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(infos),
    };
    let ci = ContentInfo {
        content_type: OID_SIGNED_DATA,
        content: Any::encode_from(&sd)?,
    };
    Ok(ci.to_der()?)
}

/// Adds an unsigned attribute (the signature timestamp) to the only SignerInfo of `cms_der`.
pub fn add_unsigned_attribute(cms_der: &[u8], attr: Attribute) -> Result<Vec<u8>, PdfError> {
    let ci = ContentInfo::from_der(cms_der)?;
    let mut sd: SignedData = ci.content.decode_as()?;
    let mut infos: Vec<SignerInfo> = sd.signer_infos.0.into_vec();
    let si = infos
        .first_mut()
        .ok_or_else(|| PdfError::Encode("CMS without SignerInfo".into()))?;
    let mut set = si.unsigned_attrs.take().unwrap_or_default();
    set.insert(attr)?;
    si.unsigned_attrs = Some(set);
    sd.signer_infos = SignerInfos(SetOfVec::try_from(infos)?);
    let ci = ContentInfo {
        content_type: OID_SIGNED_DATA,
        content: Any::encode_from(&sd)?,
    };
    Ok(ci.to_der()?)
}

/// The `signature` octets of the first SignerInfo (what a signature timestamp covers).
pub fn signature_value(cms_der: &[u8]) -> Result<Vec<u8>, PdfError> {
    let ci = ContentInfo::from_der(cms_der)?;
    let sd: SignedData = ci.content.decode_as()?;
    let si = sd
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| PdfError::Encode("CMS without SignerInfo".into()))?;
    Ok(si.signature.as_bytes().to_vec())
}
