//! Signed updates from an agency's internal endpoint (tauri-plugin-updater).
//!
//! The endpoint and the public key are read at run time, never compiled in: one build serves every province,
//! each IT office points its desks at its own mirror, and no key is ever committed. Sources, first wins:
//! `SOHOA_UPDATE_URL` / `SOHOA_UPDATE_PUBKEY`, then `<data dir>/update.toml`, then the machine-wide
//! `/etc/sohoa/update.toml` (Windows: `%ProgramData%\SoHoa Desk\update.toml`). Without an endpoint or a key
//! the updater is off and the log says why; a malformed value is an error in the log, and the app still starts.
//!
//! An update found at start is downloaded and its minisign signature checked in the background, then
//! installed when the app exits: never in the middle of an officer's scanning session. installer/UPDATES.md
//! explains keys, the manifest (`latest.json`) and how desks are pointed at an endpoint.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use tauri::plugin::{Builder as PluginBuilder, TauriPlugin};
use tauri::{Manager, RunEvent, Runtime, Url};
use tauri_plugin_updater::{Update, UpdaterExt};

/// Endpoint URL(s), separated by whitespace; Tauri's `{{target}}`, `{{arch}}`, `{{current_version}}` work.
pub const URL_ENV: &str = "SOHOA_UPDATE_URL";
/// The content of the `.pub` file written by `tauri signer generate` (one base64 line).
pub const PUBKEY_ENV: &str = "SOHOA_UPDATE_PUBKEY";
/// File name looked up in the data directory and the machine-wide configuration directory.
pub const CONFIG_FILE: &str = "update.toml";

/// A complete configuration: the updater may run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateConfig {
    pub endpoints: Vec<Url>,
    pub pubkey: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateSetting {
    /// Not configured (the normal state of a development or training desk); the reason goes to the log.
    Off {
        reason: &'static str,
    },
    On(UpdateConfig),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateConfigError {
    #[error("{origin}: `{value}` is not a valid update URL: {reason}")]
    BadUrl {
        origin: String,
        value: String,
        reason: String,
    },
    #[error("{origin}: `{value}` must use https: updates are programs the desk will run")]
    NotHttps { origin: String, value: String },
    #[error("{origin}: not a public key from `tauri signer generate` ({reason})")]
    BadPubkey { origin: String, reason: String },
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
}

impl UpdateConfigError {
    pub fn code(&self) -> &'static str {
        match self {
            UpdateConfigError::BadUrl { .. } => "update.bad_url",
            UpdateConfigError::NotHttps { .. } => "update.not_https",
            UpdateConfigError::BadPubkey { .. } => "update.bad_pubkey",
            UpdateConfigError::File { .. } => "update.config_file",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            UpdateConfigError::BadUrl { origin, value, .. } => {
                format!("Địa chỉ máy chủ cập nhật không hợp lệ ({origin}): {value}")
            }
            UpdateConfigError::NotHttps { origin, value } => {
                format!("Máy chủ cập nhật phải dùng https ({origin}): {value}")
            }
            UpdateConfigError::BadPubkey { origin, .. } => format!(
                "Khóa công khai cập nhật không hợp lệ ({origin}): cần nội dung tệp .pub do `tauri signer generate` tạo"
            ),
            UpdateConfigError::File { path, .. } => format!("Không đọc được tệp cấu hình cập nhật {path}"),
        }
    }
}

/// `update.toml`: `endpoints = ["https://…/latest.json"]`, `pubkey = "…"`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    endpoints: Vec<String>,
    pubkey: Option<String>,
}

/// Where `update.toml` is looked for, first wins.
pub fn config_files(data_dir: Option<&Path>) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = data_dir.map(|d| d.join(CONFIG_FILE)).into_iter().collect();
    if cfg!(windows) {
        if let Some(program_data) = std::env::var_os("ProgramData") {
            files.push(PathBuf::from(program_data).join("SoHoa Desk").join(CONFIG_FILE));
        }
    } else {
        files.push(PathBuf::from("/etc/sohoa").join(CONFIG_FILE));
    }
    files
}

