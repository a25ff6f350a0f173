//! Desk settings the administrator keeps in the app (migration v5 `settings` table): the agency that copies and
//! signs, the vault endpoint, the signing key, the yearly target and the supervisor's sample share.
//!
//! Environment variables still win (a deployment script or a support session sets them on purpose), then these
//! settings, then `vault.toml` and the built-in defaults. Every value is validated here, before it is stored, so a
//! typo shows on the settings screen instead of as a failed upload or signature at the counter.

use serde::{Deserialize, Serialize};
use sohoa_vault::VaultConfig;

use crate::{Acting, Action, Engine, EngineError};

const AGENCY_CODE: &str = "agency.code";
const AGENCY_NAME: &str = "agency.name";
const VAULT_URL: &str = "vault.url";
const SIGN_KEY: &str = "sign.key";
// The statistics and the review sample read these two keys themselves.
use crate::{SAMPLE_SHARE_SETTING as SAMPLE_SHARE, YEARLY_TARGET_SETTING as YEARLY_TARGET};

/// The settings form, whole. `None` means "not set here" (the environment or the default applies).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeskSettings {
    /// The agency's code in vault messages (e.g. `CAX-HN-0123`).
    pub agency_code: Option<String>,
    /// Printed in the "SAO Y" stamp and the signature reason.
    pub agency_name: Option<String>,
    pub vault_url: Option<String>,
    /// `pkcs11:MODULE[#label]`, `piv[:READER]` or `p12:FILE`; `pkcs11:auto` finds the token by itself.
    pub sign_key: Option<String>,
    /// Records to digitise this calendar year.
    pub yearly_target: Option<u32>,
    /// Share of each batch drawn for the supervisor's sample check, 0 < share ≤ 1.
    pub sample_share: Option<f64>,
}

fn bad(field: &'static str, why: &str) -> EngineError {
    EngineError::Setting {
        field,
        reason: why.to_owned(),
    }
}

fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(sohoa_core::text::nfc)
}

/// A `pkcs11:MODULE` key must name a library that is there: a typo in the path otherwise shows only at the
/// counter, as a signature that cannot start. `auto` passes (the signer probes); a short name (`opensc`,
/// `softhsm`) is checked as the path it stands for.
fn check_module_path(key: &str) -> Result<(), EngineError> {
    let spec = key.parse::<sohoa_sign::KeySpec>().map_err(|_| {
        bad(
            "sign_key",
            "dạng pkcs11:MODULE[#nhãn], piv[:ĐẦU ĐỌC] hoặc p12:TỆP",
        )
    })?;
    if let sohoa_sign::KeySpec::Pkcs11 {
        module: sohoa_sign::ModuleChoice::Path(path),
        ..
    } = spec
    {
        if !path.exists() {
            return Err(bad(
                "sign_key",
                &format!("không có tệp trình điều khiển PKCS#11 {}", path.display()),
            ));
        }
        if !path.is_file() {
            return Err(bad(
                "sign_key",
                &format!("{} không phải là tệp trình điều khiển PKCS#11", path.display()),
            ));
        }
    }
    Ok(())
}

impl DeskSettings {
    /// Checks every field; the first problem names the field so the form can point at it.
    pub fn validate(&self) -> Result<(), EngineError> {
        if let Some(code) = trimmed(&self.agency_code)
            && !(2..=32).contains(&code.len())
        {
            return Err(bad("agency_code", "2–32 ký tự"));
        }
        if let Some(code) = trimmed(&self.agency_code)
            && !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
        {
            return Err(bad("agency_code", "chỉ gồm chữ cái không dấu, chữ số và - . _"));
        }
        if let Some(name) = trimmed(&self.agency_name)
            && name.chars().count() > 200
        {
            return Err(bad("agency_name", "tối đa 200 ký tự"));
        }
        if let Some(url) = trimmed(&self.vault_url) {
            let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
                .iter()
                .any(|p| url.starts_with(p));
            // The vault carries personal data: plain HTTP only to a vault on this machine (training, tests).
            if !url.starts_with("https://") && !loopback {
                return Err(bad(
                    "vault_url",
                    "phải là địa chỉ https:// (http chỉ cho kho trên chính máy này)",
                ));
            }
        }
        if let Some(key) = trimmed(&self.sign_key)
            && !(key.starts_with("pkcs11:")
                || key == "piv"
                || key.starts_with("piv:")
                || key.starts_with("p12:"))
        {
            return Err(bad(
                "sign_key",
                "dạng pkcs11:MODULE[#nhãn], piv[:ĐẦU ĐỌC] hoặc p12:TỆP",
            ));
        }
        if let Some(key) = trimmed(&self.sign_key) {
            check_module_path(&key)?;
        }
        if self.yearly_target.is_some_and(|t| t == 0 || t > 10_000_000) {
            return Err(bad("yearly_target", "từ 1 đến 10 000 000 hồ sơ"));
        }
        if self.sample_share.is_some_and(|s| !(s > 0.0 && s <= 1.0)) {
            return Err(bad("sample_share", "lớn hơn 0 và không quá 1 (ví dụ 0,1 = 10 %)"));
        }
        Ok(())
    }

