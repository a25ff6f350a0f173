//! Front QR + back MRZ of one chip CCCD, cross-checked.
//!
//! The QR is exact (Reed–Solomon corrected) and carries diacritics; the MRZ is OCR with check
//! digits. Agreement between two independent channels raises confidence; disagreement on the
//! ID number, birth date or sex flags both values, because one side is misread or forged.

use sohoa_core::text::fold_accents;

use super::field::{DocKind, Extraction, Field, Issue, Status};

const CROSS_CHECKED: [&str; 3] = ["owner_id", "birth_date", "sex"];

fn mismatch(key: &str) -> Issue {
    Issue::new(
        "cccd.qr_mrz_mismatch",
        format!("Giá trị «{key}» ở mã QR mặt trước khác với MRZ mặt sau."),
    )
}

/// Combines the two readings; either may be missing (one side not scanned or unreadable).
pub fn merge_cccd(qr: Option<Extraction>, mrz: Option<Extraction>) -> Extraction {
    let (qr, mrz) = match (qr, mrz) {
        (None, None) => {
            let mut ex = Extraction::new(DocKind::Cccd);
            ex.issues.push(Issue::new(
                "cccd.nothing_read",
                "Không đọc được mã QR hay MRZ của thẻ CCCD.",
            ));
            return ex;
        }
        (Some(q), None) => return q,
        (None, Some(m)) => return m,
        (Some(q), Some(m)) => (q, m),
    };
    let mut out = qr.clone();
    out.issues.extend(mrz.issues.iter().cloned());
    for key in CROSS_CHECKED {
        let (Some(a), Some(b)) = (qr.get(key), mrz.get(key)) else {
            if let (None, Some(b)) = (qr.get(key), mrz.get(key)) {
                out.fields.push(b.clone());
            }
            continue;
        };
        if a.value == b.value {
            if let Some(f) = out.get_mut(key) {
                f.issues.extend(b.issues.iter().cloned());
                if b.status == Status::Invalid {
                    f.status = Status::Invalid;
                }
            }
        } else if let Some(f) = out.get_mut(key) {
            f.flag(mismatch(key));
            f.issues.extend(b.issues.iter().cloned());
            out.issues.push(mismatch(key));
        }
    }
    // The MRZ name has no diacritics: compare folded and upper-cased.
    if let (Some(name), Some(mrz_name)) = (qr.get("full_name"), mrz.get("mrz_name")) {
        let folded = fold_accents(&name.value).to_uppercase();
        if folded.split_whitespace().collect::<Vec<_>>()
            != mrz_name.value.split_whitespace().collect::<Vec<_>>()
        {
            if let Some(f) = out.get_mut("full_name") {
                f.flag(mismatch("full_name"));
            }
            out.issues.push(mismatch("full_name"));
        }
    }
    for key in ["id_expiry_date", "mrz_name"] {
        if let Some(f) = mrz.get(key) {
            out.fields.push(f.clone());
        }
    }
    out.fields.retain(|f: &Field| !f.key.is_empty());
    out
}
