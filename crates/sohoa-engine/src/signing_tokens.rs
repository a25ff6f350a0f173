//! What the administrator can choose as the desk's signing key: every PKCS#11 token and PIV card this desk
//! sees right now, with the certificate holder and its end, each with the `sign_key` value that selects it
//! (so the setting is picked, not typed: module path typos were a real support problem).

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sohoa_sign::{CertInfo, KeySpec, ModuleChoice};

use crate::{Acting, Action, Engine, EngineError};

/// The admin screen may wait longer than the status bar, but not forever on a hung vendor daemon.
const LIST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Pkcs11,
    Piv,
}

/// A certificate on a device that may sign documents (digitalSignature or nonRepudiation, not a CA's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenCertificate {
    /// Subject common name (NFC).
    pub holder: Option<String>,
    pub issuer: String,
    pub not_after: DateTime<Utc>,
    /// Whole days left (negative once expired).
    pub days_left: i64,
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SigningToken {
    pub kind: TokenKind,
    /// The `sign_key` setting that selects this device: `pkcs11:MODULE#LABEL` or `piv:READER`.
    pub sign_key: String,
    /// Token label, or the reader's name for a PIV card.
    pub label: String,
    pub serial: Option<String>,
    pub module: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    /// A PIV reader with no card in it is listed too (so the admin sees the reader works).
    pub card_present: bool,
    pub pin_locked: bool,
    pub certificates: Vec<TokenCertificate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenModule {
    pub path: String,
    /// Why the module did not load or list (Vietnamese), `None` when it answered.
    pub error: Option<String>,
    pub error_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SigningTokens {
    pub modules: Vec<TokenModule>,
    pub tokens: Vec<SigningToken>,
    /// PC/SC not answering (pcscd stopped): PIV cards cannot be listed (Vietnamese).
    pub pcsc_error: Option<String>,
    /// A source (pcscd, a vendor module) did not answer in time: it is listed with the error, the devices
    /// of the others are shown; try again for the rest.
    pub timed_out: bool,
}

fn signing_certs(certs: &[CertInfo], now: DateTime<Utc>) -> Vec<TokenCertificate> {
    certs
        .iter()
        .filter(|c| c.can_sign_documents() && !c.self_signed)
        .map(|c| TokenCertificate {
            holder: c.holder.clone(),
            issuer: sohoa_core::text::nfc(&c.issuer),
            not_after: c.not_after,
            days_left: (c.not_after - now).num_seconds().div_euclid(86_400),
            expired: now > c.not_after,
        })
        .collect()
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The modules to probe: the installed vendor modules plus the one `sign_key` names, if any.
fn modules_for(sign_key: Option<&str>) -> Vec<PathBuf> {
    let mut modules = sohoa_sign::pkcs11::installed_modules();
    if let Some(Ok(KeySpec::Pkcs11 {
        module: ModuleChoice::Path(p),
        ..
    })) = sign_key.map(str::parse::<KeySpec>)
        && p.is_file()
        && !modules.contains(&p)
    {
        modules.push(p);
    }
    modules
}

/// Lists the devices seen with `modules` probed (none given: the installed vendor modules).
pub fn list_signing_tokens(modules: &[PathBuf]) -> SigningTokens {
    let now = Utc::now();
    let (probe, timed_out) = crate::desk_status::probe_with_deadline(modules, LIST_TIMEOUT);
    let mut tokens: Vec<SigningToken> = probe
        .tokens
        .iter()
        .map(|t| SigningToken {
            kind: TokenKind::Pkcs11,
            sign_key: format!("pkcs11:{}#{}", t.module, t.label),
            label: sohoa_core::text::nfc(&t.label),
            serial: non_empty(&t.serial),
            module: Some(t.module.clone()),
            manufacturer: non_empty(&t.manufacturer),
            model: non_empty(&t.model),
            card_present: true,
            pin_locked: t.pin_locked,
            certificates: signing_certs(&t.certificates, now),
        })
        .collect();
    if let Ok(readers) = &probe.readers {
        tokens.extend(readers.iter().map(|r| SigningToken {
            kind: TokenKind::Piv,
            sign_key: format!("piv:{}", r.reader),
            label: r.reader.clone(),
            serial: None,
            module: None,
            manufacturer: None,
            model: None,
            card_present: r.card_present,
            pin_locked: r.pin_retries == Some(0),
            certificates: signing_certs(&r.certificates, now),
        }));
    }
    let modules = probe
        .modules
        .iter()
        .map(|m| {
            let err = probe.module_errors.iter().find(|(p, _)| p == m).map(|(_, e)| e);
            TokenModule {
                path: m.display().to_string(),
                error: err.map(|e| e.message_vi()),
                error_code: err.map(|e| e.code().to_owned()),
            }
        })
        .collect();
    SigningTokens {
        modules,
        tokens,
        pcsc_error: probe.readers.as_ref().err().map(|e| e.message_vi()),
        timed_out,
    }
}

impl Engine {
    /// Every signing device the desk can use now (installed vendor modules and the configured one).
    pub fn signing_tokens(&self) -> Result<SigningTokens, EngineError> {
        let key = std::env::var("SOHOA_SIGN_KEY")
            .ok()
            .filter(|k| !k.trim().is_empty())
            .or(self.desk_settings()?.sign_key);
        Ok(list_signing_tokens(&modules_for(key.as_deref())))
    }
}

impl Acting<'_> {
    pub fn signing_tokens(&self) -> Result<SigningTokens, EngineError> {
        self.require(Action::Settings)?.signing_tokens()
    }
}
