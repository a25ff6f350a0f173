//! A structural check that a PDF carries a signature dictionary whose `/ByteRange` covers the whole file
//! except the `/Contents` hole. It is not a cryptographic verification (that is sohoa-pdf's PAdES
//! verifier); it catches unsigned uploads, truncated files and byte ranges that leave data unsigned.

/// What the structural check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureFound {
    pub sub_filter: Option<String>,
    pub byte_range: [u64; 4],
}

/// Finds the last signature dictionary of `pdf` and checks its byte range against the file.
pub fn find_signature(pdf: &[u8]) -> Result<SignatureFound, String> {
    if !pdf.starts_with(b"%PDF-") {
        return Err("not a PDF (no %PDF- header)".to_owned());
    }
    let tail = &pdf[pdf.len().saturating_sub(1024)..];
    if find(tail, b"%%EOF").is_none() {
        return Err("truncated PDF (no %%EOF at the end)".to_owned());
    }
    let at = rfind(pdf, b"/ByteRange").ok_or("the PDF carries no signature (no /ByteRange)")?;
    let rest = &pdf[at + b"/ByteRange".len()..];
    let open = find(rest, b"[").ok_or("malformed /ByteRange")?;
    let close = find(rest, b"]").ok_or("malformed /ByteRange")?;
    if close < open || close - open > 100 {
        return Err("malformed /ByteRange".to_owned());
    }
    let nums: Vec<u64> = std::str::from_utf8(&rest[open + 1..close])
        .map_err(|_| "malformed /ByteRange")?
        .split_ascii_whitespace()
        .map(|n| n.parse::<u64>().map_err(|_| "malformed /ByteRange".to_owned()))
        .collect::<Result<_, _>>()?;
    let [a, b, c, d] = <[u64; 4]>::try_from(nums).map_err(|_| "a /ByteRange has four numbers".to_owned())?;
    let len = pdf.len() as u64;
    if a != 0 || b >= c || c.checked_add(d) != Some(len) {
        return Err("the signature's /ByteRange does not cover the whole file".to_owned());
    }
    let hole = &pdf[b as usize..c as usize];
    if hole.first() != Some(&b'<')
        || hole.last() != Some(&b'>')
        || !hole[1..hole.len() - 1].iter().all(u8::is_ascii_hexdigit)
    {
        return Err("the /ByteRange hole is not the signature's /Contents".to_owned());
    }
    let window = &pdf[at.saturating_sub(2048)..(at + 2048).min(pdf.len())];
    if find(window, b"/Sig").is_none() {
        return Err("no /Type /Sig dictionary around the /ByteRange".to_owned());
    }
    let sub_filter = find(window, b"/SubFilter").and_then(|i| {
        let s = &window[i + b"/SubFilter".len()..];
        let start = find(s, b"/")? + 1;
        let name: Vec<u8> = s[start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'.')
            .copied()
            .collect();
        String::from_utf8(name).ok()
    });
    Ok(SignatureFound {
        sub_filter,
        byte_range: [a, b, c, d],
    })
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

fn rfind(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).rposition(|w| w == n)
}

/// Builds a minimal PDF with a signature dictionary whose byte range is right (the `/Contents` are
/// zeros, so it is not cryptographically valid). For tests and training mode only.
pub fn sample_signed_pdf(body_text: &str) -> Vec<u8> {
    let head = format!(
        "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n% {body_text}\n4 0 obj << /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange "
    );
    let contents = format!("<{}>", "0".repeat(64));
    let trailer = " >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    // The byte range text has a fixed width, so its length is known before the numbers are.
    let range_len = "[0 0000000000 0000000000 0000000000]".len() + " /Contents ".len();
    let b = head.len() + range_len;
    let c = b + contents.len();
    let d = trailer.len();
    let range = format!("[0 {b:010} {c:010} {d:010}] /Contents ");
    let mut out = head.into_bytes();
    out.extend_from_slice(range.as_bytes());
    out.extend_from_slice(contents.as_bytes());
    out.extend_from_slice(trailer.as_bytes());
    out
}

/// Pages of a PDF by counting `/Type /Page` objects (not `/Pages`); `None` for other media.
pub fn pdf_page_count(pdf: &[u8]) -> Option<u32> {
    if !pdf.starts_with(b"%PDF-") {
        return None;
    }
    let mut n = 0u32;
    let mut i = 0;
    while let Some(p) = find(&pdf[i..], b"/Type /Page") {
        let end = i + p + b"/Type /Page".len();
        if pdf.get(end) != Some(&b's') {
            n += 1;
        }
        i = end;
    }
    (n > 0).then_some(n)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_sample_passes_and_damage_is_caught() {
        let pdf = sample_signed_pdf("hello");
        let found = find_signature(&pdf).unwrap();
        assert_eq!(found.sub_filter.as_deref(), Some("ETSI.CAdES.detached"));
        assert_eq!(pdf_page_count(&pdf), Some(1));
        let mut appended = pdf.clone();
        appended.extend_from_slice(b"1 0 obj << >> endobj\n%%EOF\n");
        assert!(find_signature(&appended).unwrap_err().contains("whole file"));
        assert!(find_signature(&pdf[..pdf.len() - 10]).is_err());
        assert!(
            find_signature(b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
                .unwrap_err()
                .contains("no signature")
        );
        assert!(find_signature(b"PNG").is_err());
    }
}
