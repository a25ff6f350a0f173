//! Turning what PC/SC and the PKCS#11 modules report into the one token cell of the status bar.

use chrono::{DateTime, Utc};
use sohoa_sign::piv::ReaderInfo;
use sohoa_sign::pkcs11::Pkcs11Token;
use sohoa_sign::{CertInfo, SignError};

use super::{TokenState, TokenStatus};

/// A device that holds a card/token, with the certificates read from it.
struct Device<'a> {
    label: &'a str,
    pin_locked: bool,
    certificates: &'a [CertInfo],
}

/// Picks the certificate the desk would sign with (a signing certificate that is valid now, else the one
/// that ends last) and reports its holder and end; a present device without one is still `Present`.
pub fn summarize(
    readers: &Result<Vec<ReaderInfo>, SignError>,
    tokens: &[Pkcs11Token],
    now: DateTime<Utc>,
) -> TokenStatus {
    let mut devices: Vec<Device<'_>> = tokens
        .iter()
        .map(|t| Device {
            label: &t.label,
            pin_locked: t.pin_locked,
            certificates: &t.certificates,
        })
        .collect();
    if let Ok(list) = readers {
        devices.extend(list.iter().filter(|r| r.card_present).map(|r| Device {
            label: &r.reader,
            pin_locked: r.pin_retries == Some(0),
            certificates: &r.certificates,
        }));
    }
    if devices.is_empty() {
        let state = match readers {
            Err(_) => TokenState::Unavailable,
            Ok(list) if list.is_empty() => TokenState::NoReader,
            Ok(_) => TokenState::Absent,
        };
        return TokenStatus {
            state,
            label: None,
            holder: None,
            not_after: None,
            days_left: None,
            pin_locked: false,
        };
    }
    let best = devices
        .iter()
        .flat_map(|d| d.certificates.iter().map(move |c| (d, c)))
        .filter(|(_, c)| c.can_sign_documents() && !c.self_signed)
        .max_by_key(|(_, c)| (c.not_before <= now && now <= c.not_after, c.not_after));
    match best {
        Some((device, cert)) => TokenStatus {
            state: TokenState::Present,
            label: Some(device.label.to_owned()),
            holder: cert.holder.clone(),
            not_after: Some(cert.not_after),
            days_left: Some((cert.not_after - now).num_seconds().div_euclid(86_400)),
            pin_locked: device.pin_locked,
        },
        None => TokenStatus {
            state: TokenState::Present,
            label: devices.first().map(|d| d.label.to_owned()),
            holder: None,
            not_after: None,
            days_left: None,
            pin_locked: devices.iter().any(|d| d.pin_locked),
        },
    }
}