fn read_file_config(files: &[PathBuf]) -> Result<Option<(String, FileConfig)>, UpdateConfigError> {
    let Some(path) = files.iter().find(|p| p.is_file()) else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| UpdateConfigError::File {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    let parsed: FileConfig = toml::from_str(&text).map_err(|e| UpdateConfigError::File {
        path: shown.clone(),
        reason: e.message().to_owned(),
    })?;
    Ok(Some((shown, parsed)))
}

/// Resolves the setting from an environment lookup and the candidate files (tests pass their own).
pub fn resolve(
    env: &dyn Fn(&str) -> Option<String>,
    files: &[PathBuf],
) -> Result<UpdateSetting, UpdateConfigError> {
    let env = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    let file = read_file_config(files)?;
    let (url_origin, raw_urls): (String, Vec<String>) = match env(URL_ENV) {
        Some(v) => (
            URL_ENV.to_owned(),
            v.split_whitespace().map(str::to_owned).collect(),
        ),
        None => match &file {
            Some((path, f)) => (path.clone(), f.endpoints.clone()),
            None => (String::new(), Vec::new()),
        },
    };
    if raw_urls.is_empty() {
        return Ok(UpdateSetting::Off {
            reason: "no update endpoint configured (SOHOA_UPDATE_URL or update.toml)",
        });
    }
    let endpoints = raw_urls
        .iter()
        .map(|raw| parse_endpoint(&url_origin, raw))
        .collect::<Result<Vec<_>, _>>()?;
    let (key_origin, pubkey) = match env(PUBKEY_ENV) {
        Some(v) => (PUBKEY_ENV.to_owned(), v),
        None => match file {
            Some((path, FileConfig { pubkey: Some(k), .. })) if !k.trim().is_empty() => (path, k),
            _ => {
                return Ok(UpdateSetting::Off {
                    reason: "an update endpoint is set but no public key (SOHOA_UPDATE_PUBKEY or update.toml)",
                });
            }
        },
    };
    let pubkey = pubkey.trim().to_owned();
    check_pubkey(&pubkey).map_err(|reason| UpdateConfigError::BadPubkey {
        origin: key_origin,
        reason,
    })?;
    Ok(UpdateSetting::On(UpdateConfig { endpoints, pubkey }))
}

fn parse_endpoint(origin: &str, raw: &str) -> Result<Url, UpdateConfigError> {
    let url = Url::parse(raw).map_err(|e| UpdateConfigError::BadUrl {
        origin: origin.to_owned(),
        value: raw.to_owned(),
        reason: e.to_string(),
    })?;
    if url.scheme() != "https" {
        return Err(UpdateConfigError::NotHttps {
            origin: origin.to_owned(),
            value: raw.to_owned(),
        });
    }
    Ok(url)
}

/// A Tauri updater key is base64 of minisign's two-line public key file; its key line decodes to 42 bytes
/// ("Ed", key id, Ed25519 key). Checked here so a pasted private key or a truncated line is reported at start,
/// not as a signature failure weeks later.
fn check_pubkey(key: &str) -> Result<(), String> {
    let outer = STANDARD.decode(key).map_err(|e| format!("not base64: {e}"))?;
    let text = String::from_utf8(outer).map_err(|_| "not a minisign key file".to_owned())?;
    if text.contains("secret key") {
        return Err("this is the PRIVATE key: give the .pub file".to_owned());
    }
    let key_line = text
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with("untrusted comment:"))
        .ok_or_else(|| "no key line".to_owned())?;
    let raw = STANDARD
        .decode(key_line.trim())
        .map_err(|e| format!("key line not base64: {e}"))?;
    if raw.len() != 42 || !raw.starts_with(b"Ed") {
        return Err(format!(
            "key line is {} bytes, not an Ed25519 minisign key",
            raw.len()
        ));
    }
    Ok(())
}

fn current_setting() -> Result<UpdateSetting, UpdateConfigError> {
    let data_dir = sohoa_engine::EngineConfig::from_env().ok().map(|c| c.data_dir);
    resolve(&|k| std::env::var(k).ok(), &config_files(data_dir.as_deref()))
}

