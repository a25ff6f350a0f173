//! Serialises lopdf objects for incremental updates. Written here rather than through lopdf's writer so
//! every byte of the appended revision is under our control (the ByteRange and /Contents are patched in
//! place by offset).

use lopdf::{Object, StringFormat};

pub fn write(out: &mut Vec<u8>, obj: &Object) {
    match obj {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => {
            let s = format!("{r:.4}");
            out.extend_from_slice(s.trim_end_matches('0').trim_end_matches('.').as_bytes());
        }
        Object::Name(n) => {
            out.push(b'/');
            for &b in n {
                if b.is_ascii_alphanumeric() || b"-_.+".contains(&b) {
                    out.push(b);
                } else {
                    out.extend_from_slice(format!("#{b:02X}").as_bytes());
                }
            }
        }
        Object::String(s, StringFormat::Hexadecimal) => {
            out.push(b'<');
            out.extend_from_slice(hex::encode_upper(s).as_bytes());
            out.push(b'>');
        }
        Object::String(s, StringFormat::Literal) => {
            out.push(b'(');
            for &b in s {
                if matches!(b, b'(' | b')' | b'\\') {
                    out.push(b'\\');
                }
                if b == b'\r' {
                    out.extend_from_slice(b"\\r");
                } else {
                    out.push(b);
                }
            }
            out.push(b')');
        }
        Object::Array(a) => {
            out.push(b'[');
            for (i, o) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write(out, o);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dict(out, d),
        Object::Stream(s) => {
            let mut dict = s.dict.clone();
            dict.set("Length", s.content.len() as i64);
            write_dict(out, &dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            out.extend_from_slice(format!("{id} {generation} R").as_bytes())
        }
    }
}

fn write_dict(out: &mut Vec<u8>, d: &lopdf::Dictionary) {
    out.extend_from_slice(b"<<");
    for (k, v) in d.iter() {
        write(out, &Object::Name(k.clone()));
        out.push(b' ');
        write(out, v);
        out.push(b'\n');
    }
    out.extend_from_slice(b">>");
}

/// An incremental update being assembled after the original bytes.
pub struct Update {
    pub buf: Vec<u8>,
    offsets: Vec<(u32, usize)>,
}

impl Update {
    pub fn new(original: &[u8]) -> Self {
        let mut buf = original.to_vec();
        if !buf.ends_with(b"\n") {
            buf.push(b'\n');
        }
        Update {
            buf,
            offsets: Vec::new(),
        }
    }

    /// Appends `id 0 obj … endobj`; returns the offset where the object's body starts.
    pub fn object(&mut self, id: u32, body: &[u8]) -> usize {
        self.offsets.push((id, self.buf.len()));
        self.buf.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        let start = self.buf.len();
        self.buf.extend_from_slice(body);
        self.buf.extend_from_slice(b"\nendobj\n");
        start
    }

    pub fn object_value(&mut self, id: u32, obj: &Object) -> usize {
        let mut body = Vec::new();
        write(&mut body, obj);
        self.object(id, &body)
    }

    /// Classic xref section (one subsection per object) and trailer pointing back at `prev`.
    pub fn finish(mut self, mut trailer: lopdf::Dictionary, prev: usize) -> Vec<u8> {
        self.offsets.sort_unstable();
        let xref_at = self.buf.len();
        self.buf.extend_from_slice(b"xref\n");
        for (id, off) in &self.offsets {
            self.buf
                .extend_from_slice(format!("{id} 1\n{off:010} 00000 n\r\n").as_bytes());
        }
        trailer.set("Prev", prev as i64);
        self.buf.extend_from_slice(b"trailer\n");
        write_dict(&mut self.buf, &trailer);
        self.buf
            .extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
        self.buf
    }
}