    fn to_rows(&self) -> Vec<(String, String)> {
        let s = |v: &Option<String>| trimmed(v).unwrap_or_default();
        vec![
            (AGENCY_CODE.to_owned(), s(&self.agency_code)),
            (AGENCY_NAME.to_owned(), s(&self.agency_name)),
            (VAULT_URL.to_owned(), s(&self.vault_url)),
            (SIGN_KEY.to_owned(), s(&self.sign_key)),
            (
                YEARLY_TARGET.to_owned(),
                self.yearly_target.map(|t| t.to_string()).unwrap_or_default(),
            ),
            (
                SAMPLE_SHARE.to_owned(),
                self.sample_share.map(|t| t.to_string()).unwrap_or_default(),
            ),
        ]
    }
}

impl Engine {
    /// What the administrator saved (values that no longer parse read as unset, and are logged).
    pub fn desk_settings(&self) -> Result<DeskSettings, EngineError> {
        let rows = self.store.settings()?;
        let text = |k: &str| rows.get(k).cloned();
        fn parsed<T: std::str::FromStr>(
            rows: &std::collections::BTreeMap<String, String>,
            k: &str,
        ) -> Option<T> {
            let v = rows.get(k)?;
            let value = v.parse().ok();
            if value.is_none() {
                tracing::warn!(key = k, "stored setting does not parse; ignored");
            }
            value
        }
        Ok(DeskSettings {
            agency_code: text(AGENCY_CODE),
            agency_name: text(AGENCY_NAME),
            vault_url: text(VAULT_URL),
            sign_key: text(SIGN_KEY),
            yearly_target: parsed(&rows, YEARLY_TARGET),
            sample_share: parsed::<f64>(&rows, SAMPLE_SHARE).filter(|s| *s > 0.0 && *s <= 1.0),
        })
    }

    pub(crate) fn save_settings_by(
        &self,
        actor: &sohoa_store::Actor,
        s: &DeskSettings,
    ) -> Result<(), EngineError> {
        s.validate()?;
        self.store.set_settings(actor, &s.to_rows())?;
        tracing::info!("desk settings saved");
        Ok(())
    }

    /// The vault connection: `vault.toml` and the environment (which keep the upper hand), with the endpoint
    /// and agency code the administrator set filling what those leave open.
    pub fn vault_config(&self) -> Result<VaultConfig, EngineError> {
        let mut config = VaultConfig::load(self.data_dir())?;
        let s = self.desk_settings()?;
        if std::env::var_os("SOHOA_VAULT_URL").is_none()
            && let Some(url) = s.vault_url
        {
            config.url = Some(url);
        }
        if std::env::var_os("SOHOA_AGENCY_CODE").is_none()
            && let Some(code) = s.agency_code
        {
            config.agency_code = Some(code);
        }
        Ok(config)
    }
}

impl Acting<'_> {
    /// Readable by every signed-in role: the counter needs the agency name for the stamp.
    pub fn desk_settings(&self) -> Result<DeskSettings, EngineError> {
        self.require(Action::ViewRecords)?.desk_settings()
    }

    pub fn save_settings(&self, s: &DeskSettings) -> Result<(), EngineError> {
        let engine = self.require(Action::Settings)?;
        engine.save_settings_by(&engine.actor_for(self.caller), s)
    }

    pub fn vault_config(&self) -> Result<VaultConfig, EngineError> {
        self.require(Action::ViewRecords)?.vault_config()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn bad_values_name_their_field() {
        let field = |s: DeskSettings| match s.validate() {
            Err(EngineError::Setting { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let base = DeskSettings::default();
        assert!(base.validate().is_ok());
        let with = |f: fn(&mut DeskSettings)| {
            let mut s = base.clone();
            f(&mut s);
            s
        };
        assert_eq!(
            field(with(|s| s.agency_code = Some("CA XÃ".into()))),
            "agency_code"
        );
        assert_eq!(
            field(with(|s| s.vault_url = Some("http://vault.bocongan.vn".into()))),
            "vault_url"
        );
        assert!(
            with(|s| s.vault_url = Some("http://127.0.0.1:8443".into()))
                .validate()
                .is_ok()
        );
        assert!(
            with(|s| s.vault_url = Some("https://kho.bocongan.gov.vn".into()))
                .validate()
                .is_ok()
        );
        assert_eq!(
            field(with(|s| s.sign_key = Some("/usr/lib/x.so".into()))),
            "sign_key"
        );
        assert_eq!(
            field(with(
                |s| s.sign_key = Some("pkcs11:/usr/lib/khong-co/libtoken.so#CA".into())
            )),
            "sign_key"
        );
        let key = |k: String| DeskSettings {
            sign_key: Some(k),
            ..DeskSettings::default()
        };
        let dir = std::env::temp_dir();
        assert_eq!(field(key(format!("pkcs11:{}", dir.display()))), "sign_key");
        let module = tempfile::NamedTempFile::new().unwrap();
        assert!(
            key(format!("pkcs11:{}#CA-XA", module.path().display()))
                .validate()
                .is_ok()
        );
        for ok in ["pkcs11:auto", "pkcs11:", "piv", "piv:ACS ACR39U", "p12:dev.p12"] {
            assert!(key(ok.to_owned()).validate().is_ok(), "{ok}");
        }
        assert_eq!(field(with(|s| s.yearly_target = Some(0))), "yearly_target");
        assert_eq!(field(with(|s| s.sample_share = Some(1.5))), "sample_share");
        assert_eq!(field(with(|s| s.sample_share = Some(f64::NAN))), "sample_share");
    }
}