/// A verified package waiting for the app to exit.
struct Pending(Mutex<Option<(Update, Vec<u8>)>>);

/// Adds the updater to the app when it is configured; otherwise logs why it is off and adds nothing.
pub fn register<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    match current_setting() {
        Ok(UpdateSetting::Off { reason }) => {
            tracing::info!("updater off: {reason}");
            builder
        }
        Err(err) => {
            tracing::error!(code = err.code(), "updater off: {err}");
            builder
        }
        Ok(UpdateSetting::On(config)) => {
            let hosts: Vec<&str> = config.endpoints.iter().filter_map(Url::host_str).collect();
            tracing::info!(?hosts, "updater on");
            builder
                .plugin(
                    tauri_plugin_updater::Builder::new()
                        .pubkey(config.pubkey.clone())
                        .build(),
                )
                .plugin(lifecycle(config))
        }
    }
}

/// Our hooks as a plugin: its own setup and run-event handlers leave the app's `setup`/`run` untouched.
fn lifecycle<R: Runtime>(config: UpdateConfig) -> TauriPlugin<R> {
    PluginBuilder::new("sohoa-updater")
        .setup(move |app, _api| {
            app.manage(Pending(Mutex::new(None)));
            let handle = app.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(err) = fetch(&handle, config).await {
                    tracing::warn!("update check failed: {err}");
                }
            });
            Ok(())
        })
        .on_event(|app, event| {
            if let RunEvent::Exit = event {
                install_pending(app);
            }
        })
        .build()
}

async fn fetch<R: Runtime>(
    app: &tauri::AppHandle<R>,
    config: UpdateConfig,
) -> tauri_plugin_updater::Result<()> {
    let updater = app
        .updater_builder()
        .endpoints(config.endpoints)?
        .pubkey(config.pubkey)
        .build()?;
    let Some(update) = updater.check().await? else {
        tracing::info!("no update available");
        return Ok(());
    };
    tracing::info!(version = %update.version, "update available, downloading");
    // `download` checks the minisign signature against the configured key before returning the bytes.
    let bytes = update.download(|_, _| {}, || {}).await?;
    tracing::info!(version = %update.version, "update downloaded and verified; installs when the app exits");
    if let Some(pending) = app.try_state::<Pending>() {
        let mut slot = pending.0.lock().unwrap_or_else(|p| p.into_inner());
        *slot = Some((update, bytes));
    }
    Ok(())
}

