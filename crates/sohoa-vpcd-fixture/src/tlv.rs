//! BER-TLV with the definite lengths PIV uses (at most two length bytes: objects are below 64 KiB).

/// Appends `tag || len || value`; `tag` may be one to three bytes.
pub fn put(out: &mut Vec<u8>, tag: &[u8], value: &[u8]) {
    out.extend_from_slice(tag);
    put_len(out, value.len());
    out.extend_from_slice(value);
}

pub fn tlv(tag: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + tag.len() + 3);
    put(&mut out, tag, value);
    out
}

fn put_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
}

/// Splits the first TLV off `data` whose tag is `tag_len` bytes long: (value, rest).
pub fn take(data: &[u8], tag_len: usize) -> Option<(&[u8], &[u8], &[u8])> {
    let tag = data.get(..tag_len)?;
    let rest = data.get(tag_len..)?;
    let first = *rest.first()?;
    let (len, hdr) = match first {
        n if n < 0x80 => (usize::from(n), 1),
        0x81 => (usize::from(*rest.get(1)?), 2),
        0x82 => ((usize::from(*rest.get(1)?) << 8) | usize::from(*rest.get(2)?), 3),
        _ => return None,
    };
    let value = rest.get(hdr..hdr + len)?;
    Some((tag, value, &rest[hdr + len..]))
}

/// Finds the value of a one-byte tag among sibling TLVs.
pub fn find(mut data: &[u8], tag: u8) -> Option<&[u8]> {
    while !data.is_empty() {
        let (t, v, rest) = take(data, 1)?;
        if t == [tag] {
            return Some(v);
        }
        data = rest;
    }
    None
}
