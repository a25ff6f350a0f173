//! B-LT upgrade: a later incremental update adding the catalog's /DSS with every certificate the
//! signatures need (signer chain and TSA chain, from the CMS and from the caller) and any CRLs/OCSP
//! responses the caller fetched. Signing stays possible offline; this step runs when the desk (or the
//! vault) is online.

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::{Decode, Encode};

use lopdf::{Object, Stream, dictionary};

use super::{Base, cms as cmsmod, objwrite::Update, open_base, update_trailer};
use crate::PdfError;

/// Revocation material fetched by the caller (DER).
#[derive(Debug, Default, Clone)]
pub struct ValidationData {
    pub certs: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
    pub ocsps: Vec<Vec<u8>>,
}

fn certs_of_cms(der: &[u8], out: &mut Vec<Vec<u8>>) {
    let Ok(ci) = ContentInfo::from_der(der) else {
        return;
    };
    let Ok(sd) = ci.content.decode_as::<SignedData>() else {
        return;
    };
    for c in sd.certificates.iter().flat_map(|s| s.0.iter()) {
        if let cms::cert::CertificateChoices::Certificate(c) = c {
            if let Ok(d) = c.to_der() {
                out.push(d);
            }
        }
    }
    for si in sd.signer_infos.0.iter() {
        for a in si
            .unsigned_attrs
            .iter()
            .flat_map(|s| s.iter())
            .filter(|a| a.oid == cmsmod::OID_TIMESTAMP_TOKEN)
        {
            for v in a.values.iter() {
                if let Ok(tok) = der::Encode::to_der(v) {
                    certs_of_cms(&tok, out);
                }
            }
        }
    }
}

/// Appends the DSS revision. Certificates of every signature in the file are included automatically.
pub fn add_validation_data(input: &[u8], extra: &ValidationData) -> Result<Vec<u8>, PdfError> {
    let Base {
        doc,
        prev,
        next_id,
        root,
    } = open_base(input)?;
    let base = Base {
        doc,
        prev,
        next_id,
        root,
    };
    let mut certs: Vec<Vec<u8>> = extra.certs.clone();
    for obj in base.doc.objects.values() {
        if let Ok(d) = obj.as_dict() {
            if let (Ok(_), Ok(Object::String(c, _))) = (d.get(b"ByteRange"), d.get(b"Contents")) {
                certs_of_cms(crate::verify::der_prefix(c), &mut certs);
            }
        }
    }
    certs.sort();
    certs.dedup();
    if certs.is_empty() {
        return Err(PdfError::Unsupported(
            "no signature to add validation data for".into(),
        ));
    }
    let mut next = base.next_id;
    let mut upd = Update::new(input);
    let mut add_streams = |items: &[Vec<u8>], upd: &mut Update| -> Result<Vec<Object>, PdfError> {
        let mut refs = Vec::new();
        for item in items {
            let id = next;
            next += 1;
            let stream = Stream::new(
                dictionary! {"Filter" => "FlateDecode"},
                crate::mrc::deflate(item)?,
            );
            upd.object_value(id, &Object::Stream(stream));
            refs.push(Object::Reference((id, 0)));
        }
        Ok(refs)
    };
    let cert_refs = add_streams(&certs, &mut upd)?;
    let crl_refs = add_streams(&extra.crls, &mut upd)?;
    let ocsp_refs = add_streams(&extra.ocsps, &mut upd)?;
    let mut dss = dictionary! {"Type" => "DSS", "Certs" => cert_refs};
    if !crl_refs.is_empty() {
        dss.set("CRLs", crl_refs);
    }
    if !ocsp_refs.is_empty() {
        dss.set("OCSPs", ocsp_refs);
    }
    let dss_id = next;
    next += 1;
    upd.object_value(dss_id, &Object::Dictionary(dss));
    let mut catalog = base.doc.get_dictionary(base.root)?.clone();
    catalog.set("DSS", Object::Reference((dss_id, 0)));
    upd.object_value(base.root.0, &Object::Dictionary(catalog));
    Ok(upd.finish(update_trailer(&base, next), base.prev))
}
