//! QR decoding with both decoders on generated codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Canvas;
use sohoa_ocr::extract::qr::{QrDecoder, decode_qr, decode_rxing};

const PAYLOAD: &str = "079203001234|025123456|Nguyễn Văn An|05042003|Nam|Số 12 đường Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh|15042021";

#[test]
fn utf8_payload_decodes_exactly() {
    let mut c = Canvas::new(600, 600);
    c.qr(PAYLOAD, 40, 40, 4);
    let (text, decoder) = decode_qr(&c.img).expect("decoded");
    assert_eq!(text, PAYLOAD);
    assert_eq!(decoder, QrDecoder::Rqrr);
}

#[test]
fn nothing_in_a_blank_image() {
    assert!(decode_qr(&Canvas::new(300, 300).img).is_none());
}

#[test]
fn rxing_fallback_reads_the_same_code() {
    let mut c = Canvas::new(600, 600);
    c.qr(PAYLOAD, 40, 40, 4);
    assert_eq!(decode_rxing(&c.img).as_deref(), Some(PAYLOAD));
    assert!(decode_rxing(&Canvas::new(200, 200).img).is_none());
}