fn install_pending<R: Runtime>(app: &tauri::AppHandle<R>) {
    let Some(pending) = app.try_state::<Pending>() else {
        return;
    };
    let taken = pending.0.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some((update, bytes)) = taken {
        match update.install(bytes) {
            Ok(()) => tracing::info!(version = %update.version, "update installed"),
            Err(err) => tracing::error!(version = %update.version, "update not installed: {err}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A well-formed public key built here from fixed bytes: no real key is ever committed.
    fn sample_pubkey() -> String {
        let mut raw = b"Ed".to_vec();
        raw.extend([7u8; 8]);
        raw.extend([42u8; 32]);
        let file = format!(
            "untrusted comment: minisign public key: 0707070707070707\n{}\n",
            STANDARD.encode(raw)
        );
        STANDARD.encode(file)
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn nothing_configured_is_off() {
        let got = resolve(&env_of(&[]), &[]).unwrap();
        assert!(matches!(got, UpdateSetting::Off { reason } if reason.contains("no update endpoint")));
    }

    #[test]
    fn endpoint_without_key_is_off() {
        let env = env_of(&[(URL_ENV, "https://updates.example.invalid/latest.json")]);
        let got = resolve(&env, &[]).unwrap();
        assert!(
            matches!(got, UpdateSetting::Off { reason } if reason.contains("no public key")),
            "{got:?}"
        );
    }

    #[test]
    fn bad_url_is_a_clear_error() {
        let env = env_of(&[
            (URL_ENV, "updates.example.invalid/latest.json"),
            (PUBKEY_ENV, "x"),
        ]);
        let err = resolve(&env, &[]).unwrap_err();
        assert_eq!(err.code(), "update.bad_url");
        assert!(err.to_string().contains("SOHOA_UPDATE_URL"), "{err}");
        assert!(
            err.to_string().contains("updates.example.invalid/latest.json"),
            "{err}"
        );
        assert!(err.message_vi().contains("không hợp lệ"));
    }

    #[test]
    fn plain_http_is_refused() {
        let env = env_of(&[(URL_ENV, "http://updates.example.invalid/latest.json")]);
        assert_eq!(resolve(&env, &[]).unwrap_err().code(), "update.not_https");
    }

    #[test]
    fn env_endpoints_and_key_turn_it_on() {
        let key = sample_pubkey();
        let env = env_of(&[
            (
                URL_ENV,
                "https://a.example.invalid/{{target}}/{{current_version}} https://b.example.invalid/latest.json",
            ),
            (PUBKEY_ENV, &key),
        ]);
        let UpdateSetting::On(cfg) = resolve(&env, &[]).unwrap() else {
            panic!("expected the updater on");
        };
        assert_eq!(cfg.endpoints.len(), 2);
        assert_eq!(cfg.endpoints[1].host_str(), Some("b.example.invalid"));
        assert_eq!(cfg.pubkey, key);
    }

    #[test]
    fn malformed_keys_are_refused_with_the_reason() {
        let url = (URL_ENV, "https://u.example.invalid/latest.json");
        let err = resolve(&env_of(&[url, (PUBKEY_ENV, "not base64!")]), &[]).unwrap_err();
        assert_eq!(err.code(), "update.bad_pubkey");
        assert!(err.to_string().contains("not base64"), "{err}");

        let secret = STANDARD.encode("untrusted comment: rsign encrypted secret key\nRWRTY0Iy\n");
        let err = resolve(&env_of(&[url, (PUBKEY_ENV, &secret)]), &[]).unwrap_err();
        assert!(err.to_string().contains("PRIVATE"), "{err}");

        let short = STANDARD.encode(format!("untrusted comment: x\n{}\n", STANDARD.encode(b"Ed123")));
        let err = resolve(&env_of(&[url, (PUBKEY_ENV, &short)]), &[]).unwrap_err();
        assert!(err.to_string().contains("5 bytes"), "{err}");
    }

    #[test]
    fn data_dir_file_is_read_and_env_wins_over_it() {
        let tmp = tempfile::tempdir().unwrap();
        let key = sample_pubkey();
        std::fs::write(
            tmp.path().join(CONFIG_FILE),
            format!("endpoints = [\"https://file.example.invalid/latest.json\"]\npubkey = \"{key}\"\n"),
        )
        .unwrap();
        let files = config_files(Some(tmp.path()));
        let UpdateSetting::On(cfg) = resolve(&env_of(&[]), &files).unwrap() else {
            panic!("expected the file to turn the updater on");
        };
        assert_eq!(cfg.endpoints[0].host_str(), Some("file.example.invalid"));

        let env = env_of(&[(URL_ENV, "https://env.example.invalid/latest.json")]);
        let UpdateSetting::On(cfg) = resolve(&env, &files).unwrap() else {
            panic!("expected the updater on");
        };
        assert_eq!(cfg.endpoints[0].host_str(), Some("env.example.invalid"));
        assert_eq!(cfg.pubkey, key, "the key still comes from the file");
    }

    #[test]
    fn unknown_or_broken_file_is_an_error_naming_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(CONFIG_FILE);
        std::fs::write(&path, "endpoint = \"https://typo.example.invalid\"\n").unwrap();
        let err = resolve(&env_of(&[]), std::slice::from_ref(&path)).unwrap_err();
        assert_eq!(err.code(), "update.config_file");
        assert!(err.to_string().contains(&path.display().to_string()), "{err}");
        assert!(err.to_string().contains("endpoint"), "{err}");
    }
}
