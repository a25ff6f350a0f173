//! What `sohoa tokens` shows for PKCS#11: tokens and their public certificates, read without a PIN.

use std::path::Path;

use cryptoki::object::{Attribute, AttributeType, ObjectClass};

use super::module;
use super::signer::map_err;
use crate::SignError;
use crate::cert::CertInfo;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Pkcs11Token {
    pub module: String,
    pub slot_description: String,
    pub label: String,
    /// The token's serial number as its middleware reports it (tells two tokens of one label apart).
    pub serial: String,
    pub manufacturer: String,
    pub model: String,
    pub pin_locked: bool,
    pub pin_count_low: bool,
    pub pin_final_try: bool,
    pub certificates: Vec<CertInfo>,
}

/// Tokens seen by the module at `path`, with their certificates.
pub fn list_tokens(path: &Path) -> Result<Vec<Pkcs11Token>, SignError> {
    let ctx = module::shared_module(path)?;
    let mut out = Vec::new();
    for slot in ctx.get_slots_with_token().map_err(map_err)? {
        let Ok(t) = ctx.get_token_info(slot) else { continue };
        let slot_description = ctx
            .get_slot_info(slot)
            .map(|s| s.slot_description().trim().to_owned())
            .unwrap_or_default();
        let mut certificates = Vec::new();
        if let Ok(session) = ctx.open_ro_session(slot) {
            let handles = session
                .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
                .unwrap_or_default();
            for h in handles {
                let Ok(attrs) = session.get_attributes(h, &[AttributeType::Value]) else {
                    continue;
                };
                for a in attrs {
                    if let Attribute::Value(v) = a
                        && let Ok(info) = CertInfo::parse(&v)
                    {
                        certificates.push(info);
                    }
                }
            }
        }
        out.push(Pkcs11Token {
            module: path.display().to_string(),
            slot_description,
            label: t.label().trim().to_owned(),
            serial: t.serial_number().trim().to_owned(),
            manufacturer: t.manufacturer_id().trim().to_owned(),
            model: t.model().trim().to_owned(),
            pin_locked: t.user_pin_locked(),
            pin_count_low: t.user_pin_count_low(),
            pin_final_try: t.user_pin_final_try(),
            certificates,
        });
    }
    Ok(out)
}
