//! ISO 7816-4 transport over PC/SC with short APDUs only: long commands are sent with command chaining
//! (CLA bit 0x10) and long answers collected with GET RESPONSE after `61xx`, which every PIV card and
//! reader supports (extended APDUs are not universal on the cheap CCID readers desks have).

use std::ffi::CStr;
use std::time::{Duration, Instant};

use crate::SignError;

/// A status word with the answer data.
pub(crate) struct Response {
    pub data: Vec<u8>,
    pub sw: u16,
}

impl Response {
    pub fn ok(&self) -> bool {
        self.sw == 0x9000
    }
}

/// Sends one logical command, chaining `data` in 255-byte pieces and following `61xx`.
pub(crate) fn send(
    card: &pcsc::Card,
    reader: &CStr,
    ctx: &pcsc::Context,
    header: [u8; 4],
    data: &[u8],
) -> Result<Response, SignError> {
    let chunks: Vec<&[u8]> = if data.is_empty() {
        vec![&[][..]]
    } else {
        data.chunks(255).collect()
    };
    let last = chunks.len() - 1;
    let mut resp = Response {
        data: Vec::new(),
        sw: 0,
    };
    for (i, chunk) in chunks.iter().enumerate() {
        let mut apdu = Vec::with_capacity(chunk.len() + 6);
        apdu.push(if i < last { header[0] | 0x10 } else { header[0] });
        apdu.extend_from_slice(&header[1..]);
        if !chunk.is_empty() {
            apdu.push(chunk.len() as u8);
            apdu.extend_from_slice(chunk);
        }
        if i == last {
            apdu.push(0x00);
        }
        resp = transmit(card, reader, ctx, &apdu)?;
        if i < last && !resp.ok() {
            return Ok(resp);
        }
    }
    let mut data = std::mem::take(&mut resp.data);
    let mut sw = resp.sw;
    for _ in 0..64 {
        match (sw >> 8) as u8 {
            0x61 => {
                let r = transmit(card, reader, ctx, &[0x00, 0xC0, 0x00, 0x00, sw as u8])?;
                data.extend_from_slice(&r.data);
                sw = r.sw;
            }
            _ => break,
        }
    }
    Ok(Response { data, sw })
}

fn transmit(
    card: &pcsc::Card,
    reader: &CStr,
    ctx: &pcsc::Context,
    apdu: &[u8],
) -> Result<Response, SignError> {
    let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED];
    match card.transmit(apdu, &mut buf) {
        Ok(r) if r.len() >= 2 => {
            let (d, sw) = r.split_at(r.len() - 2);
            Ok(Response {
                data: d.to_vec(),
                sw: u16::from_be_bytes([sw[0], sw[1]]),
            })
        }
        // vpcd answers an empty frame when the card went away during the command.
        Ok(_) if card_absent_soon(ctx, reader, Duration::from_millis(2500)) => Err(SignError::TokenRemoved),
        Ok(_) => Err(SignError::Device("answer without status word".to_owned())),
        Err(e) => Err(map_transmit_error(e, reader, ctx)),
    }
}

/// Removal shows up as several PC/SC errors depending on timing; when the error is ambiguous, the reader
/// state decides (pcscd notices an empty reader within its polling period).
pub(crate) fn map_transmit_error(e: pcsc::Error, reader: &CStr, ctx: &pcsc::Context) -> SignError {
    use pcsc::Error as E;
    match e {
        E::RemovedCard | E::NoSmartcard | E::ReaderUnavailable | E::UnknownReader => SignError::TokenRemoved,
        E::NoService | E::ServiceStopped => SignError::PcscUnavailable(e.to_string()),
        other => {
            if card_absent_soon(ctx, reader, Duration::from_millis(2500)) {
                SignError::TokenRemoved
            } else {
                SignError::Device(format!("PC/SC: {other}"))
            }
        }
    }
}

fn card_absent_soon(ctx: &pcsc::Context, reader: &CStr, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    let mut st = [pcsc::ReaderState::new(reader, pcsc::State::UNAWARE)];
    loop {
        match ctx.get_status_change(Duration::from_millis(250), &mut st) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(_) => return true,
        }
        let s = st[0].event_state();
        if s.contains(pcsc::State::EMPTY) || s.contains(pcsc::State::UNAVAILABLE) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        st[0].sync_current_state();
    }
}
